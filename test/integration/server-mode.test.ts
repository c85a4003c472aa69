import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { OrgInput } from '../../schemas/org.schema.ts';
import { addDays, dayInZone, startOfDay } from '../../services/shared/calendar.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { fromClickHouseTime } from '../../services/storage/clickhouse-time.ts';
import { startClickHouseFront, type RunningFront } from '../support/clickhouse-front.ts';
import { caughtUp, kafkaEnv, testKafka } from '../support/kafka.ts';
import { freePort, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// Server mode as production runs it, on the test front (a ClickHouse HTTP interface over one
// embedded engine, test/support/clickhouse-front/): the API (npm start with Kafka) and two scoring
// instances (npm run scoring) in one consumer group, each its own process talking HTTP to the
// front. 200,000 events (SERVER_MODE_EVENTS to change that) go through Kafka while one scoring
// instance is killed with SIGKILL and started again.
// The machine's clock, not CLOCK_START: each process would start that clock when it reads its
// configuration, so processes started at different moments (the restarted one a minute later)
// would disagree on the time, and the latest computed_at decides which stored run is current.
// Every read names the day, and events fall early in it, so a run across midnight passes too.
const TOTAL = Number(process.env['SERVER_MODE_EVENTS'] ?? 200_000);
const PERSIST_MS = 2_000;
const ZONE = 'Asia/Shanghai';
const token = `lbt_${'s'.repeat(43)}`;
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '4', KAFKA_SESSION_TIMEOUT_MS: '6000' });
const topic = env.KAFKA_EVENTS_TOPIC ?? '';
const group = env.KAFKA_CONSUMER_GROUP ?? '';
const kafka = testKafka();
const competitionId = 'server-mode';

/** Forty crews in two branches. */
const org: OrgInput = {
  groupName: '服务器模式测试集团',
  branches: [
    { id: 'B1', name: '杭州分公司', nameEn: 'Hangzhou' },
    { id: 'B2', name: '宁波分公司', nameEn: 'Ningbo' },
  ],
  units: [
    { id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' },
    { id: 'U2', branchId: 'B2', name: '北仑加油站', type: 'station' },
  ],
  crews: Array.from({ length: 40 }, (_, i) => ({
    id: `S${String(i + 1).padStart(2, '0')}`,
    unitId: i % 2 === 0 ? 'U1' : 'U2',
    name: `第${i + 1}班`,
    headcount: 5,
  })),
  targets: [],
};
const crewIds = org.crews.map((c) => c.id);

let front: RunningFront;
/** The test's own reads of what is stored, through the front like everyone else. */
let storage: ClickHouseClient;
let admin: Admin;
const processes = new Map<string, { port: number; service: Service; entry: string }>();
let today: string;

function start(name: string, entry: string, port: number): Service {
  const service = spawnService(entry, {
    ...env,
    CLICKHOUSE_URL: front.url,
    PORT: String(port),
    DEMO: 'off',
    BOOTSTRAP_ADMIN_TOKEN: token,
    STANDINGS_PERSIST_MS: String(PERSIST_MS),
    STANDINGS_DEBOUNCE_MS: '200',
    STANDINGS_HISTORY_DEBOUNCE_MS: '1000',
    CATALOG_RELOAD_MS: '1000',
    SCREEN_POLL_MS: '500',
    LOG_LEVEL: 'info',
  });
  processes.set(name, { port, service, entry });
  return service;
}

async function call<T>(name: string, method: string, path: string, body?: unknown): Promise<T> {
  const port = processes.get(name)?.port ?? 0;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${name} ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Page {
  asOf: string;
  computedAt: string;
  rows: { crewId: string; score: number }[];
}

const standings = (name: string, asOf?: string) =>
  call<Page>(
    name,
    'GET',
    `/v1/competitions/${competitionId}/standings?limit=100${asOf === undefined ? '' : `&asOf=${asOf}`}`,
  );

async function rows<T>(query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
  return (await storage.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}

/** The computed_at of the latest stored run of a day (ms), 0 when none. */
async function latestStoredRun(asOf: string): Promise<number> {
  const [row] = await rows<{ at: string | null }>(
    `SELECT toString(max(computed_at)) AS at FROM standings_runs
     WHERE competition_id = {id:String} AND as_of = {asOf:Date} HAVING count() > 0`,
    { id: competitionId, asOf },
  );
  return row?.at ? Date.parse(fromClickHouseTime(row.at)) : 0;
}

/** Whether a run with this computed_at is stored: what a process serves as current must be. */
async function isStored(asOf: string, computedAt: string): Promise<boolean> {
  const [row] = await rows<{ n: number }>(
    `SELECT count() AS n FROM standings_runs
     WHERE competition_id = {id:String} AND as_of = {asOf:Date} AND computed_at = {at:DateTime64(3, 'UTC')}`,
    { id: competitionId, asOf, at: computedAt.replace('T', ' ').replace('Z', '') },
  );
  return Number(row?.n) > 0;
}

async function committed(): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

beforeAll(async () => {
  front = await startClickHouseFront();
  storage = createClickHouse({
    mode: 'server',
    url: front.url,
    username: 'default',
    password: '',
    database: 'default',
  });
  admin = kafka.admin();
  await admin.connect();
  today = dayInZone(new Date(), ZONE);
  // All three at once, as a compose stack starts them: they migrate the one database side by side.
  const [api, a, b] = await Promise.all([freePort(), freePort(), freePort()]);
  start('api', 'services/api/main.ts', api);
  start('scoring-a', 'services/scoring/main.ts', a);
  start('scoring-b', 'services/scoring/main.ts', b);
  for (const [name, { service }] of processes) {
    // A process that ends or never answers fails the run with its own output, not a bare refusal.
    const tail = () => service.output().slice(-4000);
    let ready = false;
    const answering = waitFor(() => call(name, 'GET', '/readyz'), 180_000, 250).catch((err: unknown) => {
      throw new Error(`${name} did not become ready:\n${tail()}`, { cause: err });
    });
    const ended = service.exited.then((code) => {
      if (!ready) throw new Error(`${name} exited (${String(code)}) before it was ready:\n${tail()}`);
    });
    // Whichever loses the race is not left to reject unheard.
    answering.catch(() => undefined);
    ended.catch(() => undefined);
    await Promise.race([answering, ended]);
    ready = true;
  }
  await call('api', 'PUT', '/v1/org', org);
  await call('api', 'PUT', `/v1/competitions/${competitionId}`, {
    name: { zh: '服务器模式测试', en: 'Server mode' },
    kind: 'labour',
    period: { start: addDays(today, -5), end: addDays(today, 5) },
    indicators: [
      {
        id: 'units',
        name: { zh: '件数', en: 'Units' },
        rule: { kind: 'sum', metric: 'metric.server_units', pointsPerUnit: 1 },
      },
    ],
  });
  // Every process has read the registry and the competition (others re-read them every second).
  for (const name of processes.keys()) {
    await waitFor(() => standings(name), 60_000, 250);
  }
}, 300_000);

afterAll(async () => {
  for (const { service } of processes.values()) await service.stop('SIGKILL');
  await admin?.disconnect();
  await storage?.close();
  await front?.stop();
});

describe('two scoring instances and the API on one ClickHouse (the test front)', () => {
  it(`store ${TOTAL} events exactly once through a SIGKILL, and every process serves what is stored`, async () => {
    const expected = new Map(crewIds.map((c) => [c, { events: 0, sum: 0, throughYesterday: 0 }]));
    const yesterday = addDays(today, -1);
    const startOfToday = startOfDay(today, ZONE).getTime();
    const producer = kafka.producer();
    await producer.connect();
    for (let from = 0; from < TOTAL; from += 5_000) {
      const messages = Array.from({ length: Math.min(5_000, TOTAL - from) }, (_, k) => {
        const i = from + k;
        const crewId = crewIds[i % crewIds.length] ?? 'S01';
        const value = (i % 7) + 1;
        // Most events today (early in the day, so a run that passes midnight still counts them on
        // this day); every fifth lands yesterday (late events), as reporters' do.
        const daysBack = i % 10 === 0 || i % 10 === 1 ? 1 : 0;
        const at = daysBack === 0 ? startOfToday + 60_000 + (i % 600) * 100 : startOfToday - 3_600_000 * (1 + (i % 20));
        const e = expected.get(crewId);
        if (e) {
          e.events += 1;
          e.sum += value;
          if (daysBack > 0) e.throughYesterday += value;
        }
        const event = {
          eventId: `sm-${i}`,
          crewId,
          type: 'metric',
          occurredAt: new Date(at).toISOString(),
          name: 'server_units',
          value,
        };
        return { key: crewId, value: JSON.stringify(event) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    // While the group works, each process sampled on its own all the time: what it serves as
    // current is a stored run (not a computation it holds), and none older than one stored before
    // it was asked.
    const stale: string[] = [];
    let samples = 0;
    let sampling = true;
    const sampler = Promise.all(
      [...processes.keys()].map(async (name) => {
        while (sampling) {
          try {
            const stored = await latestStoredRun(today);
            const page = await standings(name, today);
            if (Date.parse(page.computedAt) < stored) {
              stale.push(`${name} served ${page.computedAt} after ${new Date(stored).toISOString()} was stored`);
            }
            if (!(await isStored(today, page.computedAt))) stale.push(`${name} served ${page.computedAt}, not stored`);
            samples += 1;
          } catch {
            // A process being killed or restarting does not answer.
          }
        }
      }),
    );
    // Also when the test fails: the sampler must not outlive the processes it asks.
    onTestFinished(async () => {
      sampling = false;
      await sampler;
    });

    // Kill one scoring instance in the middle of the backlog, and start it again.
    await waitFor(async () => expect(await committed()).toBeGreaterThanOrEqual(TOTAL * 0.3), 480_000, 50);
    const killed = processes.get('scoring-a');
    await killed?.service.stop('SIGKILL');
    expect(await committed()).toBeLessThan(TOTAL);
    start('scoring-a', 'services/scoring/main.ts', killed?.port ?? 0);
    await waitFor(() => call('scoring-a', 'GET', '/readyz'), 180_000, 250);

    await waitFor(() => caughtUp(admin, group, topic), 600_000, 500);
    await waitFor(
      async () => {
        const [row] = await rows<{ n: number }>('SELECT count() AS n FROM events');
        expect(Number(row?.n)).toBe(TOTAL);
      },
      60_000,
      200,
    );
    const storedAt = Date.now();

    // Exactly once: every event one row, every crew's count and sum as sent.
    const [totals] = await rows<{ rows: number; ids: number }>(
      'SELECT count() AS rows, uniqExact(crew_id, event_id) AS ids FROM events',
    );
    expect(totals).toEqual({ rows: TOTAL, ids: TOTAL });
    const perCrew = await rows<{ crew: string; events: number; sum: number }>(
      'SELECT crew_id AS crew, count() AS events, sum(value) AS sum FROM events GROUP BY crew ORDER BY crew',
    );
    expect(perCrew).toEqual(
      crewIds.map((crew) => ({ crew, events: expected.get(crew)?.events, sum: expected.get(crew)?.sum })),
    );

    // Within the persist interval (and the refresh debounces), every process serves it.
    const want = (through: 'today' | 'yesterday') =>
      new Map(crewIds.map((c) => [c, through === 'today' ? expected.get(c)?.sum : expected.get(c)?.throughYesterday]));
    const scores = (page: Page) => new Map(page.rows.map((r) => [r.crewId, r.score]));
    await waitFor(
      async () => {
        for (const name of processes.keys()) {
          expect([name, scores(await standings(name, today))]).toEqual([name, want('today')]);
          expect([name, scores(await standings(name, yesterday))]).toEqual([name, want('yesterday')]);
        }
      },
      60_000,
      200,
    );
    const convergedMs = Date.now() - storedAt;
    sampling = false;
    await sampler;
    // Served as current equals stored: the readers answer with the latest stored run.
    const stored = await latestStoredRun(today);
    for (const name of processes.keys()) {
      expect(Date.parse((await standings(name, today)).computedAt)).toBeGreaterThanOrEqual(stored);
    }
    expect({ stale: stale.length, first: stale.slice(0, 5) }).toEqual({ stale: 0, first: [] });
    expect(samples).toBeGreaterThan(processes.size * 5);
    console.info(
      `${TOTAL} events: every process served the stored standings ${convergedMs} ms after the last was stored (${samples} samples)`,
    );
    expect(convergedMs).toBeLessThan(PERSIST_MS + 15_000);
  }, 1_200_000);
});
