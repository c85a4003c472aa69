import { pino } from 'pino';
import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createCorrectionValidateStep } from '../../services/corrections/correction-steps.ts';
import { createValidateStep } from '../../services/pipeline/validate-step.ts';
import { createConsumerMetrics } from '../../services/scoring/consumer/consumer-metrics.ts';
import { createEventConsumer } from '../../services/scoring/consumer/event-consumer.ts';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// An insert group whose insert fails half-way (a view's target table away: the events table took
// its block, the view's did not) is retried in the same process once ClickHouse takes inserts
// again: its batches, paused each on its own, meet again and send the same insert, so the events
// table and the view hold every event once.
const TOTAL = 3_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '3' });
const kafka = testKafka();
let admin: Admin;
let lb: Leaderboard;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  lb = await startTestLeaderboard(clock, env);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
});

afterAll(async () => {
  await lb.close();
  await admin.disconnect();
});

async function one(query: string): Promise<number> {
  const r = await lb.client.query({ query, format: 'JSONEachRow' });
  return Number(Object.values((await r.json<Record<string, unknown>>())[0] ?? {})[0] ?? 0);
}

describe('an insert group ClickHouse fails half-way', () => {
  it('is retried in the same process as the same insert: every event once in the table and the view', async () => {
    const topic = uniqueName('group-outage');
    await createTestTopic(admin, topic, 3);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: TOTAL }, (_, i) => {
        const crewId = crews[i % crews.length] ?? 'C1';
        const value = {
          eventId: `go-${i}`,
          crewId,
          type: 'metric',
          occurredAt: '2026-03-10T09:00:00+08:00',
          name: 'group_outage',
          value: 1,
        };
        return { key: crewId, value: JSON.stringify(value), timestamp: String(clock.now().getTime()) };
      }),
    });
    await producer.disconnect();

    const group = uniqueName('group-outage-group');
    const config = parseConfig({ ...env, KAFKA_EVENTS_TOPIC: topic, KAFKA_CONSUMER_GROUP: group }).kafka;
    if (!config) throw new Error('no Kafka config');
    const registry = new Registry();
    const failures = async () =>
      Number(/^leaderboard_consumer_batch_failures_total (\d+)/m.exec(await registry.metrics())?.[1] ?? 0);
    const dlProducer = kafka.producer();
    await dlProducer.connect();
    const validate = createValidateStep({
      crewExists: (id) => lb.catalog.crew(id) !== undefined,
      now: clock.now,
      maxFutureMs: 600_000,
      maxAgeMs: 400 * 86_400_000,
    });
    const consumer = createEventConsumer({
      client: lb.client,
      stores: createStoreTracker(clock.now),
      kafka,
      producer: dlProducer,
      config,
      validate,
      validateCorrection: createCorrectionValidateStep(validate),
      onStored: () => undefined,
      metrics: createConsumerMetrics(registry),
      logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
      now: clock.now,
      registryLoaded: () => true,
      backoffMs: 200,
      maxBackoffMs: 2_000,
      member: { storage: 'embedded', instance: uniqueName('i'), describe: 'a test instance', startedAt: Date.now() },
    });
    await lb.client.command({ query: 'RENAME TABLE crew_daily TO crew_daily_away' });
    let renamed = true;
    try {
      await consumer.start();
      await waitFor(async () => expect(await failures()).toBeGreaterThanOrEqual(6), 60_000, 100);
      await lb.client.command({ query: 'RENAME TABLE crew_daily_away TO crew_daily' });
      renamed = false;
      await waitFor(() => caughtUp(admin, group, topic), 60_000, 200);
    } finally {
      if (renamed) await lb.client.command({ query: 'RENAME TABLE crew_daily_away TO crew_daily' });
      await consumer.stop();
      await dlProducer.disconnect();
    }
    expect(await one("SELECT count() FROM events WHERE startsWith(event_id, 'go-')")).toBe(TOTAL);
    expect(await one("SELECT sum(value) FROM crew_daily WHERE metric = 'metric.group_outage'")).toBe(TOTAL);
    const groups = await one(
      `SELECT count(DISTINCT insert_group) FROM consumer_batches WHERE topic = '${topic}' AND insert_group != ''`,
    );
    expect(groups).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
