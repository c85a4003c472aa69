import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  LIMITS,
  LINE_PATTERN,
  NAME_PATTERN,
  SafeLine,
  SafeName,
  SafeText,
  TEXT_PATTERN,
  boundedNumber,
  closestField,
  strictObject,
  textProblem,
} from '../../schemas/common.schema.ts';
import { zodIssuesToFieldErrors } from '../../services/shared/errors.ts';

const samples = [
  '杭州分公司',
  '西湖 乙班 🚒',
  'West Lake B (night)',
  '-10#',
  '92#',
  '=SUM(A1)',
  '+1',
  '@x',
  ' -x',
  '\u3000=x',
  'a\tb',
  'a\nb',
  'a\r\nb',
  '\t',
  '',
  '   ',
  '\u200b',
  '\u200d\u2060\ufeff\u00ad',
  '\u3164',
  'a\u0000',
  'a\u0007b',
  'a\u007f',
  'a\u0085',
  'x\u202ey',
  'x\u2066y',
  'x\u200ey',
  '92\ud800',
  '\udc00',
  '\ud83d\ude92',
  'a\u034fb',
];

describe('text rules: one pattern decides, textProblem says why', () => {
  it.each([
    ['text', TEXT_PATTERN],
    ['line', LINE_PATTERN],
    ['name', NAME_PATTERN],
  ] as const)('%s: the pattern and the explanation agree on every sample', (kind, pattern) => {
    for (const sample of samples) {
      const problem = textProblem(sample, kind);
      // The empty name is refused by its minimum length, not by the pattern.
      if (kind === 'name' && sample === '') continue;
      expect([sample, pattern.test(sample)]).toEqual([sample, problem === undefined]);
    }
  });

  it.each([
    ['92\ud800', 'line', '第 3 个字符是孤立的 UTF-16 代理项 U+D800'],
    ['a\u0000', 'text', '第 2 个字符是控制字符 U+0000'],
    ['a\u0085', 'text', 'control character U+0085'],
    ['x\u202ey', 'name', 'bidirectional control U+202E'],
    ['a\nb', 'line', 'character 2 is a line break; this field is a single line'],
    ['\u200b\u3000', 'name', 'not only spaces or invisible ones'],
    ['\u3000=x', 'name', 'this one starts with ='],
  ] as const)('%j as %s: %s', (text, kind, says) => {
    expect(textProblem(text, kind)).toContain(says);
  });

  it('counts characters as people do: an emoji before the problem is one character', () => {
    expect(textProblem('🚒\u0000', 'text')).toContain('character 2 ');
  });

  it('gives the bounds and the reason in Chinese and English', () => {
    const issues = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => i.message);
    expect(issues(SafeName(), '')).toEqual(['不能为空 / must not be empty']);
    expect(issues(SafeName(5), '甲乙丙丁戊己')).toEqual(['不能超过 5 个字符 / at most 5 characters']);
    expect(issues(SafeText(), 'ok\n=still ok')).toBeUndefined();
    expect(issues(SafeLine(), '-10#')).toBeUndefined();
  });
});

describe('bounded numbers', () => {
  const volume = boundedNumber(0, LIMITS.volume);
  const persons = boundedNumber(1, LIMITS.persons, { int: true });
  const target = boundedNumber(0, LIMITS.target, { exclusiveMin: true });

  it.each([
    [volume, 0, true],
    [volume, LIMITS.volume, true],
    [volume, LIMITS.volume + 0.001, false],
    [volume, 1e308, false],
    [volume, Infinity, false],
    [volume, Number.NaN, false],
    [volume, -0.001, false],
    [persons, 1.5, false],
    [persons, 10_000, true],
    [target, 0, false],
    [target, 0.5, true],
  ] as const)('%#: %s is %s', (schema, value, ok) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });

  it('says the range, also for Infinity (JSON 1e400) and for text', () => {
    expect(volume.safeParse(Infinity).error?.issues[0]?.message).toBe(
      '必须是不小于 0、不大于 1,000,000 的数 / must be a number at least 0 and at most 1,000,000',
    );
    expect(persons.safeParse(0).error?.issues[0]?.message).toContain('whole number at least 1 and at most 10,000');
    expect(target.safeParse(0).error?.issues[0]?.message).toContain('greater than 0');
    expect(volume.safeParse('12').error?.issues[0]?.message).toBe('必须是数字 / must be a number, not the text "12"');
  });
});

describe('unknown fields', () => {
  const known = ['personCount', 'amountCny', 'headcount', 'pointsEach', 'pointsPerUnit', 'name', 'kind'];

  it.each([
    ['personcount', 'personCount'],
    ['person_count', 'personCount'],
    ['amountCNY', 'amountCny'],
    ['headCount', 'headcount'],
    ['pointEach', 'pointsEach'],
    ['pointsPerUnti', 'pointsPerUnit'],
    ['nmae', 'name'],
    ['colour', undefined],
    ['id', undefined],
    ['kid', 'kind'],
    ['xy', undefined],
  ])('%s → %s', (unknown, meant) => {
    expect(closestField(unknown, known)).toBe(meant);
  });

  it('reports every unknown key at its own path, with the field it was probably meant to be', () => {
    const schema = strictObject({ crews: z.array(strictObject({ headcount: z.number(), name: z.string() })) });
    const result = schema.safeParse({ crews: [{ headcount: 1, name: 'a', headCount: 2, colour: 'red' }], crewz: [] });
    expect(zodIssuesToFieldErrors(result.error?.issues ?? [])).toEqual([
      {
        path: 'crews[0].headCount',
        message: '未知字段 "headCount"，是否应为 "headcount"？/ unknown field "headCount": did you mean "headcount"?',
      },
      {
        path: 'crews[0].colour',
        message:
          '未知字段 "colour"，可用字段：headcount, name / unknown field "colour"; the fields are headcount, name',
      },
      { path: 'crewz', message: expect.stringContaining('did you mean "crews"?') },
    ]);
  });

  it('documents the strictness in the JSON Schema, so a station’s validator refuses them too', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(
      z.toJSONSchema(strictObject({ name: SafeName(), note: SafeText().optional() }), { io: 'input' }),
    );
    expect(validate({ name: '甲班' })).toBe(true);
    expect(validate({ name: '甲班', nmae: 'x' })).toBe(false);
    expect(validate({ name: '=1+1' })).toBe(false);
    expect(validate({ name: '甲班', note: 'x\ud800' })).toBe(false);
    expect(validate({ name: '甲班', note: '第一行\n第二行' })).toBe(true);
  });
});
