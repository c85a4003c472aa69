/**
 * npm run bench:recovery: how long after a SIGKILL of the scoring service (npm run scoring,
 * embedded ClickHouse, default standings settings) the standings it serves equal what is stored.
 * Each round streams events through Kafka, some of them late (on days before a stored day, so a
 * pass over the stored days is pending), waits until the competition's current standings show
 * them (held in memory, written at most every STANDINGS_PERSIST_MS) and kills the process at once.
 * After the restart it polls the current day and a stored earlier day and prints when the first
 * answer came, how far behind the stored snapshot was, how many answers were flagged
 * `recomputing`, how many were served as current below what is stored (must be 0), and when both
 * days equalled what is stored. Figures only; nothing here gates CI.
 *
 * BENCH_ROUNDS (3), BENCH_EVENTS per round (40,000), BENCH_CREWS (200), KAFKA_BROKERS (default:
 * a broker of its own, started with infra/kafka/local.sh on free ports and stopped at the end).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, getJson, spawnService, type Service } from '../support/spawn-service.ts';
import { createUnitStream } from '../support/unit-stream.ts';
import { benchOrg } from './bench-data.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 40_000);
const CREWS = Number(process.env['BENCH_CREWS'] ?? 200);
const ID = 'recovery-bench';
// March 2025 is over whatever day this runs: its last day is the competition's current day,
// held in memory like today's.
const LAST_DAY = '2025-03-31';
const STORED_DAY = '2025-03-15';
const DAYS = ['2025-03-03', '2025-03-10', '2025-03-14', '2025-03-20', '2025-03-27', LAST_DAY];
const LATE_DAYS = ['2025-03-05', '2025-03-12'];

const id = randomUUID().slice(0, 8);
const topic = `recovery-${id}.events`;
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-recovery-bench-'));

let broker: Record<string, string> | undefined;
let brokers = process.env['KAFKA_BROKERS'];
const localKafka = (command: string) =>
  spawnSync('infra/kafka/local.sh', [command], { encoding: 'utf8', env: { ...process.env, ...broker } });
if (!brokers) {
  broker = {
    KAFKA_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-recovery-bench-kafka-')),
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
  };
  const started = localKafka('start');
  if (started.status !== 0) throw new Error(`could not start a Kafka broker:\n${started.stdout}${started.stderr}`);
  brokers = `127.0.0.1:${broker['KAFKA_PORT'] ?? ''}`;
}
const port = await freePort();
const base = `http://127.0.0.1:${String(port)}`;
const env = {
  KAFKA_BROKERS: brokers,
  KAFKA_EVENTS_TOPIC: topic,
  KAFKA_DEAD_LETTER_TOPIC: `recovery-${id}.dead-letter`,
  KAFKA_CONSUMER_GROUP: `recovery-${id}.scoring`,
  KAFKA_EVENTS_PARTITIONS: '3',
  DATA_DIR: dataDir,
  DEMO: 'off',
  LOG_LEVEL: 'warn',
  PORT: String(port),
  EVENT_MAX_AGE_DAYS: '36500',
};
const scoring = (): Service => spawnService('services/scoring/main.ts', env);

const org = benchOrg(10, Math.max(1, Math.round(CREWS / 20)), 2);
const crewIds = org.crews.map((c) => c.id);
const kafka = new Kafka({ clientId: `recovery-${id}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer();

/** What is stored once everything sent is consumed. */
const stream = createUnitStream(producer, topic, crewIds);
/** One event in ten lands on a day before the stored day: a late event. */
const dayOf = (i: number) => {
  const days = i % 10 === 0 ? LATE_DAYS : DAYS;
  return days[Math.floor(i / crewIds.length) % days.length] ?? LAST_DAY;
};

interface Answer {
  recomputing: boolean;
  rows: { crewId: string; score: number }[];
}
const standings = (asOf: string) => getJson<Answer>(base, `/v1/competitions/${ID}/standings?asOf=${asOf}&limit=10000`);
const storedTotal = (asOf: string) => crewIds.reduce((sum, crewId) => sum + stream.unitsUpTo(crewId, asOf), 0);
const servedTotal = (a: Answer) => a.rows.reduce((sum, r) => sum + r.score, 0);
/** Every crew's score equals what is stored up to that day. */
function equalsStored(a: Answer, asOf: string): boolean {
  if (a.rows.length !== crewIds.length) return false;
  return a.rows.every((r) => r.score === stream.unitsUpTo(r.crewId, asOf));
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function send(method: 'PUT', path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${String(res.status)} ${await res.text()}`);
}

let child = scoring();
try {
  await producer.connect();
  await until('the scoring service', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));
  await send('PUT', '/v1/org', org);
  await send('PUT', `/v1/competitions/${ID}`, {
    name: { zh: '重启恢复基准', en: 'Restart recovery bench' },
    kind: 'labour',
    period: { start: '2025-03-01', end: LAST_DAY },
    rankingGroups: ['overall', 'branch'],
    indicators: [
      {
        id: 'units',
        name: { zh: '件数', en: 'Units' },
        rule: { kind: 'sum', metric: 'metric.units', pointsPerUnit: 1 },
      },
    ],
  });
  console.log(
    `${String(crewIds.length)} crews, ${String(EVENTS)} events per round (one in ten late, before ${STORED_DAY}), default standings settings`,
  );
  console.log(
    '| round | events sent (all stored) | first answer | first answer served (current day) | flagged `recomputing` | served as current below stored | standings equal stored |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (let round = 1; round <= ROUNDS; round++) {
    await stream.produce(EVENTS, dayOf);
    // The stored day exists (it is read once), then the current day follows every event.
    await standings(STORED_DAY);
    await until('the current standings to show every event', async () =>
      equalsStored(await standings(LAST_DAY), LAST_DAY) ? true : undefined,
    );
    await child.stop('SIGKILL');
    const killed = performance.now();
    child = scoring();
    let first: { ms: number; served: number; flagged: boolean } | undefined;
    let flagged = 0;
    let below = 0;
    const recovered = await until('standings equal to what is stored', async () => {
      const [current, earlier] = await Promise.all([standings(LAST_DAY), standings(STORED_DAY)]);
      first ??= { ms: performance.now() - killed, served: servedTotal(current), flagged: current.recomputing };
      let equal = true;
      for (const [a, asOf] of [
        [current, LAST_DAY],
        [earlier, STORED_DAY],
      ] as const) {
        const ok = equalsStored(a, asOf);
        if (a.recomputing) flagged += 1;
        else if (!ok) below += 1;
        equal &&= ok && !a.recomputing;
      }
      return equal ? performance.now() - killed : undefined;
    });
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const f = first ?? { ms: NaN, served: NaN, flagged: false };
    console.log(
      `| ${String(round)} | ${stream.sent().toLocaleString('en')} | ${s(f.ms)} | ${f.served.toLocaleString('en')} of ${storedTotal(LAST_DAY).toLocaleString('en')}${f.flagged ? ' (flagged)' : ''} | ${String(flagged)} | ${String(below)} | ${s(recovered)} |`,
    );
  }
} finally {
  await child.stop('SIGKILL');
  await producer.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
  if (broker) {
    localKafka('stop');
    rmSync(broker['KAFKA_LOCAL_DIR'] ?? '', { recursive: true, force: true });
  }
}
