import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDashboards } from '../../dashboards/src/all-dashboards.ts';
import { ankangSql } from '../../dashboards/src/ankang.dashboard.ts';
import { branchesSql } from '../../dashboards/src/branches.dashboard.ts';
import { crewSql } from '../../dashboards/src/crew.dashboard.ts';
import { pipelineSql } from '../../dashboards/src/pipeline.dashboard.ts';
import { standingsSql } from '../../dashboards/src/standings.dashboard.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { ANKANG_COMPETITION_ID, LABOUR_COMPETITION_ID } from '../../services/demo/demo-competitions.ts';
import { seedDemoIfEmpty } from '../../services/demo/seed-demo.ts';
import { addDays } from '../../services/shared/calendar.ts';
import {
  resolveVariables,
  runQuery,
  type QueryContext,
  type QueryResult,
  type VariableState,
} from '../support/grafana-clickhouse.ts';
import { kafkaEnv, testKafka } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// The demo goes through the real Kafka pipeline into the embedded engine, so every table a
// dashboard reads (the consumer's batch ledger included) holds what production would.
const NOW = '2026-11-24T06:30:00Z';
const TODAY = '2026-11-24';
const clock = fixedClock(NOW);
let leaderboard: Leaderboard;
const env = kafkaEnv();

const thirtyDays = { from: new Date(Date.parse(NOW) - 30 * 86_400_000), to: new Date(NOW) };
const base = { range: thirtyDays, intervalMs: 3_600_000 };

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  targets?: { rawSql: string; format: number; refId: string }[];
  fieldConfig?: { overrides?: { matcher: { id: string; options: string }; properties: unknown[] }[] };
  options?: { reduceOptions?: { fields?: string } };
  transformations?: { id: string; options: { source?: string } }[];
}

const panelsOf = (d: Dashboard): PanelJson[] => (d.panels ?? []) as PanelJson[];
const dashboard = (uid: string): Dashboard => {
  const found = allDashboards().find((d) => d.uid === uid);
  if (!found) throw new Error(`no dashboard ${uid}`);
  return found;
};
const templating = (d: Dashboard) => (d.templating?.list ?? []) as Parameters<typeof resolveVariables>[1];

async function variablesOf(
  d: Dashboard,
  chosen: Record<string, string | string[]> = {},
  ctx = base,
): Promise<Map<string, VariableState>> {
  return resolveVariables(leaderboard.client, templating(d), ctx, chosen);
}

async function run(rawSql: string, variables: Map<string, VariableState>, ctx = base): Promise<QueryResult> {
  return runQuery(leaderboard.client, rawSql, { ...ctx, variables } satisfies QueryContext);
}

/** The columns a panel's JSON refers to: overrides, reduce fields, transformations, links and names. */
function columnsNeeded(panel: PanelJson): { fields: string[]; labels: string[] } {
  const fields = new Set<string>();
  for (const o of panel.fieldConfig?.overrides ?? []) if (o.matcher.id === 'byName') fields.add(o.matcher.options);
  const reduce = /^\/\^(\w+)\$\/$/.exec(panel.options?.reduceOptions?.fields ?? '');
  if (reduce?.[1]) fields.add(reduce[1]);
  for (const t of panel.transformations ?? []) if (t.options.source) fields.add(t.options.source);
  const text = JSON.stringify(panel);
  for (const m of text.matchAll(/\$\{__data\.fields\.(\w+)\}/g)) fields.add(m[1] ?? '');
  const labels = [...text.matchAll(/\$\{__field\.labels\.(\w+)\}/g)].map((m) => m[1] ?? '');
  return { fields: [...fields], labels };
}

beforeAll(async () => {
  leaderboard = await startTestLeaderboard(clock, { ...env, STANDINGS_PERSIST_MS: '0' });
  await seedDemoIfEmpty(leaderboard, pino({ level: 'silent' }), clock.now());
  // Two messages the consumer cannot use, for the pipeline's dead-letter panels.
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({
    topic: env.KAFKA_EVENTS_TOPIC ?? '',
    messages: [
      { key: 'C-HZ-BS-1', value: '{"eventId": "broken",' },
      { key: 'C-HZ-BS-1', value: JSON.stringify({ eventId: 'x', crewId: 'C-NB-JB-2', type: 'metric' }) },
    ],
  });
  await producer.disconnect();
  await waitFor(async () => {
    const r = await leaderboard.client.query({
      query: 'SELECT toString(count()) AS n FROM dead_letters',
      format: 'JSONEachRow',
    });
    expect(await r.json()).toEqual([{ n: '2' }]);
  }, 20_000);
  await leaderboard.standings.flush();
}, 240_000);

afterAll(async () => {
  await leaderboard?.close();
});

/** Panels that may be empty, and why: the sales-target trend of a competition without a target. */
const MAY_BE_EMPTY: Record<string, (variables: Map<string, VariableState>) => boolean> = {
  目标完成率趋势: (vars) => vars.get('competition')?.values[0] === ANKANG_COMPETITION_ID,
};

describe('every panel of every dashboard runs on the engine, as Grafana would send it', () => {
  const cases = allDashboards().flatMap((d) =>
    [LABOUR_COMPETITION_ID, ANKANG_COMPETITION_ID]
      .filter((c) => d.uid !== 'll-ankang' || c === ANKANG_COMPETITION_ID)
      .map((competition) => ({ uid: d.uid ?? '', competition })),
  );
  it.each(cases)('$uid with $competition', async ({ uid, competition }) => {
    const d = dashboard(uid);
    const hasCompetition = templating(d).some((v) => v.name === 'competition');
    const variables = await variablesOf(d, hasCompetition ? { competition } : {});
    for (const v of variables.values()) expect(v.options.length, `options of $${v.name}`).toBeGreaterThan(0);
    for (const panel of panelsOf(d)) {
      for (const target of panel.targets ?? []) {
        const label = `${uid} › ${panel.title ?? ''}`;
        const result = await run(target.rawSql, variables);
        const names = result.columns.map((c) => c.name);
        const needed = columnsNeeded(panel);
        expect(names, `${label}: columns the panel refers to`).toEqual(expect.arrayContaining(needed.fields));
        expect(names, `${label}: series labels`).toEqual(expect.arrayContaining(needed.labels));
        if (target.format === 0) {
          expect(result.columns[0], `${label}: a time series starts with its time column`).toMatchObject({
            name: 'time',
            type: expect.stringMatching(/^DateTime/),
          });
          expect(
            result.columns.some((c) => /Int|Float|Decimal/.test(c.type)),
            `${label}: has a value`,
          ).toBe(true);
        }
        if (target.format === 0) {
          // The plugin turns long results into series only when they come in time order.
          const times = result.rows.map((r) => String(r['time']));
          expect(times, `${label}: in time order`).toEqual([...times].sort());
        }
        if (panel.type === 'bargauge') {
          // One bar per row, named by the row's text: exactly a text column and a number.
          expect(
            result.columns.map((c) => /String/.test(c.type)),
            `${label}: name, value`,
          ).toEqual([true, false]);
        }
        if (!MAY_BE_EMPTY[panel.title ?? '']?.(variables)) {
          expect(result.rows.length, `${label}: rows on the demo data`).toBeGreaterThan(0);
        }
      }
    }
  });
});

interface ApiRow {
  rank: number | null;
  rankChange: number | null;
  crewId: string;
  crewName: string;
  branchId: string;
  score: number;
  disqualified: boolean;
  vetoes: { reason: { zh: string }; name: { zh: string } }[];
  indicators: { indicatorId: string; name: { zh: string }; points: number; value: number | null; zeroedBy?: string }[];
  facts: {
    safetyDays: number;
    hazardsFound: number;
    hazardsRectified: number;
    rectificationRate: number | null;
    violationPersons: number;
    targets: { metric: string; actual: number; target: number }[];
  };
}

async function apiStandings(competition: string, asOf?: string, group = 'overall') {
  const query = new URLSearchParams({ limit: '10000', group, ...(asOf ? { asOf } : {}) });
  const response = await leaderboard.app.inject({
    url: `/v1/competitions/${competition}/standings?${query.toString()}`,
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ asOf: string; rows: ApiRow[] }>();
}

describe('the standings dashboards show the API’s numbers for the same competition and day', () => {
  it.each([
    { competition: LABOUR_COMPETITION_ID, period: 'latest', asOf: undefined },
    { competition: LABOUR_COMPETITION_ID, period: addDays(TODAY, -10), asOf: addDays(TODAY, -10) },
    { competition: ANKANG_COMPETITION_ID, period: 'latest', asOf: undefined },
    { competition: ANKANG_COMPETITION_ID, period: addDays(TODAY, -3), asOf: addDays(TODAY, -3) },
  ])('劳动竞赛排行榜: $competition, period $period', async ({ competition, period, asOf }) => {
    const api = await apiStandings(competition, asOf);
    const variables = await variablesOf(dashboard('ll-standings'), { competition, period, branch: '$__all' });
    const { rows } = await run(standingsSql.table, variables);
    expect(rows.map((r) => [r['rank'], r['crew_id'], r['score'], r['rank_change']])).toEqual(
      api.rows.map((r) => [r.rank, r.crewId, r.score, r.rankChange]),
    );
    // Every indicator's points, keyed by its Chinese name as the table's columns are.
    expect(rows.map((r) => JSON.parse(String(r['indicator_points'])))).toEqual(
      api.rows.map((r) => Object.fromEntries(r.indicators.map((i) => [i.name.zh, i.points]))),
    );
    const [day] = (await run(standingsSql.asOf, variables)).rows;
    expect(day?.['standings_day']).toBe(api.asOf);
    const [leader] = (await run(standingsSql.leader, variables)).rows;
    expect(leader?.['leader']).toBe(
      api.rows
        .filter((r) => r.rank === 1)
        .map((r) => r.crewName)
        .join('、'),
    );
  });

  it('with branches chosen, shows those branches’ crews with their overall ranks', async () => {
    const api = await apiStandings(LABOUR_COMPETITION_ID);
    const branches = ['B-HZ', 'B-WZ'];
    const variables = await variablesOf(dashboard('ll-standings'), { branch: branches });
    expect(variables.get('competition')?.values).toEqual([LABOUR_COMPETITION_ID]);
    const { rows } = await run(standingsSql.table, variables);
    const expected = api.rows.filter((r) => branches.includes(r.branchId));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(api.rows.length);
    expect(rows.map((r) => [r['rank'], r['crew_id']])).toEqual(expected.map((r) => [r.rank, r.crewId]));
    expect((await run(standingsSql.crews, variables)).rows).toEqual([{ crews: expected.length }]);
  });

  it('the top-10 bar gauge is the first ten ranked rows, in rank order', async () => {
    const api = await apiStandings(LABOUR_COMPETITION_ID);
    const { rows } = await run(standingsSql.topN, await variablesOf(dashboard('ll-standings')));
    expect(rows).toEqual(
      api.rows
        .filter((r) => r.rank !== null)
        .slice(0, 10)
        .map((r) => ({ crew: `${r.rank}. ${r.crewName}`, score: r.score })),
    );
  });

  it('安康杯排名: safe days, hazards, rectification rate, 三违 and vetoes are the API’s', async () => {
    const api = await apiStandings(ANKANG_COMPETITION_ID);
    const { rows } = await run(ankangSql.table, await variablesOf(dashboard('ll-ankang')));
    expect(
      rows.map((r) => [
        r['rank'],
        r['crew_id'],
        r['score'],
        r['safety_days'],
        r['hazards_found'],
        r['hazards_rectified'],
        r['rectification_rate'],
        r['violation_persons'],
        r['veto_reasons'],
      ]),
    ).toEqual(
      api.rows.map((r) => [
        r.rank,
        r.crewId,
        r.score,
        r.facts.safetyDays,
        r.facts.hazardsFound,
        r.facts.hazardsRectified,
        r.facts.rectificationRate,
        r.facts.violationPersons,
        r.vetoes.map((v) => `${v.name.zh}：${v.reason.zh}`).join('；'),
      ]),
    );
    // The demo has crews with and without hazards, and at least one veto: the comparison means something.
    expect(api.rows.some((r) => r.facts.rectificationRate === null)).toBe(true);
    expect(api.rows.some((r) => (r.facts.rectificationRate ?? 100) < 100)).toBe(true);
    expect(api.rows.some((r) => r.vetoes.length > 0)).toBe(true);
  });

  it('班组详情: the breakdown and summary are the API’s crew breakdown', async () => {
    const api = await apiStandings(LABOUR_COMPETITION_ID);
    const crew = api.rows.find((r) => r.rank !== null && r.rank > 1 && r.rankChange !== 0) ?? api.rows[1];
    if (!crew) throw new Error('no crew');
    const response = await leaderboard.app.inject({
      url: `/v1/competitions/${LABOUR_COMPETITION_ID}/crews/${crew.crewId}`,
    });
    const detail = response.json<{ crew: ApiRow; groups: { group: string; total: number }[] }>();
    const variables = await variablesOf(dashboard('ll-crew'), {
      competition: LABOUR_COMPETITION_ID,
      crew: crew.crewId,
    });
    expect((await run(crewSql.breakdown, variables)).rows).toEqual(
      detail.crew.indicators.map((i) => ({
        indicator: i.name.zh,
        value: i.value,
        points: i.points,
        zeroed_by: i.zeroedBy ?? '',
      })),
    );
    const overall = detail.groups.find((g) => g.group === 'overall');
    expect((await run(crewSql.summary, variables)).rows).toEqual([
      expect.objectContaining({
        rank_of_total: `${detail.crew.rank} / ${overall?.total}`,
        score: detail.crew.score,
        rank_change: detail.crew.rankChange,
        safety_days: detail.crew.facts.safetyDays,
        rectification_rate: detail.crew.facts.rectificationRate,
        violation_persons: detail.crew.facts.violationPersons,
      }),
    ]);
    // Rank history: one point per day with standings, today's equal to today's rank.
    const history = (await run(crewSql.history, variables)).rows;
    expect(history.length).toBe(28);
    expect(history.at(-1)).toMatchObject({ rank: detail.crew.rank, score: detail.crew.score });
  });

  it('分公司对比: averages, medians and top-10 % follow from the API’s rows', async () => {
    const api = await apiStandings(LABOUR_COMPETITION_ID);
    const { rows } = await run(branchesSql.table, await variablesOf(dashboard('ll-branches')));
    const ranked = api.rows.filter((r) => r.rank !== null).length;
    const expected = [...new Set(api.rows.map((r) => r.branchId))].map((branchId) => {
      const scores = api.rows
        .filter((r) => r.branchId === branchId)
        .map((r) => r.score)
        .sort((a, b) => a - b);
      const mid = (scores.length - 1) / 2;
      const median = ((scores[Math.floor(mid)] ?? 0) + (scores[Math.ceil(mid)] ?? 0)) / 2;
      return {
        branch_id: branchId,
        crews: scores.length,
        // Rounded to cents by ClickHouse (from its own float sum): equal up to that rounding.
        avg_score: expect.closeTo(scores.reduce((a, b) => a + b, 0) / scores.length, 1),
        median_score: expect.closeTo(median, 1),
        top10_crews: api.rows.filter(
          (r) => r.branchId === branchId && r.rank !== null && r.rank <= Math.ceil(ranked * 0.1),
        ).length,
      };
    });
    expect(
      rows.map((r) => ({ ...pick(r, ['branch_id', 'crews', 'avg_score', 'median_score', 'top10_crews']) })),
    ).toEqual(expect.arrayContaining(expected));
    expect(rows).toHaveLength(expected.length);
    // Completion, top-10 % share and vetoes per branch, from the API's facts and flags.
    const byBranch = new Map(rows.map((r) => [r['branch_id'], r]));
    for (const e of expected) {
      const crews = api.rows.filter((r) => r.branchId === e.branch_id);
      const targets = crews.flatMap((r) => r.facts.targets);
      const completion = (100 * sum(targets.map((t) => t.actual))) / sum(targets.map((t) => t.target));
      expect(byBranch.get(e.branch_id)).toMatchObject({
        target_completion: expect.closeTo(completion, 1),
        top10_share: expect.closeTo((100 * e.top10_crews) / crews.length, 0),
        disqualified: crews.filter((r) => r.disqualified).length,
      });
    }
    // The bars are the table's averages, best first.
    const bars = (await run(branchesSql.bars, await variablesOf(dashboard('ll-branches')))).rows;
    expect(bars).toEqual(rows.map((r) => ({ branch_name: r['branch_name'], avg_score: r['avg_score'] })));
  });

  it('安康杯排名: the totals are the sums of the API’s rows', async () => {
    const api = await apiStandings(ANKANG_COMPETITION_ID);
    const { rows } = await run(ankangSql.summary, await variablesOf(dashboard('ll-ankang')));
    const found = sum(api.rows.map((r) => r.facts.hazardsFound));
    const rectified = sum(api.rows.map((r) => r.facts.hazardsRectified));
    expect(rows).toEqual([
      {
        crews: api.rows.length,
        vetoed: api.rows.filter((r) => r.vetoes.length > 0).length,
        hazards_found: found,
        hazards_rectified: rectified,
        rectification_rate: expect.closeTo((100 * rectified) / found, 1),
        violation_persons: sum(api.rows.map((r) => r.facts.violationPersons)),
      },
    ]);
  });

  it('安康杯排名 does not show a labour competition carried over in the URL', async () => {
    const variables = await variablesOf(dashboard('ll-ankang'), { competition: LABOUR_COMPETITION_ID });
    expect(variables.get('competition')?.values).toEqual([LABOUR_COMPETITION_ID]);
    expect((await run(ankangSql.table, variables)).rows).toEqual([]);
    expect((await run(ankangSql.topN, variables)).rows).toEqual([]);
  });

  it('a competition without standings yet shows nothing, not 1970', async () => {
    const definition = {
      name: { zh: '新建竞赛', en: 'Just created' },
      kind: 'labour',
      // A period that ends before the demo's, so it never becomes the default competition.
      period: { start: '2026-01-01', end: '2026-03-31' },
      indicators: [
        {
          id: 'v',
          name: { zh: '三违', en: 'Violations' },
          rule: { kind: 'count', event: 'violation', pointsEach: -5 },
        },
      ],
    };
    const saved = await leaderboard.app.inject({
      method: 'PUT',
      url: '/v1/competitions/just-created',
      payload: definition,
    });
    expect(saved.statusCode).toBeLessThan(300);
    const variables = await variablesOf(dashboard('ll-standings'), { competition: 'just-created' });
    for (const query of [standingsSql.asOf, standingsSql.leader, standingsSql.table, standingsSql.topN]) {
      expect((await run(query, variables)).rows).toEqual([]);
    }
    expect((await run(standingsSql.crews, variables)).rows).toEqual([{ crews: 0 }]);
  });

  it('数据管道: counts the two dead letters of the run', async () => {
    const d = dashboard('ll-pipeline');
    const variables = await variablesOf(d);
    expect((await run(pipelineSql.deadLetterCount, variables)).rows).toEqual([{ dead_letters: 2 }]);
    const recent = (await run(pipelineSql.recentDeadLetters, variables)).rows;
    expect(recent.map((r) => r['code']).sort()).toEqual(['invalid_event', 'malformed_json'].sort());
  });
});

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

describe('the time range drives the period', () => {
  it('"latest" is the newest standings up to the end of the time range; the period list is the range’s days', async () => {
    const day = addDays(TODAY, -7);
    // The range ends at noon that day in Beijing.
    const range = { from: new Date(`${addDays(day, -2)}T00:00:00+08:00`), to: new Date(`${day}T12:00:00+08:00`) };
    const ctx = { range, intervalMs: 3_600_000 };
    const variables = await variablesOf(dashboard('ll-standings'), { competition: LABOUR_COMPETITION_ID }, ctx);
    // Beijing days, although the range starts at 16:00 UTC the day before.
    expect(variables.get('period')?.options.map((o) => o.value)).toEqual([
      'latest',
      day,
      addDays(day, -1),
      addDays(day, -2),
    ]);
    const [shown] = (await run(standingsSql.asOf, variables, ctx)).rows;
    expect(shown?.['standings_day']).toBe(day);
    const api = await apiStandings(LABOUR_COMPETITION_ID, day);
    const { rows } = await run(standingsSql.table, variables, ctx);
    expect(rows.map((r) => [r['rank'], r['crew_id'], r['score']])).toEqual(
      api.rows.map((r) => [r.rank, r.crewId, r.score]),
    );
  });
});
