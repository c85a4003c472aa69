import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { testConsumer } from '../support/test-consumer.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// A partition behind its end gathers several fetches into one batch; each fetch is resolved (the
// next one goes on after it) but nothing is committed until the batch is stored. When ClickHouse
// refuses that batch, the partition is paused and fetched again from the resolved offset: the
// batch must be formed again from its first gathered message, not from the last fetch alone
// (which stored and committed the tail and lost every earlier fetch of the batch).
const TOTAL = 4_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
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

async function count(query: string, params: Record<string, unknown>): Promise<number> {
  const r = await lb.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string | number }>())[0]?.n ?? 0);
}

async function publish(topic: string, prefix: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  // Small record batches, so that a fetch of 64 KiB brings a few hundred of them.
  for (let from = 0; from < TOTAL; from += 100) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 100 }, (_, k) => {
        const i = from + k;
        const crewId = crews[i % crews.length] ?? 'C1';
        const value = {
          eventId: `${prefix}-${i}`,
          crewId,
          type: 'metric',
          occurredAt: '2026-03-10T09:00:00+08:00',
          name: 'gather_fail',
          value: 1,
          note: 'x'.repeat(100),
        };
        return { key: crewId, value: JSON.stringify(value), timestamp: String(clock.now().getTime()) };
      }),
    });
  }
  await producer.disconnect();
}

describe('a gathered batch ClickHouse refuses', () => {
  it('is formed again from its first fetch after the pause, and stored whole exactly once', async () => {
    const topic = uniqueName('gather-fail');
    await createTestTopic(admin, topic, 1);
    await publish(topic, 'gf');

    const group = uniqueName('gather-fail-group');
    const registry = new Registry();
    const failures = async () =>
      Number(/^leaderboard_consumer_batch_failures_total (\d+)/m.exec(await registry.metrics())?.[1] ?? 0);
    const consumer = testConsumer(
      lb,
      kafka,
      clock,
      {
        ...env,
        KAFKA_EVENTS_TOPIC: topic,
        KAFKA_CONSUMER_GROUP: group,
        KAFKA_FETCH_MAX_BYTES: String(64 * 1024),
        KAFKA_BATCH_MAX_BYTES: String(4 * 1024 * 1024),
        KAFKA_BATCH_MAX_WAIT_MS: '60000',
      },
      { registry },
    );
    // Every insert fails, as in an outage, until the table is back.
    await lb.client.command({ query: 'RENAME TABLE events TO events_away' });
    let renamed = true;
    try {
      await consumer.start();
      // The gathered batch was refused twice: the second attempt came after a pause.
      await waitFor(async () => expect(await failures()).toBeGreaterThanOrEqual(2), 30_000);
      await expect(caughtUp(admin, group, topic)).rejects.toThrow(/committed/);
      await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
      renamed = false;
      await waitFor(() => caughtUp(admin, group, topic), 60_000);
    } finally {
      if (renamed) await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
      await consumer.stop();
    }
    expect(
      await count("SELECT count() AS n FROM events WHERE startsWith(event_id, 'gf-')", {}),
      'every event of the topic stored once',
    ).toBe(TOTAL);
    expect(await count("SELECT uniqExact(event_id) AS n FROM events WHERE startsWith(event_id, 'gf-')", {})).toBe(
      TOTAL,
    );
  }, 120_000);

  it('is formed again from the committed offset by whoever holds its partition after a rebalance', async () => {
    // Its fetches were resolved past the committed offset, and a rejoin drops the messages kept
    // for it (GROUP_JOIN): kafkajs must fetch the partition from its committed offset again, at the
    // member that kept it as at the one it moved to. Crews C4, C5 are on partition 0, C1-C3 on 1.
    const topic = uniqueName('gather-rebalance');
    await createTestTopic(admin, topic, 2);
    await publish(topic, 'gr');
    expect((await admin.fetchTopicOffsets(topic)).map((o) => o.high).sort()).toEqual(['1600', '2400']);

    const group = uniqueName('gather-rebalance-group');
    const consumerEnv = {
      ...env,
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_CONSUMER_GROUP: group,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_FETCH_MAX_BYTES: String(64 * 1024),
      KAFKA_BATCH_MAX_BYTES: String(4 * 1024 * 1024),
      KAFKA_BATCH_MAX_WAIT_MS: '60000',
    };
    const registries = [new Registry(), new Registry()] as const;
    const failures = async (registry: Registry) =>
      Number(/^leaderboard_consumer_batch_failures_total (\d+)/m.exec(await registry.metrics())?.[1] ?? 0);
    const first = testConsumer(lb, kafka, clock, consumerEnv, { registry: registries[0] });
    const second = testConsumer(lb, kafka, clock, consumerEnv, { registry: registries[1] });
    await lb.client.command({ query: 'RENAME TABLE events TO events_away' });
    let renamed = true;
    try {
      await first.start();
      // Both partitions' gathered batches refused, kept, and their fetches resolved.
      await waitFor(async () => expect(await failures(registries[0])).toBeGreaterThanOrEqual(2), 30_000);
      await second.start();
      await waitFor(() => {
        expect(first.assignment()).toHaveLength(1);
        expect(second.assignment()).toHaveLength(1);
        return Promise.resolve();
      }, 30_000);
      // The new generation formed its batches (and was refused) on both members.
      const before = await failures(registries[0]);
      await waitFor(async () => {
        expect(await failures(registries[0])).toBeGreaterThan(before);
        expect(await failures(registries[1])).toBeGreaterThanOrEqual(1);
      }, 30_000);
      await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
      renamed = false;
      await waitFor(() => caughtUp(admin, group, topic), 60_000);
    } finally {
      if (renamed) await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
      await Promise.all([first.stop(), second.stop()]);
    }
    expect(await count("SELECT count() AS n FROM events WHERE startsWith(event_id, 'gr-')", {})).toBe(TOTAL);
    expect(await count("SELECT uniqExact(event_id) AS n FROM events WHERE startsWith(event_id, 'gr-')", {})).toBe(
      TOTAL,
    );
  }, 180_000);
});
