import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { marchAt as at, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * A late event rewrites the stored days of the competitions that rank its crew, not of every
 * competition in period: a branch's own competition keeps its days when another branch's crew
 * reports late, and its numbers stay those computed from scratch. Today is 2026-03-10 in Beijing.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const DAYS = ['2026-03-08', '2026-03-09', '2026-03-10'];
/** Days before today: rewritten by a pass at once (today's snapshot is written every STANDINGS_PERSIST_MS). */
const PAST = ['2026-03-08', '2026-03-09'];
let lb: Leaderboard;

const sales = (participants: CompetitionInput['participants']): CompetitionInput => ({
  name: { zh: '销量竞赛', en: 'Sales' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  rankingGroups: ['overall'],
  ...(participants === undefined ? {} : { participants }),
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
  ],
});

const sale = (eventId: string, crewId: string, day: string, volume: number) => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: at(day.slice(-2)),
  volume,
  unit: 'litres',
});

async function post(events: unknown[]): Promise<void> {
  const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(res.statusCode, res.body).toBe(200);
  await lb.refresher.flush();
}

/** Runs stored per competition and day. */
async function runs(): Promise<Record<string, number>> {
  const result = await lb.client.query({
    query: `SELECT concat(competition_id, ' ', toString(as_of)) AS key, count() AS n FROM standings_runs GROUP BY key`,
    format: 'JSONEachRow',
  });
  return Object.fromEntries(
    (await result.json<{ key: string; n: string | number }>()).map((r) => [r.key, Number(r.n)]),
  );
}

/** Each crew's score on a day, as served, and as the rules give it from what is stored. */
async function scores(
  id: string,
  asOf: string,
): Promise<{ served: Record<string, number>; fromScratch: Record<string, number> }> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?asOf=${asOf}&limit=100` });
  expect(res.statusCode, res.body).toBe(200);
  const stored = lb.catalog.competition(id);
  if (!stored) throw new Error(`${id} not stored`);
  const crews = await lb.standings.evaluate(id, stored.definition, asOf);
  return {
    served: Object.fromEntries(
      res.json<{ rows: { crewId: string; score: number }[] }>().rows.map((r) => [r.crewId, r.score]),
    ),
    fromScratch: Object.fromEntries(crews.map((c) => [c.crew.crewId, c.score])),
  };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { STANDINGS_DEBOUNCE_MS: '10', STANDINGS_HISTORY_DEBOUNCE_MS: '10' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  for (const [id, input] of [
    ['all-crews', sales(undefined)],
    ['ningbo', sales({ scope: 'selected', branchIds: ['B2'], unitIds: [], crewIds: [] })],
  ] as const) {
    const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: input });
    expect(res.statusCode, res.body).toBe(200);
  }
  await post([
    sale('s1', 'C1', '2026-03-08', 1000),
    sale('s2', 'C4', '2026-03-08', 2000),
    sale('s3', 'C4', '2026-03-10', 500),
  ]);
  // Each day stored in both competitions (a pass rewrites stored days only).
  for (const id of ['all-crews', 'ningbo']) for (const day of DAYS) await scores(id, day);
  await lb.refresher.flush();
});
afterAll(async () => {
  await lb.close();
});

describe('a late event', () => {
  it('of another branch’s crew rewrites no day of a branch’s competition', async () => {
    const before = await runs();
    await post([sale('late-c1', 'C1', '2026-03-08', 300)]);
    const after = await runs();
    for (const day of PAST) {
      expect(after[`all-crews ${day}`], day).toBeGreaterThan(before[`all-crews ${day}`] ?? 0);
      expect(after[`ningbo ${day}`], day).toBe(before[`ningbo ${day}`]);
    }
    for (const day of DAYS) {
      const all = await scores('all-crews', day);
      expect(all.served).toEqual(all.fromScratch);
      expect(all.served['C1']).toBe(13);
      const ningbo = await scores('ningbo', day);
      expect(ningbo.served).toEqual(ningbo.fromScratch);
      expect(Object.keys(ningbo.served).sort()).toEqual(['C4', 'C5']);
    }
  });

  it('of its own crew rewrites its days from that day on', async () => {
    const before = await runs();
    await post([sale('late-c4', 'C4', '2026-03-09', 400)]);
    const after = await runs();
    expect(after['ningbo 2026-03-08']).toBe(before['ningbo 2026-03-08']);
    expect(after['ningbo 2026-03-09']).toBeGreaterThan(before['ningbo 2026-03-09'] ?? 0);
    for (const [day, c4] of [
      ['2026-03-08', 20],
      ['2026-03-09', 24],
      ['2026-03-10', 29],
    ] as const) {
      const ningbo = await scores('ningbo', day);
      expect(ningbo.served).toEqual(ningbo.fromScratch);
      expect(ningbo.served['C4'], day).toBe(c4);
    }
  });
});
