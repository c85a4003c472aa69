import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { parseConfig } from '../../services/api/config.ts';
import { ensureTopics } from '../../services/kafka/kafka-client.ts';
import { kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

// The Kafka tests publish through fixed clocks (March 2026 and earlier), so their records carry
// timestamps months or years before the real date. Kafka deletes records by their timestamp: with
// 7 days (the broker's default, and the events topic's as the product creates it) the broker
// emptied the topics at its next retention check, and a consumer found its offset out of range
// and was reset to the start (CI failed at random: "partition 1: committed -2 of 327"). The test
// broker checks every 2 s, so a record deleted by retention is gone within the wait below.
const kafka = testKafka();
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

async function produceStampedLongAgo(topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [{ key: 'C1', value: 'stamped 2026-03-10', timestamp: String(Date.parse('2026-03-10T04:00:00Z')) }],
  });
  await producer.disconnect();
}

/** Longer than two retention checks of the test broker (KAFKA_RETENTION_CHECK_MS 2000). */
const pastTwoChecks = () => new Promise((resolve) => setTimeout(resolve, 5_000));

describe("the tests' Kafka topics", () => {
  it('keep records stamped long before the real date past the retention checks', async () => {
    // A topic a test creates itself (the broker's default retention) and the events and
    // dead-letter topics as the product creates them from a test's environment.
    const own = uniqueName('retention');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: own, numPartitions: 1 }] });
    const config = parseConfig(kafkaEnv()).kafka;
    if (!config) throw new Error('no Kafka config');
    await ensureTopics(admin, [config.events, config.deadLetter], config.replicationFactor);
    const topics = [own, config.events.name, config.deadLetter.name];
    for (const topic of topics) await produceStampedLongAgo(topic);
    await pastTwoChecks();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(
        offsets.filter((o) => o.low !== '0'),
        `${topic}: the broker deleted a record stamped 2026-03-10 (the tests need a broker with log.retention.ms=-1 and kafkaEnv's retention of a century)`,
      ).toEqual([]);
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(1);
    }
  });
});

describe('a clock (CLOCK_START) further behind the real one than the events topic keeps records', () => {
  // Events are stamped with the product's clock: with 24 hours of retention and a clock years
  // back, Kafka deletes each event at its next check, whether the scoring service read it or not.
  const longAgo = fixedClock('2020-01-06T09:00:00+08:00');

  async function startupErrors(env: Record<string, string>): Promise<{ msg: string; topic?: string }[]> {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const lb = await startTestLeaderboard(longAgo, env, logger);
    await lb.close();
    return lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; topic?: string })
      .filter((l) => l.level >= 50 && /CLOCK_START/.test(l.msg));
  }

  it('is an error at start naming the topic and the fix', async () => {
    const env = kafkaEnv({ KAFKA_EVENTS_RETENTION_HOURS: '24' });
    const errors = await startupErrors(env);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.topic).toBe(env['KAFKA_EVENTS_TOPIC']);
    expect(errors[0]?.msg).toMatch(/deleted by Kafka.*KAFKA_EVENTS_RETENTION_HOURS/);
  });

  it('says nothing when the topic keeps records long enough', async () => {
    expect(await startupErrors(kafkaEnv())).toEqual([]);
  });
});
