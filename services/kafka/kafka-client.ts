import { createRequire } from 'node:module';
import { Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { KafkaConfig, TopicSpec } from './kafka-config.ts';

/** What kafkajs 2.2 logs (ConsumerGroup, at error) when it resets a consumer's offset out of range. */
const OFFSET_RESET = 'Offset out of range, resetting to default offset';

const OFFSET_RESET_MEANING =
  "offset out of range: the broker no longer has the records at this consumer group's position " +
  "(deleted by retention, which goes by the records' timestamps, or the topic was recreated); " +
  'kafkajs commits the earliest offset and reads on from the oldest record left: records between ' +
  'the old position and that one were never consumed and are lost to this group ' +
  '(KAFKA_EVENTS_RETENTION_HOURS, CLOCK_START; docs/operations.md)';

/**
 * kafkajs logs through pino, so broker trouble shows up in the service's structured log. A reset
 * of an offset out of range (records lost to the consumer) is counted and said in full.
 */
function pinoLogCreator(logger: Logger, offsetResets?: Counter<'topic' | 'partition'>): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const fields = { ...extra, component: 'kafkajs' };
      if (message === OFFSET_RESET) {
        offsetResets?.inc({ topic: String(extra['topic']), partition: String(extra['partition']) });
        logger.error(fields, OFFSET_RESET_MEANING);
      } else if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/**
 * `metrics`: where leaderboard_kafka_offset_resets_total is counted (a consumer's position the
 * broker no longer has: records lost to it; an operator alerts on any increase).
 */
export function createKafka(config: KafkaConfig, logger: Logger, clientIdSuffix: string, metrics?: Registry): Kafka {
  const offsetResets =
    metrics &&
    new Counter({
      name: 'leaderboard_kafka_offset_resets_total',
      help: 'Consumer positions the broker no longer had (records deleted by retention before they were consumed, or a recreated topic), reset to the oldest record left: the records in between were lost to the consumer; alert on any increase',
      labelNames: ['topic', 'partition'] as const,
      registers: [metrics],
    });
  return new Kafka({
    clientId: `${config.clientId}-${clientIdSuffix}`,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger, offsetResets),
    // A broker that is down must not hold a request for long: the sender gets a 503 and retries.
    connectionTimeout: 3_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
}

/**
 * Creates the topics that are missing (partition counts and retention from configuration).
 * Existing topics are left as they are: changing partitions moves crews between partitions, an
 * operator's decision.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  replicationFactor: number,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor,
      configEntries: [
        ...(t.compact
          ? [{ name: 'cleanup.policy', value: 'compact' }]
          : [{ name: 'retention.ms', value: String(t.retentionMs) }]),
        // With acks from all in-sync replicas, a write is durable on at least this many.
        { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
      ],
    })),
  });
  return missing.map((t) => t.name);
}

// Required, not imported: Node's ES module loader does not see kafkajs's CommonJS exports after
// its `...errors` spread (a named import fails at start, though vitest's loader accepts it).
const { ConfigResourceTypes } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');

/** A topic's retention.ms as the broker applies it (-1: kept for good). */
export async function topicRetentionMs(admin: Admin, topic: string): Promise<number> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    includeSynonyms: false,
  });
  const value = resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
  return value === undefined ? -1 : Number(value);
}
