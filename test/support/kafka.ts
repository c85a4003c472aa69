import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { inject } from 'vitest';

/** The broker list the global setup provides (KAFKA_BROKERS or the local broker). */
export function kafkaBrokers(): string {
  return inject('kafkaBrokers');
}

/** A name no other test uses: every test gets its own topics and consumer group. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The KAFKA_* environment of one isolated pipeline: own topics and group on the shared broker. */
export function kafkaEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = uniqueName('t');
  return {
    KAFKA_BROKERS: kafkaBrokers(),
    KAFKA_EVENTS_TOPIC: `${id}.events`,
    KAFKA_DEAD_LETTER_TOPIC: `${id}.dead-letter`,
    KAFKA_ACCESS_TOPIC: `${id}.access`,
    KAFKA_CONSUMER_GROUP: `${id}.scoring`,
    KAFKA_EVENTS_PARTITIONS: '4',
    // A century: Kafka deletes records by their timestamp, and tests publish through fixed clocks
    // months before the real date; with the product's 7 days the broker emptied the topics under
    // the consumers' feet (test/integration/kafka-retention.test.ts).
    KAFKA_EVENTS_RETENTION_HOURS: '876000',
    KAFKA_DEAD_LETTER_RETENTION_HOURS: '876000',
    ...overrides,
  };
}

/**
 * A topic of a test's own, keeping its records for good whatever the broker's default (a broker
 * given through KAFKA_BROKERS may keep 7 days): Kafka deletes records by their timestamp, and
 * tests stamp theirs with fixed clocks months in the past.
 */
export async function createTestTopic(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
  });
}

/** A plain kafkajs client for what a test does beside the services (produce, read the dead letters). */
export function testKafka(brokers = kafkaBrokers()): Kafka {
  return new Kafka({ clientId: uniqueName('test'), brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Resolves when a consumer group has committed every message of the topic; throws saying where it is. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  for (const end of ends) {
    const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
    const done = end.high === '0' || Number(at) >= Number(end.high);
    if (!done) throw new Error(`${groupId} partition ${end.partition}: committed ${at} of ${end.high}`);
  }
}

/** Messages a consumer group has committed on a topic, over all partitions. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}
