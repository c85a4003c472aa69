import { describe, expect, it } from 'vitest';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { Crew } from '../../schemas/org.schema.ts';
import { zodIssuesToFieldErrors } from '../../services/shared/errors.ts';

/**
 * zod's own messages reach organisers (console, CLI, import reports) and integrators; like every
 * other message of the product they read "中文 / English". Checked through the product's schemas,
 * so this fails if the configuration is not installed wherever a schema is imported.
 */
const errors = (result: {
  success: boolean;
  error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
}) => zodIssuesToFieldErrors(result.error?.issues ?? []);

const sale = {
  eventId: 'e1',
  crewId: 'C1',
  type: 'sales',
  occurredAt: '2026-03-01T09:00:00+08:00',
  unit: 'litres',
  volume: 10,
};

describe("zod's own messages", () => {
  it.each([
    [
      'an empty crew id',
      { ...sale, crewId: '' },
      'crewId',
      '不能为空 / Too small: expected string to have >=1 characters',
    ],
    [
      'a crew id too long',
      { ...sale, crewId: 'C'.repeat(129) },
      'crewId',
      '最多 128 个字符 / Too big: expected string to have <=128 characters',
    ],
    [
      'a missing crew',
      { ...sale, crewId: undefined },
      'crewId',
      '必填 / Invalid input: expected string, received undefined',
    ],
    [
      'an unknown type',
      { ...sale, type: 'sale' },
      'type',
      expect.stringMatching(/^类型只能是 'sales' \| .+ \/ Invalid discriminator value/),
    ],
  ])('%s', (_what, event, path, message) => {
    expect(errors(MetricEventSchema.safeParse(event))).toContainEqual({ path, message });
  });

  it("falls back to zod's zh-CN wording for what the product has no words of its own for", () => {
    const found = errors(Crew.safeParse({ id: 'C1', unitId: 'U1', name: '甲班', headcount: 1.5 }));
    expect(found).toHaveLength(1);
    const [zh, en] = (found[0]?.message ?? '').split(' / ');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e]+$/);
  });

  it("leaves the schemas' own messages as they are", () => {
    const found = errors(MetricEventSchema.safeParse({ ...sale, occurredAt: '2026-03-01T09:00:00' }));
    expect(found.map((e) => e.path)).toEqual(['occurredAt']);
    expect(found[0]?.message).not.toMatch(/ \/ .* \/ /);
  });
});
