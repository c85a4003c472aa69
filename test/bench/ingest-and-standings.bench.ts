/**
 * npm run bench: seeds 10,000 crews and BENCH_EVENTS events (default 10 million) through the
 * HTTP API of a real `npm start` process on embedded ClickHouse, then prints ingest rate,
 * standings recompute time and standings request latency. Figures only; nothing here gates CI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../services/api/config.ts';
import { createLeaderboard } from '../../services/api/leaderboard.ts';
import { addDays, dayInZone, daysFrom, startOfDay } from '../../services/shared/calendar.ts';
import {
  BENCH_COMPETITION_ID,
  BENCH_PERSONS_COMPETITION_ID,
  benchBatch,
  benchCompetition,
  benchOrg,
  benchPersonsCompetition,
} from './bench-data.ts';

const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 10_000_000);
/** Persons per crew for the 个人赛 scenario (10 × 10,000 crews = 100,000 persons); 0 leaves it out. */
const PERSONS_PER_CREW = Number(process.env['BENCH_PERSONS_PER_CREW'] ?? 10);
const BATCH = 1_000;
// Many stations post at once; concurrent batches share one insert (group commit).
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const PORT = Number(process.env['BENCH_PORT'] ?? 3917);
const base = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-bench-'));

/** CPU seconds a process has used so far (Linux /proc; clock ticks of 10 ms). */
async function processCpuSeconds(pid: number | undefined): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid ?? 0}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? NaN) + Number(fields[12] ?? NaN)) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

async function send(method: string, path: string, body: string): Promise<Response> {
  const res = await fetch(`${base}${path}`, { method, body, headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

const server = spawn(
  process.execPath,
  [
    ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=.tmp/srvprof'] : []),
    '--import',
    'tsx',
    'services/api/main.ts',
  ],
  {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), DEMO: 'off', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
let peakRssMb = 0;
const rssTimer = setInterval(() => {
  // The server's RSS from /proc, sampled while it works.
  void import('node:fs/promises')
    .then((fs) => fs.readFile(`/proc/${server.pid ?? 0}/status`, 'utf8'))
    .then((status) => {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakRssMb = Math.max(peakRssMb, kb / 1024);
    })
    .catch(() => undefined);
}, 500);

try {
  await waitReady();
  const today = dayInZone(new Date(), 'Asia/Shanghai');
  const start = addDays(today, -29);
  const org = benchOrg(10, 100, 10, PERSONS_PER_CREW);
  await send('PUT', '/v1/org', JSON.stringify(org));
  await send(
    'PUT',
    `/v1/competitions/${BENCH_COMPETITION_ID}`,
    JSON.stringify(benchCompetition(start, addDays(today, 30))),
  );
  if (PERSONS_PER_CREW > 0) {
    await send(
      'PUT',
      `/v1/competitions/${BENCH_PERSONS_COMPETITION_ID}`,
      JSON.stringify(benchPersonsCompetition(start, addDays(today, 30))),
    );
  }
  const crewIds = org.crews.map((c) => c.id);
  const dayStarts = daysFrom(start, addDays(today, -1)).map((d) => startOfDay(d, 'Asia/Shanghai').getTime());

  console.log(
    `ingesting ${TOTAL.toLocaleString()} events in batches of ${BATCH} with ${CONCURRENCY} concurrent clients…`,
  );
  const batches = Math.ceil(TOTAL / BATCH);
  let next = 0;
  let done = 0;
  const serverCpuBefore = await processCpuSeconds(server.pid);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastReport = started;
  let lastDone = 0;
  async function worker(): Promise<void> {
    while (next < batches) {
      const n = next++;
      const size = Math.min(BATCH, TOTAL - n * BATCH);
      const res = await send('POST', '/v1/events', benchBatch(n, size, crewIds, dayStarts, PERSONS_PER_CREW));
      const body = (await res.json()) as { accepted: number };
      done += body.accepted;
      const now = performance.now();
      if (now - lastReport > 10_000) {
        console.log(
          `  ${done.toLocaleString()} events, ${Math.round(((done - lastDone) * 1000) / (now - lastReport)).toLocaleString()} events/s`,
        );
        lastReport = now;
        lastDone = done;
      }
    }
  }
  // A big screen polling the standings while events stream in.
  const duringIngest: number[] = [];
  let ingesting = true;
  const screen = (async () => {
    while (ingesting) {
      const t = performance.now();
      const res = await fetch(`${base}/v1/competitions/${BENCH_COMPETITION_ID}/standings?limit=20`);
      await res.arrayBuffer();
      duringIngest.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
  const ingestSeconds = (performance.now() - started) / 1000;
  const serverCpu = (await processCpuSeconds(server.pid)) - serverCpuBefore;
  const clientCpuUsage = process.cpuUsage(clientCpuBefore);
  const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
  ingesting = false;
  await screen;
  duringIngest.sort((a, b) => a - b);

  // Let the last refresh finish, so the figures below are the steady state.
  let lastComputed = '';
  for (let stable = 0; stable < 3;) {
    await new Promise((r) => setTimeout(r, 1000));
    const page = (await (await fetch(`${base}/v1/competitions/${BENCH_COMPETITION_ID}/standings?limit=1`)).json()) as {
      computedAt: string;
    };
    stable = page.computedAt === lastComputed ? stable + 1 : 0;
    lastComputed = page.computedAt;
  }

  const latencies: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/v1/competitions/${BENCH_COMPETITION_ID}/standings?limit=100`);
    await res.arrayBuffer();
    if (i > 0) latencies.push(performance.now() - t); // the first may compute the snapshot
  }
  latencies.sort((a, b) => a - b);
  const personLatencies: number[] = [];
  for (let i = 0; PERSONS_PER_CREW > 0 && i < 500; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/v1/competitions/${BENCH_PERSONS_COMPETITION_ID}/standings?limit=100`);
    await res.arrayBuffer();
    if (i > 0) personLatencies.push(performance.now() - t);
  }
  personLatencies.sort((a, b) => a - b);
  const serverPeakRss = peakRssMb;
  // How the group commit behaved: inserts and their mean size and time, from the server's metrics.
  const metricsText = await (await fetch(`${base}/metrics`)).text();
  const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metricsText)?.[1] ?? NaN);
  const inserts = metric('leaderboard_clickhouse_insert_seconds_count');
  const insertSeconds = metric('leaderboard_clickhouse_insert_seconds_sum');
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));

  // Recompute in-process on the same data: the time from stored events to a written snapshot.
  const lb = await createLeaderboard(
    parseConfig({ DATA_DIR: dataDir, DEMO: 'off', RATE_LIMIT_PER_MINUTE: '100000000' }),
    pino({ level: 'warn' }),
  );
  const recomputes: number[] = [];
  const withWrite: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    await lb.standings.recompute(BENCH_COMPETITION_ID);
    const computed = performance.now();
    // Today's snapshot is written to ClickHouse at most every STANDINGS_PERSIST_MS; time the write too.
    await lb.standings.flush();
    if (i > 0) {
      recomputes.push(computed - t);
      withWrite.push(performance.now() - t);
    }
  }
  recomputes.sort((a, b) => a - b);
  withWrite.sort((a, b) => a - b);
  // As for crews: the recompute alone (today's snapshot held in memory, as the refresher leaves
  // it), and with the write of its 100,000 rows.
  const personRecomputes: number[] = [];
  const personWithWrite: number[] = [];
  for (let i = 0; PERSONS_PER_CREW > 0 && i < 6; i++) {
    const t = performance.now();
    await lb.standings.recompute(BENCH_PERSONS_COMPETITION_ID);
    const computed = performance.now();
    await lb.standings.flush();
    if (i > 0) {
      personRecomputes.push(computed - t);
      personWithWrite.push(performance.now() - t);
    }
  }
  personRecomputes.sort((a, b) => a - b);
  personWithWrite.sort((a, b) => a - b);
  await lb.close();

  console.log('');
  console.log(`crews                      ${org.crews.length.toLocaleString()}`);
  console.log(`events ingested            ${done.toLocaleString()} in ${ingestSeconds.toFixed(1)} s`);
  console.log(
    `ingest rate (HTTP, 1,000)  ${Math.round(done / ingestSeconds).toLocaleString()} events/s   (target >= 50,000)`,
  );
  console.log(
    `  CPU while ingesting       server ${serverCpu.toFixed(1)} s, bench client ${clientCpu.toFixed(1)} s (${((serverCpu * 1e6) / done).toFixed(1)} + ${((clientCpu * 1e6) / done).toFixed(1)} µs per event)`,
  );
  console.log(
    `  ClickHouse inserts       ${inserts.toLocaleString()}, ${Math.round(done / inserts).toLocaleString()} events and ${((insertSeconds * 1000) / inserts).toFixed(0)} ms each on average`,
  );
  console.log(
    `recompute one competition  median ${percentile(recomputes, 50).toFixed(0)} ms, max ${Math.max(...recomputes).toFixed(0)} ms   (target <= 500 ms)`,
  );
  console.log(
    `  … and write the snapshot  median ${percentile(withWrite, 50).toFixed(0)} ms, max ${Math.max(...withWrite).toFixed(0)} ms`,
  );
  console.log(
    `standings request (100)    p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms   (target p99 <= 50 ms)`,
  );
  console.log(
    `  … while ingesting (20)   p50 ${percentile(duringIngest, 50).toFixed(1)} ms, p99 ${percentile(duringIngest, 99).toFixed(1)} ms (${duringIngest.length} screen polls)`,
  );
  if (PERSONS_PER_CREW > 0) {
    console.log(
      `个人赛: ${(org.persons ?? []).length.toLocaleString()} persons (sales, 三违 and 五小 name one; hazards and incidents none)`,
    );
    console.log(
      `  recompute                median ${percentile(personRecomputes, 50).toFixed(0)} ms, max ${Math.max(...personRecomputes).toFixed(0)} ms   (target <= 500 ms)`,
    );
    console.log(
      `  … and write the snapshot median ${percentile(personWithWrite, 50).toFixed(0)} ms, max ${Math.max(...personWithWrite).toFixed(0)} ms`,
    );
    console.log(
      `  standings request (100)  p50 ${percentile(personLatencies, 50).toFixed(1)} ms, p99 ${percentile(personLatencies, 99).toFixed(1)} ms   (target p99 <= 50 ms)`,
    );
  }
  console.log(`server peak RSS            ${serverPeakRss.toFixed(0)} MB`);
  console.log(
    `load average (1, 5, 15)    ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  clearInterval(rssTimer);
  server.kill('SIGKILL');
  if (!process.env['BENCH_KEEP_DATA']) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir} (BENCH_DATA_DIR=${dataDir} npm run bench:recompute)`);
}
