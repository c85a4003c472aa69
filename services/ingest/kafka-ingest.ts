import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createIngestMetrics, createPublishMetrics } from '../api/ingest-metrics.ts';
import { ensureTopics, topicRetentionMs } from '../kafka/kafka-client.ts';
import type { KafkaConfig } from '../kafka/kafka-config.ts';
import { dedupeWithinRequest } from '../pipeline/dedupe-step.ts';
import { contentOf } from '../storage/event-row.ts';
import { createIngestPipeline, type IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import type { ValidateStep } from '../pipeline/validate-step.ts';
import { toEventMessage } from '../kafka/event-message.ts';
import { createKafkaPublisher } from './kafka-publisher.ts';

export interface KafkaIngest {
  producer: Producer;
  pipeline: IngestPipeline;
}

const DAY_MS = 86_400_000;

/**
 * Events are stamped with the product's clock, and Kafka deletes records by their timestamp: with a
 * CLOCK_START far enough in the past, every event is deleted within a day of arriving (at the
 * broker's next retention check, even unread), and a scoring outage loses events. Said at start.
 */
async function checkClockAgainstRetention(
  admin: Admin,
  topic: string,
  deps: { logger: Logger; now: () => Date },
): Promise<void> {
  const behindMs = Date.now() - deps.now().getTime();
  if (behindMs <= 0) return;
  let retentionMs: number;
  try {
    retentionMs = await topicRetentionMs(admin, topic);
  } catch (err) {
    // A broker that refuses to describe its topics (ACLs) must not keep the service from starting.
    deps.logger.warn({ err, topic }, "could not read the events topic's retention to check it against CLOCK_START");
    return;
  }
  if (retentionMs < 0 || retentionMs - behindMs >= DAY_MS) return;
  deps.logger.error(
    {
      topic,
      clockBehindDays: Math.round(behindMs / DAY_MS),
      retentionHours: Math.round(retentionMs / 3_600_000),
    },
    `the clock (CLOCK_START) is ${Math.round(behindMs / DAY_MS)} days behind this machine's and events are stamped with it, but the events topic keeps records only ${Math.round(retentionMs / 3_600_000)} hours by their timestamp: each event is deleted by Kafka less than a day after it arrives, scored or not, and events waiting for the scoring service are lost; give the topic a longer retention (KAFKA_EVENTS_RETENTION_HOURS when it is created, or retention.ms=-1 on it)`,
  );
}

/**
 * The HTTP side of the Kafka pipeline, shared by npm start and npm run ingest: creates missing
 * topics, connects the idempotent producer, and validates -> publishes. Duplicates against
 * storage are the scoring consumer's to find.
 */
export async function connectKafkaIngest(deps: {
  kafka: Kafka;
  config: KafkaConfig;
  logger: Logger;
  metrics: Registry;
  validate: ValidateStep;
  now: () => Date;
}): Promise<KafkaIngest> {
  const { kafka, config } = deps;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(
      admin,
      [config.events, config.deadLetter, config.access],
      config.replicationFactor,
    );
    if (created.length > 0) deps.logger.info({ topics: created }, 'Kafka topics created');
    await checkClockAgainstRetention(admin, config.events.name, deps);
  } finally {
    await admin.disconnect();
  }
  // Unlimited retries, as the idempotent producer needs: a send given up on would roll back its
  // sequence numbers, and a later send could then be taken for a duplicate of one the broker has.
  // The publisher answers 503 after its timeout and sheds load while sends wait.
  const producer = kafka.producer({
    // murmur2 of the crew id, the partition whose reader stores the crew's events (crew-partition.ts).
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 5,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
  await producer.connect();
  const publishMetrics = createPublishMetrics(deps.metrics);
  const publisher = createKafkaPublisher({
    producer,
    toMessage: toEventMessage,
    topic: config.events.name,
    timeoutMs: config.produceTimeoutMs,
    maxInFlightEvents: config.maxInFlightEvents,
    now: () => deps.now().getTime(),
    onPublished: publishMetrics.published,
    onShed: publishMetrics.shed,
  });
  const pipeline = createIngestPipeline({
    validate: deps.validate,
    dedupe: (events) => dedupeWithinRequest(events, contentOf),
    store: publisher.publish,
    // Standings refresh when the scoring consumer has stored the events.
    onStored: () => undefined,
    metrics: createIngestMetrics(deps.metrics),
  });
  return { producer, pipeline };
}
