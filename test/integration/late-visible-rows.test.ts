import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { salesTargetCompetition, smallOrg } from '../support/fixtures.ts';
import { startClickHouseFront, type RunningFront } from '../support/clickhouse-front.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * On a ClickHouse server an insert the client saw fail (a timeout) may still be applied after,
 * and a replica may show acknowledged rows later: rows can become visible after their insert
 * ended. Today's crew facts there are read for every crew at each refresh (only the embedded
 * engine reads again just the crews stored since, todays-crew-facts.ts), so such rows are in the
 * next refresh. Found by review: with the embedded engine's shortcut, a resend answered as a
 * duplicate told no crew, and the rows stayed out of today's standings until the day turned.
 * Served through the test-only ClickHouse HTTP front (test/support/clickhouse-front/).
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const today = '2026-03-10';
const ID = 'labour-m3';
let lb: Leaderboard;
let front: RunningFront;
// A server needs tokens (AUTH_MODE defaults to tokens with CLICKHOUSE_URL).
const ADMIN = 'lbt_late-visible-rows-test-admin-token-0123456789';
const headers = { authorization: `Bearer ${ADMIN}` };

const competition = salesTargetCompetition;

const sale = (eventId: string, crewId: string, volume: number) => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: `${today}T10:00:00+08:00`,
  volume,
  unit: 'litres',
});

async function servedScores(): Promise<Record<string, number>> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${ID}/standings?limit=100`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries(
    res.json<{ rows: { crewId: string; score: number }[] }>().rows.map((r) => [r.crewId, r.score]),
  );
}

async function fromScratch(): Promise<Record<string, number>> {
  const stored = lb.catalog.competition(ID);
  if (!stored) throw new Error('not stored');
  const crews = await lb.standings.evaluate(ID, stored.definition, today);
  return Object.fromEntries(crews.map((c) => [c.crew.crewId, c.score]));
}

beforeAll(async () => {
  front = await startClickHouseFront();
  lb = await startTestLeaderboard(clock, {
    STANDINGS_PERSIST_MS: '60000',
    CLICKHOUSE_URL: front.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
  });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg, headers })).statusCode).toBe(200);
  const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${ID}`, payload: competition, headers });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
  await front.stop();
});

describe('rows that become visible after their insert ended', () => {
  it('are in the standings served as current at the next refresh', async () => {
    const [a, b] = smallOrg.crews.map((c) => c.id);
    if (a === undefined || b === undefined) throw new Error('two crews needed');
    const post = (events: unknown[]) => lb.app.inject({ method: 'POST', url: '/v1/events', payload: events, headers });
    expect((await post([sale('a1', a, 1000)])).statusCode).toBe(200);
    await lb.refresher.flush();
    expect(await servedScores()).toEqual(await fromScratch());

    // The next INSERT INTO events times out on the client; the server applies it once released.
    const client = lb.client as unknown as {
      exec: (p: { query: string }) => Promise<{ stream: NodeJS.ReadableStream }>;
    };
    const realExec = client.exec.bind(client);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let applied: Promise<void> | undefined;
    client.exec = (params) => {
      if (applied === undefined && params.query.startsWith('INSERT INTO events')) {
        applied = released.then(async () => {
          const result = await realExec(params);
          result.stream.resume();
          await once(result.stream, 'end');
        });
        return Promise.reject(new Error('Timeout error.'));
      }
      return realExec(params);
    };
    const timedOut = await post([sale('b1', b, 50_000)]);
    expect(timedOut.statusCode, timedOut.body).toBe(503);

    // A refresh (another crew's event) reads the crew told by the failed insert: nothing there yet.
    expect((await post([sale('a2', a, 10)])).statusCode).toBe(200);
    await lb.refresher.flush();
    // The server finishes the insert; the sender resends and hears "duplicate".
    release();
    await applied;
    const resent = await post([sale('b1', b, 50_000)]);
    expect(resent.json()).toMatchObject({ accepted: 0 });

    // Any later refresh: the crew whose rows landed late is never read again today.
    expect((await post([sale('a3', a, 10)])).statusCode).toBe(200);
    await lb.refresher.flush();
    expect(await servedScores()).toEqual(await fromScratch());
  });
});
