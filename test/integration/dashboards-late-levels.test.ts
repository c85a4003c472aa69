import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineSql } from '../../dashboards/src/pipeline.dashboard.ts';
import { resultsSql } from '../../dashboards/src/results.dashboard.ts';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { insertEventRows, toEventValues } from '../../services/storage/events.store.ts';
import { dashboard, harness, type DashboardData } from '../support/dashboard-harness.ts';
import {
  closeLateLevelWeek,
  frozenPage,
  getJson,
  LATE_LEVEL_PERIOD,
  LATE_LEVEL_START,
  lateLevelDashboardRange,
  lateLevelIds,
  lateList,
  postLateSales,
  withdrawLateSales,
  type LateLevelId,
} from '../support/late-changes-by-level.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * 正式结果's late counts at every entrant level: the person-, unit- and branch-level competitions
 * of test/support/late-changes-by-level.ts (fixed dates in March 2026, the small registry) with
 * their week closed, late sales and a late withdrawal stored through the API's pipeline into
 * embedded chdb. Every panel's SQL is run as Grafana and the ClickHouse plugin send it, and its
 * late counts and rows must equal what the API answers (`lateEvents`, the late list).
 */
const clock = fixedClock(LATE_LEVEL_START);
const ctx = lateLevelDashboardRange;

let lb: Leaderboard;
const { variablesOf, run } = harness(() => ({ leaderboard: lb }) as DashboardData);
const results = dashboard('ll-results');

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  await closeLateLevelWeek(lb, clock);
}, 120_000);
afterAll(async () => {
  await lb?.close();
});

/** Each panel's late figures for a competition's closed week, next to the API's. */
async function lateFigures(id: LateLevelId) {
  const variables = await variablesOf(results, { competition: id, closure: LATE_LEVEL_PERIOD }, ctx);
  const [summary] = (await run(resultsSql.summary, variables)).rows;
  const list = await run(resultsSql.list, variables);
  const table = await run(resultsSql.table, variables);
  const late = await run(resultsSql.late, variables);
  const [page, apiList, periods] = await Promise.all([
    frozenPage(lb, id),
    lateList(lb, id),
    getJson<{ periods: { id: string; closed: { lateEvents: number } | null }[] }>(lb, `/v1/competitions/${id}/periods`),
  ]);
  const perEntrant = new Map<string, number>();
  for (const e of apiList.events) perEntrant.set(e.entrant.id, (perEntrant.get(e.entrant.id) ?? 0) + 1);
  return {
    dashboard: {
      summary: summary?.['late_events'],
      list: list.rows.find((r) => r['period_id'] === LATE_LEVEL_PERIOD)?.['late_events'],
      table: table.rows.map((r) => [r['crew_id'], r['late_events']]),
      late: late.rows.map((r) => [r['event_id'], r['entrant_id'], r['entrant_name'], r['crew_id'], r['person_id']]),
    },
    api: {
      summary: page.lateEvents,
      list: periods.periods.find((p) => p.id === LATE_LEVEL_PERIOD)?.closed?.lateEvents,
      table: page.rows.map((r) => [r.crewId, perEntrant.get(r.crewId) ?? 0]),
      late: apiList.events.map((e) => [e.eventId, e.entrant.id, e.entrant.name, e.crewId, e.personId ?? '']),
    },
    total: apiList.total,
  };
}

async function allFigures() {
  const each = await Promise.all(lateLevelIds.map(lateFigures));
  return Object.fromEntries(lateLevelIds.map((id, i) => [id, each[i]])) as Record<
    LateLevelId,
    Awaited<ReturnType<typeof lateFigures>>
  >;
}

describe('正式结果: late changes counted as the API counts them, at every entrant level', () => {
  it('late sales: on the person, unit or branch they would have changed', async () => {
    await postLateSales(lb, clock);
    const figures = await allFigures();
    for (const id of lateLevelIds) expect(figures[id].dashboard, id).toEqual(figures[id].api);
    // Worked out in late-changes-by-level.ts: 王五's sale for 王五 (stars), 西湖加油站 and
    // 杭州分公司; the one naming nobody for 半山油库 as frozen (its crew moved since) and 杭州分公司.
    expect(lateLevelIds.map((id) => figures[id].dashboard.summary)).toEqual([1, 2, 2]);
    expect(figures['stars'].dashboard.table).toEqual([
      ['P1', 0],
      ['P3', 1],
      ['P2', 0],
      ['P4', 0],
    ]);
    expect(figures['units'].dashboard.table).toEqual([
      ['U1', 1],
      ['U2', 1],
    ]);
    expect(figures['branches'].dashboard.late.map((r) => r.slice(0, 3))).toEqual([
      ['late-p3', 'B1', '杭州分公司'],
      ['late-c3', 'B1', '杭州分公司'],
    ]);
  });

  it('a late withdrawal counts too, once per period, as in the API’s lateEvents', async () => {
    await withdrawLateSales(lb, clock);
    const figures = await allFigures();
    for (const id of lateLevelIds) {
      expect(figures[id].dashboard, id).toEqual(figures[id].api);
      expect(figures[id].total, id).toBe(figures[id].dashboard.summary);
    }
    expect(lateLevelIds.map((id) => figures[id].dashboard.summary)).toEqual([2, 3, 3]);
    expect(figures['stars'].dashboard.late).toEqual([
      ['late-p3', 'P3', '王五', 'C2', 'P3'],
      ['s1', 'P1', '张三', 'C1', 'P1'],
    ]);
  });
});

describe('管道: standings behind, at every entrant level', () => {
  it('counts an event the standings have not seen for the person, unit and branch it counts for', async () => {
    await lb.refresher.flush();
    const pipeline = dashboard('ll-pipeline');
    const newest = await lb.client.query({
      query: `SELECT toUnixTimestamp64Milli(max(computed_at)) AS ms FROM standings_runs`,
      format: 'JSONEachRow',
    });
    const lastRun = Number((await newest.json<{ ms: string | number }>())[0]?.ms ?? 0);
    const storedAt = new Date(lastRun + 60_000).toISOString();
    const range = { ...ctx, range: { from: ctx.range.from, to: new Date(lastRun + 120_000) } };
    const waiting = async () => {
      const variables = await variablesOf(pipeline, {}, range);
      const rows = (await run(pipelineSql.freshness, variables, range)).rows;
      return Object.fromEntries(
        lateLevelIds.map((id) => [id, rows.find((r) => r['competition_id'] === id)?.['waiting_events']]),
      );
    };
    expect(await waiting()).toEqual({ stars: 0, units: 0, branches: 0 });
    // Stored behind the refresher's back (as a killed process leaves it): a sale of P1 (C1, 西湖 U1, 杭州 B1).
    const sale = MetricEventSchema.parse({
      eventId: 'behind-1',
      crewId: 'C1',
      personId: 'P1',
      type: 'sales',
      occurredAt: '2026-03-09T09:00:00+08:00',
      volume: 10,
      unit: 'litres',
    });
    await insertEventRows(lb.client, [toEventValues(sale, storedAt)], storedAt);
    expect(await waiting()).toEqual({ stars: 1, units: 1, branches: 1 });
  });
});
