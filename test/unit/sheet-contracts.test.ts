import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { Org } from '../../schemas/org.schema.ts';

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

const inspection = {
  eventId: 'chk-1',
  crewId: 'C1',
  type: 'assessment',
  occurredAt: '2026-03-10T09:00:00+08:00',
  itemId: 'ledger',
  findings: 2,
  inspector: '王检查',
  evidence: ['photo-1', 'photo-2'],
};

describe('assessment event (安全检查/考核)', () => {
  it('takes findings or points, an inspector and evidence references', () => {
    expect(MetricEventSchema.safeParse(inspection).success).toBe(true);
    const points = { ...inspection, findings: undefined, points: 1.5, personId: 'P7' };
    expect(MetricEventSchema.parse(points)).toMatchObject({ points: 1.5, personId: 'P7' });
    // evidence defaults to none
    expect(MetricEventSchema.parse({ ...inspection, evidence: undefined })).toMatchObject({ evidence: [] });
  });

  it('refuses both findings and points, or neither, at their path, with the other problems at once', () => {
    expect(issuesOf(MetricEventSchema.safeParse({ ...inspection, points: 1 }))).toEqual([
      'points: 只填发现问题数或直接评分之一 / give findings or points, not both',
    ]);
    const neither = { ...inspection, findings: undefined, evidence: ['a\u0000'] };
    expect(issuesOf(MetricEventSchema.safeParse(neither))).toEqual([
      expect.stringMatching(/^evidence\.0: /),
      'findings: 缺少发现问题数或直接评分 / give findings (a count) or points',
    ]);
    expect(issuesOf(MetricEventSchema.safeParse({ ...inspection, findings: 1.5, evidence: ['a\u0000'] }))).toEqual([
      expect.stringMatching(/^findings: /),
      expect.stringMatching(/^evidence\.0: /),
    ]);
  });

  it("personId is not offered on events that are not a person's (incident)", () => {
    const incident = {
      eventId: 'i1',
      crewId: 'C1',
      type: 'incident',
      occurredAt: inspection.occurredAt,
      severity: 'minor_injury',
    };
    expect(MetricEventSchema.safeParse(incident).success).toBe(true);
    expect(MetricEventSchema.safeParse({ ...incident, personId: 'P1' }).success).toBe(false);
  });
});

const base: CompetitionInput = {
  name: { zh: '安康杯', en: 'Ankang Cup' },
  kind: 'ankang',
  period: { start: '2026-01-01', end: '2026-12-31' },
  indicators: [],
};

describe('competition sheet (考核细则), gates and grades', () => {
  it('keeps a definition without a sheet as it was (crews, no gates)', () => {
    const plain = Competition.parse({
      ...base,
      indicators: [
        { id: 'x', name: { zh: 'x', en: 'x' }, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit: 1 } },
      ],
    });
    expect(plain).toMatchObject({ entrants: 'crew', gates: [] });
    expect(plain.sheet).toBeUndefined();
  });

  it('needs an indicator or a sheet', () => {
    expect(issuesOf(Competition.safeParse(base))).toEqual([
      'indicators: 至少需要一个指标或一份考核细则 / give at least one indicator, or a sheet',
    ]);
  });

  it('reports every problem of a sheet at once, each at its path', () => {
    const result = Competition.safeParse({
      ...base,
      entrants: 'unit',
      indicators: [
        { id: 'days', name: { zh: '安全天数', en: 'safe days' }, rule: { kind: 'safety_days', pointsPerDay: 0.1 } },
        { id: 'loose', name: { zh: '未归类', en: 'loose' }, rule: { kind: 'safety_days', pointsPerDay: 0.1 } },
      ],
      sheet: {
        categories: [
          {
            id: 'org',
            name: { zh: '组织领导', en: 'leadership' },
            maxPoints: 12,
            items: [
              { id: 'a', name: { zh: '机构', en: 'a' }, maxPoints: 3, deduction: { kind: 'per_finding', points: 1 } },
              { id: 'a', name: { zh: '重复', en: 'a' }, maxPoints: 3, deduction: { kind: 'escalating', steps: [] } },
            ],
            indicatorIds: ['days', 'nope'],
          },
          { id: 'org', name: { zh: '重复类别', en: 'dup' }, maxPoints: 0 },
        ],
        bonus: { cap: 4, items: [{ id: 'days', name: { zh: '加分', en: 'b' }, maxPoints: 2 }] },
      },
      gates: [
        { id: 'g', name: { zh: '总分', en: 'total' }, rule: { kind: 'min_total', points: 80 } },
        { id: 'g', name: { zh: '得分率', en: 'rate' }, rule: { kind: 'min_category_rate', percent: 120 } },
      ],
      grades: {
        kind: 'thresholds',
        levels: [
          { id: 'win', name: { zh: '优胜单位', en: 'winner' }, minTotal: 95 },
          { id: 'best', name: { zh: '先进单位', en: 'best' }, minTotal: 98 },
        ],
      },
    });
    expect(issuesOf(result)).toEqual([
      expect.stringMatching(/^sheet\.categories\.0\.items\.1\.deduction\.steps: /),
      expect.stringMatching(/^sheet\.categories\.1\.maxPoints: /),
      expect.stringMatching(/^gates\.1\.rule\.percent: /),
      'sheet.categories.0.items.1.id: 考核项目编号 "a" 重复（已用于 sheet.categories.0.items.0.id）/ id "a" is used twice',
      'sheet.categories.0.indicatorIds.1: 未知的指标 / unknown indicator "nope"',
      'sheet.categories.1.id: 考核项目编号 "org" 重复（已用于 sheet.categories.0.id）/ id "org" is used twice',
      'sheet.categories: 指标 "loose" 不在任何类别中：有考核细则时每个指标都要归入一个类别 / indicator "loose" is in no category',
      'gates.1.id: duplicate gate id "g"',
      'grades.levels.1.minTotal: 等级按分数线从高到低排列 / levels go from the highest minTotal down (98 ≥ 95)',
    ]);
  });

  it('takes places and shares', () => {
    const sheet = {
      categories: [
        {
          id: 'c',
          name: { zh: '类', en: 'c' },
          maxPoints: 10,
          items: [{ id: 'i', name: { zh: '项', en: 'i' }, maxPoints: 10, deduction: { kind: 'fixed', points: 3 } }],
        },
      ],
    };
    const places = { kind: 'places', levels: [{ id: 'first', name: { zh: '一等奖', en: '1st' }, count: 3 }] };
    expect(Competition.safeParse({ ...base, sheet, grades: places }).success).toBe(true);
    const shares = {
      kind: 'share',
      levels: [
        { id: 'top', name: { zh: '前 10%', en: 'top 10%' }, percent: 60 },
        { id: 'next', name: { zh: '次', en: 'next' }, percent: 50 },
      ],
    };
    expect(issuesOf(Competition.safeParse({ ...base, sheet, grades: shares }))).toEqual([
      'grades.levels: 比例合计 110% 超过 100% / shares add up to over 100%',
    ]);
  });
});

describe('persons in the registry', () => {
  it('name a crew of the registry and hold no more than a name, employee number and job', () => {
    const org = {
      branches: [{ id: 'B1', name: '一分公司' }],
      units: [{ id: 'U1', branchId: 'B1', name: '一站', type: 'station' }],
      crews: [{ id: 'C1', unitId: 'U1', name: '一班', headcount: 5 }],
      persons: [
        { id: 'P1', crewId: 'C1', name: '张三', employeeNumber: '0001', job: '加油员' },
        { id: 'P2', crewId: 'C9', name: '李四' },
        { id: 'P1', crewId: 'C1', name: '王五', phone: '13800000000' },
      ],
    };
    expect(issuesOf(Org.safeParse(org))).toEqual([
      expect.stringMatching(/^persons\.2: .*phone/),
      'persons.2.id: duplicate id "P1"',
      'persons.1.crewId: unknown crew "C9"',
    ]);
    const twice = [org.persons[0], org.persons[1], { ...org.persons[0], name: '王五' }];
    expect(issuesOf(Org.safeParse({ ...org, persons: twice }))).toEqual([
      'persons.2.id: duplicate id "P1"',
      'persons.1.crewId: unknown crew "C9"',
    ]);
    expect(Org.parse({ ...org, persons: undefined }).persons).toEqual([]);
  });
});
