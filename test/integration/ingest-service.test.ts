import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { parseIngestConfig } from '../../services/ingest/config.ts';
import { createIngestService, type IngestService } from '../../services/ingest/ingest-service.ts';
import { createRegistryFollower, type RegistryFollower } from '../../services/ingest/registry-follower.ts';
import { labourCompetition, marchAt, marchEvents, marchLabourStandings, smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// npm run ingest: stateless, validates against the registry it reads from the API, publishes to
// Kafka; the scoring side (here the in-process leaderboard without POST /v1/events) stores.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
const logger = pino({ level: 'silent' });
let lb: Leaderboard;
let registryUrl: string;
let ingest: IngestService;
let registry: RegistryFollower;

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, env);
  const port = await freePort();
  await lb.app.listen({ host: '127.0.0.1', port });
  registryUrl = `http://127.0.0.1:${port}/v1/org`;
  registry = createRegistryFollower({ url: registryUrl, refreshMs: 100, logger });
  ingest = await createIngestService(
    parseIngestConfig({ ...env, REGISTRY_URL: registryUrl }),
    logger,
    registry,
    clock.now,
  );
});

afterAll(async () => {
  await ingest.close();
  await lb.close();
});

const postToIngest = (payload: unknown) =>
  ingest.app.inject({ method: 'POST', url: '/v1/events', payload: payload as object });

describe('the ingest service', () => {
  it('answers 503 and is not ready until it has read the registry', async () => {
    const early = createRegistryFollower({ url: 'http://127.0.0.1:1/v1/org', refreshMs: 100, logger });
    const cold = await createIngestService(
      parseIngestConfig({ ...env, REGISTRY_URL: 'http://127.0.0.1:1/v1/org' }),
      logger,
      early,
      clock.now,
    );
    try {
      const res = await cold.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect((await cold.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      await cold.close();
    }
  });

  it('does not run open when it listens beyond loopback, even though the API does', async () => {
    // Its own follower: closing a service stops the follower it was given.
    const follower = createRegistryFollower({ url: registryUrl, refreshMs: 100, logger });
    const wide = await createIngestService(
      parseIngestConfig({ ...env, REGISTRY_URL: registryUrl, HOST: '0.0.0.0' }),
      logger,
      follower,
      clock.now,
    );
    try {
      // Ready once it has read the registry and the tokens (503 before: nothing judged half-informed).
      await waitFor(async () =>
        expect((await wide.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200),
      );
      const res = await wide.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents.slice(0, 1) });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('token_required');
    } finally {
      await wide.close();
    }
  });

  it('refuses events of crews the registry does not have, naming them', async () => {
    await waitFor(async () => expect(await registry.refresh()).toBe(true));
    const res = await postToIngest([{ ...marchEvents[0], crewId: 'C9' }]);
    expect(res.statusCode).toBe(422);
    expect(res.json<{ rejected: { errors: { path: string }[] }[] }>().rejected[0]?.errors[0]?.path).toBe('crewId');
  });

  it('publishes to Kafka, and the scoring side scores exactly', async () => {
    expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
    expect(res.statusCode, res.body).toBe(200);
    // The follower picks up the new registry on its next read.
    await waitFor(async () => expect(registry.crewIds()?.has('C1')).toBe(true));
    expect((await ingest.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const sent = await postToIngest(marchEvents);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({ accepted: marchEvents.length, duplicates: [], conflicts: [], rejected: [] });
    await waitFor(async () => {
      const s = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/standings' });
      const rows = s.json<{ rows: { crewId: string; rank: number | null; score: number }[] }>().rows;
      expect(rows.map((r) => [r.crewId, r.rank, r.score])).toEqual(marchLabourStandings);
    }, 20_000);
    const metrics = (await ingest.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/leaderboard_kafka_produce_seconds_count \d+/);
  });

  it('dead-letters a resend with other content as a conflict when scored, and keeps the first version', async () => {
    const [first] = marchEvents;
    if (!first) throw new Error('no fixture event');
    const original = { ...first, eventId: 'kafka-conflict-1' };
    expect((await postToIngest([original])).statusCode).toBe(200);
    const stored = async () => {
      const r = await lb.client.query({
        query: `SELECT count() AS n FROM events WHERE event_id = 'kafka-conflict-1'`,
        format: 'JSONEachRow',
      });
      return Number((await r.json<{ n: string }>())[0]?.n);
    };
    await waitFor(async () => expect(await stored()).toBe(1), 20_000);
    // The ingest service cannot know what is stored: it publishes, and the consumer finds the conflict.
    const changed = { ...original, occurredAt: marchAt('09', '11:00:00') };
    const res = await postToIngest([changed]);
    expect(res.statusCode).toBe(200);
    await waitFor(async () => {
      const r = await lb.client.query({
        query: `SELECT code, errors FROM dead_letters WHERE topic = {topic:String} AND key = {key:String}`,
        query_params: { topic: env['KAFKA_EVENTS_TOPIC'], key: original.crewId },
        format: 'JSONEachRow',
      });
      expect(await r.json()).toEqual([{ code: 'conflict', errors: expect.stringContaining('"occurredAt"') as string }]);
    }, 20_000);
    expect(await stored()).toBe(1);
    // Counted once the batch is committed, a moment after its dead letters are logged.
    await waitFor(async () => {
      const metrics = (await lb.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/leaderboard_consumer_conflicts_total 1/);
    });
  });
});

describe('the ingest service with access control on', () => {
  const ADMIN = `lbt_${'b'.repeat(43)}`;
  let ingestToken: string;
  let ingestTokenId: string;

  beforeAll(async () => {
    await ingest.close();
    await lb.close();
    lb = await startTestLeaderboard(clock, { ...env, AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
    const port = await freePort();
    await lb.app.listen({ host: '127.0.0.1', port });
    registryUrl = `http://127.0.0.1:${port}/v1/org`;
    registry = createRegistryFollower({ url: registryUrl, refreshMs: 100, logger });
    ingest = await createIngestService(
      parseIngestConfig({ ...env, REGISTRY_URL: registryUrl }),
      logger,
      registry,
      clock.now,
    );
    await registry.refresh();
    const created = await lb.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: '西湖站', role: 'ingest', unitIds: ['U1'] },
    });
    ingestToken = created.json().token;
    ingestTokenId = created.json().id;
  });

  const post = (token: string | undefined, payload: unknown) =>
    ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      payload: payload as object,
    });

  it('knows the API’s tokens: none is 401, another unit’s crew is 403, its own crews pass', async () => {
    // Published by the API to the access topic a moment ago.
    await waitFor(async () => expect((await post(ingestToken, [])).statusCode).not.toBe(401));
    const none = await post(undefined, marchEvents.slice(0, 1));
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('token_required');
    const unknown = await post('lbt_unknown', marchEvents.slice(0, 1));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('token_unknown');

    const c3 = marchEvents.filter((e) => e.crewId === 'C3');
    const refused = await post(ingestToken, c3);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('crew_out_of_scope');

    const own = marchEvents.filter((e) => e.crewId === 'C1').map((e) => ({ ...e, eventId: `${e.eventId}-t` }));
    const accepted = await post(ingestToken, own);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().accepted).toBe(own.length);
  });

  it('asks a token for /metrics, as the API does', async () => {
    expect((await ingest.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const scraped = await ingest.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${ingestToken}` },
    });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('leaderboard_kafka_produce_seconds');
    expect((await ingest.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('refuses a token once the API revoked it', async () => {
    await lb.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${ingestTokenId}`,
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    // The revocation arrives through Kafka, within a second or so.
    const res = await waitFor(async () => {
      const answer = await post(
        ingestToken,
        marchEvents.filter((e) => e.crewId === 'C1'),
      );
      expect(answer.statusCode).toBe(403);
      return answer;
    }, 5_000);
    expect(res.json().error.code).toBe('token_revoked');
  });
});
