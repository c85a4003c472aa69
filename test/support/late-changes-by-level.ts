import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from './fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor, type TestClock } from './test-leaderboard.ts';

/**
 * Late changes to closed periods of person-, unit- and branch-level competitions, on the real
 * engines (embedded chdb; Kafka and the scoring consumer when env names a broker). Every date is
 * fixed: the events happen in the first week of March 2026, the week closes on the 10th.
 *
 * The three competitions take the crews of 杭州分公司 (B1): C1, C2 (西湖加油站 U1) and C3 (半山油库
 * U2), and their persons P1–P4. 北仑 (B2: U3, C4, C5, P5, P6) is outside all three. The steps are
 * exported for other readers of late changes (the Grafana 正式结果 dashboard's test).
 */

const persons = [
  { id: 'P1', crewId: 'C1', name: '张三' },
  { id: 'P2', crewId: 'C1', name: '李四' },
  { id: 'P3', crewId: 'C2', name: '王五' },
  { id: 'P4', crewId: 'C3', name: '赵六' },
  { id: 'P5', crewId: 'C4', name: '钱七' },
  { id: 'P6', crewId: 'C5', name: '孙八' },
];
const definition = (entrants: string, zh: string) => ({
  name: { zh, en: entrants },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  stages: [{ id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-07' }],
  participants: { scope: 'selected', branchIds: ['B1'] },
  entrants,
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
  ],
});
/** The competitions by id: persons (岗位明星), units and branches, each closing week w1. */
export const lateLevelCompetitions = {
  stars: definition('person', '岗位明星'),
  units: definition('unit', '单位竞赛'),
  branches: definition('branch', '分公司竞赛'),
};
export type LateLevelId = keyof typeof lateLevelCompetitions;
export const lateLevelIds = Object.keys(lateLevelCompetitions) as LateLevelId[];
/** The closed period of each competition. */
export const LATE_LEVEL_PERIOD = 'w1';
/** The scenario's clock before the closing, and the Grafana time range its dashboard tests use. */
export const LATE_LEVEL_START = '2026-03-10T12:00:00+08:00';
export const lateLevelDashboardRange = {
  range: { from: new Date('2026-03-01T00:00:00+08:00'), to: new Date('2026-03-10T13:00:00+08:00') },
  intervalMs: 3_600_000,
};

const sale = (eventId: string, crewId: string, day: string, volume: number, personId?: string) => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: `2026-03-${day}T09:00:00+08:00`,
  volume,
  unit: 'litres',
  ...(personId === undefined ? {} : { personId }),
});

export interface FrozenRow {
  crewId: string;
  crewName: string;
  rank: number | null;
  score: number;
}
export interface LateList {
  timeZone: string;
  total: number;
  events: { eventId: string; crewId: string; personId: string | null; entrant: { id: string; name: string } }[];
}

export async function getJson<T>(lb: Leaderboard, url: string): Promise<T> {
  const res = await lb.app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}
export const frozenPage = (lb: Leaderboard, id: LateLevelId) =>
  getJson<{ lateEvents: number; rows: FrozenRow[] }>(
    lb,
    `/v1/competitions/${id}/periods/${LATE_LEVEL_PERIOD}/standings?limit=100`,
  );
export const lateList = (lb: Leaderboard, id: LateLevelId) =>
  getJson<LateList>(lb, `/v1/competitions/${id}/periods/${LATE_LEVEL_PERIOD}/late-events`);

/**
 * The registry with persons, the three competitions and four sales of the week stored before it
 * closes (none late), then each competition's week closed at 2026-03-10 12:01 (+08:00). Answers
 * each competition's frozen rows.
 */
export async function closeLateLevelWeek(lb: Leaderboard, clock: TestClock): Promise<Map<LateLevelId, FrozenRow[]>> {
  const org = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: { ...smallOrg, persons } });
  expect(org.statusCode, org.body).toBe(200);
  for (const id of lateLevelIds) {
    const res = await lb.app.inject({
      method: 'PUT',
      url: `/v1/competitions/${id}`,
      payload: lateLevelCompetitions[id],
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const events = [
    sale('s1', 'C1', '02', 3000, 'P1'),
    sale('s2', 'C2', '03', 2000, 'P3'),
    sale('s3', 'C3', '03', 1000),
    sale('s4', 'C4', '04', 4000, 'P5'),
  ];
  const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(posted.json(), posted.body).toMatchObject({ accepted: events.length });
  // Stored (through Kafka when there is one) before the week closes: none of them is late.
  await waitFor(async () => {
    const rows = (await getJson<{ rows: FrozenRow[] }>(lb, '/v1/competitions/branches/standings')).rows;
    expect(rows).toMatchObject([{ crewId: 'B1', score: 60 }]);
  }, 30_000);
  await lb.refresher.idle();
  clock.set('2026-03-10T12:01:00+08:00');
  const before = new Map<LateLevelId, FrozenRow[]>();
  for (const id of lateLevelIds) {
    const closed = await lb.app.inject({
      method: 'POST',
      url: `/v1/competitions/${id}/periods/${LATE_LEVEL_PERIOD}/close`,
      payload: {},
    });
    expect(closed.statusCode, closed.body).toBe(200);
    // The zone the CLI prints closedAt in (ghlb close): the competition's, not the machine's.
    expect(closed.json()).toMatchObject({ timeZone: 'Asia/Shanghai' });
    const page = await frozenPage(lb, id);
    expect(page.lateEvents).toBe(0);
    before.set(id, page.rows);
  }
  return before;
}

/**
 * After the closing, 半山甲班 (C3) moves to 北仑加油站 (U3), then four sales arrive at 12:05: late
 * for 王五 (P3), 西湖加油站 and 杭州分公司; naming nobody, late for 半山油库 as frozen and for
 * 杭州分公司; 钱七's of 北仑 (outside all three); and one after the week (late for nothing).
 */
export async function postLateSales(lb: Leaderboard, clock: TestClock): Promise<void> {
  const moved = await lb.app.inject({
    method: 'PATCH',
    url: '/v1/org',
    payload: { crews: [{ id: 'C3', unitId: 'U3', name: '半山甲班', headcount: 8 }] },
  });
  expect(moved.statusCode, moved.body).toBe(200);
  clock.set('2026-03-10T12:05:00+08:00');
  const late = [
    sale('late-p3', 'C2', '05', 500, 'P3'),
    sale('late-c3', 'C3', '04', 700),
    sale('late-p5', 'C4', '05', 900, 'P5'),
    sale('after-p1', 'C1', '08', 100, 'P1'),
  ];
  const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: late });
  expect(posted.json(), posted.body).toMatchObject({ accepted: late.length });
  await waitFor(async () => {
    const rows = (await getJson<{ rows: FrozenRow[] }>(lb, '/v1/competitions/stars/standings')).rows;
    expect(rows.find((r) => r.crewId === 'P3')?.score).toBe(25);
  }, 30_000);
}

/** The corrections of the scenario's late changes: their answers. */
export interface LateWithdrawals {
  s1: { statusCode: number; body: string };
  s4: { statusCode: number; body: string };
}

/**
 * At 12:10, 张三's sale s1 of the closed week is withdrawn (late for P1, U1 and B1), and so is
 * 钱七's s4 (outside every competition); answers once the first counts among the late changes.
 */
export async function withdrawLateSales(lb: Leaderboard, clock: TestClock): Promise<LateWithdrawals> {
  clock.set('2026-03-10T12:10:00+08:00');
  const withdraw = async (eventId: string, crewId: string) => {
    const res = await lb.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/withdraw`,
      payload: { crewId, reason: '复核后撤销' },
    });
    expect([201, 202], res.body).toContain(res.statusCode);
    return { statusCode: res.statusCode, body: res.body };
  };
  const s1 = await withdraw('s1', 'C1');
  const s4 = await withdraw('s4', 'C4');
  await waitFor(async () => {
    expect((await frozenPage(lb, 'stars')).lateEvents).toBe(2);
  }, 30_000);
  return { s1, s4 };
}

export function describeLateChangesByLevel(path: string, env: Record<string, string>): void {
  const clock = fixedClock(LATE_LEVEL_START);
  let lb: Leaderboard;
  let before = new Map<LateLevelId, FrozenRow[]>();
  const frozen = (id: LateLevelId) => frozenPage(lb, id);
  const named = (list: LateList) => list.events.map((e) => [e.eventId, e.entrant.id, e.entrant.name]);

  beforeAll(async () => {
    lb = await startTestLeaderboard(clock, env);
    before = await closeLateLevelWeek(lb, clock);
  }, 90_000);
  afterAll(async () => {
    await lb.close();
  });

  describe(`late changes of person-, unit- and branch-level periods (${path})`, () => {
    it('froze the entrants of each level', () => {
      const summary = (id: LateLevelId) => before.get(id)?.map((r) => [r.crewId, r.rank, r.score]);
      expect(summary('stars')).toEqual([
        ['P1', 1, 30],
        ['P3', 2, 20],
        ['P2', 3, 0],
        ['P4', 3, 0],
      ]);
      expect(summary('units')).toEqual([
        ['U1', 1, 50],
        ['U2', 2, 10],
      ]);
      expect(summary('branches')).toEqual([['B1', 1, 60]]);
    });

    it('counts and lists a late event for the entrant it would have changed, never changing the frozen rows', async () => {
      await postLateSales(lb, clock);
      for (const id of lateLevelIds) {
        const page = await frozen(id);
        expect(page.rows, id).toEqual(before.get(id));
      }
      expect((await frozen('stars')).lateEvents).toBe(1);
      expect((await frozen('units')).lateEvents).toBe(2);
      expect((await frozen('branches')).lateEvents).toBe(2);
      expect(named(await lateList(lb, 'stars'))).toEqual([['late-p3', 'P3', '王五']]);
      expect(await lateList(lb, 'stars')).toMatchObject({
        timeZone: 'Asia/Shanghai',
        events: [{ crewId: 'C2', personId: 'P3' }],
      });
      expect(named(await lateList(lb, 'units')).sort()).toEqual([
        ['late-c3', 'U2', '半山油库'],
        ['late-p3', 'U1', '西湖加油站'],
      ]);
      expect(named(await lateList(lb, 'branches')).sort()).toEqual([
        ['late-c3', 'B1', '杭州分公司'],
        ['late-p3', 'B1', '杭州分公司'],
      ]);
      const periods = await getJson<{
        timeZone: string;
        periods: { id: string; closed: { lateEvents: number } | null }[];
      }>(lb, '/v1/competitions/units/periods');
      expect(periods.periods.find((p) => p.id === 'w1')?.closed?.lateEvents).toBe(2);
      expect(periods.timeZone).toBe('Asia/Shanghai');
    });

    it('names the entrants a late correction falls on, and counts it once per period', async () => {
      const { s1, s4 } = await withdrawLateSales(lb, clock);
      const body = JSON.parse(s1.body) as {
        message: string;
        correction: { late: { periodId: string; entrantId: string }[] };
      };
      expect(body.correction.late.map((n) => n.entrantId).sort()).toEqual(['B1', 'P1', 'U1']);
      expect(body.message).toContain('stars/w1 (P1)');
      expect(body.message).toContain('units/w1 (U1)');
      // A withdrawal of 钱七's event (outside every competition) falls in no closed period.
      expect((JSON.parse(s4.body) as { correction: { late: unknown[] } }).correction.late).toEqual([]);
      expect((await frozen('units')).lateEvents).toBe(3);
      expect((await frozen('branches')).lateEvents).toBe(3);
      expect(named(await lateList(lb, 'stars'))).toEqual([
        ['late-p3', 'P3', '王五'],
        ['s1', 'P1', '张三'],
      ]);
      for (const id of lateLevelIds) expect((await frozen(id)).rows, id).toEqual(before.get(id));
    });
  });
}
