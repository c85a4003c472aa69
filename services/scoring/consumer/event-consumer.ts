import type { ClickHouseClient } from '@clickhouse/client';
import type { Batch, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { MetricEvent } from '../../../schemas/event.schema.ts';
import { inParts, toDeadLetter } from '../../kafka/event-message.ts';
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
import type { StoreTracker } from '../../storage/store-tracker.ts';
import { logDeadLetters } from '../../storage/dead-letters.store.ts';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import { decodeMessage, dedupeAgainstStored, dedupeWithinBatch, type MessageOutcome } from './consume-steps.ts';

export interface EventConsumerDeps {
  client: ClickHouseClient;
  /** Stamps each insert's stored_at and lets a period's closing wait for the ones before it. */
  stores: StoreTracker;
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
  /**
   * Re-reads the registry (several instances on a ClickHouse server): a crew another instance has
   * just registered is not a reason to dead-letter its events.
   */
  reloadRegistry?: () => Promise<void>;
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
  /** False once the consumer stopped for good (a failure kafkajs does not restart). */
  consuming(): boolean;
}

type Extent = BatchExtent & { resendingOwnRows: boolean; alreadyStored: boolean };

/** A call of the consumer group itself failed (a rebalance, a lost membership): kafkajs rejoins. */
class GroupError extends Error {}

async function groupCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new GroupError('consumer group call failed', { cause: err });
  }
}

const REGISTRY_REREAD_MS = 5_000;

const extentKey = (e: BatchExtent) => `${e.firstOffset}-${e.lastOffset}:${e.firstTimestamp}`;

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
    // Room for every partition's share: the broker fills partitions in request order, so a
    // smaller total starves the later ones (and a batch recorded before a crash waits for its
    // whole extent). Bounded at 64 MiB per fetch.
    maxBytes: Math.min(64 * 1024 * 1024, config.fetchMaxBytes * Math.max(1, config.events.partitions)),
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
  /** Partition -> the extent whose dead letters were sent (not again while its insert is retried). */
  const deadLettersSent = new Map<number, string>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  let assigned: number[] = [];
  let crashed: unknown;
  let registryReadAt = 0;

  // kafkajs restarts the consumer after retriable failures; after any other it stays down, and
  // the service must say so rather than look healthy while nothing is consumed.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      logger.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    crashed = payload.error;
    logger.fatal({ err: payload.error }, 'consumer stopped for good: restart the service');
  });

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = (payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b);
    // Another member may have worked on any partition meanwhile: ask storage again.
    pending.clear();
    committedNext.clear();
    logger.info({ topic, partitions: assigned, memberId: payload.memberId }, 'partitions assigned');
  });

  /**
   * The batch to process: the one an earlier attempt recorded at this offset, or the fetched one;
   * 'wait' when fewer messages were fetched than the recorded batch holds.
   */
  async function extentOf(batch: Batch): Promise<Extent | 'wait' | undefined> {
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
    if (recorded.lastOffset > Number(last.offset) && !recorded.stored) {
      // Fewer messages fetched than the recorded batch holds: fetch again rather than form another
      // batch. (A stored one needs no messages: it is committed as recorded.)
      logger.warn({ ...recorded, fetchedTo: last.offset }, 'waiting for the whole recorded batch');
      return 'wait';
    }
    logger.info(
      { ...recorded, fetchedTo: last.offset },
      recorded.stored
        ? 'batch already stored by an earlier attempt: committing it'
        : 'batch recorded by an attempt that did not finish: sending it again unchanged',
    );
    return { ...recorded, resendingOwnRows: !recorded.stored, alreadyStored: recorded.stored };
  }

  /** Names one batch in ClickHouse's insert deduplication: a resend of it carries the same token. */
  function batchToken(extent: BatchExtent): string {
    return `${topic}:${extent.partition}:${extent.firstOffset}-${extent.lastOffset}:${extent.firstTimestamp}`;
  }

  async function sendDeadLetters(outcomes: readonly MessageOutcome[], extent: BatchExtent): Promise<number> {
    const { partition } = extent;
    const dead = outcomes.flatMap((o) => (o.kind === 'dead-letter' ? [o] : []));
    if (dead.length === 0 || deadLettersSent.get(partition) === extentKey(extent)) return dead.length;
    const failedAt = deps.now();
    const messages = dead.map((o) =>
      toDeadLetter(o.message, { topic, partition, offset: o.message.offset }, o.reason, failedAt),
    );
    for (const part of inParts(messages)) {
      await deps.producer.send({ topic: config.deadLetter.name, acks: -1, messages: part });
    }
    // Logged in ClickHouse too, for the pipeline dashboard; a resend of this batch is dropped there.
    await logDeadLetters(
      client,
      dead.map((o) => ({
        topic,
        partition,
        offset: o.message.offset,
        reason: o.reason,
        key: o.message.key,
        value: o.message.value,
      })),
      failedAt,
      batchToken(extent),
    );
    deadLettersSent.set(partition, extentKey(extent));
    for (const o of dead) {
      logger.warn(
        { topic, partition, offset: o.message.offset, reason: o.reason },
        'message sent to the dead-letter topic',
      );
    }
    return dead.length;
  }

  /**
   * parse -> validate, once more after re-reading the registry if a crew was unknown. A producer
   * that keeps sending unknown crews must not make every batch read the registry: at most one
   * read per REGISTRY_REREAD_MS.
   */
  async function decodeAll(messages: readonly Batch['messages'][number][]): Promise<MessageOutcome[]> {
    const decode = () => messages.map((m) => decodeMessage(m, deps.validate));
    const outcomes = decode();
    const unknownCrew = outcomes.some(
      (o) => o.kind === 'dead-letter' && o.reason.errors?.some((e) => e.path === 'crewId'),
    );
    if (!unknownCrew || !deps.reloadRegistry || Date.now() - registryReadAt < REGISTRY_REREAD_MS) return outcomes;
    registryReadAt = Date.now();
    await deps.reloadRegistry();
    return decode();
  }

  async function processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const heartbeat = () => groupCall(() => payload.heartbeat());
    const extent = await extentOf(batch);
    if (extent === 'wait') {
      pauseFor(payload, 'waiting for the whole recorded batch');
      return;
    }
    if (!extent || !isRunning() || isStale()) return;
    const { partition } = batch;
    const log = logger.child({ topic, partition, firstOffset: extent.firstOffset, lastOffset: extent.lastOffset });
    const messages = batch.messages.filter((m) => Number(m.offset) <= extent.lastOffset);
    metrics.batch(messages.length);

    const decoded = dedupeWithinBatch(await decodeAll(messages));
    const filter = deps.keyFilter;
    const candidates = decoded.flatMap((o) =>
      o.kind === 'ok' && (!filter || filter.mightContain(o.event.crewId, o.event.eventId)) ? [o.event] : [],
    );
    const stored = await findStoredEventSources(client, candidates);
    const outcomes = dedupeAgainstStored(decoded, stored, extent, extent.resendingOwnRows);
    await heartbeat();

    const fresh = outcomes.flatMap((o) => (o.kind === 'ok' ? [o] : []));
    const deadLetterCount = outcomes.filter((o) => o.kind === 'dead-letter').length;
    if (!isRunning() || isStale()) return;
    if (!extent.alreadyStored) {
      if (!extent.resendingOwnRows) {
        await recordBatch(client, extent, false, deps.now());
        // Another reader of this partition (one this instance's lost membership made way for)
        // may have recorded a different batch at this offset: the ledger keeps only the first
        // record that reached it (its deduplication token names the offset), so follow that one.
        // No record at all means ours was the first and has since expired: ours stands.
        const first = await findRecordedBatch(client, {
          topic,
          partition,
          firstOffset: extent.firstOffset,
          firstTimestamp: extent.firstTimestamp,
        });
        if (first && first.lastOffset !== extent.lastOffset) {
          log.info(
            { recordedLastOffset: first?.lastOffset },
            'another reader recorded a batch at this offset first; following it',
          );
          // Fetched again from the same offset; this time the recorded batch is looked up.
          committedNext.delete(partition);
          return;
        }
        pending.set(partition, { ...extent, stored: false });
      }
      // Dead letters go out once the batch is settled and before its insert; a resend sends them
      // again (at least once), since the first attempt may have died before sending them.
      await sendDeadLetters(outcomes, extent);
      const started = performance.now();
      await deps.stores.run((storedAt) =>
        insertConsumedEvents(
          client,
          fresh.map((o) => ({
            values: toEventValues(o.event, new Date(o.receivedAtMs).toISOString()),
            source: { topic, partition, offset: Number(o.message.offset) },
          })),
          batchToken(extent),
          storedAt,
        ),
      );
      metrics.inserted((performance.now() - started) / 1000);
      for (const o of fresh) filter?.add(o.event.crewId, o.event.eventId);
      deps.afterInsert?.();
      await recordBatch(client, extent, true, deps.now());
    }
    pending.delete(partition);
    await heartbeat();

    // Resolved only once committed: a failed commit fetches the batch again, found stored.
    const next = extent.lastOffset + 1;
    await groupCall(() =>
      payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(next) }] }] }),
    );
    payload.resolveOffset(String(extent.lastOffset));
    committedNext.set(partition, next);
    backoff.delete(partition);

    const storedCount = extent.alreadyStored ? 0 : fresh.length;
    const deadLetters = extent.alreadyStored ? 0 : deadLetterCount;
    metrics.outcomes('stored', storedCount);
    metrics.outcomes('duplicate', messages.length - storedCount - deadLetters);
    metrics.outcomes('dead_letter', deadLetters);
    metrics.lag(topic, partition, Math.max(0, Number(batch.highWatermark) - next));
    log.debug({ messages: messages.length, stored: storedCount, deadLetters }, 'batch stored');
    // A batch an earlier attempt stored may not have refreshed the standings: refresh for all of
    // it (a repeated refresh is harmless).
    const refresh = extent.alreadyStored ? decoded : fresh;
    const events = refresh.flatMap((o) => (o.kind === 'ok' ? [o.event] : []));
    if (events.length > 0) deps.onStored(events);
  }

  /** Pauses the batch's partition; it is fetched again from its resolved offset after a growing wait. */
  function pauseFor(payload: EachBatchPayload, reason: string, err?: unknown): void {
    const { partition } = payload.batch;
    const wait = Math.min(deps.maxBackoffMs ?? 30_000, (backoff.get(partition) ?? (deps.backoffMs ?? 500) / 2) * 2);
    backoff.set(partition, wait);
    const fields = { err, topic, partition, firstOffset: payload.batch.firstOffset(), retryInMs: wait };
    if (err === undefined) logger.warn(fields, reason);
    else logger.error(fields, reason);
    const resume = payload.pause();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      resume();
    }, wait);
    resumeTimers.add(timer);
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await processBatch(payload);
    } catch (err) {
      // The group's own trouble (a rebalance) is kafkajs's to handle: it rejoins and refetches.
      if (err instanceof GroupError) throw err.cause;
      // ClickHouse (or the dead-letter topic) did not take the batch: nothing is committed.
      metrics.insertFailed();
      pauseFor(payload, 'batch not stored; partition paused, will retry', err);
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
    consuming: () => crashed === undefined,
  };
}
