import { Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig, TopicSpec } from './kafka-config.ts';

/** kafkajs logs through pino, so broker trouble shows up in the service's structured log. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const fields = { ...extra, component: 'kafkajs' };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

export function createKafka(config: KafkaConfig, logger: Logger, clientIdSuffix: string): Kafka {
  return new Kafka({
    clientId: `${config.clientId}-${clientIdSuffix}`,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
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
