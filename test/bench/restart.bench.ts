/**
 * npm run bench:restart: the scoring service (npm run scoring, embedded ClickHouse) killed with
 * SIGKILL and started again, as after a crash or an OOM kill. Prints, from the kill, when its HTTP
 * server answers, when it has rejoined the consumer group (/readyz 200), and when an event
 * produced right after the kill is stored. Figures only; nothing here gates CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PORT = 3929;
const id = randomUUID().slice(0, 8);
const topic = `restart-${id}.events`;

let brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  const started = spawnSync('infra/kafka/local.sh', ['start'], { stdio: 'inherit' });
  if (started.status !== 0) throw new Error('could not start the local Kafka broker (infra/kafka/local.sh start)');
  brokers = '127.0.0.1:9092';
}
const env = {
  KAFKA_BROKERS: brokers,
  KAFKA_EVENTS_TOPIC: topic,
  KAFKA_DEAD_LETTER_TOPIC: `restart-${id}.dead-letter`,
  KAFKA_CONSUMER_GROUP: `restart-${id}.scoring`,
  DEMO: 'off',
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
};
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-restart-bench-'));
const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer();
await producer.connect();

function scoring(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'services/scoring/main.ts'], {
    env: { ...process.env, ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Polls until `ok` holds; resolves with the ms since `from`. */
async function after(from: number, ok: () => Promise<boolean>): Promise<number> {
  for (let i = 0; i < 6_000; i++) {
    try {
      if (await ok()) return performance.now() - from;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('gave up after 120 s');
}

const url = (path: string) => `http://127.0.0.1:${PORT}${path}`;
const stored = async () =>
  Number(
    /^leaderboard_consumer_events_total\{outcome="stored"\} (\d+)/m.exec(
      await (await fetch(url('/metrics'))).text(),
    )?.[1] ?? 0,
  );

async function send(n: number): Promise<void> {
  const event = {
    eventId: `r-${n}`,
    crewId: 'C1',
    type: 'metric',
    occurredAt: new Date().toISOString(),
    name: 'units',
    value: 1,
  };
  await producer.send({ topic, acks: -1, messages: [{ key: 'C1', value: JSON.stringify(event) }] });
}

let child = scoring();
try {
  await after(performance.now(), async () => (await fetch(url('/readyz'))).ok);
  const org = {
    groupName: '重启测试',
    branches: [{ id: 'B1', name: '杭州分公司' }],
    units: [{ id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' }],
    crews: [{ id: 'C1', unitId: 'U1', name: '甲班', headcount: 4 }],
    targets: [],
  };
  const put = await fetch(url('/v1/org'), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(org),
  });
  if (!put.ok) throw new Error(`PUT /v1/org: ${put.status}`);
  await send(0);
  await after(performance.now(), async () => (await stored()) >= 1);
  console.log('| round | HTTP answers | rejoined (/readyz 200) | consuming (event sent after the kill stored) |');
  console.log('|---|---|---|---|');
  for (let round = 1; round <= ROUNDS; round++) {
    child.kill('SIGKILL');
    const killed = performance.now();
    await new Promise((r) => child.once('exit', r));
    child = scoring();
    await send(round);
    const http = await after(killed, async () => (await fetch(url('/healthz'))).ok);
    const joined = await after(killed, async () => (await fetch(url('/readyz'))).ok);
    const consuming = await after(killed, async () => (await stored()) >= 1);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`| ${round} | ${s(http)} | ${s(joined)} | ${s(consuming)} |`);
  }
} finally {
  child.kill('SIGKILL');
  await producer.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
}
