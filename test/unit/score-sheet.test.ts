import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import type { IncidentSeverity } from '../../schemas/event.schema.ts';
import type { SheetDeduction } from '../../schemas/sheet.schema.ts';
import { computeStandings } from '../../services/scoring/engine/compute-standings.ts';
import { Sheet, sheetProblems } from '../../schemas/sheet.schema.ts';
import { deductionFor, scoreSheet } from '../../services/scoring/engine/score-sheet.ts';
import type { CrewFacts, CrewProfile } from '../../services/scoring/engine/types.ts';

/**
 * 考核细则 scoring with numbers worked by hand on two published sheets:
 * - 安康杯单位考核: "“安康杯”竞赛活动考核指标", https://m.bdocx.com/doc/5565083.html (组织领导 12,
 *   安全管理 35, 劳动保护与职业健康 25, 基层组织安全生产建设 15, 群众监督参与 13; 鼓励项 4; 否决项
 *   "未组织开展竞赛活动，一票否决"; 基本条件: 无重伤及以上, 自评 ≥ 80, 单项得分率 ≥ 80 %).
 * - 安康杯班组考核: "班组建设考核标准及细则", https://365docx.com/view/58a9fcf940.html (安全事故管理 25:
 *   三违一人次扣5分, 轻伤一人次扣10分, 非伤事故每起扣10分, 重伤取消评定资格; 安全质量标准化 10;
 *   隐患排查 5; 安全培训 10).
 * The sheets are the templates in schemas/examples/templates/, read as organisers would apply them.
 */
function template(name: string) {
  const file = parse(readFileSync(new URL(`../../schemas/examples/templates/${name}`, import.meta.url), 'utf8')) as {
    id?: unknown;
  };
  const { id, ...definition } = file;
  expect(id).toEqual(expect.any(String));
  return Competition.parse(definition);
}

const crew = (crewId: string, unitId: string): CrewProfile => ({
  crewId,
  crewName: `${crewId} 班`,
  unitId,
  unitName: `${unitId} 站`,
  unitType: 'station',
  branchId: 'B1',
  branchName: '一分公司',
  headcount: 5,
});

/** Facts from inspections per item (findings), bonus findings, incidents and 三违 person-times. */
function facts(spec: {
  findings?: Record<string, number>;
  incidents?: Partial<Record<IncidentSeverity, number>>;
  violationPersons?: number;
}): CrewFacts {
  const metrics: Record<string, number> = {};
  for (const [item, n] of Object.entries(spec.findings ?? {})) metrics[`assessment.${item}.findings`] = n;
  for (const [s, n] of Object.entries(spec.incidents ?? {})) metrics[`incident.${s}`] = n;
  if (spec.violationPersons) metrics['violation.operation.persons'] = spec.violationPersons;
  const lastIncidentDay = Object.fromEntries(Object.keys(spec.incidents ?? {}).map((s) => [s, '2026-05-01']));
  return { metrics, lastIncidentDay, hazards: { found: 0, rectified: 0 }, innovations: [] };
}

describe('deductions: per finding, fixed, escalating (−1, −3 警告, −5 黄牌)', () => {
  it.each<[SheetDeduction, number, number]>([
    [{ kind: 'per_finding', points: 1 }, 3, 3],
    [{ kind: 'fixed', points: 3 }, 4, 3],
    [{ kind: 'fixed', points: 3 }, 0, 0],
    [{ kind: 'escalating', steps: [1, 3, 5] }, 1, 1],
    [{ kind: 'escalating', steps: [1, 3, 5] }, 2, 4],
    [{ kind: 'escalating', steps: [1, 3, 5] }, 3, 9],
    // the 4th and later findings cost the last step again: 1 + 3 + 5 + 5
    [{ kind: 'escalating', steps: [1, 3, 5] }, 4, 14],
  ])('%o with %i findings costs %i', (rule, findings, points) => {
    expect(deductionFor(rule, findings)).toBe(points);
  });
});

type Row = [
  unit: string,
  total: number,
  categories: number[],
  bonus: number,
  failedGates: string[],
  grade: string | null,
  gradeRank: number | null,
];

describe('安康杯单位考核细则 (100 points, five categories, gates, grades)', () => {
  const competition = template('ankang-unit-sheet.yaml');
  // Each unit has two crews; a unit's inspections are the sum of its crews'.
  const units: Record<string, [CrewFacts, CrewFacts]> = {
    // Full marks; bonus 2 honours (2 × 2) + 3 practices (3 × 1) = 7, capped at 4 → 104.
    UA: [facts({ findings: { 'bonus-honour': 2 } }), facts({ findings: { 'bonus-practice': 3 } })],
    // 组织领导 12 − 2 − 1 = 9 (75 % < 80 %: the category gate fails); 安全管理 35 − 3 = 32;
    // bonus 1 → 9 + 32 + 25 + 15 + 13 + 1 = 95, no grade.
    UB: [
      facts({ findings: { 'org-structure': 2, 'safety-other': 1 } }),
      facts({ findings: { 'org-plan': 1, 'safety-other': 2, 'bonus-practice': 1 } }),
    ],
    // 安全管理 35 − 4 = 31 (88.57 %), 劳动保护 25 − 2 = 23, 群众监督 13 − 1 = 12 → 93 → 达标.
    UC: [
      facts({ findings: { 'safety-other': 4 } }),
      facts({ findings: { 'protection-other': 2, 'supervision-other': 1 } }),
    ],
    // A serious injury: 100 points, but the no-serious-injury gate fails → no grade.
    UD: [facts({ incidents: { serious_injury: 1 } }), facts({})],
    // 组织领导: 5 findings on a 3-point item cost 3, not 5 (floor at zero per item) → 9 (75 %);
    // bonus 1 honour = 2 → 9 + 35 + 25 + 15 + 13 + 2 = 99, category gate fails.
    UF: [facts({ findings: { 'org-structure': 5 } }), facts({ findings: { 'bonus-honour': 1 } })],
    // 安全管理 35 − 4 = 31; bonus 1 → 12 + 31 + 25 + 15 + 13 + 1 = 97 → 优胜单位.
    UG: [facts({ findings: { 'safety-other': 4, 'bonus-practice': 1 } }), facts({})],
    // 安全管理 35 − 1 = 34; 基层组织 15 − 1 = 14 → 98 → 先进单位 (98 ≥ 98).
    UH: [facts({ findings: { 'safety-other': 1 } }), facts({ findings: { 'grassroots-other': 1 } })],
    // 否决项 "未组织开展竞赛活动" recorded → disqualified: total 0 (so below 80 too), no grade.
    UV: [facts({ findings: { 'veto-no-activity': 1 } }), facts({})],
  };
  const crews = Object.keys(units).flatMap((u) => [crew(`${u}-1`, u), crew(`${u}-2`, u)]);
  const crewFacts = new Map(Object.entries(units).flatMap(([u, [a, b]]) => [[`${u}-1`, a], [`${u}-2`, b] as const]));
  const rows = computeStandings({ competition, asOf: '2026-12-31', crews, facts: crewFacts, targets: new Map() });

  it.each<Row>([
    ['UA', 104, [12, 35, 25, 15, 13], 4, [], '先进单位', 1],
    ['UB', 95, [9, 32, 25, 15, 13], 1, ['category-80'], null, null],
    ['UC', 93, [12, 31, 23, 15, 12], 0, [], '达标', 1],
    ['UD', 100, [12, 35, 25, 15, 13], 0, ['no-serious-injury'], null, null],
    ['UF', 99, [9, 35, 25, 15, 13], 2, ['category-80'], null, null],
    ['UG', 97, [12, 31, 25, 15, 13], 1, [], '优胜单位', 1],
    ['UH', 98, [12, 34, 25, 14, 13], 0, [], '先进单位', 2],
    ['UV', 0, [12, 35, 25, 15, 13], 0, ['total-80'], null, null],
  ])(
    '%s: total %d, categories %o, bonus %d, failed gates %o, grade %s (#%s in grade)',
    (unit, total, categories, bonus, failed, grade, gradeRank) => {
      const row = rows.find((r) => r.crew.crewId === unit);
      expect(row?.crew).toMatchObject({ crewName: `${unit} 站`, unitId: unit, headcount: 10 });
      expect(row?.score).toBe(total);
      expect(row?.sheet?.categories.map((c) => c.points)).toEqual(categories);
      expect(row?.sheet?.bonus?.points).toBe(bonus);
      expect(row?.sheet?.gates.filter((g) => !g.passed).map((g) => g.gateId)).toEqual(failed);
      expect(row?.sheet?.grade?.name.zh ?? null).toBe(grade);
      expect(row?.sheet?.gradeRank).toBe(gradeRank);
    },
  );

  it('explains each item, rate and gate', () => {
    const ub = rows.find((r) => r.crew.crewId === 'UB')?.sheet;
    expect(ub?.categories[0]).toEqual({
      categoryId: 'leadership',
      points: 9,
      maxPoints: 12,
      rate: 75,
      items: [
        { itemId: 'org-structure', findings: 2, deducted: 2, points: 1 },
        { itemId: 'org-plan', findings: 1, deducted: 1, points: 4 },
        { itemId: 'leadership-other', findings: 0, deducted: 0, points: 4 },
      ],
      indicators: [],
    });
    expect(ub?.categories[1]?.rate).toBe(91.43); // 32 / 35
    expect(ub?.gates.find((g) => g.gateId === 'category-80')?.reason.zh).toBe('得分率低于 80%：组织领导 75%');
    expect(ub?.eligible).toBe(false);
    const uv = rows.find((r) => r.crew.crewId === 'UV');
    expect(uv?.disqualified).toBe(true);
    expect(uv?.rank).toBeNull();
    expect(uv?.vetoes.map((v) => [v.vetoId, v.reason.zh])).toEqual([['veto-no-activity', '否决项发现 1 处']]);
  });

  it('ranks by total; grade ranks within the grade', () => {
    expect(rows.map((r) => [r.crew.crewId, r.rank])).toEqual([
      ['UA', 1],
      ['UD', 2],
      ['UF', 3],
      ['UH', 4],
      ['UG', 5],
      ['UB', 6],
      ['UC', 7],
      ['UV', null],
    ]);
  });
});

describe('安康杯班组考核细则 (counted events, floors, escalation, zero-三违 gate, places)', () => {
  const competition = template('ankang-crew-sheet.yaml');
  const crews = ['K1', 'K2', 'K3', 'K4', 'K5'].map((id) => crew(id, 'U1'));
  const crewFacts = new Map<string, CrewFacts>([
    // 三违 2 person-times (−10), 轻伤 1 (−10), 非伤事故 1 (−10): 25 − 30 → 0 (category floor) → 0 + 10 + 5 + 10 = 25;
    // with 三违 it is not eligible. Places go to the eligible by rank: K4 一等奖, K2 二等奖.
    ['K1', facts({ violationPersons: 2, incidents: { minor_injury: 1 }, findings: { 'non-injury-accident': 1 } })],
    // 隐患重复通报 twice: −1 then −3 (警告) → 隐患排查 5 − 4 = 1; 文明生产 once −2 → 8 → 25 + 8 + 1 + 10 = 44.
    ['K2', facts({ findings: { 'hazard-repeat': 2, 'tidy-site': 1 } })],
    // 三违 1 person-time −5 → 20; 班组长缺培训 once −4 → 6 → 20 + 10 + 5 + 6 = 41; zero-三违 gate fails.
    ['K3', facts({ violationPersons: 1, findings: { 'leader-training': 1 } })],
    // 安全设施 不规范 2 (−2) and 不使用 1 (−3) → 10 − 5 = 5 → 25 + 5 + 5 + 10 = 45.
    ['K4', facts({ findings: { 'safety-devices': 2, 'safety-devices-unused': 1 } })],
    // 重伤: the veto disqualifies (扣全部分数、取消评定资格).
    ['K5', facts({ incidents: { serious_injury: 1 } })],
  ]);
  const rows = computeStandings({ competition, asOf: '2026-12-31', crews, facts: crewFacts, targets: new Map() });

  it.each<Row>([
    ['K4', 45, [25, 5, 5, 10], 0, [], '一等奖', 1],
    ['K2', 44, [25, 8, 1, 10], 0, [], '二等奖', 1],
    ['K3', 41, [20, 10, 5, 6], 0, ['zero-violations'], null, null],
    ['K1', 25, [0, 10, 5, 10], 0, ['zero-violations'], null, null],
    ['K5', 0, [25, 10, 5, 10], 0, [], null, null],
  ])(
    '%s: total %d, categories %o, bonus %d, failed gates %o, grade %s (#%s in grade)',
    (id, total, categories, _bonus, failed, grade, gradeRank) => {
      const row = rows.find((r) => r.crew.crewId === id);
      expect(row?.score).toBe(total);
      expect(row?.sheet?.categories.map((c) => c.points)).toEqual(categories);
      expect(row?.sheet?.bonus).toBeNull();
      expect(row?.sheet?.gates.filter((g) => !g.passed).map((g) => g.gateId)).toEqual(failed);
      expect(row?.sheet?.grade?.name.zh ?? null).toBe(grade);
      expect(row?.sheet?.gradeRank).toBe(gradeRank);
    },
  );

  it('counts 三违 person-times and injuries as findings of their items', () => {
    const k1 = rows.find((r) => r.crew.crewId === 'K1')?.sheet?.categories[0];
    expect(k1?.items).toEqual([
      { itemId: 'violations', findings: 2, deducted: 10, points: 15 },
      { itemId: 'minor-injury', findings: 1, deducted: 10, points: 15 },
      { itemId: 'non-injury-accident', findings: 1, deducted: 10, points: 15 },
    ]);
    expect(k1?.points).toBe(0);
  });
});

/**
 * A category with items and indicators, worked by hand. 安全管理 35: 安全制度 up to 10 (1 per
 * finding), 安全台账 up to 5 (3 once), and two indicators (their points after weight: 隐患整改率,
 * 安全天数). The items are worth their own maxima, 15; the indicators add; the category stays
 * within [0, 35]. Before, the items started at 35, so the category showed 35/35 whatever the
 * indicators gave.
 */
describe('a category with items and indicators', () => {
  const sheet = Sheet.parse({
    categories: [
      {
        id: 'safety',
        name: { zh: '安全管理', en: 'Safety' },
        maxPoints: 35,
        items: [
          {
            id: 'rules',
            name: { zh: '安全制度', en: 'Rules' },
            maxPoints: 10,
            deduction: { kind: 'per_finding', points: 1 },
          },
          {
            id: 'ledger',
            name: { zh: '安全台账', en: 'Ledger' },
            maxPoints: 5,
            deduction: { kind: 'fixed', points: 3 },
          },
        ],
        indicatorIds: ['rate', 'days'],
      },
      {
        id: 'accidents',
        name: { zh: '安全事故管理', en: 'Accidents' },
        maxPoints: 25,
        items: [
          { id: 'v', name: { zh: '三违', en: 'V' }, maxPoints: 25, deduction: { kind: 'per_finding', points: 5 } },
          { id: 'm', name: { zh: '轻伤', en: 'M' }, maxPoints: 25, deduction: { kind: 'per_finding', points: 10 } },
        ],
      },
    ],
  });
  it.each<[string, Record<string, number>, [number, number], [number, number, number, number]]>([
    // 15 − 0 + 8.9 + 4 = 27.9 (79.71 %)
    ['nothing found', {}, [8.9, 4], [27.9, 79.71, 25, 100]],
    // 15 − 2 − 3 = 10; + 12.9 = 22.9 (65.43 %); 三违 ×1: 25 − 5 = 20
    ['two rule findings and the ledger', { rules: 2, ledger: 1, v: 1 }, [8.9, 4], [22.9, 65.43, 20, 80]],
    // 15 − 0 + 25 = 40 → 35 (the category's maximum); 三违 ×2 and 轻伤 ×1 share 25: 25 − 10 − 10 = 5
    ['indicators past the rest of the category', { v: 2, m: 1 }, [20, 5], [35, 100, 5, 20]],
    // rules lose at most 10, the ledger 3: 15 − 13 = 2; + 0.5 = 2.5; 轻伤 ×3: 30 > 25 → 0
    ['items losing all they can', { rules: 20, ledger: 4, m: 3 }, [0.5, 0], [2.5, 7.14, 0, 0]],
  ])('%s', (_name, findings, [rate, days], [safety, safetyRate, accidents, accidentsRate]) => {
    const result = scoreSheet(
      sheet,
      facts({ findings }),
      new Map([
        ['rate', rate],
        ['days', days],
      ]),
    );
    expect(result.categories.map((c) => [c.points, c.rate])).toEqual([
      [safety, safetyRate],
      [accidents, accidentsRate],
    ]);
  });

  it('refuses items whose maxima leave its indicators nothing, at the category’s items, in Chinese and English', () => {
    const full = {
      categories: [
        {
          id: 'safety',
          name: { zh: '安全管理', en: 'Safety' },
          maxPoints: 35,
          items: [
            {
              id: 'all',
              name: { zh: '安全管理考核内容', en: 'x' },
              maxPoints: 35,
              deduction: { kind: 'per_finding', points: 1 },
            },
          ],
          indicatorIds: ['rate'],
        },
      ],
    };
    const problems = sheetProblems(full, [], undefined, new Set(['rate']));
    expect(problems).toEqual([
      {
        path: ['sheet', 'categories', 0, 'items'],
        message: expect.stringMatching(
          /^类别满分 35，考核项目分值合计 35，没有给指标留下分数.* \/ the items' maxima add up to 35/,
        ),
      },
    ]);
    // Items alone may share the category (安全事故管理); items worth less than it leave room.
    expect(
      sheetProblems({ categories: [{ ...full.categories[0], indicatorIds: [] }] }, [], undefined, new Set()),
    ).toEqual([]);
    const room = { ...full.categories[0], items: [{ ...full.categories[0]?.items[0], maxPoints: 20 }] };
    expect(sheetProblems({ categories: [room] }, [], undefined, new Set(['rate']))).toEqual([]);
  });
});
