import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { apiCaller, freePort, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// npm run ingest and the scoring service (the API) as real processes on the real broker. The
// ingest service verifies tokens from what the API published to the compacted access topic, so
// the API's outage, and an ingest restart during it, change nothing for the stations (the crew
// registry comes the same way when the restarted ingest service cannot read it from the API).
const ADMIN = `lbt_${'c'.repeat(43)}`;
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '2' });
const topic = env['KAFKA_EVENTS_TOPIC'] ?? '';
const group = env['KAFKA_CONSUMER_GROUP'] ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-ingest-alone-'));
// The real clock: the ingest service stamps messages with it, and a message stamped months ago
// is past the topic's retention, so the broker would delete it while the test waits.
const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
/** A revocation must reach the ingest service within this (it takes well under a second). */
const REVOCATION_BOUND_MS = 5_000;
const kafka = testKafka();
let admin: Admin;
let apiPort: number;
let ingestPort: number;
let api: ReturnType<typeof apiCaller>;
const storedAll = () => waitFor(() => caughtUp(admin, group, topic), 60_000, 100);
let scoring: Service | undefined;
let ingest: Service | undefined;

function startScoring(overrides: Record<string, string> = {}): Service {
  return spawnService('services/scoring/main.ts', {
    ...env,
    DATA_DIR: dataDir,
    DEMO: 'off',
    PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    ...overrides,
  });
}

async function startIngest(): Promise<Service> {
  const service = spawnService('services/ingest/main.ts', {
    ...env,
    PORT: String(ingestPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REGISTRY_URL: `http://127.0.0.1:${apiPort}/v1/org`,
    REGISTRY_REFRESH_MS: '200',
  });
  // Listening (it may not be ready: without the API it has no registry after a restart).
  await waitFor(
    async () => expect((await fetch(`http://127.0.0.1:${ingestPort}/healthz`)).status).toBe(200),
    60_000,
    100,
  );
  return service;
}

const sales = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    crewId: i % 2 === 0 ? 'C1' : 'C2',
    type: 'sales',
    occurredAt,
    volume: 10 + i,
    unit: 'litres',
  }));

async function post(token: string, events: unknown[]): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${ingestPort}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return { status: res.status, body: await res.text() };
}

/** GET /metrics needs a token of role viewer, ingest or organiser: token verification alone. */
async function metricsStatus(token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${ingestPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

const codeOf = (res: { body: string }) => (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  [apiPort, ingestPort] = await Promise.all([freePort(), freePort()]);
  api = apiCaller(`http://127.0.0.1:${apiPort}`, ADMIN);
});

afterAll(async () => {
  await ingest?.stop('SIGKILL');
  await scoring?.stop('SIGKILL');
  await admin.disconnect();
});

type Created = { id: string; token: string };
const station = (name: string) => api<Created>('POST', '/v1/tokens', { name, role: 'ingest', unitIds: ['U1'] });

describe('the ingest service verifies tokens without the API', () => {
  it('knows every token, survives the API outage and its own restart during it, and refuses a revocation within seconds', async () => {
    // A token made before the API published tokens: here, published to a topic nobody reads.
    scoring = startScoring({ KAFKA_ACCESS_TOPIC: uniqueName('elsewhere') });
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await api('PUT', '/v1/org', smallOrg);
    const veteran = await station('老站 POS');
    expect(await scoring.stop('SIGTERM')).toBe(0);

    // This API publishes every stored token at start, the veteran too.
    scoring = startScoring();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    ingest = await startIngest();
    await waitFor(async () => expect((await fetch(`http://127.0.0.1:${ingestPort}/readyz`)).status).toBe(200), 30_000);
    const first = await post(veteran.token, sales('veteran', 2));
    expect(first.status, first.body).toBe(200);

    // Made while the ingest service runs: accepted as soon as its record arrives.
    const fresh = await station('西湖加油站 POS');
    const createdAt = performance.now();
    await waitFor(async () => expect((await post(fresh.token, sales('fresh', 2))).status).toBe(200), 5_000, 50);
    const newTokenSeconds = (performance.now() - createdAt) / 1000;
    // Never used at the ingest service before the API goes away.
    const stranger = await station('半山油库 POS');
    const doomed = await station('将撤销 POS');
    await waitFor(async () => expect((await post(doomed.token, sales('doomed', 1))).status).toBe(200), 5_000, 50);

    // Revoked: refused (403 token_revoked) within the bound.
    await api('DELETE', `/v1/tokens/${doomed.id}`);
    const revokedAt = performance.now();
    let refused: { status: number; body: string } | undefined;
    for (let i = 0; !refused; i++) {
      const res = await post(doomed.token, sales(`revoked-${i}`, 1));
      if (res.status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      else refused = res;
      expect(performance.now() - revokedAt).toBeLessThan(REVOCATION_BOUND_MS);
    }
    const revocationSeconds = (performance.now() - revokedAt) / 1000;
    expect(refused.status, refused.body).toBe(403);
    expect(codeOf(refused)).toBe('token_revoked');
    await storedAll();

    // The API goes away: a token the ingest service never used is accepted, the others too.
    await scoring.stop('SIGKILL');
    scoring = undefined;
    for (const [token, prefix] of [
      [stranger.token, 'stranger'],
      [fresh.token, 'during'],
    ] as const) {
      const res = await post(token, sales(prefix, 4));
      expect(res.status, res.body).toBe(200);
    }
    expect((await post(doomed.token, sales('doomed-away', 1))).status).toBe(403);
    expect(codeOf(await post(`lbt_${'d'.repeat(43)}`, sales('madeup', 1)))).toBe('token_unknown');
    // Its scope still holds: a crew of another unit is refused.
    expect((await post(stranger.token, [{ ...sales('scope', 1)[0], crewId: 'C3' }])).status).toBe(403);
    const ready = await fetch(`http://127.0.0.1:${ingestPort}/readyz`);
    expect(ready.status).toBe(200);

    // The ingest service restarts while the API is still away: it reads every token again from Kafka.
    expect(await ingest.stop('SIGTERM')).toBe(0);
    ingest = await startIngest();
    await waitFor(async () => expect(await metricsStatus(stranger.token)).toBe(200), 30_000, 100);
    expect(await metricsStatus(veteran.token)).toBe(200);
    expect(await metricsStatus(doomed.token)).toBe(403);
    expect(await metricsStatus(`lbt_${'d'.repeat(43)}`)).toBe(401);
    const revokedAfterRestart = await post(doomed.token, sales('doomed-restart', 1));
    expect(revokedAfterRestart.status).toBe(403);
    expect(codeOf(revokedAfterRestart)).toBe('token_revoked');
    // It knows the crews too (the registry the API published): events are accepted, scope holds.
    const restarted = await post(stranger.token, sales('restarted', 4));
    expect(restarted.status, restarted.body).toBe(200);
    expect((await post(stranger.token, [{ ...sales('scope-restart', 1)[0], crewId: 'C3' }])).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${ingestPort}/readyz`)).status).toBe(200);

    // Back: the scoring service stores what waited in Kafka, each event once.
    scoring = startScoring();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await waitFor(async () => expect((await post(stranger.token, sales('after', 2))).status).toBe(200), 30_000, 200);
    await storedAll();
    expect(await scoring.stop('SIGTERM')).toBe(0);
    scoring = undefined;
    process.stdout.write(
      `ingest without the API: a new token accepted after ${newTokenSeconds.toFixed(2)} s, a revoked one refused after ${revocationSeconds.toFixed(2)} s\n`,
    );

    const client = createClickHouse({ mode: 'embedded', dataDir });
    try {
      const r = await client.query({
        query: `SELECT count() AS rows, uniqExact(event_id) AS events,
                       countIf(startsWith(event_id, 'stranger-') OR startsWith(event_id, 'during-') OR startsWith(event_id, 'restarted-')) AS away
                FROM events`,
        format: 'JSONEachRow',
      });
      const [counts] = await r.json<{ rows: number | string; events: number | string; away: number | string }>();
      expect(Number(counts?.away)).toBe(12);
      expect(Number(counts?.rows)).toBe(Number(counts?.events));
    } finally {
      await client.close();
    }
  }, 400_000);
});
