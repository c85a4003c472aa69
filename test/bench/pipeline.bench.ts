/**
 * npm run bench:pipeline: HTTP -> Kafka -> ClickHouse on the local broker, with the ingest and the
 * scoring service as separate processes (npm run ingest, npm run scoring on embedded ClickHouse).
 * Prints the sustained rate with consumer lag over time, the raw kafkajs consume rate of the same
 * topic (the limit), end-to-end latency at a fixed rate, and each service's peak RSS.
 * Figures only; nothing here gates CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { addDays, dayInZone, daysFrom, startOfDay } from '../../services/shared/calendar.ts';
import { BENCH_COMPETITION_ID, benchBatch, benchCompetition, benchOrg } from './bench-data.ts';

const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const BATCH = 1_000;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 6);
const FIXED_RATE = Number(process.env['BENCH_RATE'] ?? 5_000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 30);
const SCORING_PORT = 3927;
const INGEST_PORT = 3928;
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
const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-pipeline-bench-'));
const children: ChildProcess[] = [];
function service(entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...kafkaEnv, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const peakRss = new Map<ChildProcess, number>();
const rssTimer = setInterval(() => {
  for (const child of children) {
    void readFile(`/proc/${child.pid ?? 0}/status`, 'utf8')
      .then((status) => {
        const mb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
        peakRss.set(child, Math.max(peakRss.get(child) ?? 0, mb));
      })
      .catch(() => undefined);
  }
}, 250);

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
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

/** Messages in the topic, and how many of them a group has committed. */
async function progress(groupId: string): Promise<{ end: number; committed: number }> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
  const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  return { end, committed };
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

try {
  const scoring = service('services/scoring/main.ts', {
    DATA_DIR: dataDir,
    DEMO: 'off',
    PORT: String(SCORING_PORT),
  });
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
  const ingest = service('services/ingest/main.ts', {
    PORT: String(INGEST_PORT),
    REGISTRY_URL: `http://127.0.0.1:${SCORING_PORT}/v1/org`,
  });
  await waitReady(INGEST_PORT);
  const crewIds = org.crews.filter((c) => c.id !== 'PROBE').map((c) => c.id);
  const dayStarts = daysFrom(start, addDays(today, -1)).map((d) => startOfDay(d, 'Asia/Shanghai').getTime());

  // 1. Sustained: as fast as the clients can send, until the scoring service has stored it all.
  console.log(`sending ${TOTAL.toLocaleString()} events over HTTP (${CONCURRENCY} clients × ${BATCH} events)…`);
  const batches = Math.ceil(TOTAL / BATCH);
  let next = 0;
  const started = performance.now();
  const lagSeries: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((r) => setTimeout(r, 2_000));
      const p = await progress(kafkaEnv.KAFKA_CONSUMER_GROUP);
      lagSeries.push(`${Math.round((performance.now() - started) / 1000)}s: ${(p.end - p.committed).toLocaleString()}`);
    }
  })();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches) {
        const n = next++;
        await send(
          INGEST_PORT,
          'POST',
          '/v1/events',
          benchBatch(n, Math.min(BATCH, TOTAL - n * BATCH), crewIds, dayStarts),
        );
      }
    }),
  );
  const httpSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const p = await progress(kafkaEnv.KAFKA_CONSUMER_GROUP);
    if (p.committed >= TOTAL) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pipelineSeconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;

  // 2. The limit: kafkajs reading the same topic with the same fetch settings and no processing.
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

  // 3. Latency at a fixed rate of live events (they happen now, as on a working day), with a
  //    probe event every 250 ms timed from its 200 to its standings.
  console.log(`fixed rate: ${FIXED_RATE.toLocaleString()} events/s for ${LATENCY_SECONDS} s, with probes…`);
  const perTick = Math.round(FIXED_RATE / 20);
  let tick = 0;
  let streaming = true;
  const stream = (async () => {
    const t0 = performance.now();
    while (streaming) {
      const n = batches + tick;
      void send(INGEST_PORT, 'POST', '/v1/events', liveBatch(n, perTick, crewIds)).catch((err: unknown) =>
        console.error(err),
      );
      tick++;
      const due = t0 + tick * 50;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  })();
  const latencies: number[] = [];
  const occurredAt = new Date().toISOString();
  for (let probe = 1; probe <= LATENCY_SECONDS * 4; probe++) {
    const tickAt = performance.now();
    const body = JSON.stringify([
      { eventId: `probe-${probe}`, crewId: 'PROBE', type: 'metric', occurredAt, name: 'probe', value: 1 },
    ]);
    await send(INGEST_PORT, 'POST', '/v1/events', body);
    const accepted = performance.now();
    for (;;) {
      const res = await send(SCORING_PORT, 'GET', '/v1/competitions/probe/standings');
      const s = (await res.json()) as { rows: { score: number }[] };
      if ((s.rows[0]?.score ?? 0) >= probe) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    latencies.push(performance.now() - accepted);
    await new Promise((r) => setTimeout(r, Math.max(0, tickAt + 250 - performance.now())));
  }
  streaming = false;
  await stream;
  latencies.sort((a, b) => a - b);

  const pipelineRate = TOTAL / pipelineSeconds;
  const rawRate = TOTAL / rawSeconds;
  console.log('\nconsumer lag (messages) over time:');
  console.log(`  ${lagSeries.join(' | ')}`);
  console.log('\n| | measured | target |');
  console.log('|---|---|---|');
  console.log(`| HTTP accepted (ingest → Kafka) | ${Math.round(TOTAL / httpSeconds).toLocaleString()} events/s | |`);
  console.log(
    `| pipeline, HTTP → Kafka → ClickHouse (sustained, ${TOTAL.toLocaleString()} events) | ${Math.round(pipelineRate).toLocaleString()} events/s | ≥ 70 % of raw |`,
  );
  console.log(`| raw kafkajs consume of the same topic | ${Math.round(rawRate).toLocaleString()} messages/s | |`);
  console.log(`| pipeline / raw | ${((100 * pipelineRate) / rawRate).toFixed(1)} % | ≥ 70 % |`);
  console.log(
    `| latency accepted → in standings at ${FIXED_RATE.toLocaleString()} events/s | p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms (${latencies.length} probes) | p99 ≤ 2 s |`,
  );
  console.log(`| scoring service peak RSS | ${Math.round(peakRss.get(scoring) ?? 0)} MB | ≤ 300 MB |`);
  console.log(`| ingest service peak RSS | ${Math.round(peakRss.get(ingest) ?? 0)} MB | |`);
} finally {
  clearInterval(rssTimer);
  for (const child of children) child.kill('SIGKILL');
  await admin.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
}
