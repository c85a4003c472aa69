import { describe, expect, it } from 'vitest';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { zhCN } from '../../services/console/web/i18n/zh-CN.ts';
import { en } from '../../services/console/web/i18n/en.ts';
import {
  beijingIso,
  COMMON_FIELDS,
  EVENT_FIELDS,
  eventFieldsShown,
  formValuesOf,
  replacementOf,
  type StoredEvent,
} from '../../services/console/web/model/event-fields.ts';

/** Every event type's own fields, as the API's schema has them. */
function schemaFields(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const option of MetricEventSchema.options) {
    const shape = option.shape;
    const type = (shape.type as unknown as { value: string }).value;
    out[type] = Object.keys(shape).filter((key) => !['eventId', 'type', ...COMMON_FIELDS].includes(key));
  }
  return out;
}

describe('the correction form’s fields of each event type', () => {
  it('are the fields of the API’s event schema, every type, each labelled in both languages', () => {
    const fromSchema = schemaFields();
    expect(Object.keys(EVENT_FIELDS).sort()).toEqual(Object.keys(fromSchema).sort());
    for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
      // The corrections page and the explain table name every type: a missing label crashed the page.
      expect(zhCN).toHaveProperty([`eventType.${type}`]);
      expect(en).toHaveProperty([`eventType.${type}`]);
      expect(fields.map((f) => f.key).sort(), type).toEqual([...(fromSchema[type] ?? [])].sort());
      for (const field of fields) {
        expect(zhCN).toHaveProperty([`eventField.${field.key}`]);
        for (const choice of field.choices ?? []) {
          expect(zhCN).toHaveProperty([`${field.choicePrefix}.${choice}`]);
          expect(en).toHaveProperty([`${field.choicePrefix}.${choice}`]);
        }
      }
    }
    for (const key of COMMON_FIELDS) expect(zhCN).toHaveProperty([`eventField.${key}`]);
  });

  it('start from the stored event, its time in Beijing time, and send back a valid replacement without its eventId', () => {
    const stored: StoredEvent = {
      eventId: 'x1',
      crewId: 'C4',
      type: 'incident',
      occurredAt: '2026-03-05T02:00:00.000Z',
      severity: 'serious_injury',
    };
    const values = formValuesOf(stored);
    expect(values).toEqual({
      crewId: 'C4',
      occurredAt: '2026-03-05T10:00:00+08:00',
      note: '',
      severity: 'serious_injury',
    });
    const replacement = replacementOf(stored, { ...values, severity: 'near_miss' });
    expect(replacement).toEqual({
      type: 'incident',
      crewId: 'C4',
      occurredAt: '2026-03-05T10:00:00+08:00',
      severity: 'near_miss',
    });
    expect(MetricEventSchema.safeParse({ ...replacement, eventId: 'fix-1' }).success).toBe(true);
  });

  it('leaves blank optional fields out and sends a blank required one as null, so the API names its field', () => {
    const sale: StoredEvent = {
      eventId: 's1',
      crewId: 'C1',
      type: 'sales',
      occurredAt: '2026-03-05T02:00:00Z',
      volume: 1200,
      unit: 'litres',
      product: '92#',
    };
    const replacement = replacementOf(sale, { ...formValuesOf(sale), volume: null, product: '  ', note: ' 补录 ' });
    expect(replacement).toEqual({
      type: 'sales',
      crewId: 'C1',
      occurredAt: '2026-03-05T10:00:00+08:00',
      note: '补录',
      volume: null,
      unit: 'litres',
    });
    const parsed = MetricEventSchema.safeParse({ ...replacement, eventId: 'fix-1' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['volume']);
  });

  it('shows an event’s own fields in order, and keeps a time it cannot read as it is', () => {
    expect(
      eventFieldsShown({
        eventId: 'v1',
        crewId: 'C2',
        type: 'violation',
        occurredAt: '',
        kind: 'operation',
        personCount: 2,
      }),
    ).toEqual([
      { key: 'kind', value: 'operation' },
      { key: 'personCount', value: 2 },
    ]);
    expect(eventFieldsShown({ eventId: 'q', crewId: 'C2', type: 'unknown', occurredAt: '' })).toEqual([]);
    expect(beijingIso('not a time')).toBe('not a time');
  });
});

describe('an assessment’s evidence in the correction form', () => {
  it('shows the references in one box and sends them back as a list', () => {
    const stored: StoredEvent = {
      eventId: 'chk-1',
      crewId: 'C1',
      type: 'assessment',
      occurredAt: '2026-03-03T02:00:00.000Z',
      itemId: 'ledger',
      findings: 2,
      inspector: '王检查',
      evidence: ['photo-17', 'photo-18'],
    };
    const values = formValuesOf(stored);
    expect(values['evidence']).toBe('photo-17; photo-18');
    const replacement = replacementOf(stored, { ...values, evidence: 'photo-17；photo-19 ; ' });
    expect(replacement).toMatchObject({ type: 'assessment', evidence: ['photo-17', 'photo-19'], findings: 2 });
    expect(MetricEventSchema.safeParse({ ...replacement, eventId: 'fix-1' }).success).toBe(true);
  });
});
