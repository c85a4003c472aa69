/**
 * Today's recompute of each competition on a data directory `npm run bench` kept
 * (`BENCH_KEEP_DATA=1`), in-process as `npm run bench` times it, so two checkouts can be compared
 * on the same 10 million events without ingesting them again:
 *   BENCH_DATA_DIR=/tmp/leaderboard-bench-… npm run bench:recompute
 * Each run writes today's snapshot, as the bench's recompute does; the first run (which reads
 * the closed days) is printed apart.
 */
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { parseConfig } from '../../services/api/config.ts';
import { createLeaderboard } from '../../services/api/leaderboard.ts';
import { BENCH_COMPETITION_ID, BENCH_PERSONS_COMPETITION_ID } from './bench-data.ts';

const dataDir = process.env['BENCH_DATA_DIR'];
if (!dataDir) throw new Error('BENCH_DATA_DIR: the data directory a `BENCH_KEEP_DATA=1 npm run bench` kept');
const runs = Number(process.env['BENCH_RUNS'] ?? 8);
const ids = (process.env['BENCH_COMPETITIONS'] ?? `${BENCH_PERSONS_COMPETITION_ID},${BENCH_COMPETITION_ID}`).split(',');

const lb = await createLeaderboard(
  parseConfig({ DATA_DIR: dataDir, DEMO: 'off', RATE_LIMIT_PER_MINUTE: '100000000' }),
  pino({ level: 'warn' }),
);
await lb.refresher.flush();
for (const id of ids) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await lb.standings.recompute(id);
    times.push(performance.now() - t);
    await lb.standings.flush();
  }
  const [first = NaN, ...rest] = times;
  rest.sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)] ?? NaN;
  console.log(
    `${id.padEnd(16)} first ${first.toFixed(0)} ms, then median ${median.toFixed(0)} ms, max ${Math.max(...rest).toFixed(0)} ms (${rest.length} runs)`,
  );
}
await lb.close();
console.log(
  `load average (1, 5, 15)  ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
