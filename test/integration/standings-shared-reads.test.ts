import type { ClickHouseClient } from '@clickhouse/client';
import { pino } from 'pino';
import { Competition } from '../../schemas/competition.schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createStandingsService } from '../../services/scoring/standings.service.ts';
import { latestRun } from '../../services/scoring/standings.store.ts';
import { fromClickHouseTime } from '../../services/storage/clickhouse-time.ts';
import { labourCompetition, marchAt, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

// Competitions over the same crews share one read of their facts per refresh cycle (issue 19).
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ids = ['labour-a', 'labour-b', 'labour-c'];
let lb: Leaderboard;

/** The client, with every query's text recorded. */
function recording(client: ClickHouseClient): { client: ClickHouseClient; queries: string[] } {
  const queries: string[] = [];
  const proxy = new Proxy(client, {
    get(target, property) {
      if (property === 'query')
        return (params: Parameters<ClickHouseClient['query']>[0]) => {
          queries.push(params.query);
          return target.query(params);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client: proxy, queries };
}

const factReads = (queries: readonly string[]) =>
  queries.filter((q) => q.includes('FROM crew_daily') || q.includes('FROM lifecycle_events')).length;

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { STANDINGS_PERSIST_MS: '60000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  for (const id of ids) {
    const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: labourCompetition });
    expect(res.statusCode, res.body).toBe(200);
  }
  expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents })).statusCode).toBe(200);
  await lb.refresher.idle();
});

afterAll(async () => {
  await lb.close();
});

describe('reads shared by competitions over the same crews', () => {
  it('one refresh cycle reads the facts of a window once, and every snapshot says when that read began', async () => {
    const { client, queries } = recording(lb.client);
    let stamp = Date.parse('2026-03-10T04:00:00Z');
    const service = createStandingsService({
      client,
      catalog: lb.catalog,
      now: clock.now,
      logger: pino({ level: 'silent' }),
      persistMs: 60_000,
      eventsStoredBefore: () => new Date((stamp += 1000)),
      insertsVisibleWhenEnded: true,
    });
    const snapshots = await service.shareReads(() =>
      ids.reduce(
        async (done, id) => [...(await done), await service.recompute(id)],
        Promise.resolve([] as Awaited<ReturnType<typeof service.recompute>>[]),
      ),
    );
    const inCycle = factReads(queries);
    // The first competition reads today and yesterday (for rank movement); the others read nothing.
    expect(inCycle).toBeGreaterThan(0);
    const [first, second] = snapshots;
    for (const snapshot of snapshots) {
      expect(snapshot.crews.map((c) => [c.crew.crewId, c.score])).toEqual(
        first?.crews.map((c) => [c.crew.crewId, c.score]),
      );
    }
    // The first stamped itself before the shared read began; the others hold the read's instant,
    // not their own later one (each call of eventsStoredBefore above is a second later).
    expect(snapshots[2]?.eventsStoredBefore).toBe(second?.eventsStoredBefore);
    expect(Date.parse(second?.eventsStoredBefore ?? '')).toBeGreaterThan(Date.parse(first?.eventsStoredBefore ?? ''));
    const alone = await lb.standings.read('labour-a', {});
    expect(first?.crews.find((c) => c.crew.crewId === 'C1')?.score).toBe(
      alone.rows.find((r) => r.crewId === 'C1')?.score,
    );
    const oneCompetition = inCycle;

    // Today's crews' facts are kept across cycles and read again only for the crews stored since
    // (todays-crew-facts.ts): with nothing stored, nothing is read.
    const runLookups = () => queries.filter((q) => q.includes('FROM standings_runs')).length;
    const lookupsBefore = runLookups();
    await service.recompute('labour-b');
    expect(factReads(queries)).toBe(oneCompetition);
    // Yesterday's run, known latest since this service wrote none of that day: not looked up again.
    expect(runLookups()).toBe(lookupsBefore);
    // Outside a cycle, and in the next one, the crews told are read again, and only they.
    service.crewsStored(['C1']);
    const outside = queries.length;
    await service.recompute('labour-b');
    const again = queries.slice(outside).filter((q) => factReads([q]) > 0);
    expect(again.length).toBeGreaterThan(0);
    for (const q of again) expect(q).toContain('crew_id IN {crews:Array(String)}');
    const before = factReads(queries);
    service.crewsStored(['C2']);
    await service.shareReads(async () => {
      await service.recompute('labour-a');
      await service.recompute('labour-b');
    });
    const next = factReads(queries) - before;
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThan(2 * oneCompetition);
  });

  it('an event stored during a cycle reaches every competition in the next one', async () => {
    const more = [
      {
        eventId: 'c2-shared',
        crewId: 'C2',
        type: 'violation',
        occurredAt: marchAt('10', '11:30:00'),
        kind: 'operation',
        personCount: 2,
      },
    ];
    const values = async (id: string) =>
      (await lb.standings.read(id, { crewId: 'C2' })).rows[0]?.indicators.map((i) => i.value);
    const before = await values('labour-c');
    expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: more })).statusCode).toBe(200);
    await lb.refresher.flush();
    for (const id of ids) expect(await values(id)).not.toEqual(before);
  });
});

/** A standings service beside the leaderboard's, whose runs come after every one stored before `after`. */
function serviceOfItsOwn(after: string) {
  return createStandingsService({
    client: lb.client,
    catalog: lb.catalog,
    now: clock.now,
    logger: pino({ level: 'silent' }),
    persistMs: 60_000,
    lastComputedAt: Date.parse(after),
  });
}

describe('snapshot writes of a refresh cycle', () => {
  it('wait until the cycle ends: each competition is served from memory at once and stored after', async () => {
    const service = serviceOfItsOwn('2026-03-10T05:00:00Z');
    const storedRun = async (id: string) => {
      const run = await latestRun(lb.client, id, '2026-03-10');
      return run && fromClickHouseTime(run.computedAt);
    };
    const computed = new Map<string, string>();
    await service.shareReads(async () => {
      for (const id of ids) {
        const snapshot = await service.recompute(id);
        computed.set(id, snapshot.computedAt);
        // Served as soon as computed, while the write waits for the cycle's end.
        expect((await service.read(id, {})).computedAt).toBe(snapshot.computedAt);
        expect(await storedRun(id)).not.toBe(snapshot.computedAt);
      }
    });
    await service.writesSettled();
    for (const id of ids) expect(await storedRun(id)).toBe(computed.get(id));
    // Nothing is left to write twice.
    await service.flush();
    for (const id of ids) expect(await storedRun(id)).toBe(computed.get(id));
  });
});

describe("today's scores of a competition without targets", () => {
  it('are kept for crews whose facts did not change (the score memo needs the same targets object)', async () => {
    expect(lb.catalog.targets('labour-a').size).toBe(0);
    expect(lb.catalog.targets('labour-a')).toBe(lb.catalog.targets('labour-b'));
    const service = serviceOfItsOwn('2026-03-10T06:00:00Z');
    const record = (snapshot: Awaited<ReturnType<typeof service.recompute>>, crewId: string) =>
      snapshot.crews.find((c) => c.crew.crewId === crewId);
    const first = await service.recompute('labour-a');
    const second = await service.recompute('labour-a');
    // A kept score hands the same indicator results on (a score made again would list them anew).
    for (const crewId of ['C1', 'C2', 'C3']) {
      expect(record(second, crewId)?.indicators).toBeDefined();
      expect(record(second, crewId)?.indicators).toBe(record(first, crewId)?.indicators);
    }
  });
});

describe('participants shared by competitions', () => {
  it('definitions naming the same crews are given the same array (what the engine keeps per array is kept once)', async () => {
    const definition = (participants: unknown) => Competition.parse({ ...labourCompetition, participants });
    const all = lb.catalog.participants(definition({ scope: 'all' }));
    expect(lb.catalog.participants(definition({ scope: 'all' }))).toBe(all);
    expect(all.map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    const hangzhou = lb.catalog.participants(definition({ scope: 'selected', branchIds: ['B1'] }));
    expect(lb.catalog.participants(definition({ scope: 'selected', branchIds: ['B1'] }))).toBe(hangzhou);
    expect(hangzhou.map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3']);
    const other = lb.catalog.participants(definition({ scope: 'selected', branchIds: ['B1'], crewIds: ['C4'] }));
    expect(other.map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3', 'C4']);
    // A registry change gives new arrays: a retired crew takes part in none.
    const c5 = smallOrg.crews.find((c) => c.id === 'C5');
    const res = await lb.app.inject({
      method: 'PATCH',
      url: '/v1/org',
      payload: { crews: [{ ...c5, retired: true }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = lb.catalog.participants(definition({ scope: 'all' }));
    expect(after).not.toBe(all);
    expect(after.map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(lb.catalog.participants(definition({ scope: 'selected', branchIds: ['B1'] }))).not.toBe(hangzhou);
  });
});
