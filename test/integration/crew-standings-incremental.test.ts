import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { mulberry32 } from '../../services/demo/prng.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Today's crew standings read again only the crews stored since the last refresh (issue 19,
 * todays-crew-facts.ts). After every batch of a random stream (today's events of every kind the
 * rules read, late events on closed days, withdrawals, corrections whose replacement names another
 * crew) the standings served as current must equal a computation from scratch over the stored
 * events, on the real engine.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const today = '2026-03-10';
let lb: Leaderboard;

// Named as smallOrg's targets are: its crews' sales targets apply.
const ID = 'labour-m3';
const competition = {
  name: { zh: '安全生产劳动竞赛', en: 'Safe production' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  rankingGroups: ['overall', 'branch'],
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量完成率', en: 'Volume vs target' },
      rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40, pointsPerPercentOver: 0.5 },
    },
    {
      id: 'safe-days',
      name: { zh: '安全生产天数', en: 'Safe days' },
      rule: { kind: 'safety_days', breakingSeverities: ['minor_injury', 'serious_injury'], pointsPerDay: 1 },
    },
    {
      id: 'rectification',
      name: { zh: '隐患整改率', en: 'Rectification rate' },
      rule: { kind: 'rectification_rate', pointsAtFullRate: 20 },
    },
    {
      id: 'overdue',
      name: { zh: '隐患超期', en: 'Overdue hazards' },
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 2, pointsEach: -3 },
    },
    {
      id: 'innovation',
      name: { zh: '五小', en: 'Innovation' },
      rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
    },
    {
      id: 'violations',
      name: { zh: '三违', en: 'Violations' },
      rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
    },
  ],
  vetoes: [
    {
      id: 'serious',
      name: { zh: '重伤一票否决', en: 'Serious injury veto' },
      when: { kind: 'incident', severities: ['serious_injury'] },
      effect: { kind: 'disqualify' },
    },
  ],
};

interface Row {
  crewId: string;
  rank: number | null;
  previousRank?: number | null;
  score: number;
  indicators: readonly { indicatorId: string; points: number }[];
}

async function served(group: 'overall' | 'branch:B1' | 'branch:B2'): Promise<Row[]> {
  const query = group === 'overall' ? '' : `&group=${group}`;
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${ID}/standings?limit=100${query}` });
  expect(res.statusCode, res.body).toBe(200);
  const page = res.json<{ recomputing: boolean; rows: Row[] }>();
  expect(page.recomputing).toBe(false);
  return page.rows;
}

const shape = (r: Row) =>
  [r.crewId, r.rank, r.score, r.indicators.map((i) => `${i.indicatorId}=${i.points}`).join(' ')].join(' ');

/**
 * Today's standings of one group as served, against a computation from scratch over what is
 * stored, and each crew's previous rank against the day before's from scratch.
 */
async function expectServedEqualsFromScratch(group: 'overall' | 'branch:B1' | 'branch:B2'): Promise<void> {
  const stored = lb.catalog.competition(ID);
  if (!stored) throw new Error(`${ID} is not stored`);
  const fresh = await lb.standings.evaluate(ID, stored.definition, today);
  const groupBy = group === 'overall' ? 'overall' : 'branch';
  const dayBefore = new Map(
    (await lb.standings.evaluate(ID, stored.definition, '2026-03-09')).map((c) => [
      c.crew.crewId,
      c.ranks[groupBy]?.rank ?? null,
    ]),
  );
  const rows = await served(group);
  expect(
    rows.map((r) => [r.crewId, r.previousRank]),
    `${group}: previous ranks`,
  ).toEqual(rows.map((r) => [r.crewId, dayBefore.get(r.crewId) ?? null]));
  const expected = fresh
    .filter((c) => group === 'overall' || `branch:${c.crew.branchId}` === group)
    .map((c) => ({
      crewId: c.crew.crewId,
      rank: c.ranks[groupBy]?.rank ?? null,
      score: c.score,
      indicators: c.indicators,
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.crewId < b.crewId ? -1 : 1));
  expect(rows.map(shape), group).toEqual(expected.map(shape));
}

async function post(events: Record<string, unknown>[]): Promise<void> {
  const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(res.json(), res.body).toMatchObject({ accepted: events.length });
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { STANDINGS_PERSIST_MS: '60000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${ID}`, payload: competition });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe("today's crew standings read again for the crews stored since", () => {
  it('equal a computation from scratch after every batch of a random stream', async () => {
    const next = mulberry32(19);
    const crews = smallOrg.crews.map((c) => c.id);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const posted: { eventId: string; crewId: string }[] = [];
    let n = 0;
    let scored = false;
    for (let round = 0; round < 14; round++) {
      const batch: Record<string, unknown>[] = [];
      // A few crews per batch, as a burst touches some of many: the others must keep their facts.
      const touched = [pick(crews), pick(crews)];
      for (let i = 0; i < 6; i++) {
        const crewId = pick(touched);
        // Most events are today's; some land on closed days (the closed sums are read again).
        const day = next() < 0.8 ? today : `2026-03-0${1 + Math.floor(next() * 9)}`;
        const at = `${day}T${String(8 + Math.floor(next() * 4)).padStart(2, '0')}:00:00+08:00`;
        const eventId = `r${round}-${n++}`;
        const hazardId = `H-${crewId}-${Math.floor(next() * 3)}`;
        const kind = next();
        const event =
          kind < 0.4
            ? { type: 'sales', volume: 500 + Math.floor(next() * 3000), unit: 'litres' }
            : kind < 0.55
              ? { type: 'hazard_found', hazardId }
              : kind < 0.7
                ? { type: 'hazard_rectified', hazardId }
                : kind < 0.8
                  ? { type: 'violation', kind: 'operation', personCount: 1 + Math.floor(next() * 2) }
                  : kind < 0.93
                    ? {
                        type: 'innovation',
                        innovationId: `I-${crewId}-${Math.floor(next() * 2)}`,
                        category: 'suggestion',
                        ...pick([{ status: 'submitted' }, { status: 'adopted' }, { status: 'awarded', awardLevel: 2 }]),
                      }
                    : { type: 'incident', severity: pick(['minor_injury', 'near_miss', 'serious_injury']) };
        batch.push({ eventId, crewId, occurredAt: at, ...event });
        posted.push({ eventId, crewId });
      }
      await post(batch);
      if (round % 3 === 2) {
        // A withdrawal takes an event back, whichever day it was on.
        const victim = pick(posted);
        const res = await lb.app.inject({
          method: 'POST',
          url: `/v1/events/${victim.eventId}/withdraw`,
          payload: { crewId: victim.crewId, reason: '重复上报' },
        });
        expect([201, 200], res.body).toContain(res.statusCode);
      }
      if (round % 4 === 3) {
        // A correction whose replacement names another crew: both crews' facts change.
        const victim = pick(posted);
        const other = crews.find((c) => c !== victim.crewId) ?? '';
        const res = await lb.app.inject({
          method: 'POST',
          url: `/v1/events/${victim.eventId}/correct`,
          payload: {
            crewId: victim.crewId,
            reason: '录入错误：应为另一班组',
            event: { crewId: other, type: 'sales', occurredAt: `${today}T09:30:00+08:00`, volume: 777, unit: 'litres' },
          },
        });
        expect([201, 200], res.body).toContain(res.statusCode);
      }
      await lb.refresher.flush();
      await expectServedEqualsFromScratch('overall');
      await expectServedEqualsFromScratch(round % 2 === 0 ? 'branch:B1' : 'branch:B2');
      scored ||= (await served('overall')).some((r) => r.score !== 0);
    }
    // The stream did score: not a comparison of empty standings.
    expect(scored).toBe(true);
  });

  it('follow an event of one crew at once, the others keeping their facts', async () => {
    await lb.refresher.flush();
    const before = await served('overall');
    const last = before.filter((r) => r.rank !== null).at(-1);
    if (!last) throw new Error('no ranked crew');
    await post([
      {
        eventId: 'jump',
        crewId: last.crewId,
        type: 'sales',
        occurredAt: `${today}T11:00:00+08:00`,
        volume: 1_000_000,
        unit: 'litres',
      },
    ]);
    await lb.refresher.flush();
    const after = await served('overall');
    expect(after[0]?.crewId).toBe(last.crewId);
    // Every other crew's points are as before.
    const points = (rows: Row[]) =>
      new Map(rows.filter((r) => r.crewId !== last.crewId).map((r) => [r.crewId, shape({ ...r, rank: null })]));
    expect(points(after)).toEqual(points(before));
    await expectServedEqualsFromScratch('overall');
  });

  it('follow a correction to both crews: the one it takes from and the one its replacement names', async () => {
    const before = await served('overall');
    const jumped = before[0]?.crewId ?? '';
    // A ranked crew (not one a veto disqualified), which only the replacement can put first.
    const other = before.find((r) => r.crewId !== jumped && r.rank !== null)?.crewId ?? '';
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/jump/correct',
      payload: {
        crewId: jumped,
        reason: '录入错误：应为另一班组',
        event: {
          crewId: other,
          type: 'sales',
          occurredAt: `${today}T11:00:00+08:00`,
          volume: 1_000_000,
          unit: 'litres',
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    await lb.refresher.flush();
    expect((await served('overall'))[0]?.crewId).toBe(other);
    await expectServedEqualsFromScratch('overall');
  });
});
