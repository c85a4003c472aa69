import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSql } from '../../dashboards/src/results.dashboard.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import {
  dashboard,
  harness,
  headings,
  linksOf,
  panel,
  panelsOf,
  shown,
  targetOf,
  type DashboardData,
} from '../support/dashboard-harness.ts';
import { smallOrg } from '../support/fixtures.ts';
import { cellLinks, invalidCarried } from '../support/grafana-links.ts';
import {
  closeLateLevelWeek,
  getJson,
  LATE_LEVEL_PERIOD,
  LATE_LEVEL_START,
  lateLevelDashboardRange,
  lateLevelCompetitions,
  type FrozenRow,
} from '../support/late-changes-by-level.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * What HQ sees in Grafana for competitions of every entrant level: the person-, unit- and
 * branch-level competitions of test/support/late-changes-by-level.ts (fixed dates in March 2026,
 * week w1 closed on the 10th) and a crew-level one over the same crews. Every panel's SQL runs
 * as Grafana and the ClickHouse plugin send it (test/support/grafana-*.ts); headings and titles
 * are shown with the dashboard's variables expanded, as Grafana expands them.
 */
const clock = fixedClock(LATE_LEVEL_START);
const ctx = lateLevelDashboardRange;

let lb: Leaderboard;
const { variablesOf, run } = harness(() => ({ leaderboard: lb }) as DashboardData);

const levels = [
  { id: 'crews', heading: '班组', ids: ['C1', 'C2', 'C3'] },
  { id: 'stars', heading: '人员', ids: ['P1', 'P3', 'P2', 'P4'] },
  { id: 'units', heading: '单位', ids: ['U1', 'U2'] },
  { id: 'branches', heading: '分公司', ids: ['B1'] },
] as const;

/** The Berlin competition: its week w1 ends at Berlin midnight, seven hours after Beijing's. */
const BERLIN = 'berlin-week';

/** 正式结果's table of late changes (a stat has the same title). */
const lateTable = (d: ReturnType<typeof dashboard>) => {
  const found = panelsOf(d).find((p) => p.title === '迟到事件' && p.type === 'table');
  if (!found) throw new Error('no 迟到事件 table');
  return found;
};

async function inject(method: 'PUT' | 'POST', url: string, payload: object) {
  const res = await lb.app.inject({ method, url, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res;
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  // The registry first (closeLateLevelWeek puts it again, with persons).
  await inject('PUT', '/v1/org', smallOrg);
  // A crew-level competition over the same crews, and the Berlin one (stored as Beijing first:
  // the API offers only UTC+08:00 zones today; see the Berlin test).
  await inject('PUT', '/v1/competitions/crews', { ...lateLevelCompetitions.units, entrants: 'crew' });
  await inject('PUT', `/v1/competitions/${BERLIN}`, {
    ...lateLevelCompetitions.units,
    name: { zh: '柏林周赛', en: 'Berlin week' },
    entrants: 'crew',
  });
  await closeLateLevelWeek(lb, clock);
  for (const id of ['crews', BERLIN])
    await inject('POST', `/v1/competitions/${id}/periods/${LATE_LEVEL_PERIOD}/close`, {});
  // Two sales of the standings day (the 10th, after w1): 李四's (P2, of C1) and one of C3 naming nobody.
  const sale = (eventId: string, crewId: string, personId?: string) => ({
    eventId,
    crewId,
    type: 'sales',
    occurredAt: '2026-03-10T09:00:00+08:00',
    volume: 100,
    unit: 'litres',
    ...(personId === undefined ? {} : { personId }),
  });
  await inject('POST', '/v1/events', [sale('d10-p2', 'C1', 'P2'), sale('d10-c3', 'C3')]);
  await waitFor(async () => {
    const rows = (await getJson<{ rows: FrozenRow[] }>(lb, '/v1/competitions/crews/standings')).rows;
    expect(rows.map((r) => [r.crewId, r.score])).toEqual([
      ['C1', 31],
      ['C2', 20],
      ['C3', 11],
    ]);
    const stars = (await getJson<{ rows: FrozenRow[] }>(lb, '/v1/competitions/stars/standings')).rows;
    expect(stars.find((r) => r.crewId === 'P2')?.score).toBe(1);
  }, 30_000);
  await lb.refresher.idle();
}, 120_000);
afterAll(async () => {
  await lb?.close();
});

describe('Grafana at every entrant level: headings name the level, 班组详情 only for crews', () => {
  it.each(levels)('劳动竞赛排行榜 of $id: the entrant column and titles say $heading', async ({ id, heading, ids }) => {
    const d = dashboard('ll-standings');
    const variables = await variablesOf(d, { competition: id }, ctx);
    const table = panel(d, '排行榜');
    const { rows } = await run(targetOf(table), variables, ctx);
    expect(rows.map((r) => r['crew_id'])).toEqual(ids);
    expect(headings(table, variables)).toMatchObject({ crew_name: heading, unit_name: '单位', branch_name: '分公司' });
    expect(panelsOf(d).map((p) => shown(p.title ?? '', variables))).toEqual(
      expect.arrayContaining([`参赛${heading}`, `领先${heading}`]),
    );
    const [count] = (await run(targetOf(panel(d, '参赛${entrants:text}')), variables, ctx)).rows;
    expect(count?.['crews']).toBe(ids.length);
    // 分公司对比 counts entrants per branch: units in a unit-level competition, not crews.
    const branches = dashboard('ll-branches');
    const perBranch = await variablesOf(branches, { competition: id }, ctx);
    const compared = panel(branches, '分公司对比');
    expect(headings(compared, perBranch)).toMatchObject({ crews: `${heading}数`, top10_crews: `前10%${heading}` });
    const b1 = (await run(targetOf(compared), perBranch, ctx)).rows.find((r) => r['branch_id'] === 'B1');
    expect(b1?.['crews']).toBe(ids.length);
    // 当日事件: the entrants' events of the standings day (the 10th), never 0 by looking for a
    // unit's id among crews': 李四's sale and C3's naming nobody, which is no person's.
    const [events] = (await run(targetOf(panel(d, '当日事件')), variables, ctx)).rows;
    expect(events?.['events'], id).toBe(id === 'stars' ? 1 : 2);
  });

  it.each(levels)('排行榜 of $id: rows link to 班组详情 only when they are crews', async ({ id }) => {
    const d = dashboard('ll-standings');
    const variables = await variablesOf(d, { competition: id }, ctx);
    const table = panel(d, '排行榜');
    const { rows } = await run(targetOf(table), variables, ctx);
    const links = linksOf(table, 'crew_name');
    expect(links).toHaveLength(1);
    for (const row of rows) {
      const followed = cellLinks(links, row, variables, ctx.range);
      if (id !== 'crews') {
        expect(followed, `${id} ${String(row['crew_id'])}`).toEqual([]);
        continue;
      }
      expect(followed.map((f) => [f.uid, f.chosen['crew'], f.chosen['competition']])).toEqual([
        ['ll-crew', [row['crew_id']], ['crews']],
      ]);
      const crew = await variablesOf(dashboard('ll-crew'), followed[0]?.chosen ?? {}, ctx);
      expect(invalidCarried(followed[0] ?? { uid: '', chosen: {} }, crew)).toEqual([]);
    }
  });

  it.each(levels)('正式结果 of $id: headed $heading, the crew link only for crews', async ({ id, heading, ids }) => {
    const d = dashboard('ll-results');
    const variables = await variablesOf(d, { competition: id, closure: LATE_LEVEL_PERIOD }, ctx);
    const table = panel(d, '正式排名');
    const { rows } = await run(resultsSql.table, variables, ctx);
    expect(rows.map((r) => r['crew_id'])).toEqual(ids);
    expect(headings(table, variables)['crew_name']).toBe(heading);
    expect(headings(lateTable(d), variables)).toMatchObject({
      entrant_name: heading,
      entrant_id: `${heading}编号`,
    });
    expect(headings(panel(d, '结算记录'), variables)['crews']).toBe(`${heading}数`);
    expect(panelsOf(d).map((p) => shown(p.title ?? '', variables))).toContain(`参赛${heading}`);
    const followed = rows.map((row) => cellLinks(linksOf(table, 'crew_name'), row, variables, ctx.range));
    expect(followed.map((f) => f.map((x) => x.chosen['crew']?.[0]))).toEqual(
      ids.map((crewId) => (id === 'crews' ? [crewId] : [])),
    );
  });

  it('other dashboards take no entrant level or time zone from a link: they follow the competition', async () => {
    const d = dashboard('ll-standings');
    const variables = await variablesOf(d, { competition: 'units', entrants: 'crew' }, ctx);
    expect(variables.get('entrants')?.current).toBe('unit');
  });
});

describe('正式结果 in the competition’s own time zone', () => {
  /**
   * The API accepts only UTC+08:00 zones (schemas/time-zones.ts: the daily rollup's days), so the
   * closed Berlin competition's stored rules are given Europe/Berlin directly, as a competition of
   * another zone would be stored. Its week w1 then runs to 2026-03-08 00:00 Berlin (07:00 Beijing).
   */
  beforeAll(async () => {
    await lb.client.command({
      query: `ALTER TABLE competitions UPDATE definition = replaceOne(definition, '"timeZone":"Asia/Shanghai"', '"timeZone":"Europe/Berlin"')
              WHERE competition_id = {id:String}`,
      query_params: { id: BERLIN },
      clickhouse_settings: { mutations_sync: '2' },
    });
    clock.set('2026-03-10T12:30:00+08:00');
    const sale = (eventId: string, occurredAt: string) => ({
      eventId,
      crewId: 'C1',
      type: 'sales',
      occurredAt,
      volume: 100,
      unit: 'litres',
    });
    const late = [
      // Saturday 7 March 23:30 in Berlin: in w1 there, Sunday 06:30 (after w1) in Beijing.
      sale('berlin-sat-2330', '2026-03-07T23:30:00+01:00'),
      // Saturday 20:00 in Berlin, Sunday 03:00 in Beijing.
      sale('berlin-sat-2000', '2026-03-07T20:00:00+01:00'),
      // 1 March 00:30 in Beijing (in w1 there) is 28 February in Berlin: before w1.
      sale('beijing-sun-0030', '2026-03-01T00:30:00+08:00'),
    ];
    await inject('POST', '/v1/events', late);
    await waitFor(async () => {
      const r = await lb.client.query({
        query: `SELECT count() AS n FROM events WHERE event_id IN {ids:Array(String)}`,
        query_params: { ids: late.map((e) => e.eventId) },
        format: 'JSONEachRow',
      });
      expect(await r.json()).toEqual([{ n: 3 }]);
    }, 30_000);
  });

  it('counts the late events of its own days, and shows days and times in its zone', async () => {
    const d = dashboard('ll-results');
    const variables = await variablesOf(d, { competition: BERLIN, closure: LATE_LEVEL_PERIOD }, ctx);
    expect(variables.get('zone')?.current).toBe('Europe/Berlin');
    const [summary] = (await run(resultsSql.summary, variables, ctx)).rows;
    // Closed at 12:01 Beijing = 05:01 in Berlin (UTC+01:00 until 29 March).
    expect(summary).toMatchObject({ closed_at: '2026-03-10 05:01', late_events: 2 });
    const late = (await run(resultsSql.late, variables, ctx)).rows;
    expect(late.map((r) => [r['event_id'], r['occurred_at'], r['stored_at']])).toEqual([
      ['berlin-sat-2000', '2026-03-07 20:00:00', '2026-03-10 05:30:00'],
      ['berlin-sat-2330', '2026-03-07 23:30:00', '2026-03-10 05:30:00'],
    ]);
    const [listed] = (await run(resultsSql.list, variables, ctx)).rows;
    expect(listed).toMatchObject({ period_id: LATE_LEVEL_PERIOD, closed_at: '2026-03-10 05:01:00', late_events: 2 });
    const [row] = (await run(resultsSql.table, variables, ctx)).rows;
    expect(row).toMatchObject({ crew_id: 'C1', late_events: 2 });
    expect(headings(lateTable(d), variables)).toMatchObject({
      occurred_at: '发生时间（Europe/Berlin）',
      stored_at: '入库时间（Europe/Berlin）',
    });
    expect(panelsOf(d).map((p) => shown(p.title ?? '', variables))).toContain('结算时间（Europe/Berlin）');

    // The same week of a Beijing competition counts the Beijing Sunday-morning sale instead.
    const beijing = await variablesOf(d, { competition: 'crews', closure: LATE_LEVEL_PERIOD }, ctx);
    expect(beijing.get('zone')?.current).toBe('Asia/Shanghai');
    const [crews] = (await run(resultsSql.summary, beijing, ctx)).rows;
    expect(crews).toMatchObject({ closed_at: '2026-03-10 12:01', late_events: 1 });
    expect((await run(resultsSql.late, beijing, ctx)).rows.map((r) => [r['event_id'], r['occurred_at']])).toEqual([
      ['beijing-sun-0030', '2026-03-01 00:30:00'],
    ]);
  });
});
