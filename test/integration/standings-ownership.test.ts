import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { standingsOwnership } from '../../services/scoring/standings-ownership.ts';
import { createStandingsService, type StandingsPage } from '../../services/scoring/standings.service.ts';
import { latestRun } from '../../services/scoring/standings.store.ts';
import { fromClickHouseTime } from '../../services/storage/clickhouse-time.ts';
import { labourCompetition, marchAt, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

// Two processes writing standings to one ClickHouse, as scoring instances on a server do: the
// test leaderboard is one, a second standings service on the same engine is the other.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const id = 'labour-m3';
let lb: Leaderboard;

const scores = (page: StandingsPage) => page.rows.map((r) => [r.crewId, r.score]);

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { STANDINGS_PERSIST_MS: '60000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: labourCompetition });
  expect(res.statusCode, res.body).toBe(200);
  expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents })).statusCode).toBe(200);
  await lb.refresher.idle();
  await lb.standings.flush();
});

afterAll(async () => {
  await lb.close();
});

describe('standings ownership', () => {
  it('is shared when Kafka feeds a ClickHouse server (several instances store events), sole otherwise', () => {
    expect(standingsOwnership({ clickhouse: { mode: 'server' }, kafka: {} })).toBe('shared');
    expect(standingsOwnership({ clickhouse: { mode: 'server' } })).toBe('sole');
    expect(standingsOwnership({ clickhouse: { mode: 'embedded' }, kafka: {} })).toBe('sole');
    expect(standingsOwnership({ clickhouse: { mode: 'embedded' } })).toBe('sole');
  });

  it('shared: an instance serves the latest stored run, never its own computation another instance overtook', async () => {
    const instance = createStandingsService({
      client: lb.client,
      catalog: lb.catalog,
      now: clock.now,
      logger: pino({ level: 'silent' }),
      persistMs: 60_000,
      soleWriter: false,
    });
    // Its first computation is written at once; the next is held (the persist interval).
    clock.set('2026-03-10T12:00:01+08:00');
    await instance.recompute(id);
    clock.set('2026-03-10T12:00:02+08:00');
    const held = await instance.recompute(id);
    const before = scores(await instance.read(id, {}));

    // Another instance stores an event and writes the run that includes it.
    clock.set('2026-03-10T12:00:03+08:00');
    const more = [
      {
        eventId: 'c2-more',
        crewId: 'C2',
        type: 'sales',
        occurredAt: marchAt('10', '11:00:00'),
        volume: 5000,
        unit: 'litres',
      },
    ];
    expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: more })).statusCode).toBe(200);
    await lb.refresher.flush();
    await lb.standings.flush();
    const stored = await latestRun(lb.client, id, '2026-03-10');
    expect(Date.parse(fromClickHouseTime(stored?.computedAt ?? ''))).toBeGreaterThan(Date.parse(held.computedAt));

    const served = await instance.read(id, {});
    expect(served.computedAt).toBe(fromClickHouseTime(stored?.computedAt ?? ''));
    expect(scores(served)).toEqual(scores(await lb.standings.read(id, {})));
    expect(scores(served)).not.toEqual(before);

    // Its held run, written later, does not overtake the newer one: it was stamped earlier.
    await instance.flush();
    expect((await instance.read(id, {})).computedAt).toBe(served.computedAt);
  });
});
