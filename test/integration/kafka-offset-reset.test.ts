import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createKafka } from '../../services/kafka/kafka-client.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { testConsumer } from '../support/test-consumer.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// A consumer group whose position the broker no longer has (retention deleted the records before
// they were consumed: it goes by the records' timestamps, and a past CLOCK_START stamps them in
// the past) is reset by kafkajs to the oldest record left: the records in between are never
// scored. That must be loud: an error saying what it means, and a metric operators alert on.
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

async function publish(topic: string, from: number, to: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: to - from }, (_, k) => {
      const value = {
        eventId: `or-${from + k}`,
        crewId: 'C1',
        type: 'metric',
        occurredAt: '2026-03-10T09:00:00+08:00',
        name: 'offset_reset',
        value: 1,
      };
      return { key: 'C1', value: JSON.stringify(value), timestamp: String(clock.now().getTime()) };
    }),
  });
  await producer.disconnect();
}

describe('a consumer position the broker no longer has', () => {
  it('is reset with an error saying records were lost, counted in leaderboard_kafka_offset_resets_total', async () => {
    const topic = uniqueName('offset-reset');
    await createTestTopic(admin, topic, 1);
    const consumerEnv = { ...env, KAFKA_EVENTS_TOPIC: topic, KAFKA_CONSUMER_GROUP: uniqueName('offset-reset-group') };
    const group = consumerEnv.KAFKA_CONSUMER_GROUP;
    const config = parseConfig(consumerEnv).kafka;
    if (!config) throw new Error('no Kafka config');
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const metrics = new Registry();
    const productKafka = createKafka(config, logger, 'offset-reset', metrics);

    const consumeAll = async () => {
      const consumer = testConsumer(lb, productKafka, clock, consumerEnv);
      await consumer.start();
      try {
        await waitFor(() => caughtUp(admin, group, topic), 30_000);
      } finally {
        await consumer.stop();
      }
    };

    await publish(topic, 0, 10);
    await consumeAll();
    // While no one consumes, records 10-19 arrive and 10-14 are deleted, as retention would.
    await publish(topic, 10, 20);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '15' }] });
    await consumeAll();
    const stored = await lb.client.query({
      query: "SELECT count() AS n FROM events WHERE startsWith(event_id, 'or-')",
      format: 'JSONEachRow',
    });
    expect(Number((await stored.json<{ n: string }>())[0]?.n), 'the five deleted records were never scored').toBe(15);

    expect(await metrics.metrics()).toMatch(
      new RegExp(`^leaderboard_kafka_offset_resets_total\\{topic="${topic}",partition="0"\\} 1$`, 'm'),
    );
    const resets = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; topic?: string; partition?: number })
      .filter((l) => /offset out of range/i.test(l.msg));
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ level: 50, topic, partition: 0 });
    expect(resets[0]?.msg).toMatch(/deleted by retention.*lost/);
  }, 90_000);
});
