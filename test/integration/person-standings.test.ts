import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * 个人赛 and 单位赛 end to end on the real engines: HTTP -> Kafka -> scoring consumer -> chdb ->
 * standings, breakdown and explain. The numbers are worked by hand below; every date is fixed.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
let lb: Leaderboard;

const persons = [
  { id: 'P1', crewId: 'C1', name: '张三', job: '加油员' },
  { id: 'P2', crewId: 'C1', name: '李四' },
  { id: 'P3', crewId: 'C2', name: '王五' },
  { id: 'P4', crewId: 'C3', name: '赵六' },
  { id: 'P5', crewId: 'C4', name: '钱七' },
  // No event names 孙八: an entrant with 0 points all the same.
  { id: 'P6', crewId: 'C5', name: '孙八' },
];
const org = { ...smallOrg, persons };

const indicators = [
  // 1 point per 100 L sold, 5 points off per 三违 person-time, 1 point per 技能比武 point.
  {
    id: 'volume',
    name: { zh: '销量', en: 'Volume' },
    rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
  },
  {
    id: 'violations',
    name: { zh: '三违', en: 'Violations' },
    rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
  },
  {
    id: 'skill',
    name: { zh: '技能比武', en: 'Skills' },
    rule: { kind: 'sum', metric: 'metric.skill_score', pointsPerUnit: 1 },
  },
];
const base = {
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators,
  gates: [{ id: 'zero-violations', name: { zh: '零三违', en: 'No violations' }, rule: { kind: 'no_violations' } }],
};
const postStars = {
  ...base,
  name: { zh: '岗位明星', en: 'Post stars' },
  entrants: 'person',
  rankingGroups: ['overall', 'branch'],
  grades: {
    kind: 'places',
    levels: [
      { id: 'star', name: { zh: '岗位明星', en: 'Post star' }, count: 1 },
      { id: 'excellent', name: { zh: '优秀员工', en: 'Excellent' }, count: 2 },
    ],
  },
};
const units = {
  ...base,
  name: { zh: '单位竞赛', en: 'Units' },
  entrants: 'unit',
  grades: {
    kind: 'thresholds',
    levels: [{ id: 'advanced', name: { zh: '先进单位', en: 'Advanced' }, minTotal: 20 }],
    otherwise: { id: 'below', name: { zh: '未达标', en: 'Below' } },
  },
};
const crews = { ...base, name: { zh: '班组竞赛', en: 'Crews' }, entrants: 'crew' };

const at = (day: string) => `2026-03-${day}T09:00:00+08:00`;
const sale = (eventId: string, crewId: string, day: string, volume: number, personId?: string) => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: at(day),
  volume,
  unit: 'litres',
  ...(personId === undefined ? {} : { personId }),
});
const events = [
  sale('s1', 'C1', '02', 3000, 'P1'), // P1: 30
  sale('s2', 'C1', '03', 2000, 'P2'), // P2: 20
  sale('s3', 'C1', '03', 5000), // names nobody: C1's and U1's, no person's
  sale('s4', 'C2', '04', 4000, 'P3'), // P3: 40 …
  { eventId: 'v1', crewId: 'C2', type: 'violation', occurredAt: at('05'), kind: 'operation', personId: 'P3' }, // … − 5 = 35
  { eventId: 'm1', crewId: 'C3', type: 'metric', occurredAt: at('05'), name: 'skill_score', value: 25, personId: 'P4' },
  sale('s5', 'C4', '06', 1500, 'P5'), // P5: 15
  sale('s7', 'C1', '04', 9000, 'P2'), // withdrawn below: P2 stays at 20
];

interface Row {
  crewId: string;
  crewName: string;
  branchId: string;
  rank: number | null;
  score: number;
  person: { id: string; name: string; job: string | null; crewId: string; crewName: string } | null;
  sheet: { eligible: boolean; grade: { id: string } | null } | null;
}
interface Page {
  recomputing: boolean;
  registryVersion: number;
  total: number;
  rows: Row[];
}

async function page(id: string, query = ''): Promise<Page> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
}
const summary = (rows: Row[]) =>
  rows.map((r) => [r.crewId, r.person?.crewId ?? null, r.rank, r.score, r.sheet?.grade?.id ?? null]);

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, env);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org })).statusCode).toBe(200);
  for (const [id, definition] of [
    ['post-stars', postStars],
    ['units', units],
    ['crews', crews],
  ] as const) {
    const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: definition });
    expect(res.statusCode, res.body).toBe(200);
  }
  const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(posted.json(), posted.body).toMatchObject({ accepted: events.length });
  // Through Kafka: the consumer stores the events, then the withdrawal, and standings follow.
  const c1 = async (score: number) => expect((await page('crews')).rows[0]).toMatchObject({ crewId: 'C1', score });
  await waitFor(() => c1(190), 30_000);
  const withdrawn = await lb.app.inject({
    method: 'POST',
    url: '/v1/events/s7/withdraw',
    payload: { crewId: 'C1', reason: '重复上报' },
  });
  expect(withdrawn.statusCode, withdrawn.body).toBe(201);
  await waitFor(() => c1(100), 30_000);
  await lb.refresher.idle();
}, 60_000);
afterAll(async () => {
  await lb.close();
});

describe('a person-level competition (个人赛)', () => {
  it('ranks every person of the participating crews, by their own events, with gates and grades', async () => {
    const overall = await page('post-stars');
    // P3 leads on points but fails 零三违, so gets no grade; places go to the eligible in rank order.
    expect(summary(overall.rows)).toEqual([
      ['P3', 'C2', 1, 35, null],
      ['P1', 'C1', 2, 30, 'star'],
      ['P4', 'C3', 3, 25, 'excellent'],
      ['P2', 'C1', 4, 20, 'excellent'],
      ['P5', 'C4', 5, 15, null],
      ['P6', 'C5', 6, 0, null],
    ]);
    expect(overall.rows[1]).toMatchObject({
      crewName: '张三',
      person: { id: 'P1', name: '张三', job: '加油员', crewId: 'C1', crewName: '西湖甲班' },
      branchId: 'B1',
    });
    expect(overall.rows[0]?.sheet?.eligible).toBe(false);
  });

  it('ranks within the branch of each person’s crew', async () => {
    expect(summary((await page('post-stars', '?group=branch:B2')).rows)).toEqual([
      ['P5', 'C4', 1, 15, null],
      ['P6', 'C5', 2, 0, null],
    ]);
  });

  it('explains a person’s points with the events naming them (a withdrawn one listed as such)', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/post-stars/crews/P2?asOf=2026-03-10' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      crew: Row;
      groups: { group: string; rank: number }[];
      explained: {
        indicatorId: string;
        total: number;
        events: { event: { eventId: string }; effect: { counts: boolean } }[];
      }[];
    }>();
    expect(body.crew).toMatchObject({ crewId: 'P2', score: 20, person: { crewId: 'C1', crewName: '西湖甲班' } });
    expect(body.groups).toEqual([
      { group: 'overall', rank: 4, total: 6 },
      { group: 'branch:B1', rank: 4, total: 4 },
    ]);
    const volume = body.explained.find((e) => e.indicatorId === 'volume');
    // s3 (C1's, naming nobody) is not among P2's events.
    expect(volume?.events.map((e) => [e.event.eventId, e.effect.counts])).toEqual([
      ['s7', false],
      ['s2', true],
    ]);
    const paged = await lb.app.inject({
      method: 'GET',
      url: '/v1/competitions/post-stars/crews/P2/indicators/volume/events?limit=1',
    });
    expect(paged.statusCode, paged.body).toBe(200);
    expect(paged.json()).toMatchObject({ total: 2, events: [{ event: { eventId: 's7' } }] });
    const unknown = await lb.app.inject({ method: 'GET', url: '/v1/competitions/post-stars/crews/C1' });
    expect(unknown.statusCode).toBe(404);
  });

  it('counts an event that names nobody for the crew, not for any person', async () => {
    // C1: 3,000 + 2,000 + 5,000 L (s7 withdrawn) = 100 points; its persons P1 + P2 have 50.
    expect((await page('crews')).rows.find((r) => r.crewId === 'C1')).toMatchObject({ score: 100, person: null });
  });

  it('follows a person to their new crew on every stored day when the registry moves them', async () => {
    expect((await page('post-stars', '?asOf=2026-03-09')).rows.find((r) => r.crewId === 'P2')?.person?.crewId).toBe(
      'C1',
    );
    const patch = (person: object) =>
      lb.app.inject({ method: 'PATCH', url: '/v1/org', payload: { persons: [person] } });
    const nowhere = await patch({ id: 'P2', crewId: 'C9', name: '李四' });
    expect(nowhere.statusCode).toBe(422);
    expect(nowhere.json()).toMatchObject({ error: { details: [{ path: 'persons[0].crewId' }] } });
    const moved = await patch({ id: 'P2', crewId: 'C5', name: '李四' });
    expect(moved.json()).toMatchObject({
      persons: { created: 0, updated: 1, unchanged: 0 },
      changes: [{ entity: 'person', id: 'P2', op: 'updated', fields: ['crewId'] }],
    });
    await lb.refresher.flush();
    const before = await page('post-stars', '?asOf=2026-03-09');
    expect(before.recomputing).toBe(false);
    // Their events stay theirs (20 points, still 优秀员工); they now rank in 宁波分公司 (B2) with 北仑乙班.
    expect(before.rows.find((r) => r.crewId === 'P2')).toMatchObject({
      score: 20,
      branchId: 'B2',
      person: { crewId: 'C5', crewName: '北仑乙班' },
    });
    expect(summary((await page('post-stars', '?asOf=2026-03-09&group=branch:B2')).rows)).toEqual([
      ['P2', 'C5', 1, 20, 'excellent'],
      ['P5', 'C4', 2, 15, null],
      ['P6', 'C5', 3, 0, null],
    ]);
  });
});

describe('a unit-level competition (单位赛)', () => {
  it('sums its crews’ events, persons or not, with gates and grades', async () => {
    // U1 = C1 + C2: 3,000 + 2,000 + 5,000 + 4,000 L = 140, − 5 (P3's 三违) = 135, fails 零三违.
    // U2 = C3: skill 25 → 先进单位 (≥ 20). U3 = C4 + C5: 1,500 L = 15 → 未达标.
    expect(summary((await page('units')).rows)).toEqual([
      ['U1', null, 1, 135, null],
      ['U2', null, 2, 25, 'advanced'],
      ['U3', null, 3, 15, 'below'],
    ]);
  });
});
