/**
 * npm run bench:pipeline: our scoring service against ClickHouse's own Kafka table engine on the
 * same topic, on the local broker, each in a process of its own (issue 19):
 *
 * 1. The bench's events (10k crews) are written to the events topic, keyed and partitioned by crew
 *    as the ingest service writes them.
 * 2. ClickHouse's Kafka engine (chdb's librdkafka, a Kafka table and a materialized view into the
 *    same events table with the same views attached: kafka-engine-consumer.ts) empties the topic.
 * 3. Our scoring service (npm run scoring, embedded ClickHouse) empties the same topic: validation,
 *    dedupe, dead letters, standings and all.
 *    For both: the rate (events committed per second), CPU per event (the process's user + system
 *    CPU time over the same window, every thread, divided by the events) and peak RSS.
 * 4. The raw kafkajs read of the topic (the client's own limit).
 * 5. Latency accepted → visible in standings at a fixed rate through the ingest service (HTTP).
 *
 * The machine is shared: compare figures of one run, and repeat runs. Figures only; nothing here
 * gates CI. Environment:
 * - BENCH_EVENTS (1,000,000), BENCH_PARTITIONS (6), BENCH_RATE (5,000 events/s),
 *   BENCH_LATENCY_SECONDS (30; 0 leaves the latency phase out), KAFKA_BROKERS (else
 *   infra/kafka/local.sh start);
 * - BENCH_BEFORE: another checkout (e.g. a git worktree of main with node_modules): its scoring
 *   service empties the topic too, just before this one's, so a change is measured back to back;
 * - BENCH_SCORING_ENV: NAME=value pairs for this checkout's scoring service only;
 * - BENCH_SCORING_LOG: a file the scoring services' log is appended to (e.g. with LOG_LEVEL=debug above);
 * - BENCH_SCORING_NODE_OPTIONS: e.g. --cpu-prof --cpu-prof-dir=/tmp/prof (a profile of this
 *   checkout's scoring service, written when it stops).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { inParts, toEventMessage } from '../../services/kafka/event-message.ts';
import { addDays, dayInZone, daysFrom, startOfDay } from '../../services/shared/calendar.ts';
import { BENCH_COMPETITION_ID, benchBatch, benchCompetition, benchOrg } from './bench-data.ts';

const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const BATCH = 1_000;
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 6);
const FIXED_RATE = Number(process.env['BENCH_RATE'] ?? 5_000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 30);
const SCORING_NODE_OPTIONS = (process.env['BENCH_SCORING_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean);
/** NAME=value pairs for this checkout's scoring service only (e.g. to try a setting against BENCH_BEFORE). */
const SCORING_ENV = Object.fromEntries(
  (process.env['BENCH_SCORING_ENV'] ?? '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const BEFORE = process.env['BENCH_BEFORE'];
const SCORING_PORT = 3927;
const INGEST_PORT = 3928;
/** Clock ticks per second of /proc/<pid>/stat's CPU times (getconf CLK_TCK; 100 on Linux). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const id = randomUUID().slice(0, 8);
const topic = `bench-${id}.events`;

let brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  const started = spawnSync('infra/kafka/local.sh', ['start'], { stdio: 'inherit' });
  if (started.status !== 0) throw new Error('could not start the local Kafka broker (infra/kafka/local.sh start)');
  brokers = '127.0.0.1:9092';
}
const kafkaEnv = {
  KAFKA_BROKERS: brokers,
  KAFKA_EVENTS_TOPIC: topic,
  KAFKA_DEAD_LETTER_TOPIC: `bench-${id}.dead-letter`,
  KAFKA_CONSUMER_GROUP: `bench-${id}.scoring`,
  KAFKA_EVENTS_PARTITIONS: String(PARTITIONS),
  // The load comes from one address without a token: the per-client rate limit would measure itself.
  RATE_LIMIT_PER_MINUTE: '100000000',
};
const engineGroup = `bench-${id}.clickhouse-kafka-engine`;
const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-pipeline-bench-'));
const engineDir = mkdtempSync(join(tmpdir(), 'leaderboard-kafka-engine-bench-'));
const children: ChildProcess[] = [];
function service(
  entry: string,
  env: Record<string, string>,
  nodeOptions: string[] = [],
  cwd = process.cwd(),
): ChildProcess {
  // BENCH_SCORING_LOG=<file>: the scoring service's log (LOG_LEVEL through BENCH_SCORING_ENV).
  const logFile = process.env['BENCH_SCORING_LOG'];
  const out = logFile !== undefined && entry === 'services/scoring/main.ts' ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', entry], {
    cwd,
    env: { ...process.env, ...kafkaEnv, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', out, 'inherit'],
  });
  children.push(child);
  return child;
}

async function stopGracefully(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** RSS now, user + system CPU seconds so far (every thread), of a process. */
async function usage(child: ChildProcess): Promise<{ rssMb: number; anonMb: number; cpuSeconds: number }> {
  const pid = child.pid ?? 0;
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    // Memory the process allocated (not mapped from files such as libchdb.so).
    anonMb: Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
  };
}

/**
 * Resident MB of the embedded engine's library (libchdb.so: its code and static data, mapped from
 * the file), a part of every service's RSS that no setting of ours changes.
 */
async function libraryRssMb(child: ChildProcess): Promise<number> {
  let kb = 0;
  let inLibrary = false;
  for (const line of (await readFile(`/proc/${child.pid ?? 0}/smaps`, 'utf8')).split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inLibrary = line.endsWith('libchdb.so');
    else if (inLibrary && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb / 1024;
}

/** The Node heap of a service now (its /metrics: V8's heap and the buffers outside it), 0 if unanswered. */
async function nodeHeapMb(port: number): Promise<{ v8Mb: number; usedMb: number; externalMb: number }> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const bytes = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return {
      v8Mb: bytes('nodejs_heap_size_total_bytes') / 1_048_576,
      usedMb: bytes('nodejs_heap_size_used_bytes') / 1_048_576,
      externalMb: bytes('nodejs_external_memory_bytes') / 1_048_576,
    };
  } catch {
    return { v8Mb: 0, usedMb: 0, externalMb: 0 };
  }
}

/** A histogram's cumulative bucket counts (le -> count) in a service's /metrics now; empty if unanswered. */
async function histogramBuckets(port: number, name: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))) {
      out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
    }
  } catch {
    // The service is gone: nothing to say.
  }
  return out;
}

/** p50 and p99 of what a histogram observed between two scrapes, as the upper bounds of their buckets. */
function bucketQuantiles(before: Map<number, number>, after: Map<number, number>): string {
  const counts = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const).sort((a, b) => a[0] - b[0]);
  const total = counts.at(-1)?.[1] ?? 0;
  if (total === 0) return 'nothing observed';
  const at = (p: number) => counts.find(([, n]) => n >= (p / 100) * total)?.[0] ?? Infinity;
  const ms = (le: number) => (Number.isFinite(le) ? `≤ ${Math.round(le * 1000)} ms` : 'longer');
  return `p50 ${ms(at(50))}, p99 ${ms(at(99))} (${total} observed)`;
}

const peakRss = new Map<ChildProcess, number>();
const rssTimer = setInterval(() => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    void usage(child)
      .then(({ rssMb }) => peakRss.set(child, Math.max(peakRss.get(child) ?? 0, rssMb)))
      .catch(() => undefined);
  }
}, 250);

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service on port ${port} did not become ready`);
}

async function send(port: number, method: string, path: string, body?: string): Promise<Response> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** How many of the topic's messages a group has committed (0 while its coordinator is not known yet). */
async function committed(groupId: string): Promise<number> {
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } catch (err) {
    // A new group's coordinator is elected on its first use (NOT_COORDINATOR_FOR_GROUP meanwhile).
    if (err instanceof Error && 'retriable' in err && err.retriable === true) return 0;
    throw err;
  }
}

interface Emptying {
  rate: number;
  cpuMicrosPerEvent: number;
  peakRssMb: number;
  /** Of the peak RSS: the engine's library mapped from libchdb.so. */
  libraryMb: number;
  /** Of the peak RSS: the memory the process allocated (ClickHouse's, Node's, the allocators' slack). */
  anonMb: number;
  /** The largest Node heap (V8's heap and the buffers outside it) seen meanwhile; 0 for the engine. */
  heapMb: number;
  /** The largest of each part of it. */
  v8Mb: number;
  /** The largest part of V8's heap in use (the rest is room V8 took for the next objects). */
  usedMb: number;
  externalMb: number;
  seconds: number;
  load: string;
}

/**
 * Follows a group emptying the topic: from the first commit to the last message, the events
 * committed in between per second of wall time and per second of the process's CPU time. The
 * start-up before the first commit (loading the engine, migrations, joining) is left out.
 */
async function measureEmptying(
  child: ChildProcess,
  groupId: string,
  label: string,
  metricsPort?: number,
): Promise<Emptying> {
  let first: { at: number; events: number; cpu: number } | undefined;
  let peak = 0;
  let libraryMb = 0;
  let anonMb = 0;
  let heapMb = 0;
  let v8Mb = 0;
  let usedMb = 0;
  let externalMb = 0;
  let heapAt = 0;
  let lastReport = performance.now();
  for (;;) {
    const [done, use, heap] = await Promise.all([
      committed(groupId),
      usage(child),
      // Once a second: the answer costs the service a little CPU.
      metricsPort === undefined || performance.now() - heapAt < 1_000 ? undefined : nodeHeapMb(metricsPort),
    ]);
    if (heap && heap.v8Mb > 0) {
      heapAt = performance.now();
      heapMb = Math.max(heapMb, heap.v8Mb + heap.externalMb);
      v8Mb = Math.max(v8Mb, heap.v8Mb);
      usedMb = Math.max(usedMb, heap.usedMb);
      externalMb = Math.max(externalMb, heap.externalMb);
    }
    const at = performance.now();
    if (use.rssMb > peak) {
      peak = use.rssMb;
      anonMb = use.anonMb;
      libraryMb = await libraryRssMb(child).catch(() => libraryMb);
    }
    if (!first && done > 0) first = { at, events: done, cpu: use.cpuSeconds };
    if (first && done >= TOTAL) {
      const seconds = (at - first.at) / 1000;
      const events = done - first.events;
      return {
        rate: events / seconds,
        cpuMicrosPerEvent: ((use.cpuSeconds - first.cpu) * 1e6) / events,
        peakRssMb: peak,
        libraryMb,
        anonMb,
        heapMb,
        v8Mb,
        usedMb,
        externalMb,
        seconds,
        load: loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
      };
    }
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}) before emptying the topic`);
    if (at - lastReport > 5_000) {
      lastReport = at;
      console.log(`  ${label}: ${done.toLocaleString()} of ${TOTAL.toLocaleString()} committed`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sales of the last minute, for crews in turn. */
function liveBatch(batchNo: number, size: number, crewIds: readonly string[]): string {
  const now = Date.now();
  const parts: string[] = [];
  for (let i = 0; i < size; i++) {
    const crewId = crewIds[(batchNo * size + i) % crewIds.length] ?? '';
    const occurredAt = new Date(now - ((batchNo * 7919 + i * 104_729) % 60_000)).toISOString();
    const volume = 20 + ((batchNo + i) % 80);
    parts.push(
      `{"eventId":"live${batchNo}-${i}","crewId":"${crewId}","type":"sales","occurredAt":"${occurredAt}","volume":${volume},"unit":"litres"}`,
    );
  }
  return `[${parts.join(',')}]`;
}

/** Posts a body; 'unavailable' when the service answers 503 (it asks for a resend). */
async function post(port: number, path: string, body: string): Promise<'accepted' | 'unavailable'> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  if (res.status === 503) return 'unavailable';
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return 'accepted';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Latency at a fixed rate of live events (they happen now, as on a working day), through the
 * ingest service, with a probe event every 250 ms timed from its 200 to its standings.
 */
/**
 * The probe screen's live stream (GET /v1/screens/probe/stream, as a TV's page reads it): when each
 * probe score was first sent. `close` ends the stream.
 */
function watchScreen(token: string): { firstSentAt: (score: number) => number | undefined; close: () => void } {
  const sent: { score: number; at: number }[] = [];
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`http://127.0.0.1:${SCORING_PORT}/v1/screens/probe/stream?token=${token}`, {
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`screen stream: ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!message.includes('event: standings')) continue;
        const data = message
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        const screen = JSON.parse(data) as { views: { rows?: { score: number }[] }[] };
        sent.push({ score: screen.views[0]?.rows?.[0]?.score ?? 0, at: performance.now() });
      }
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) console.error('screen stream:', err);
  });
  return {
    firstSentAt: (score) => sent.find((m) => m.score >= score)?.at,
    close: () => abort.abort(),
  };
}

async function measureLatency(firstBatchNo: number, crewIds: readonly string[], screenToken: string) {
  const ingest = service('services/ingest/main.ts', {
    PORT: String(INGEST_PORT),
    REGISTRY_URL: `http://127.0.0.1:${SCORING_PORT}/v1/org`,
  });
  await waitReady(INGEST_PORT);
  const latencyLoad = load();
  console.log(
    `load ${latencyLoad}: fixed rate ${FIXED_RATE.toLocaleString()} events/s for ${LATENCY_SECONDS} s, with probes…`,
  );
  const perTick = Math.round(FIXED_RATE / 20);
  let tick = 0;
  let shed = 0;
  let streaming = true;
  const stream = (async () => {
    const t0 = performance.now();
    while (streaming) {
      const n = firstBatchNo + tick;
      // Shed under load (503) counts as not sent: the rate is what the machine gives.
      void post(INGEST_PORT, '/v1/events', liveBatch(n, perTick, crewIds))
        .then((answer) => (answer === 'unavailable' ? shed++ : undefined))
        .catch((err: unknown) => console.error(err));
      tick++;
      const due = t0 + tick * 50;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  })();
  const latencies: number[] = [];
  const screen = watchScreen(screenToken);
  const stages = ['leaderboard_consumer_store_delay_seconds', 'leaderboard_standings_follow_seconds'] as const;
  const stagesBefore = await Promise.all(stages.map((name) => histogramBuckets(SCORING_PORT, name)));
  const acceptedAt: number[] = [];
  const occurredAt = new Date().toISOString();
  for (let probe = 1; probe <= LATENCY_SECONDS * 4; probe++) {
    const tickAt = performance.now();
    const body = JSON.stringify([
      { eventId: `probe-${probe}`, crewId: 'PROBE', type: 'metric', occurredAt, name: 'probe', value: 1 },
    ]);
    // A loaded broker may not acknowledge in time (503): the probe is resent, as a client would.
    while ((await post(INGEST_PORT, '/v1/events', body)) === 'unavailable') {
      await new Promise((r) => setTimeout(r, 100));
    }
    const accepted = performance.now();
    acceptedAt.push(accepted);
    for (;;) {
      const res = await send(SCORING_PORT, 'GET', '/v1/competitions/probe/standings');
      const s = (await res.json()) as { rows: { score: number }[] };
      if ((s.rows[0]?.score ?? 0) >= probe) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    latencies.push(performance.now() - accepted);
    if (probe % 20 === 0) console.log(`  ${probe} probes, the last ${Math.round(latencies.at(-1) ?? 0)} ms`);
    await new Promise((r) => setTimeout(r, Math.max(0, tickAt + 250 - performance.now())));
  }
  streaming = false;
  await stream;
  const stagesAfter = await Promise.all(stages.map((name) => histogramBuckets(SCORING_PORT, name)));
  const [storeDelay, followed] = stages.map((_, i) =>
    bucketQuantiles(stagesBefore[i] ?? new Map(), stagesAfter[i] ?? new Map()),
  );
  // The screen's stream may send the last probes a moment after the standings showed them.
  await new Promise((r) => setTimeout(r, 2000));
  screen.close();
  const screenLatencies = acceptedAt.map((at, i) => (screen.firstSentAt(i + 1) ?? Infinity) - at).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  return { latencies, screenLatencies, latencyLoad, shed, ingest, storeDelay, followed };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

try {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  const scoringEnv = { DATA_DIR: dataDir, DEMO: 'off', PORT: String(SCORING_PORT) };
  // The registry and the competitions, put through a scoring service that is then stopped, so
  // that the topic can be filled before anyone reads it.
  const setup = service('services/scoring/main.ts', scoringEnv);
  await waitReady(SCORING_PORT);
  const today = dayInZone(new Date(), 'Asia/Shanghai');
  const start = addDays(today, -29);
  const org = benchOrg();
  // A crew of its own for the latency probes, in a competition of its own.
  const probeUnit = org.units[0]?.id ?? '';
  org.crews.push({ id: 'PROBE', unitId: probeUnit, name: '探针班', headcount: 1 });
  await send(SCORING_PORT, 'PUT', '/v1/org', JSON.stringify(org));
  await send(
    SCORING_PORT,
    'PUT',
    `/v1/competitions/${BENCH_COMPETITION_ID}`,
    JSON.stringify(benchCompetition(start, addDays(today, 30))),
  );
  await send(
    SCORING_PORT,
    'PUT',
    '/v1/competitions/probe',
    JSON.stringify({
      name: { zh: '探针', en: 'Probe' },
      kind: 'labour',
      period: { start, end: addDays(today, 30) },
      participants: { scope: 'selected', crewIds: ['PROBE'] },
      indicators: [
        { id: 'p', name: { zh: '探针', en: 'Probe' }, rule: { kind: 'sum', metric: 'metric.probe', pointsPerUnit: 1 } },
      ],
    }),
  );
  // A big screen showing the probe's competition: its live stream (SSE) is timed as the standings are.
  await send(
    SCORING_PORT,
    'PUT',
    '/v1/screens/probe',
    JSON.stringify({
      name: { zh: '探针大屏', en: 'Probe screen' },
      views: [{ kind: 'ranking', competitionId: 'probe', limit: 20, seconds: 600 }],
    }),
  );
  const screenToken = (
    (await (await send(SCORING_PORT, 'POST', '/v1/screens/probe/links', '{"label":"bench"}')).json()) as {
      token: string;
    }
  ).token;
  await stopGracefully(setup);
  const crewIds = org.crews.filter((c) => c.id !== 'PROBE').map((c) => c.id);
  const dayStarts = daysFrom(start, addDays(today, -1)).map((d) => startOfDay(d, 'Asia/Shanghai').getTime());

  // 1. The topic, as the ingest service writes it (key = crew, murmur2 partition, JSON value).
  console.log(`writing ${TOTAL.toLocaleString()} events to ${topic} (${PARTITIONS} partitions)…`);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const batches = Math.ceil(TOTAL / BATCH);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches) {
        const n = next++;
        const events = JSON.parse(
          benchBatch(n, Math.min(BATCH, TOTAL - n * BATCH), crewIds, dayStarts),
        ) as MetricEvent[];
        const receivedAt = Date.now();
        for (const part of inParts(events.map((e) => toEventMessage(e, receivedAt)))) {
          await producer.send({ topic, acks: -1, messages: part });
        }
      }
    }),
  );
  await producer.disconnect();

  // 2. ClickHouse's Kafka engine empties it.
  console.log(`load ${load()}: ClickHouse's Kafka table engine empties the topic…`);
  const engineProcess = service('test/bench/kafka-engine-consumer.ts', {
    DATA_DIR: engineDir,
    KAFKA_CONSUMER_GROUP: engineGroup,
  });
  const engine = await measureEmptying(engineProcess, engineGroup, 'Kafka engine');
  await stopGracefully(engineProcess);
  rmSync(engineDir, { recursive: true, force: true });

  // 3a. BENCH_BEFORE=<another checkout>: that checkout's scoring service empties it first, into a
  //     copy of the registry, so a change is measured back to back with what it changes.
  let before: Emptying | undefined;
  if (BEFORE) {
    console.log(`load ${load()}: the scoring service of ${BEFORE} empties the topic…`);
    const beforeDir = mkdtempSync(join(tmpdir(), 'leaderboard-pipeline-bench-before-'));
    cpSync(dataDir, beforeDir, { recursive: true });
    const group = `bench-${id}.scoring-before`;
    const previous = service(
      'services/scoring/main.ts',
      { ...scoringEnv, DATA_DIR: beforeDir, KAFKA_CONSUMER_GROUP: group },
      [],
      BEFORE,
    );
    before = await measureEmptying(previous, group, 'scoring service (before)', SCORING_PORT);
    await stopGracefully(previous);
    rmSync(beforeDir, { recursive: true, force: true });
  }

  // 3. Our scoring service empties it.
  console.log(`load ${load()}: the scoring service empties the topic…`);
  const scoring = service('services/scoring/main.ts', { ...scoringEnv, ...SCORING_ENV }, SCORING_NODE_OPTIONS);
  const ours = await measureEmptying(scoring, kafkaEnv.KAFKA_CONSUMER_GROUP, 'scoring service', SCORING_PORT);
  await waitReady(SCORING_PORT);

  // 4. The limit: kafkajs reading the same topic with the same fetch settings and no processing.
  const raw = kafka.consumer({
    groupId: `bench-${id}.raw`,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let rawStarted = 0;
  let rawEnded = 0;
  await raw.run({
    partitionsConsumedConcurrently: 2,
    eachBatch: ({ batch }) => {
      if (rawStarted === 0) rawStarted = performance.now();
      consumed += batch.messages.length;
      if (consumed >= TOTAL && rawEnded === 0) rawEnded = performance.now();
      return Promise.resolve();
    },
  });
  while (rawEnded === 0) await new Promise((r) => setTimeout(r, 20));
  await raw.disconnect();
  const rawSeconds = (rawEnded - rawStarted) / 1000;

  const rawRate = TOTAL / rawSeconds;
  const mb = (n: number) => `${Math.round(n)} MB`;
  const row = (cells: string[]) => console.log(`| ${cells.join(' | ')} |`);
  console.log(`\n${TOTAL.toLocaleString()} events, ${PARTITIONS} partitions, ${crewIds.length.toLocaleString()} crews`);
  row([
    'emptying the same topic',
    'rate',
    'CPU per event',
    'peak RSS (of it libchdb.so; allocated)',
    'largest Node heap (V8, of it used; external)',
    'load (1/5/15 min) at the end',
  ]);
  row(['---', '---', '---', '---', '---', '---']);
  for (const [name, e] of [
    ["ClickHouse's Kafka table engine (chdb)", engine],
    ...(before ? ([[`scoring service of ${BEFORE}`, before]] as const) : []),
    ['our scoring service', ours],
  ] as const) {
    // Too few events: everything was committed at the first look (the engine commits in large steps).
    const timed = Number.isFinite(e.rate) && e.seconds > 0;
    row([
      name,
      timed
        ? `${Math.round(e.rate).toLocaleString()} events/s (${e.seconds.toFixed(1)} s)`
        : 'committed at once: send more events',
      timed ? `${e.cpuMicrosPerEvent.toFixed(1)} µs` : '–',
      `${mb(e.peakRssMb)} (${mb(e.libraryMb)}; ${mb(e.anonMb)})`,
      e.heapMb > 0 ? `${mb(e.heapMb)} (${mb(e.v8Mb)}, ${mb(e.usedMb)}; ${mb(e.externalMb)})` : '–',
      e.load,
    ]);
  }

  // A topic emptied at once (BENCH_EVENTS of a few thousand) has no rate: '–', not NaN.
  const times = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)} ×` : '–');
  console.log(
    `scoring service / Kafka engine: ${times(ours.rate, engine.rate)} the rate, ${times(ours.cpuMicrosPerEvent, engine.cpuMicrosPerEvent)} the CPU per event\n`,
  );

  // 5. Latency (BENCH_LATENCY_SECONDS=0 leaves it out, e.g. to profile the emptying alone).
  const latency = LATENCY_SECONDS > 0 ? await measureLatency(batches, crewIds, screenToken) : undefined;
  const scoringPeakRss = peakRss.get(scoring) ?? 0;
  await stopGracefully(scoring);

  console.log('\n| | measured | target |');
  console.log('|---|---|---|');
  row(['scoring service / Kafka engine, rate', times(ours.rate, engine.rate), '≥ 1.0 ×']);
  row([
    'scoring service CPU per event',
    Number.isFinite(ours.cpuMicrosPerEvent) ? `${ours.cpuMicrosPerEvent.toFixed(1)} µs` : '–',
    '≤ 20 µs',
  ]);
  row(['raw kafkajs consume of the same topic', `${Math.round(rawRate).toLocaleString()} messages/s`, '']);
  if (latency) {
    const { latencies, latencyLoad, shed } = latency;
    row([
      `latency accepted → in standings at ${FIXED_RATE.toLocaleString()} events/s (load ${latencyLoad})`,
      `p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms (${latencies.length} probes)`,
      'p99 ≤ 1 s',
    ]);
    const { screenLatencies } = latency;
    row([
      'latency accepted → sent on the big screen’s live stream (SSE)',
      `p50 ${Math.round(percentile(screenLatencies, 50))} ms, p99 ${Math.round(percentile(screenLatencies, 99))} ms (${screenLatencies.filter(Number.isFinite).length} of ${screenLatencies.length} probes seen)`,
      'p99 ≤ 1.2 s',
    ]);
    // Where the way goes, from the scoring service's own histograms over the latency phase.
    row(['… of which accepted → stored (each batch, its oldest event)', latency.storeDelay ?? '', '']);
    row(['… and stored → standings refreshed (each refresh, its oldest events)', latency.followed ?? '', '']);
    if (shed > 0) row(['requests of the fixed-rate stream shed by the ingest service (503)', String(shed), '']);
  }
  row([
    'scoring service peak RSS (emptying / whole run)',
    `${mb(ours.peakRssMb)} / ${mb(scoringPeakRss)}`,
    '≤ 600 MB at 10M events',
  ]);
  if (latency) row(['ingest service peak RSS', mb(peakRss.get(latency.ingest) ?? 0), '']);
} finally {
  clearInterval(rssTimer);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await admin.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(engineDir, { recursive: true, force: true });
}
