/**
 * Standings recomputation against the number of crews (issue 19: linear, ≤ 1 s at 50,000 crews),
 * and many competitions over the same crews. In-process on a fresh embedded engine per size:
 * the bench's org and competition, 30 closed days and today of events written straight into
 * ClickHouse with SQL (the rollups fill as they do for ingested events), then:
 *
 * - cold: today's standings with nothing kept (the closed days' sums and yesterday's ranks read
 *   and computed), as after a start or a rule change;
 * - refresh: today's standings again after a burst of 1,000 of today's sales through POST /v1/events,
 *   as the refresher recomputes them after every burst;
 * - past day: a closed day recomputed (a late event's pass).
 *
 * With BENCH_COMPETITIONS, also the writes of today's snapshots once more after one more event, and
 * the past day of 20 of them again after a late event of it: days already stored, where a few
 * crews' rows changed (what the service writes all day long, as against a day's first write).
 *
 * BENCH_CREWS (default 1000,10000,50000), BENCH_EVENTS_PER_CREW (default 40), BENCH_RUNS (5),
 * BENCH_KEEP_DATA=1 keeps each size's data directory, BENCH_PERSONS_PER_CREW (default 0; e.g. 10) adds a
 * person-level competition (个人赛) over that many persons per crew, whose sales, 三违 and 五小
 * events name one of them, and times it as the crews' one (with a 100-row standings request),
 * BENCH_COMPETITIONS (default 0: off; e.g. 300) adds that many competitions over the same crews,
 * each weighing the sales indicators its own way (bench-data.ts), at the largest size below 50,000 and times BENCH_CYCLES (2) refresh cycles of all of them, each after one
 * new event of today: per competition, when its standings show the event, and the snapshot writes
 * the service leaves for after the cycle. Figures only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import { parseConfig } from '../../services/api/config.ts';
import { createLeaderboard, type Leaderboard } from '../../services/api/leaderboard.ts';
import { addDays, dayInZone, startOfDay } from '../../services/shared/calendar.ts';
import {
  BENCH_COMPETITION_ID,
  BENCH_PERSONS_COMPETITION_ID,
  benchCompetition,
  personOf,
  benchOrg,
  benchPersonsCompetition,
} from './bench-data.ts';

const SIZES = (process.env['BENCH_CREWS'] ?? '1000,10000,50000').split(',').map(Number);
const EVENTS_PER_CREW = Number(process.env['BENCH_EVENTS_PER_CREW'] ?? 40);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const COMPETITIONS = Number(process.env['BENCH_COMPETITIONS'] ?? 0);
const PERSONS_PER_CREW = Number(process.env['BENCH_PERSONS_PER_CREW'] ?? 0);
const ZONE = 'Asia/Shanghai';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function send(lb: Leaderboard, method: 'PUT' | 'POST', url: string, payload: unknown): Promise<void> {
  const res = await lb.app.inject({ method, url, payload: payload as object });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
}

/** Events over [start, today] for crews numbered 0..crews-1 of benchOrg(10, crews / 100, 10). */
async function seedEvents(lb: Leaderboard, crews: number, start: string, today: string): Promise<number> {
  const unitsPerBranch = crews / 100;
  const events = crews * EVENTS_PER_CREW;
  const startMs = startOfDay(start, ZONE).getTime();
  const spanMs = startOfDay(addDays(today, 1), ZONE).getTime() - startMs - 1;
  // crew n: branch n % 10, unit (n / 10) % unitsPerBranch, crew n / (10 × unitsPerBranch).
  const crewNo = `toString(c % 10), '-', toString(intDiv(c, 10) % ${unitsPerBranch}), '-', toString(intDiv(c, ${10 * unitsPerBranch}))`;
  const crewExpr = `concat('C', ${crewNo})`;
  // personOf(crewId, k) of bench-data.ts; sales, 三违 and 五小 name a person, as benchBatch's do.
  const personExpr =
    PERSONS_PER_CREW > 0
      ? `if(type IN ('sales', 'innovation', 'violation'), concat('P', ${crewNo}, '-', toString(cityHash64(number, 4) % ${PERSONS_PER_CREW})), '')`
      : `''`;
  await lb.client.command({
    query: `INSERT INTO events (event_id, crew_id, type, occurred_at, received_at, volume, unit, product, amount_cny,
                                 hazard_id, innovation_id, category, status, violation_kind, person_count, severity, person_id)
            SELECT concat('s', toString(number)) AS event_id, ${crewExpr} AS crew_id,
                   multiIf(r < 97, 'sales', r < 98, 'hazard_found', r < 99, 'innovation', r < 100, 'violation', 'incident') AS type,
                   fromUnixTimestamp64Milli(toInt64(${startMs} + (cityHash64(number, 2) % ${spanMs}))) AS occurred_at,
                   occurred_at AS received_at,
                   20 + cityHash64(number, 3) % 80 AS volume, 'litres', '92#', volume * 8,
                   concat('h', toString(number)), concat('i', toString(number)), 'suggestion', 'submitted',
                   'operation', 1, 'near_miss', ${personExpr}
            FROM (SELECT number, number % ${crews} AS c, cityHash64(number, 1) % 101 AS r FROM numbers(${events}))`,
  });
  return events;
}

/**
 * A burst of `size` of today's sales through POST /v1/events (the path that tells today's
 * standings which crews to read again), each for a crew drawn at random and, with persons,
 * naming one of its persons: what a refresh follows (seed: a fresh burst each time).
 */
async function todaysBurst(lb: Leaderboard, crews: number, today: string, seed: number, size = 1000): Promise<void> {
  const unitsPerBranch = crews / 100;
  let state = (seed * 2654435761) >>> 0;
  const rand = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const dayStart = startOfDay(today, ZONE).getTime();
  // Within the part of today that has passed: an event may not lie in the future.
  const span = Math.max(1, Math.min(3_600_000, Date.now() - dayStart));
  const events = Array.from({ length: size }, (_, i) => {
    const c = Math.floor(rand() * crews);
    // crew n: branch n % 10, unit (n / 10) % unitsPerBranch, crew n / (10 × unitsPerBranch), as seedEvents.
    const crewId = `C${c % 10}-${Math.floor(c / 10) % unitsPerBranch}-${Math.floor(c / (10 * unitsPerBranch))}`;
    return {
      eventId: `t${seed}-${i}`,
      crewId,
      ...(PERSONS_PER_CREW > 0 ? { personId: personOf(crewId, Math.floor(rand() * PERSONS_PER_CREW)) } : {}),
      type: 'sales',
      occurredAt: new Date(dayStart + Math.floor(rand() * span)).toISOString(),
      volume: 50,
      unit: 'litres',
      product: '92#',
      amountCny: 400,
    };
  });
  await send(lb, 'POST', '/v1/events', events);
}

async function timed<T>(f: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

/** The heap in MB after a full collection (run with NODE_OPTIONS=--expose-gc), or as it stands without it. */
function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed / 1e6;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const results: string[] = [];
for (const crews of SIZES) {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-standings-bench-'));
  const lb = await createLeaderboard(
    parseConfig({
      DATA_DIR: dataDir,
      DEMO: 'off',
      LOG_LEVEL: 'warn',
      // The bench drives the recomputations itself.
      STANDINGS_DEBOUNCE_MS: '600000',
      STANDINGS_HISTORY_DEBOUNCE_MS: '600000',
    }),
    pino({ level: 'warn' }),
  );
  try {
    const today = dayInZone(new Date(), ZONE);
    const start = addDays(today, -30);
    await send(lb, 'PUT', '/v1/org', benchOrg(10, crews / 100, 10, PERSONS_PER_CREW));
    await send(lb, 'PUT', `/v1/competitions/${BENCH_COMPETITION_ID}`, benchCompetition(start, addDays(today, 30)));
    if (PERSONS_PER_CREW > 0)
      await send(
        lb,
        'PUT',
        `/v1/competitions/${BENCH_PERSONS_COMPETITION_ID}`,
        benchPersonsCompetition(start, addDays(today, 30)),
      );
    const seedStarted = performance.now();
    const events = await seedEvents(lb, crews, start, today);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const cold = await timed(() => lb.standings.recompute(BENCH_COMPETITION_ID));
    await lb.standings.flush();
    const refresh: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Each refresh follows a burst of 1,000 of today's sales, as the refresher's do.
      await todaysBurst(lb, crews, today, 1000 + i);
      refresh.push(await timed(() => lb.standings.recompute(BENCH_COMPETITION_ID)));
    }
    const past: number[] = [];
    for (let i = 0; i < Math.max(1, Math.floor(RUNS / 2)); i++)
      past.push(await timed(() => lb.standings.recompute(BENCH_COMPETITION_ID, addDays(today, -5))));
    const line =
      `${crews.toLocaleString().padStart(7)} crews, ${events.toLocaleString()} events (seeded in ${seedSeconds.toFixed(1)} s): ` +
      `cold ${cold.toFixed(0)} ms, today's refresh (after 1,000 events) median ${median(refresh).toFixed(0)} ms (max ${Math.max(...refresh).toFixed(0)}), ` +
      `past day median ${median(past).toFixed(0)} ms; load ${load()}`;
    console.log(line);
    results.push(line);
    if (PERSONS_PER_CREW > 0) {
      const id = BENCH_PERSONS_COMPETITION_ID;
      const personCold = await timed(() => lb.standings.recompute(id));
      const personWrite = await timed(() => lb.standings.flush());
      const personRefresh: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Each refresh follows a burst of today's events naming 1,000 persons, as the refresher's do.
        await todaysBurst(lb, crews, today, 10 * (i + 1));
        personRefresh.push(await timed(() => lb.standings.recompute(id)));
      }
      const personPast: number[] = [];
      for (let i = 0; i < Math.max(1, Math.floor(RUNS / 2)); i++)
        personPast.push(await timed(() => lb.standings.recompute(id, addDays(today, -5))));
      // A screen's request of 100 rows: held in memory (today's snapshot not yet written) and stored.
      const requests = async (): Promise<number[]> => {
        const out: number[] = [];
        for (let i = 0; i < 50; i++)
          out.push(
            await timed(() => lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?limit=100` })),
          );
        return out;
      };
      const held = await requests();
      await lb.standings.flush();
      const stored = await requests();
      const personLine =
        `${(crews * PERSONS_PER_CREW).toLocaleString().padStart(7)} persons: cold ${personCold.toFixed(0)} ms (its write ${personWrite.toFixed(0)} ms), ` +
        `today's refresh (after 1,000 events) median ${median(personRefresh).toFixed(0)} ms (max ${Math.max(...personRefresh).toFixed(0)}), ` +
        `past day median ${median(personPast).toFixed(0)} ms; request (100 rows) held p50 ${percentile(held, 50).toFixed(1)} ms ` +
        `p99 ${percentile(held, 99).toFixed(1)} ms, stored p50 ${percentile(stored, 50).toFixed(1)} ms p99 ${percentile(stored, 99).toFixed(1)} ms; load ${load()}`;
      console.log(personLine);
      results.push(personLine);
    }

    if (COMPETITIONS > 0 && crews === Math.max(...SIZES.filter((s) => s < 50_000))) {
      // What one competition's standings hold, measured as the heap the other competitions add.
      const heapBefore = heapMb();
      for (let i = 1; i < COMPETITIONS; i++)
        await send(
          lb,
          'PUT',
          `/v1/competitions/${BENCH_COMPETITION_ID}-${i}`,
          benchCompetition(start, addDays(today, 30), i),
        );
      const ids = [
        BENCH_COMPETITION_ID,
        ...Array.from({ length: COMPETITIONS - 1 }, (_, i) => `${BENCH_COMPETITION_ID}-${i + 1}`),
      ];
      // First computation of each (cold), then refreshes of all after one event each time, as the
      // refresher runs them: what a crew waits for until every screen shows its event.
      // One refresh cycle, as the refresher runs it (reads shared where the service shares them).
      const cycle = (run: () => Promise<void>): Promise<void> =>
        'shareReads' in lb.standings ? lb.standings.shareReads(run) : run();
      const coldAll = await timed(() =>
        cycle(async () => {
          for (const id of ids) await lb.standings.recompute(id);
        }),
      );
      // Snapshot writes a cycle leaves for after it (where the service defers them), timed apart.
      const settle = (): Promise<void> =>
        'writesSettled' in lb.standings ? lb.standings.writesSettled() : Promise.resolve();
      const cycles: number[] = [];
      const perCompetition: number[] = [];
      const visible: number[] = [];
      const writes: number[] = [];
      for (let i = 0; i < Number(process.env['BENCH_CYCLES'] ?? 2); i++) {
        // One new sale of today for one crew: what every competition's standings must show.
        await todaysBurst(lb, crews, today, 2000 + i, 1);
        const t0 = performance.now();
        await cycle(async () => {
          for (const id of ids) {
            perCompetition.push(await timed(() => lb.standings.recompute(id)));
            // When a screen asking for this competition's standings sees the sale.
            visible.push(performance.now() - t0);
          }
        });
        cycles.push(performance.now() - t0);
      }
      // What the cycles left to write (a next cycle would have paused it), timed once: 300 snapshots take minutes.
      writes.push(await timed(settle));
      // Today's snapshots written again after one more event: a day with a stored run, where a few
      // crews' rows changed, as the service writes it every STANDINGS_PERSIST_MS all day.
      await todaysBurst(lb, crews, today, 3000, 1);
      await cycle(async () => {
        for (const id of ids) await lb.standings.recompute(id);
      });
      const rewrites = await timed(settle);
      const heapAfter = heapMb();
      // BENCH_HEAP_SNAPSHOT=file: what the competitions hold, for a heap profiler.
      if (process.env['BENCH_HEAP_SNAPSHOT']) writeHeapSnapshot(process.env['BENCH_HEAP_SNAPSHOT']);
      // Past days are recomputed by each competition's own pass, outside a cycle: timed for the
      // first 20 competitions (each reads its own sums), and the per-competition time given.
      const pastIds = ids.slice(0, 20);
      const pastAll = await timed(async () => {
        for (const id of pastIds) await lb.standings.recompute(id, addDays(today, -5));
      });
      // The same day again after a late event of it: a pass over days already stored.
      await todaysBurst(lb, crews, addDays(today, -5), 4000, 1);
      const pastAgain = await timed(async () => {
        for (const id of pastIds) await lb.standings.recompute(id, addDays(today, -5));
      });
      const many =
        `${COMPETITIONS} competitions over ${crews.toLocaleString()} crews: first computation of all ${(coldAll / 1000).toFixed(1)} s, ` +
        `today's refresh of all median ${(median(cycles) / 1000).toFixed(1)} s (max ${(Math.max(...cycles) / 1000).toFixed(1)} s; ` +
        `one competition p50 ${percentile(perCompetition, 50).toFixed(0)} ms, p99 ${percentile(perCompetition, 99).toFixed(0)} ms; ` +
        `the new event visible p50 ${(percentile(visible, 50) / 1000).toFixed(1)} s, p99 ${(percentile(visible, 99) / 1000).toFixed(1)} s), ` +
        `snapshots left for after the cycles stored in ${(median(writes) / 1000).toFixed(1)} s, ` +
        `written again after one more event in ${(rewrites / 1000).toFixed(1)} s, ` +
        `a past day of ${pastIds.length} of them ${(pastAll / 1000).toFixed(1)} s (${(pastAll / pastIds.length).toFixed(0)} ms each), ` +
        `again after a late event of it ${(pastAgain / 1000).toFixed(1)} s (${(pastAgain / pastIds.length).toFixed(0)} ms each); ` +
        `heap ${heapBefore.toFixed(0)} MB with one competition, ${heapAfter.toFixed(0)} MB with all ` +
        `(${((heapAfter - heapBefore) / (COMPETITIONS - 1)).toFixed(1)} MB each${'gc' in globalThis ? '' : ', without NODE_OPTIONS=--expose-gc: not collected first'}), ` +
        `RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; load ${load()}`;
      console.log(many);
      results.push(many);
    }
  } finally {
    await lb.close();
    if (process.env['BENCH_KEEP_DATA']) console.log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}
console.log('');
for (const line of results) console.log(line);
