import type { Admin, Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createCorrectionValidateStep } from '../../services/corrections/correction-steps.ts';
import { createValidateStep } from '../../services/pipeline/validate-step.ts';
import { createConsumerMetrics } from '../../services/scoring/consumer/consumer-metrics.ts';
import { createEventConsumer, type EventConsumer } from '../../services/scoring/consumer/event-consumer.ts';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, committedOffsets, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// A batch of a recorded insert group that came before the group's other batches is parked: its
// partition pauses with its offset resolved past the batch, and once the group is stored it is
// committed from outside the fetch loop (consumer.commitOffsets). When that commit fails (the
// coordinator away for longer than kafkajs's retries), the partition was resumed from the resolved
// offset all the same: the batch was never fetched again, so nothing committed it unless more
// events came to that partition. An idle partition stayed behind (and showed stalled) for good.
const TOTAL = 300;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '3', KAFKA_STALL_AFTER_MS: '1000' });
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

/** Proxies a Kafka client's consumers, changing what `wrap` returns for a key. */
function wrapConsumers(wrap: (consumer: Consumer, key: string | symbol) => unknown): Kafka {
  return {
    consumer: (options: ConsumerConfig): Consumer => {
      const real = kafka.consumer(options);
      return new Proxy(real, {
        get: (target, key, receiver) => wrap(target, key) ?? (Reflect.get(target, key, receiver) as unknown),
      });
    },
    admin: () => kafka.admin(),
  } as unknown as Kafka;
}

/** Holds back the batches of a partition (not processed, not resolved) while `held()`. */
const holding = (partition: number, held: () => boolean) =>
  wrapConsumers((consumer, key) =>
    key === 'run'
      ? (config: ConsumerRunConfig) =>
          consumer.run({
            ...config,
            eachBatch: async (payload) => {
              if (held() && payload.batch.partition === partition) return;
              await config.eachBatch?.(payload);
            },
          })
      : undefined,
  );

/**
 * A topic of 3 partitions whose events (on partitions 0 and 2) a first consumer stored in one
 * insert group and "died" right after its insert (nothing marked, nothing committed).
 */
async function recordedGroup(prefix: string) {
  const topic = uniqueName(prefix);
  const group = uniqueName(`${prefix}-group`);
  await createTestTopic(admin, topic, 3);
  const producer = kafka.producer();
  await producer.connect();
  // One send: one record batch per partition of ~150 KB, more than a 64 KiB fetch holds.
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: TOTAL }, (_, i) => {
      const crewId = crews[i % crews.length] ?? 'C1';
      const value = {
        eventId: `${prefix}-${i}`,
        crewId,
        type: 'metric',
        occurredAt: '2026-03-10T09:00:00+08:00',
        name: 'parked',
        value: 1,
        note: 'x'.repeat(1500),
      };
      return { key: crewId, value: JSON.stringify(value), timestamp: String(clock.now().getTime()) };
    }),
  });
  await producer.disconnect();

  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const validate = createValidateStep({
    crewExists: (id) => lb.catalog.crew(id) !== undefined,
    now: clock.now,
    maxFutureMs: 600_000,
    maxAgeMs: 400 * 86_400_000,
  });
  const dlProducer = kafka.producer();
  await dlProducer.connect();
  const consumerOf = (
    extraEnv: Record<string, string>,
    extra: { kafka?: Kafka; afterInsert?: () => void },
  ): EventConsumer => {
    const config = parseConfig({ ...env, ...extraEnv, KAFKA_EVENTS_TOPIC: topic, KAFKA_CONSUMER_GROUP: group }).kafka;
    if (!config) throw new Error('no Kafka config');
    return createEventConsumer({
      client: lb.client,
      stores: createStoreTracker(clock.now),
      kafka,
      producer: dlProducer,
      config,
      validate,
      validateCorrection: createCorrectionValidateStep(validate),
      onStored: () => undefined,
      metrics: createConsumerMetrics(new Registry()),
      logger,
      now: clock.now,
      registryLoaded: () => true,
      backoffMs: 60_000,
      maxBackoffMs: 60_000,
      member: { storage: 'embedded', instance: uniqueName('i'), describe: 'a test instance', startedAt: Date.now() },
      ...extra,
    });
  };
  let inserted = false;
  const first = consumerOf(
    {},
    {
      afterInsert: () => {
        if (inserted) return;
        inserted = true;
        throw new Error('died right after the insert');
      },
    },
  );
  await first.start();
  await waitFor(async () => expect(inserted).toBe(true), 60_000, 50);
  await first.stop();
  expect(await committedOffsets(admin, group, topic)).toBe(0);
  return {
    topic,
    group,
    lines,
    count: (text: string) => lines.filter((l) => l.includes(text)).length,
    consumerOf,
    stored: async () => ({
      rows: await one(`SELECT count() FROM events WHERE startsWith(event_id, '${prefix}-')`),
      events: await one(`SELECT uniqExact(event_id) FROM events WHERE startsWith(event_id, '${prefix}-')`),
    }),
    close: () => dlProducer.disconnect(),
  };
}

const PARKED = "batch waits for its recorded insert group's other batches";

describe('a parked batch whose commit fails', () => {
  it('is fetched again and committed, not left behind on an idle partition', async () => {
    const s = await recordedGroup('pc');
    try {
      // Again with 64 KiB fetches: the group's batches come one per fetch, the first waits
      // parked. Its commit from outside the fetch loop fails (kafkajs gave up retrying).
      let failedCommits = 0;
      const failingCommits = wrapConsumers((_, key) =>
        key === 'commitOffsets'
          ? async () => {
              failedCommits++;
              throw new Error('The coordinator is not available (retries exhausted)');
            }
          : undefined,
      );
      const second = s.consumerOf({ KAFKA_FETCH_MAX_BYTES: '65536' }, { kafka: failingCommits });
      await second.start();
      try {
        await waitFor(async () => expect(failedCommits).toBeGreaterThan(0), 60_000, 100);
        expect(s.count(PARKED)).toBeGreaterThan(0);
        // Every partition is committed to its end, and none shows stalled.
        await waitFor(() => caughtUp(admin, s.group, s.topic), 30_000, 200);
        await waitFor(async () => expect(second.status().stalled).toEqual([]), 10_000, 100);
      } finally {
        await second.stop();
      }
      expect(await s.stored()).toEqual({ rows: TOTAL, events: TOTAL });
    } finally {
      await s.close();
    }
  }, 180_000);
});

// A rebalance while a batch is parked lets it go (dropParked): its partition is resumed, and since
// kafkajs makes a new offset manager at each join (resolved offsets start empty), the partition is
// fetched again from its committed offset, not from the offset resolved past the parked batch.
describe('a parked batch over a rebalance', () => {
  it('is fetched again from the committed offset and stored once with its group', async () => {
    const s = await recordedGroup('pr');
    try {
      // Partition 2's batches are held back until told: partition 0's batch of the group waits
      // parked meanwhile.
      let hold = true;
      const second = s.consumerOf({ KAFKA_FETCH_MAX_BYTES: '65536' }, { kafka: holding(2, () => hold) });
      await second.start();
      try {
        await waitFor(async () => expect(s.count(PARKED)).toBe(1), 60_000, 100);
        // Another member joins the group (a rebalance), then leaves (another).
        const assignedBefore = s.count('partitions assigned');
        const other = kafka.consumer({ groupId: s.group, sessionTimeout: 10_000 });
        await other.connect();
        await other.subscribe({ topic: s.topic, fromBeginning: true });
        let otherJoined = false;
        other.on(other.events.GROUP_JOIN, () => (otherJoined = true));
        await other.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
        await waitFor(async () => expect(otherJoined).toBe(true), 60_000, 100);
        await other.disconnect();
        await waitFor(
          async () => expect(s.count('partitions assigned')).toBeGreaterThanOrEqual(assignedBefore + 2),
          60_000,
          100,
        );
        // Fetched again from its committed offset, the batch is parked again.
        await waitFor(async () => expect(s.count(PARKED)).toBeGreaterThanOrEqual(2), 30_000, 100);
        hold = false;
        await waitFor(() => caughtUp(admin, s.group, s.topic), 60_000, 200);
      } finally {
        hold = false;
        await second.stop();
      }
      expect(await s.stored()).toEqual({ rows: TOTAL, events: TOTAL });
    } finally {
      await s.close();
    }
  }, 240_000);
});

// Stopped while a batch is parked (its group not whole), the instance leaves its offset
// uncommitted: the next one fetches the batch again and forms the group.
describe('a parked batch at a stop', () => {
  it('is not committed, and the next instance stores the group once', async () => {
    const s = await recordedGroup('ps');
    try {
      const second = s.consumerOf({ KAFKA_FETCH_MAX_BYTES: '65536' }, { kafka: holding(2, () => true) });
      await second.start();
      try {
        await waitFor(async () => expect(s.count(PARKED)).toBe(1), 60_000, 100);
      } finally {
        await second.stop();
      }
      expect(await committedOffsets(admin, s.group, s.topic)).toBe(0);
      const third = s.consumerOf({ KAFKA_FETCH_MAX_BYTES: '65536' }, {});
      await third.start();
      try {
        await waitFor(() => caughtUp(admin, s.group, s.topic), 60_000, 200);
      } finally {
        await third.stop();
      }
      expect(await s.stored()).toEqual({ rows: TOTAL, events: TOTAL });
    } finally {
      await s.close();
    }
  }, 240_000);
});
