import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { mulberry32 } from '../../services/demo/prng.ts';
import { personSale, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * 个人赛 standings kept up to date cheaply (issue 16 at 100,000 persons): the closed days' sums
 * are kept and only today is read again, entrants whose facts did not change keep their score,
 * and today's snapshot is served from memory. After every batch of a random stream (today's
 * events, late events on closed days, withdrawals, a person moving crew) the standings served as
 * current must equal a computation from scratch over the stored events, on the real engine.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const today = '2026-03-10';
let lb: Leaderboard;

const persons = smallOrg.crews.flatMap((crew, c) =>
  [0, 1, 2].map((k) => ({ id: `P${c + 1}${k}`, crewId: crew.id, name: `员工${c + 1}-${k + 1}` })),
);
const competition = {
  name: { zh: '岗位明星', en: 'Post stars' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  entrants: 'person',
  rankingGroups: ['overall', 'branch'],
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
    {
      id: 'skill',
      name: { zh: '技能', en: 'Skill' },
      rule: { kind: 'sum', metric: 'metric.skill_score', pointsPerUnit: 1 },
    },
    {
      id: 'violations',
      name: { zh: '三违', en: 'Violations' },
      rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
    },
    {
      id: 'innovation',
      name: { zh: '五小', en: 'Innovation' },
      rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
    },
  ],
  gates: [{ id: 'zero-violations', name: { zh: '零三违', en: 'No violations' }, rule: { kind: 'no_violations' } }],
  grades: {
    kind: 'places',
    levels: [
      { id: 'star', name: { zh: '岗位明星', en: 'Post star' }, count: 2 },
      { id: 'excellent', name: { zh: '优秀员工', en: 'Excellent' }, count: 3 },
    ],
  },
};

interface Row {
  crewId: string;
  branchId: string;
  rank: number | null;
  score: number;
  indicators: { indicatorId: string; points: number }[];
  sheet: { eligible: boolean; grade: { id: string } | null } | null;
  person: { crewId: string } | null;
}
interface Page {
  recomputing: boolean;
  total: number;
  rows: Row[];
}

// Without gates and grades, today's snapshot records of entrants whose score and ranks did not
// change are kept from one refresh to the next (snapshotCrews): served ranks must still follow others' moves.
const plain = { ...competition, gates: [], grades: undefined };

async function page(query = '', id = 'post-stars'): Promise<Page> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?limit=100${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
}

const shape = (r: {
  crewId: string;
  branchId: string;
  rank: number | null;
  score: number;
  indicators: readonly { indicatorId: string; points: number }[];
  sheet: { eligible: boolean; grade: { id: string } | null } | null;
  personCrew: string | null;
}) => [
  r.crewId,
  r.personCrew,
  r.branchId,
  r.rank,
  r.score,
  r.indicators.map((i) => `${i.indicatorId}=${i.points}`).join(' '),
  r.sheet?.eligible ?? null,
  r.sheet?.grade?.id ?? null,
];

/** Today's standings of one group as served, against a computation from scratch over what is stored. */
async function expectServedEqualsFromScratch(
  group: 'overall' | 'branch:B1' | 'branch:B2',
  id = 'post-stars',
): Promise<void> {
  const stored = lb.catalog.competition(id);
  if (!stored) throw new Error(`${id} is not stored`);
  const served = await page(group === 'overall' ? '' : `&group=${group}`, id);
  expect(served.recomputing).toBe(false);
  const fresh = await lb.standings.evaluate(id, stored.definition, today);
  const groupBy = group === 'overall' ? 'overall' : 'branch';
  const expected = fresh
    .filter((c) => group === 'overall' || `branch:${c.crew.branchId}` === group)
    .map((c) => ({
      crewId: c.crew.crewId,
      branchId: c.crew.branchId,
      rank: c.ranks[groupBy]?.rank ?? null,
      score: c.score,
      indicators: c.indicators,
      sheet: c.sheet,
      personCrew: c.crew.person?.crewId ?? null,
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.crewId < b.crewId ? -1 : 1));
  expect(served.rows.map((r) => shape({ ...r, personCrew: r.person?.crewId ?? null }))).toEqual(expected.map(shape));
  expect(served.total).toBe(expected.length);
}

const closedDays = ['01', '02', '03', '04', '05', '06', '07', '08', '09'].map((d) => `2026-03-${d}`);

interface StoredPage {
  rows: (Row & { previousRank: number | null; rankChange: number | null })[];
}

/**
 * Every closed day as stored (a pass over closed days rewrote them after late events, each step
 * adding one day to the sums the step before kept, and taking the day before's ranks from it),
 * against a computation from scratch of that day, with the movement against the day before's.
 */
async function expectStoredDaysEqualFromScratch(id: string): Promise<void> {
  const stored = lb.catalog.competition(id);
  if (!stored) throw new Error(`${id} is not stored`);
  let before = new Map<string, number | null>();
  for (const day of closedDays) {
    const res = await lb.app.inject({
      method: 'GET',
      url: `/v1/competitions/${id}/standings?asOf=${day}&limit=100`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const served = res.json<StoredPage>();
    const fresh = await lb.standings.evaluate(id, stored.definition, day);
    const expected = fresh
      .map((c) => {
        const rank = c.ranks.overall?.rank ?? null;
        const prevRank = before.get(c.crew.crewId) ?? null;
        return {
          crewId: c.crew.crewId,
          rank,
          prevRank,
          rankChange: rank === null || prevRank === null ? null : prevRank - rank,
          score: c.score,
          indicators: c.indicators.map((i) => `${i.indicatorId}=${i.points}`).join(' '),
          personCrew: c.crew.person?.crewId ?? null,
        };
      })
      .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.crewId < b.crewId ? -1 : 1));
    const got = served.rows.map((r) => ({
      crewId: r.crewId,
      rank: r.rank,
      prevRank: r.previousRank,
      rankChange: r.rankChange,
      score: r.score,
      indicators: r.indicators.map((i) => `${i.indicatorId}=${i.points}`).join(' '),
      personCrew: r.person?.crewId ?? null,
    }));
    expect(got, `${id} on ${day}`).toEqual(expected);
    before = new Map(fresh.map((c) => [c.crew.crewId, c.ranks.overall?.rank ?? null]));
  }
}

beforeAll(async () => {
  // Today's snapshot held in memory between writes, as in production (not written after every refresh).
  lb = await startTestLeaderboard(clock, { STANDINGS_PERSIST_MS: '60000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: { ...smallOrg, persons } })).statusCode).toBe(
    200,
  );
  const res = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/post-stars', payload: competition });
  expect(res.statusCode, res.body).toBe(200);
  const other = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/post-stars-plain', payload: plain });
  expect(other.statusCode, other.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('per-person standings kept incrementally', () => {
  it('equal a computation from scratch after every batch of a random stream', async () => {
    const next = mulberry32(16);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const posted: { eventId: string; crewId: string }[] = [];
    let crewOf = new Map(persons.map((p) => [p.id, p.crewId]));
    let n = 0;
    // Every closed day stored, so late events start passes that rewrite them (checked each round).
    for (const id of ['post-stars', 'post-stars-plain'])
      for (const day of closedDays) {
        const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?asOf=${day}` });
        expect(res.statusCode, res.body).toBe(200);
      }
    for (let round = 0; round < 10; round++) {
      const batch: Record<string, unknown>[] = [];
      for (let i = 0; i < 12; i++) {
        const personId = pick(persons).id;
        const crewId = crewOf.get(personId) ?? '';
        // Most events are today's; some land on closed days (their kept sums must be dropped).
        const day = next() < 0.7 ? today : `2026-03-0${1 + Math.floor(next() * 9)}`;
        const at = `${day}T${String(8 + Math.floor(next() * 4)).padStart(2, '0')}:00:00+08:00`;
        const eventId = `r${round}-${n++}`;
        const named = next() < 0.9 ? { personId } : {};
        const kind = next();
        if (kind < 0.6)
          batch.push({
            eventId,
            crewId,
            ...named,
            type: 'sales',
            occurredAt: at,
            volume: 100 + Math.floor(next() * 3000),
            unit: 'litres',
          });
        else if (kind < 0.75)
          batch.push({
            eventId,
            crewId,
            ...named,
            type: 'metric',
            occurredAt: at,
            name: 'skill_score',
            value: Math.floor(next() * 30),
          });
        else if (kind < 0.85)
          batch.push({ eventId, crewId, ...named, type: 'violation', occurredAt: at, kind: 'operation' });
        else
          batch.push({
            eventId,
            crewId,
            ...named,
            type: 'innovation',
            occurredAt: at,
            // Two innovations per person, so a later event (today's, or a late one) changes the
            // status an earlier day's event gave: today's tallies move a count from the closed one.
            innovationId: `I-${personId}-${Math.floor(next() * 2)}`,
            category: 'suggestion',
            ...pick([{ status: 'submitted' }, { status: 'adopted' }, { status: 'awarded', awardLevel: 2 }]),
          });
        posted.push({ eventId, crewId });
      }
      const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: batch });
      expect(res.json(), res.body).toMatchObject({ accepted: batch.length });
      if (round % 3 === 2) {
        // A withdrawal (a correction) takes an event back, whichever day it was on.
        const victim = pick(posted);
        const withdrawn = await lb.app.inject({
          method: 'POST',
          url: `/v1/events/${victim.eventId}/withdraw`,
          payload: { crewId: victim.crewId, reason: '重复上报' },
        });
        expect(withdrawn.statusCode, withdrawn.body).toBe(201);
      }
      if (round === 5) {
        // A person moves to a crew of the other branch: every stored day follows the registry.
        const moved = await lb.app.inject({
          method: 'PATCH',
          url: '/v1/org',
          payload: { persons: [{ id: 'P10', crewId: 'C5', name: '员工1-1' }] },
        });
        expect(moved.statusCode, moved.body).toBe(200);
        crewOf = new Map([...crewOf, ['P10', 'C5']]);
      }
      await lb.refresher.flush();
      await expectServedEqualsFromScratch('overall');
      await expectServedEqualsFromScratch(round % 2 === 0 ? 'branch:B1' : 'branch:B2');
      await expectServedEqualsFromScratch('overall', 'post-stars-plain');
      await expectServedEqualsFromScratch(round % 2 === 0 ? 'branch:B2' : 'branch:B1', 'post-stars-plain');
      await expectStoredDaysEqualFromScratch(round % 2 === 0 ? 'post-stars' : 'post-stars-plain');
    }
    // Only today's events now: the day before's ranks stay and the others keep their scores (and
    // records). The last ranked person jumps over all of them: every one it passed must move down.
    const last = (await page('', 'post-stars-plain')).rows.filter((r) => r.rank !== null).at(-1);
    const jump = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [
        {
          eventId: 'jump',
          crewId: last?.person?.crewId,
          personId: last?.crewId,
          type: 'sales',
          occurredAt: `${today}T11:00:00+08:00`,
          volume: 1_000_000,
          unit: 'litres',
        },
      ],
    });
    expect(jump.json(), jump.body).toMatchObject({ accepted: 1 });
    await lb.refresher.flush();
    expect((await page('', 'post-stars-plain')).rows[0]?.crewId).toBe(last?.crewId);
    for (const group of ['overall', 'branch:B1', 'branch:B2'] as const)
      await expectServedEqualsFromScratch(group, 'post-stars-plain');
    // The stream did score: not a comparison of empty standings.
    const top = (await page()).rows[0];
    expect(top?.score).toBeGreaterThan(0);
    expect((await page('&group=branch:B2')).rows.find((r) => r.crewId === 'P10')?.person?.crewId).toBe('C5');
  });

  it('never serve a kept facts record that is stale: closed days changed by late events, events only today', async () => {
    // A newcomer with no events yet, then only closed days' events: their facts record is kept
    // across refreshes while their closed sums do not change (person-facts.query.ts).
    const moved = await lb.app.inject({
      method: 'PATCH',
      url: '/v1/org',
      payload: {
        persons: [
          { id: 'P99', crewId: 'C1', name: '新员工甲' },
          { id: 'P98', crewId: 'C2', name: '新员工乙' },
        ],
      },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const scoreOf = async (personId: string): Promise<number | undefined> =>
      (await page('', 'post-stars-plain')).rows.find((r) => r.crewId === personId)?.score;
    const post = async (events: Record<string, unknown>[]): Promise<void> => {
      const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
      expect(res.json(), res.body).toMatchObject({ accepted: events.length });
      await lb.refresher.flush();
      for (const group of ['overall', 'branch:B1', 'branch:B2'] as const)
        await expectServedEqualsFromScratch(group, 'post-stars-plain');
    };
    const sale = personSale;
    await lb.refresher.flush();
    expect(await scoreOf('P99')).toBe(0);
    // A late event: P99's closed days now hold sales, nothing today.
    await post([sale('late-1', 'P99', 'C1', '2026-03-02', 5000)]);
    expect(await scoreOf('P99')).toBe(50);
    // Someone else's event today: P99's kept record is served again.
    await post([sale('today-1', 'P11', 'C1', today, 100)]);
    expect(await scoreOf('P99')).toBe(50);
    // Another late event changes P99's closed sums again: a kept record would still say 50.
    await post([sale('late-2', 'P99', 'C1', '2026-03-03', 2000)]);
    expect(await scoreOf('P99')).toBe(70);
    // An innovation for a person with closed sums only, then its withdrawal.
    await post([
      {
        eventId: 'idea-1',
        crewId: 'C1',
        personId: 'P99',
        type: 'innovation',
        occurredAt: `${today}T10:00:00+08:00`,
        innovationId: 'I-P99',
        category: 'suggestion',
        status: 'adopted',
      },
    ]);
    expect(await scoreOf('P99')).toBe(73);
    const withdrawn = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/late-2/withdraw',
      payload: { crewId: 'C1', reason: '重复上报' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    await post([sale('today-2', 'P11', 'C1', today, 100)]);
    expect(await scoreOf('P99')).toBe(53);
    // P98's events are only today's: no closed sums at all.
    await post([sale('today-3', 'P98', 'C2', today, 1000)]);
    expect(await scoreOf('P98')).toBe(10);
    await post([sale('today-4', 'P98', 'C2', today, 1000)]);
    expect(await scoreOf('P98')).toBe(20);
    // P99's innovation withdrawn: P99 is then in neither today's sums nor the innovations (the
    // persons a refresh looks at over the same closed sums), and must still be scored again.
    const idea = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/idea-1/withdraw',
      payload: { crewId: 'C1', reason: '重复上报' },
    });
    expect(idea.statusCode, idea.body).toBe(201);
    await post([sale('today-5', 'P11', 'C1', today, 100)]);
    expect(await scoreOf('P99')).toBe(50);
  });
});
