import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from './fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from './test-leaderboard.ts';

/**
 * Late changes to closed periods of person-, unit- and branch-level competitions, on the real
 * engines (embedded chdb; Kafka and the scoring consumer when env names a broker). Every date is
 * fixed: the events happen in the first week of March 2026, the week closes on the 10th.
 *
 * The three competitions take the crews of 杭州分公司 (B1): C1, C2 (西湖加油站 U1) and C3 (半山油库
 * U2), and their persons P1–P4. 北仑 (B2: U3, C4, C5, P5, P6) is outside all three.
 */
export function describeLateChangesByLevel(path: string, env: Record<string, string>): void {
  const clock = fixedClock('2026-03-10T12:00:00+08:00');
  let lb: Leaderboard;

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
  const competitions = {
    stars: definition('person', '岗位明星'),
    units: definition('unit', '单位竞赛'),
    branches: definition('branch', '分公司竞赛'),
  };
  type Id = keyof typeof competitions;
  const ids = Object.keys(competitions) as Id[];

  const sale = (eventId: string, crewId: string, day: string, volume: number, personId?: string) => ({
    eventId,
    crewId,
    type: 'sales',
    occurredAt: `2026-03-${day}T09:00:00+08:00`,
    volume,
    unit: 'litres',
    ...(personId === undefined ? {} : { personId }),
  });

  interface Row {
    crewId: string;
    crewName: string;
    rank: number | null;
    score: number;
  }
  async function get<T>(url: string): Promise<T> {
    const res = await lb.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  }
  const frozen = (id: Id) =>
    get<{ lateEvents: number; rows: Row[] }>(`/v1/competitions/${id}/periods/w1/standings?limit=100`);
  interface LateList {
    total: number;
    events: { eventId: string; crewId: string; personId: string | null; entrant: { id: string; name: string } }[];
  }
  const lateList = (id: Id) => get<LateList>(`/v1/competitions/${id}/periods/w1/late-events`);
  const named = (list: LateList) => list.events.map((e) => [e.eventId, e.entrant.id, e.entrant.name]);
  const before = new Map<Id, Row[]>();

  beforeAll(async () => {
    lb = await startTestLeaderboard(clock, env);
    const org = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: { ...smallOrg, persons } });
    expect(org.statusCode, org.body).toBe(200);
    for (const id of ids) {
      const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: competitions[id] });
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
      const rows = (await get<{ rows: Row[] }>('/v1/competitions/branches/standings')).rows;
      expect(rows).toMatchObject([{ crewId: 'B1', score: 60 }]);
    }, 30_000);
    await lb.refresher.idle();
    clock.set('2026-03-10T12:01:00+08:00');
    for (const id of ids) {
      const closed = await lb.app.inject({
        method: 'POST',
        url: `/v1/competitions/${id}/periods/w1/close`,
        payload: {},
      });
      expect(closed.statusCode, closed.body).toBe(200);
      const page = await frozen(id);
      expect(page.lateEvents).toBe(0);
      before.set(id, page.rows);
    }
  }, 90_000);
  afterAll(async () => {
    await lb.close();
  });

  describe(`late changes of person-, unit- and branch-level periods (${path})`, () => {
    it('froze the entrants of each level', () => {
      const summary = (id: Id) => before.get(id)?.map((r) => [r.crewId, r.rank, r.score]);
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
      // After the closing, 半山甲班 (C3) moves to 北仑加油站 (U3): the week was summed with it in 半山油库.
      const moved = await lb.app.inject({
        method: 'PATCH',
        url: '/v1/org',
        payload: { crews: [{ id: 'C3', unitId: 'U3', name: '半山甲班', headcount: 8 }] },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      clock.set('2026-03-10T12:05:00+08:00');
      const late = [
        // 王五's: late for 王五, for 西湖加油站 and for 杭州分公司.
        sale('late-p3', 'C2', '05', 500, 'P3'),
        // Names nobody: no person's score, but 半山油库's (as frozen) and 杭州分公司's.
        sale('late-c3', 'C3', '04', 700),
        // 钱七 of 北仑甲班: outside all three competitions.
        sale('late-p5', 'C4', '05', 900, 'P5'),
        // After the week: late for nothing.
        sale('after-p1', 'C1', '08', 100, 'P1'),
      ];
      const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: late });
      expect(posted.json(), posted.body).toMatchObject({ accepted: late.length });
      await waitFor(async () => {
        const rows = (await get<{ rows: Row[] }>('/v1/competitions/stars/standings')).rows;
        expect(rows.find((r) => r.crewId === 'P3')?.score).toBe(25);
      }, 30_000);

      for (const id of ids) {
        const page = await frozen(id);
        expect(page.rows, id).toEqual(before.get(id));
      }
      expect((await frozen('stars')).lateEvents).toBe(1);
      expect((await frozen('units')).lateEvents).toBe(2);
      expect((await frozen('branches')).lateEvents).toBe(2);
      expect(named(await lateList('stars'))).toEqual([['late-p3', 'P3', '王五']]);
      expect((await lateList('stars')).events[0]).toMatchObject({ crewId: 'C2', personId: 'P3' });
      expect(named(await lateList('units')).sort()).toEqual([
        ['late-c3', 'U2', '半山油库'],
        ['late-p3', 'U1', '西湖加油站'],
      ]);
      expect(named(await lateList('branches')).sort()).toEqual([
        ['late-c3', 'B1', '杭州分公司'],
        ['late-p3', 'B1', '杭州分公司'],
      ]);
      const periods = await get<{ periods: { id: string; closed: { lateEvents: number } | null }[] }>(
        '/v1/competitions/units/periods',
      );
      expect(periods.periods.find((p) => p.id === 'w1')?.closed?.lateEvents).toBe(2);
    });

    it('names the entrants a late correction falls on, and counts it once per period', async () => {
      clock.set('2026-03-10T12:10:00+08:00');
      const res = await lb.app.inject({
        method: 'POST',
        url: '/v1/events/s1/withdraw',
        payload: { crewId: 'C1', reason: '复核后撤销' },
      });
      expect([201, 202], res.body).toContain(res.statusCode);
      const body = res.json<{ message: string; correction: { late: { periodId: string; entrantId: string }[] } }>();
      expect(body.correction.late.map((n) => n.entrantId).sort()).toEqual(['B1', 'P1', 'U1']);
      expect(body.message).toContain('stars/w1 (P1)');
      expect(body.message).toContain('units/w1 (U1)');
      // A withdrawal of 钱七's event (outside every competition) falls in no closed period.
      const outside = await lb.app.inject({
        method: 'POST',
        url: '/v1/events/s4/withdraw',
        payload: { crewId: 'C4', reason: '复核后撤销' },
      });
      expect([201, 202], outside.body).toContain(outside.statusCode);
      expect(outside.json<{ correction: { late: unknown[] } }>().correction.late).toEqual([]);
      await waitFor(async () => {
        expect((await frozen('stars')).lateEvents).toBe(2);
      }, 30_000);
      expect((await frozen('units')).lateEvents).toBe(3);
      expect((await frozen('branches')).lateEvents).toBe(3);
      expect(named(await lateList('stars'))).toEqual([
        ['late-p3', 'P3', '王五'],
        ['s1', 'P1', '张三'],
      ]);
      for (const id of ids) expect((await frozen(id)).rows, id).toEqual(before.get(id));
    });
  });
}
