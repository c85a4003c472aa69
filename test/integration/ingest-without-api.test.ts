import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIngestConfig } from '../../services/ingest/config.ts';
import { createIngestService, type IngestService } from '../../services/ingest/ingest-service.ts';
import { createRegistryFollower, type RegistryFollower } from '../../services/ingest/registry-follower.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, kafkaEnv, testKafka } from '../support/kafka.ts';
import { apiCaller, freePort, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// npm run ingest while the scoring service (which answers who a token is) restarts: the stations
// it has seen keep sending, the events wait in Kafka, and the scoring service stores them when
// it is back. Real processes: the scoring service is killed with SIGKILL.
const ADMIN = `lbt_${'c'.repeat(43)}`;
/** How long the ingest service trusts the API's answer about a token while the API answers. */
const TOKEN_CACHE_MS = 2_000;
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '2' });
const topic = env['KAFKA_EVENTS_TOPIC'] ?? '';
const group = env['KAFKA_CONSUMER_GROUP'] ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-ingest-alone-'));
// The real clock: the ingest service stamps messages with it, and a message stamped months ago
// is past the topic's retention, so the broker would delete it while the test waits.
const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
const logger = pino({ level: 'silent' });
const kafka = testKafka();
let admin: Admin;
let port: number;
let api: ReturnType<typeof apiCaller>;
const storedAll = () => waitFor(() => caughtUp(admin, group, topic), 60_000, 100);
let scoring: Service | undefined;
let ingest: IngestService | undefined;
let registry: RegistryFollower | undefined;

function startScoring(): Service {
  return spawnService('services/scoring/main.ts', {
    ...env,
    DATA_DIR: dataDir,
    DEMO: 'off',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
  });
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

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  port = await freePort();
  api = apiCaller(`http://127.0.0.1:${port}`, ADMIN);
});

afterAll(async () => {
  await ingest?.close();
  await scoring?.stop('SIGKILL');
  await admin.disconnect();
});

describe('the ingest service while the scoring service is down', () => {
  it('keeps accepting the stations it knows, and every event is stored once the scoring service is back', async () => {
    scoring = startScoring();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await api('PUT', '/v1/org', smallOrg);
    const station = await api<{ id: string; token: string }>('POST', '/v1/tokens', {
      name: '西湖加油站 POS',
      role: 'ingest',
      unitIds: ['U1'],
    });

    registry = createRegistryFollower({ url: `http://127.0.0.1:${port}/v1/org`, refreshMs: 100, logger });
    ingest = await createIngestService(
      parseIngestConfig({
        ...env,
        REGISTRY_URL: `http://127.0.0.1:${port}/v1/org`,
        TOKEN_CACHE_MS: String(TOKEN_CACHE_MS),
      }),
      logger,
      registry,
    );
    const service = ingest;
    await waitFor(async () => expect(registry?.crewIds()?.has('C1')).toBe(true));
    const post = (token: string, events: unknown[]) =>
      service.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${token}` },
        payload: events as object,
      });

    const before = await post(station.token, sales('before', 6));
    expect(before.statusCode, before.body).toBe(200);
    await storedAll();

    await scoring.stop('SIGKILL');
    scoring = undefined;
    // Past TOKEN_CACHE_MS: an answer kept only that long would be gone by now.
    await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MS + 500));

    // The station the service has seen is judged by the API's last answer: accepted, to Kafka.
    const during = [sales('during-a', 8), sales('during-b', 4), sales('during-c', 2)];
    for (const batch of during) {
      const res = await post(station.token, batch);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ accepted: batch.length });
    }
    // Its scope still holds: a crew of another unit is refused.
    const outOfScope = await post(station.token, [{ ...sales('scope', 1)[0], crewId: 'C3' }]);
    expect(outOfScope.statusCode).toBe(403);
    // A token never seen cannot be judged without the API.
    const stranger = await post(`lbt_${'d'.repeat(43)}`, sales('stranger', 1));
    expect(stranger.statusCode).toBe(503);
    const ready = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().api).toMatch(/^not answering since /);

    // Back: the scoring service stores what waited in Kafka, each event once.
    scoring = startScoring();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await storedAll();
    // The next requests ask the API again in the background, and find it back.
    await waitFor(async () => {
      expect((await post(station.token, sales('after', 1))).statusCode).toBe(200);
      const again = await service.app.inject({ method: 'GET', url: '/readyz' });
      expect(again.json().api).toBe('ok');
    }, 10_000);
    await storedAll();

    // Revoked once the API is back: refused within TOKEN_CACHE_MS (the bound the README states).
    await api('DELETE', `/v1/tokens/${station.id}`);
    const revokedAt = performance.now();
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; !refused; i++) {
      const res = await post(station.token, sales(`revoked-${i}`, 1));
      if (res.statusCode === 200) await new Promise((resolve) => setTimeout(resolve, 50));
      else refused = res;
      // The bound, plus a request and a question to the API on a loaded machine.
      expect(performance.now() - revokedAt).toBeLessThan(TOKEN_CACHE_MS + 2_000);
    }
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('token_revoked');
    await storedAll();
    expect(await scoring.stop('SIGTERM')).toBe(0);
    scoring = undefined;

    const client = createClickHouse({ mode: 'embedded', dataDir });
    try {
      const r = await client.query({
        query: `SELECT count() AS rows, uniqExact(event_id) AS events, countIf(startsWith(event_id, 'during-')) AS during
                FROM events`,
        format: 'JSONEachRow',
      });
      const [counts] = await r.json<{ rows: number | string; events: number | string; during: number | string }>();
      // 6 before, 14 while the scoring service was down, at least one after (and those sent until the revocation reached it); each once.
      expect(Number(counts?.during)).toBe(14);
      expect(Number(counts?.rows)).toBe(Number(counts?.events));
      expect(Number(counts?.rows)).toBeGreaterThanOrEqual(21);
    } finally {
      await client.close();
    }
  }, 300_000);
});
