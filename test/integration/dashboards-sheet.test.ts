import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchesSql, CATEGORY_RATES_TITLE, NO_SHEET } from '../../dashboards/src/branches.dashboard.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { dashboard, harness, panel, targetOf, type DashboardData } from '../support/dashboard-harness.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock } from '../support/test-leaderboard.ts';
import { marchInspection as inspect, startWithCompetitions, templateDefinition } from '../support/templates.ts';

/**
 * 分公司对比 › 各类别得分率（按分公司）on competitions with a 考核细则 (the demo has none): the
 * 安康杯 unit and crew templates over March 2026 on the small registry, inspections posted as
 * assessment events through the pipeline, the panel's SQL run as Grafana and the plugin send it
 * against the embedded engine. The rates are worked by hand below; clock and dates are fixed.
 *
 *   B1 杭州: U1 (C1, C2), U2 (C3)      B2 宁波: U3 (C4, C5)
 */
const clock = fixedClock('2026-03-13T12:00:00+08:00');
const march = { start: '2026-03-01', end: '2026-03-31' };
const range = { from: new Date('2026-03-01T00:00:00+08:00'), to: clock.now() };
const ctx = { range, intervalMs: 3_600_000 };

const UNITS = 'ankang-unit';
const CREWS = 'ankang-crew';
const LABOUR = 'march-labour';
const RENAMED = 'ankang-unit-renamed';

const unitSheet = templateDefinition('ankang-unit-sheet.yaml', march).definition;
/** The unit sheet with two categories under one name, as an organiser might call both "其他". */
function withTwoCategoriesNamed(zh: string): Record<string, unknown> {
  const sheet = unitSheet['sheet'] as { categories: { id: string; name: { zh: string; en: string } }[] };
  const categories = sheet.categories.map((c) =>
    c.id === 'protection' || c.id === 'grassroots' ? { ...c, name: { ...c.name, zh } } : c,
  );
  return { ...unitSheet, name: { zh: '改名的单位考核', en: 'Renamed' }, sheet: { ...sheet, categories } };
}

const events = [
  // Unit sheet (组织领导 12, 安全管理 35, 劳动保护与职业健康 25, 基层组织安全生产建设 15, 群众监督参与 13):
  // U1: 组织领导 12 − 2 = 10 (83.33 %), 安全管理 35 − 1 = 34 (97.14 %).
  inspect('u1', 'C1', '02', 'org-structure', { findings: 2 }),
  inspect('u2', 'C2', '03', 'safety-other', { findings: 1 }),
  // U2: 组织领导 12 (100 %), 安全管理 35 − 3 = 32 (91.43 %).
  inspect('u3', 'C3', '04', 'safety-other', { points: 3 }),
  // U3: 组织领导 12 − 3 = 9 (75 %), 劳动保护 25 − 1 = 24 (96 %).
  inspect('u4', 'C4', '04', 'org-plan', { findings: 3 }),
  inspect('u5', 'C5', '06', 'protection-other', { findings: 1 }),
  // Crew sheet (安全事故管理 25, 安全质量标准化 10, 隐患排查 5, 安全培训 10):
  // 安全质量标准化: C1 10 − 2 = 8 (80 %), C2 10 − 4 = 6 (60 %), C3 10 (100 %).
  inspect('c1', 'C1', '05', 'tidy-site', { findings: 1 }),
  inspect('c2', 'C2', '05', 'tidy-site', { findings: 2 }),
  // 安全培训: C4 10 − 4 = 6 (60 %), C5 10 (100 %).
  inspect('c3', 'C4', '07', 'leader-training', { findings: 1 }),
];

let lb: Leaderboard;
const { variablesOf, run } = harness(() => ({ leaderboard: lb }) as DashboardData);
const branches = dashboard('ll-branches');
const ratesPanel = panel(branches, CATEGORY_RATES_TITLE);

beforeAll(async () => {
  lb = await startWithCompetitions(
    clock,
    smallOrg,
    [
      [UNITS, unitSheet],
      [RENAMED, withTwoCategoriesNamed('其他考核')],
      [CREWS, templateDefinition('ankang-crew-sheet.yaml', march).definition],
      [LABOUR, labourCompetition],
    ],
    events,
  );
  await lb.standings.flush();
}, 120_000);
afterAll(async () => {
  await lb?.close();
});

/** The panel's rows as [branch, entrants, { category: rate }], run as the dashboard sends it. */
async function rates(chosen: Record<string, string | string[]>) {
  const variables = await variablesOf(branches, chosen, ctx);
  expect(variables.get('competition')?.values).toEqual([chosen['competition']]);
  const result = await run(targetOf(ratesPanel), variables, ctx);
  return {
    result,
    rows: result.rows.map((r) => [
      r['branch_name'],
      r['entrants'],
      JSON.parse(String(r['category_rates'])) as Record<string, number | null>,
    ]),
  };
}

describe('分公司对比 › 各类别得分率（按分公司）', () => {
  it('is the panel the dashboard sends', () => {
    expect(targetOf(ratesPanel).rawSql).toBe(branchesSql.categoryRates);
    expect(ratesPanel.transformations).toEqual([expect.objectContaining({ id: 'extractFields' })]);
  });

  it('averages each category’s rate over a branch’s units, in the sheet’s order', async () => {
    const { result, rows } = await rates({ competition: UNITS });
    expect(rows).toEqual([
      // B1 = U1 + U2: 组织领导 (83.33 + 100) ÷ 2 = 91.67; 安全管理 (97.14 + 91.43) ÷ 2 = 94.29.
      [
        '杭州分公司',
        2,
        { 组织领导: 91.67, 安全管理: 94.29, 劳动保护与职业健康: 100, 基层组织安全生产建设: 100, 群众监督参与: 100 },
      ],
      // B2 = U3: 组织领导 75, 劳动保护 96.
      [
        '宁波分公司',
        1,
        { 组织领导: 75, 安全管理: 100, 劳动保护与职业健康: 96, 基层组织安全生产建设: 100, 群众监督参与: 100 },
      ],
    ]);
    expect(Object.keys(rows[0]?.[2] ?? {})).toEqual([
      '组织领导',
      '安全管理',
      '劳动保护与职业健康',
      '基层组织安全生产建设',
      '群众监督参与',
    ]);
    // Grafana gets one table frame with the columns the panel's overrides and transformation name.
    expect(result.frames).toHaveLength(1);
    expect(result.frames[0]?.fields.map((f) => f.name)).toEqual([
      'branch_id',
      'branch_name',
      'entrants',
      'category_rates',
    ]);
  });

  it('averages over a branch’s crews in a crew-level sheet, and keeps to the chosen branches', async () => {
    const all = await rates({ competition: CREWS });
    expect(all.rows).toEqual([
      // 安全质量标准化 (80 + 60 + 100) ÷ 3 = 80.
      ['杭州分公司', 3, { 安全事故管理: 100, 安全质量标准化: 80, 隐患排查: 100, 安全培训: 100 }],
      // 安全培训 (60 + 100) ÷ 2 = 80.
      ['宁波分公司', 2, { 安全事故管理: 100, 安全质量标准化: 100, 隐患排查: 100, 安全培训: 80 }],
    ]);
    const b2 = await rates({ competition: CREWS, branch: ['B2'] });
    expect(b2.rows).toEqual([all.rows[1]]);
  });

  it('keeps two categories of the same name apart, by their ids', async () => {
    const { rows } = await rates({ competition: RENAMED, branch: ['B2'] });
    expect(rows).toEqual([
      [
        '宁波分公司',
        1,
        { 组织领导: 75, 安全管理: 100, '其他考核 · protection': 96, '其他考核 · grassroots': 100, 群众监督参与: 100 },
      ],
    ]);
  });

  it('shows its no-sheet text, not a row of nothing, for a competition without a 考核细则', async () => {
    const { result } = await rates({ competition: LABOUR });
    // The competition has standings: only the missing sheet empties the panel.
    const standings = await lb.app.inject({ url: `/v1/competitions/${LABOUR}/standings` });
    expect(standings.json<{ rows: unknown[] }>().rows.length).toBeGreaterThan(0);
    expect(result.rows).toEqual([]);
    expect(ratesPanel.fieldConfig?.defaults).toMatchObject({ noValue: NO_SHEET });
  });
});
