import type { ClickHouseClient } from '@clickhouse/client';
import type { Batch, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { MetricEvent } from '../../../schemas/event.schema.ts';
import { toDeadLetter } from '../../kafka/event-message.ts';
import type { KafkaConfig } from '../../kafka/kafka-config.ts';
import type { KeyFilter } from '../../pipeline/key-filter.ts';
import type { ValidateStep } from '../../pipeline/validate-step.ts';
import {
  findRecordedBatch,
  recordBatch,
  type BatchExtent,
  type RecordedBatch,
} from '../../storage/consumer-batches.store.ts';
import { findStoredEventSources, insertConsumedEvents, toEventValues } from '../../storage/events.store.ts';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import { decodeMessage, dedupeAgainstStored, dedupeWithinBatch, type MessageOutcome } from './consume-steps.ts';

export interface EventConsumerDeps {
  client: ClickHouseClient;
  kafka: Kafka;
  /** Sends dead letters (acks from all in-sync replicas). */
  producer: Producer;
  config: KafkaConfig;
  validate: ValidateStep;
  /** After a batch is stored and its offsets committed: refresh standings. */
  onStored: (events: readonly MetricEvent[]) => void;
  metrics: ConsumerMetrics;
  logger: Logger;
  now: () => Date;
  /** First wait after a failed batch; doubles per failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Keys of every stored event, when this process is the only writer (embedded engine): storage is
   * asked only about the events the filter may have seen.
   */
  keyFilter?: KeyFilter;
  /** Fault injection for crash tests: runs after ClickHouse acknowledged a batch, before it is marked stored or committed. */
  afterInsert?: () => void;
}

export interface EventConsumer {
  /** Joins the group and starts consuming; resolves once the consumer runs. */
  start(): Promise<void>;
  /** Finishes the batch in flight (stored and committed, or not at all) and leaves the group. */
  stop(): Promise<void>;
  /** Partitions this instance holds now. */
  assignment(): number[];
}

type Extent = BatchExtent & { resendingOwnRows: boolean; alreadyStored: boolean };

/**
 * The scoring service's consumer: one ClickHouse insert per fetched batch, offsets committed only
 * after ClickHouse acknowledged it. A batch's extent is recorded before its insert, so if this
 * process dies in between, the next reader of the partition re-forms the same batch and the
 * insert deduplication token (topic, partition, offsets) makes the retry complete the first
 * attempt instead of doubling it.
 */
export function createEventConsumer(deps: EventConsumerDeps): EventConsumer {
  const { client, config, logger, metrics } = deps;
  const topic = config.events.name;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: config.consumerGroup,
    maxBytesPerPartition: config.fetchMaxBytes,
    maxBytes: config.fetchMaxBytes * Math.max(1, config.partitionsConsumedConcurrently),
    // Screens should see an event within about a second: do not wait long for a fuller fetch.
    maxWaitTimeInMs: 100,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(config.sessionTimeoutMs / 10)),
  });
  /** Extents this instance recorded and has not yet seen stored, by partition. */
  const pending = new Map<number, RecordedBatch>();
  /** Offset after the last batch this instance committed, by partition: no extent can be pending there. */
  const committedNext = new Map<number, number>();
  const backoff = new Map<number, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  let assigned: number[] = [];

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = (payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b);
    // Another member may have worked on any partition meanwhile: ask storage again.
    pending.clear();
    committedNext.clear();
    logger.info({ topic, partitions: assigned, memberId: payload.memberId }, 'partitions assigned');
  });

  /** The batch to process: the one an earlier attempt recorded at this offset, or the fetched one. */
  async function extentOf(batch: Batch): Promise<Extent | undefined> {
    const first = batch.messages[0];
    const last = batch.messages.at(-1);
    if (!first || !last) return undefined;
    const at = {
      topic,
      partition: batch.partition,
      firstOffset: Number(first.offset),
      firstTimestamp: Number(first.timestamp),
    };
    const mine = pending.get(batch.partition);
    const recorded =
      mine?.firstOffset === at.firstOffset && mine.firstTimestamp === at.firstTimestamp
        ? mine
        : committedNext.get(batch.partition) === at.firstOffset
          ? undefined
          : await findRecordedBatch(client, at);
    if (!recorded) {
      return { ...at, lastOffset: Number(last.offset), resendingOwnRows: false, alreadyStored: false };
    }
    if (recorded.lastOffset > Number(last.offset)) {
      // Fewer messages fetched than the recorded batch holds: fetch again rather than form another batch.
      logger.warn({ ...recorded, fetchedTo: last.offset }, 'waiting for the whole recorded batch');
      return undefined;
    }
    logger.info(
      { ...recorded, fetchedTo: last.offset },
      recorded.stored
        ? 'batch already stored by an earlier attempt: committing it'
        : 'batch recorded by an attempt that did not finish: sending it again unchanged',
    );
    return { ...recorded, resendingOwnRows: !recorded.stored, alreadyStored: recorded.stored };
  }

  async function sendDeadLetters(outcomes: readonly MessageOutcome[], partition: number): Promise<number> {
    const failedAt = deps.now();
    const messages = outcomes.flatMap((o) =>
      o.kind === 'dead-letter'
        ? [toDeadLetter(o.message, { topic, partition, offset: o.message.offset }, o.reason, failedAt)]
        : [],
    );
    if (messages.length === 0) return 0;
    await deps.producer.send({ topic: config.deadLetter.name, acks: -1, messages });
    for (const o of outcomes) {
      if (o.kind === 'dead-letter') {
        logger.warn(
          { topic, partition, offset: o.message.offset, reason: o.reason },
          'message sent to the dead-letter topic',
        );
      }
    }
    return messages.length;
  }

  async function processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const heartbeat = () => payload.heartbeat();
    const extent = await extentOf(batch);
    if (!extent || !isRunning() || isStale()) return;
    const { partition } = batch;
    const log = logger.child({ topic, partition, firstOffset: extent.firstOffset, lastOffset: extent.lastOffset });
    const messages = batch.messages.filter((m) => Number(m.offset) <= extent.lastOffset);
    metrics.batch(messages.length);

    let outcomes = dedupeWithinBatch(messages.map((m) => decodeMessage(m, deps.validate)));
    const filter = deps.keyFilter;
    const candidates = outcomes.flatMap((o) =>
      o.kind === 'ok' && (!filter || filter.mightContain(o.event.crewId, o.event.eventId)) ? [o.event] : [],
    );
    const stored = await findStoredEventSources(client, candidates);
    outcomes = dedupeAgainstStored(outcomes, stored, extent, extent.resendingOwnRows);
    await heartbeat();

    // A batch known to be stored sent its dead letters before its insert: not again.
    const deadLetters = extent.alreadyStored
      ? outcomes.filter((o) => o.kind === 'dead-letter').length
      : await sendDeadLetters(outcomes, partition);
    const fresh = outcomes.flatMap((o) => (o.kind === 'ok' ? [o] : []));
    if (!isRunning() || isStale()) return;
    if (!extent.alreadyStored) {
      if (!extent.resendingOwnRows) {
        await recordBatch(client, extent, false, deps.now());
        pending.set(partition, { ...extent, stored: false });
      }
      const started = performance.now();
      await insertConsumedEvents(
        client,
        fresh.map((o) => ({
          values: toEventValues(o.event, new Date(o.receivedAtMs).toISOString()),
          source: { topic, partition, offset: Number(o.message.offset) },
        })),
        `${topic}:${partition}:${extent.firstOffset}-${extent.lastOffset}:${extent.firstTimestamp}`,
      );
      metrics.inserted((performance.now() - started) / 1000);
      for (const o of fresh) filter?.add(o.event.crewId, o.event.eventId);
      deps.afterInsert?.();
      await recordBatch(client, extent, true, deps.now());
    }
    pending.delete(partition);
    await heartbeat();

    const next = extent.lastOffset + 1;
    payload.resolveOffset(String(extent.lastOffset));
    await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(next) }] }] });
    committedNext.set(partition, next);
    backoff.delete(partition);

    const storedCount = extent.alreadyStored ? 0 : fresh.length;
    metrics.outcomes('stored', storedCount);
    metrics.outcomes('duplicate', messages.length - storedCount - deadLetters);
    metrics.outcomes('dead_letter', deadLetters);
    metrics.lag(topic, partition, Math.max(0, Number(batch.highWatermark) - next));
    log.debug({ messages: messages.length, stored: storedCount, deadLetters }, 'batch stored');
    if (storedCount > 0) deps.onStored(fresh.map((o) => o.event));
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await processBatch(payload);
    } catch (err) {
      // ClickHouse (or the dead-letter topic) did not take the batch: nothing is committed. Pause
      // the partition and fetch the same offsets again after a growing wait.
      const { partition } = payload.batch;
      const wait = Math.min(deps.maxBackoffMs ?? 30_000, (backoff.get(partition) ?? (deps.backoffMs ?? 500) / 2) * 2);
      backoff.set(partition, wait);
      metrics.insertFailed();
      logger.error(
        { err, topic, partition, firstOffset: payload.batch.firstOffset(), retryInMs: wait },
        'batch not stored; partition paused, will retry',
      );
      const resume = payload.pause();
      const timer = setTimeout(() => {
        resumeTimers.delete(timer);
        resume();
      }, wait);
      resumeTimers.add(timer);
    }
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: false,
        partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
        eachBatch,
      });
    },
    async stop() {
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      // kafkajs waits for the batch in flight, then leaves the group.
      await consumer.disconnect();
    },
    assignment: () => assigned,
  };
}
