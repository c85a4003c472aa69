import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SheetOutcome } from '../../schemas/sheet.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock } from '../support/test-leaderboard.ts';
import { marchInspection as inspect, startWithCompetitions, templateDefinition } from '../support/templates.ts';

/**
 * 考核细则 end to end on the embedded engines (HTTP -> pipeline -> chdb -> scoring -> API): the
 * 安康杯单位考核细则 template run for units and for branches over March 2026, inspections posted as
 * assessment events, standings read with grades, gate failures and per-category points. The
 * numbers are worked by hand below; the clock and every date are fixed.
 */
const clock = fixedClock('2026-03-13T12:00:00+08:00');
let lb: Leaderboard;

const march = { start: '2026-03-01', end: '2026-03-31' };
const unitSheet = templateDefinition('ankang-unit-sheet.yaml', march).definition;

const at = (day: string) => `2026-03-${day}T09:00:00+08:00`;
const events = [
  // U1 (C1 + C2): 组织领导 12 − 2 = 10 (83.33 %), 安全管理 35 − 1 = 34, bonus 1 → 98: 先进单位.
  inspect('a1', 'C1', '02', 'org-structure', { findings: 2 }),
  inspect('a2', 'C2', '03', 'safety-other', { findings: 1 }),
  inspect('a3', 'C2', '03', 'bonus-practice', { findings: 1, evidence: ['photo-1'] }),
  // After the judged day (standings are read as of 03-10): not counted there.
  inspect('a4', 'C1', '12', 'safety-other', { findings: 5 }),
  // U2 (C3): 安全管理 loses 3 points given directly → 97, but a serious injury fails the gate.
  inspect('a5', 'C3', '04', 'safety-other', { points: 3 }),
  { eventId: 'i1', crewId: 'C3', type: 'incident', occurredAt: at('05'), severity: 'serious_injury' },
  // U3 (C4 + C5): 组织领导 12 − 3 = 9 (75 %), 劳动保护 25 − 1 = 24 → 96, the category gate fails.
  inspect('a6', 'C4', '04', 'org-plan', { findings: 3 }),
  inspect('a7', 'C5', '06', 'protection-other', { findings: 1 }),
];

interface Row {
  crewId: string;
  crewName: string;
  rank: number | null;
  score: number;
  sheet: SheetOutcome | null;
}
async function standings(id: string): Promise<Row[]> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?asOf=2026-03-10` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ rows: Row[] }>().rows;
}
const summary = (rows: Row[]) =>
  rows.map((r) => [
    r.crewId,
    r.rank,
    r.score,
    r.sheet?.categories.map((c) => c.points),
    r.sheet?.gates.filter((g) => !g.passed).map((g) => g.reason.zh),
    r.sheet?.grade?.name.zh ?? null,
  ]);

beforeAll(async () => {
  lb = await startWithCompetitions(
    clock,
    smallOrg,
    [
      ['ankang-units', { ...unitSheet, entrants: 'unit' }],
      ['ankang-branches', { ...unitSheet, entrants: 'branch' }],
    ],
    events,
  );
});
afterAll(async () => {
  await lb.close();
});

describe('a unit-level 安康杯 sheet', () => {
  it('ranks units by total with per-category points, gate failures with reasons, and grades', async () => {
    expect(summary(await standings('ankang-units'))).toEqual([
      ['U1', 1, 98, [10, 34, 25, 15, 13], [], '先进单位'],
      ['U2', 2, 97, [12, 32, 25, 15, 13], ['重伤 1 起'], null],
      ['U3', 3, 96, [9, 35, 24, 15, 13], ['得分率低于 80%：组织领导 75%'], null],
    ]);
  });

  it('names the unit and explains its items and bonus in the breakdown', async () => {
    const res = await lb.app.inject({
      method: 'GET',
      url: '/v1/competitions/ankang-units/crews/U1?asOf=2026-03-10',
    });
    expect(res.statusCode, res.body).toBe(200);
    const { crew } = res.json<{ crew: Row & { headcount: number } }>();
    expect(crew).toMatchObject({ crewName: '西湖加油站', headcount: 9 });
    expect(crew.sheet?.categories[0]).toMatchObject({
      categoryId: 'leadership',
      points: 10,
      rate: 83.33,
      items: [
        { itemId: 'org-structure', findings: 2, deducted: 2, points: 1 },
        { itemId: 'org-plan', findings: 0, deducted: 0, points: 5 },
        { itemId: 'leadership-other', findings: 0, deducted: 0, points: 4 },
      ],
    });
    expect(crew.sheet?.bonus).toEqual({
      points: 1,
      uncapped: 1,
      items: [
        { itemId: 'bonus-practice', findings: 1, points: 1 },
        { itemId: 'bonus-honour', findings: 0, points: 0 },
      ],
    });
    expect(crew.sheet).toMatchObject({ eligible: true, gradeRank: 1, grade: { id: 'advanced' } });
  });
});

/**
 * The README's worked example and docs/考核细则.md's table state these units' totals, gate outcomes
 * and grades; each table line naming a unit must carry what the engine computed for it.
 */
const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const between = (text: string, start: string, end: string) => {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  expect(from, `${start} not found`).toBeGreaterThanOrEqual(0);
  expect(to, `${end} not found after ${start}`).toBeGreaterThan(from);
  return text.slice(from, to);
};
const workedExamples = [
  ['README.md', between(doc('README.md'), '<!-- check: sheet-example -->', '<!-- /check -->')],
  ['docs/考核细则.md', between(doc('docs/考核细则.md'), '## 六、算例', '更多手算例子')],
] as const;

describe.each(workedExamples)('the worked example in %s', (_path, block) => {
  it("states every unit's total, gate outcome and grade as the engine computes them", async () => {
    const rows = await standings('ankang-units');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const lines = block.split('\n').filter((l) => l.startsWith('|') && new RegExp(`\\b${row.crewId}\\b`).test(l));
      expect(lines, `one table line for ${row.crewId}`).toHaveLength(1);
      const cells = (lines[0] ?? '').split('|').map((c) => c.trim());
      expect(cells).toContain(`**${String(row.score)}**`);
      const failed = row.sheet?.gates.some((g) => !g.passed) ?? false;
      expect(
        cells.some((c) => c.includes(failed ? '未通过' : '全部通过')),
        `${row.crewId} gate`,
      ).toBe(true);
      const grade = row.sheet?.grade?.name.zh;
      expect(cells.at(-2)?.replaceAll('*', ''), `${row.crewId} grade`).toBe(grade ?? '无');
    }
  });
});

describe('a branch-level sheet', () => {
  it('sums the units of each branch', async () => {
    // B1 = U1 + U2: 组织领导 10; 安全管理 35 − 1 − 3 = 31; bonus 1 → 95; the serious injury fails the gate.
    expect(summary(await standings('ankang-branches'))).toEqual([
      ['B2', 1, 96, [9, 35, 24, 15, 13], ['得分率低于 80%：组织领导 75%'], null],
      ['B1', 2, 95, [10, 31, 25, 15, 13], ['重伤 1 起'], null],
    ]);
  });
});
