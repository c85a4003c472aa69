import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Admin,
  Consumer,
  ConsumerRunConfig,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import {
  changedCrews,
  lifecycleCrews,
  type IngestRecord,
  type ValidateCorrection,
} from '../../corrections/correction-steps.ts';
import { createCrewPartitioner } from '../../kafka/crew-partition.ts';
import { inParts, toDeadLetter } from '../../kafka/event-message.ts';
import type { KafkaConfig } from '../../kafka/kafka-config.ts';
import type { KeyFilter } from '../../pipeline/key-filter.ts';
import type { ValidateStep } from '../../pipeline/validate-step.ts';
import {
  findRecordedBatch,
  parseInsertGroup,
  recordBatch,
  recordInsertGroup,
  type BatchExtent,
  type RecordedBatch,
} from '../../storage/consumer-batches.store.ts';
import { findStoredEvents } from '../../storage/events.store.ts';
import type { EventRow } from '../../storage/event-reads.store.ts';
import { insertIsolatingRefusedRows, type RefusedRow } from '../../storage/isolate-refused-rows.ts';
import type { StoreTracker } from '../../storage/store-tracker.ts';
import { logDeadLetters } from '../../storage/dead-letters.store.ts';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import { decodeBatch, dedupeAgainstStored, recordKey, refusedByStorage, type MessageOutcome } from './consume-steps.ts';
import {
  checkCorrectionTargets,
  findStoredRecordSources,
  insertConsumedRecords,
  storedEventKeys,
  type ConsumedRow,
} from './consumed-records.ts';
import { createGroupGeneration } from './group-generation.ts';
import { GroupRefusedError, assignerWith, type MemberInfo } from './group-membership.ts';
import { createInsertGroups, type GroupEntry, type GroupMember } from './insert-groups.ts';
import { createPartitionProgress, type StalledPartition } from './partition-progress.ts';

export interface EventConsumerDeps {
  client: ClickHouseClient;
  /** Stamps each insert's stored_at and lets a period's closing wait for the ones before it. */
  stores: StoreTracker;
  kafka: Kafka;
  /** Sends dead letters (acks from all in-sync replicas). */
  producer: Producer;
  config: KafkaConfig;
  validate: ValidateStep;
  /** Corrections travel on the same topic (a content type of their own) and are validated as the API does. */
  validateCorrection: ValidateCorrection;
  /** After a batch is stored and its offsets committed (an insert group: once stored, for all its batches): refresh standings. */
  onStored: (records: readonly IngestRecord[]) => void;
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
  /**
   * False while there is no registry at all (a fresh data folder): no event can be judged yet, so
   * the consumer waits instead of dead-lettering every event as an unknown crew.
   */
  registryLoaded: () => boolean;
  /** Where this instance stores: an instance on the embedded engine shares its group with no one. */
  member: MemberInfo;
  /** The consumer gave up for good (it refused its group): the service should stop with the message. */
  onFatal?: (err: Error) => void;
  /** How often the events topic's partition count is checked (a topic that gained partitions). */
  topologyCheckMs?: number;
  /** Fault injection for crash tests: runs after ClickHouse acknowledged a batch, before it is marked stored or committed. */
  afterInsert?: () => void;
}

export type ConsumerState = 'joining' | 'consuming' | 'waiting for registry' | 'stalled' | 'stopped';

export interface ConsumerStatus {
  state: ConsumerState;
  /** Partitions failing for longer than the stall threshold. */
  stalled: StalledPartition[];
}

export interface EventConsumer {
  /**
   * Connects, refuses a group it must not share (GroupRefusedError), and starts joining; resolves
   * before the join completes (status() says 'joining' until then).
   */
  start(): Promise<void>;
  /** Finishes the batch in flight (stored and committed, or not at all) and leaves the group. */
  stop(): Promise<void>;
  /** Partitions this instance holds now. */
  assignment(): number[];
  /** False once the consumer stopped for good (a refused group, a consumer kafkajs could not start). */
  consuming(): boolean;
  status(): ConsumerStatus;
}

type Extent = BatchExtent & {
  resendingOwnRows: boolean;
  alreadyStored: boolean;
  /** The insert group an earlier attempt recorded it in ('' alone, or fresh). */
  insertGroup: string;
};

/** A batch ready for its insert, as it waits in an insert group. */
interface PreparedBatch {
  outcomes: readonly MessageOutcome[];
  fresh: readonly (MessageOutcome & { kind: 'ok' })[];
  targets: ReadonlyMap<string, EventRow>;
  heartbeat: () => Promise<void>;
}
type RefusedRows = RefusedRow<MessageOutcome & { kind: 'ok' }>[];

/** Messages fetched for a partition's next batch, over one or more fetches. */
interface Gathered {
  messages: readonly KafkaMessage[];
  /** When the first of these fetches arrived (Date.now()). */
  since: number;
  /** A new batch: no earlier attempt recorded one at its first offset (the ledger was asked). */
  fresh: boolean;
}

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
/** A stored batch is marked so in the ledger with the next batch's record, or after this quiet time. */
const MARK_STORED_AFTER_MS = 1_000;
const TOPOLOGY_CHECK_MS = 10_000;
/** A consumer kafkajs will not restart is started again after 1 s, doubling per crash to 30 s. */
const FIRST_RESTART_WAIT_MS = 1_000;
const MAX_RESTART_WAIT_MS = 30_000;
/** kafkajs workers on the embedded engine: one per partition (KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY's bound). */
const MAX_CONCURRENT_PARTITIONS = 64;

const extentKey = (e: BatchExtent) => `${e.firstOffset}-${e.lastOffset}:${e.firstTimestamp}`;

/** A batch was not processed for an expected reason (no registry yet): its partition waits, no failure. */
class WaitSignal extends Error {}

/**
 * The scoring service's consumer: one ClickHouse insert per batch (one fetch, or several gathered
 * while the partition is behind its end), offsets committed only after ClickHouse acknowledged it. A batch's extent is recorded before its insert, so if this
 * process dies in between, the next reader of the partition re-forms the same batch and the
 * insert deduplication token (topic, partition, offsets) makes the retry complete the first
 * attempt instead of doubling it. A crew's events are stored only by the reader of the crew's
 * partition (routeToCrewPartition), so duplicates on two partitions meet there.
 */
export function createEventConsumer(deps: EventConsumerDeps): EventConsumer {
  const { client, config, logger, metrics } = deps;
  const topic = config.events.name;
  const group = config.consumerGroup;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: group,
    maxBytesPerPartition: config.fetchMaxBytes,
    // Room for every partition's share: the broker fills partitions in request order, so a
    // smaller total starves the later ones (and a batch recorded before a crash waits for its
    // whole extent). Bounded at 64 MiB per fetch.
    maxBytes: Math.min(64 * 1024 * 1024, config.fetchMaxBytes * Math.max(1, config.events.partitions)),
    // Screens should see an event within about a second: do not wait long for a fuller fetch.
    maxWaitTimeInMs: config.fetchMaxWaitMs,
    minBytes: config.fetchMinBytes,
    // kafkajs 2.2 has no static membership (group.instance.id): a restarted instance waits for
    // its dead predecessor's session to time out, so the session is kept short.
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(config.sessionTimeoutMs / 10)),
    partitionAssigners: [assignerWith(deps.member)],
  });
  const admin: Admin = deps.kafka.admin();
  const crewPartitionOf = createCrewPartitioner();
  const progress = createPartitionProgress(config.stallAfterMs);
  const generation = createGroupGeneration({ admin, topic, group, member: deps.member, logger });
  /** Extents this instance recorded and has not yet seen stored, by partition. */
  const pending = new Map<number, RecordedBatch>();
  /** Offset after the last batch this instance committed, by partition: no extent can be pending there. */
  const committedNext = new Map<number, number>();
  const backoff = new Map<number, number>();
  /** Partition -> the extent whose dead letters were sent (not again while its insert is retried). */
  const deadLettersSent = new Map<number, string>();
  /**
   * Partition -> messages fetched so far for its next batch: a recorded batch one fetch did not
   * hold, or a new batch gathering several fetches (a partition behind its end).
   */
  const gathered = new Map<number, Gathered>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  /**
   * Batches stored whose ledger record does not say so yet: written with the next batch's record
   * (one ledger insert per batch instead of two), or after a quiet MARK_STORED_AFTER_MS.
   */
  const unmarked: BatchExtent[] = [];
  let markTimer: NodeJS.Timeout | undefined;
  /** Partitions waiting for the registry. */
  const waiting = new Set<number>();
  /** Partitions reported stalled in the log (reported again once they progress and stall anew). */
  const reportedStalled = new Set<number>();
  let assigned: number[] = [];
  let crashed: unknown;
  let stopping = false;
  let registryReadAt = 0;
  let watchTimer: NodeJS.Timeout | undefined;
  /** A restart of a consumer kafkajs left down, and its wait (0 once the consumer has joined again). */
  let restartTimer: NodeJS.Timeout | undefined;
  let restartWaitMs = 0;
  /** The embedded engine's consumer is the only one: it stores the batches it processes together in one insert. */
  const grouping = deps.member.storage === 'embedded';
  if (grouping && config.partitionsConsumedConcurrently !== undefined) {
    logger.warn(
      { partitionsConsumedConcurrently: config.partitionsConsumedConcurrently },
      'KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY is ignored on the embedded engine: every partition is processed at once (an insert group recorded before a crash forms again only so)',
    );
  }
  const insertGroups = createInsertGroups<PreparedBatch, RefusedRows>({
    store: (members, group) => storeGroup(members, group),
    partitionsOf: (group) => parseInsertGroup(topic, group).map((e) => e.partition),
    maxBytes: config.batchMaxBytes,
  });

  // kafkajs restarts the consumer only after failures it counts as retriable, and a broker restart
  // causes one it does not: a connection the stopping broker closes while kafkajs asks it for the
  // group coordinator (kafkajs rejoins as soon as the coordinator resigns) ends in
  // KafkaJSGroupCoordinatorNotFound, and kafkajs leaves the consumer down for good. The API goes
  // on answering 2xx for events nobody would score, so the consumer is started again here, after
  // a wait that grows while it keeps crashing (/readyz says 'joining' meanwhile).
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      logger.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    if (stopping || crashed !== undefined) return;
    restartWaitMs = Math.min(MAX_RESTART_WAIT_MS, restartWaitMs === 0 ? FIRST_RESTART_WAIT_MS : restartWaitMs * 2);
    logger.error(
      { err: payload.error, retryInMs: restartWaitMs },
      'consumer crashed and kafkajs does not restart it: starting it again',
    );
    generation.leftGroup();
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!stopping && crashed === undefined) run();
    }, restartWaitMs);
  });

  consumer.on(consumer.events.REBALANCING, () => generation.leftGroup());

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    restartWaitMs = 0;
    assigned = (payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b);
    // Another member may have worked on any partition meanwhile: ask storage again.
    pending.clear();
    committedNext.clear();
    gathered.clear();
    // Batches parked with a recorded insert group are fetched again from the committed offsets.
    insertGroups.dropParked();
    for (const p of progress.failing()) if (!assigned.includes(p.partition)) forgetPartition(p.partition);
    logger.info({ topic, partitions: assigned, memberId: payload.memberId }, 'partitions assigned');
    generation.joinedGroup();
  });

  function forgetPartition(partition: number): void {
    progress.forget(partition);
    reportedStalled.delete(partition);
    waiting.delete(partition);
    metrics.stalled(topic, partition, 0);
  }

  /** Leaves the group for good with a message naming the fix. */
  function giveUp(err: Error): void {
    if (crashed !== undefined) return;
    crashed = err;
    logger.fatal({ err }, err.message);
    // Not awaited here: called from inside a batch, which disconnect() waits for.
    setImmediate(() => {
      void consumer.disconnect().finally(() => deps.onFatal?.(err));
    });
  }

  /**
   * The batch to process: the one an earlier attempt recorded at this offset, or the fetched one;
   * 'gather' when fewer messages were fetched than the recorded batch holds.
   */
  async function extentOf(
    partition: number,
    fetched: readonly KafkaMessage[],
    fresh: boolean,
  ): Promise<Extent | 'gather' | undefined> {
    const first = fetched[0];
    const last = fetched.at(-1);
    if (!first || !last) return undefined;
    const at = {
      topic,
      partition,
      firstOffset: Number(first.offset),
      firstTimestamp: Number(first.timestamp),
    };
    const sameStart = (b: BatchExtent) =>
      b.partition === partition && b.firstOffset === at.firstOffset && b.firstTimestamp === at.firstTimestamp;
    const mine = pending.get(partition);
    const storedUnmarked = unmarked.find(sameStart);
    const own = mine && sameStart(mine) ? mine : undefined;
    let recorded =
      own ??
      (storedUnmarked
        ? { ...storedUnmarked, stored: true, insertGroup: '' }
        : fresh || committedNext.get(partition) === at.firstOffset
          ? undefined
          : await findRecordedBatch(client, at));
    if (recorded && !recorded.stored && recorded.insertGroup !== '') {
      if (await groupStoredElsewhere(recorded, own === undefined)) {
        logger.info(
          { ...recorded },
          "another batch of this batch's insert group is stored or committed: the group's insert was acknowledged",
        );
        recorded = { ...recorded, stored: true };
      }
    }
    if (!recorded) {
      return {
        ...at,
        lastOffset: Number(last.offset),
        resendingOwnRows: false,
        alreadyStored: false,
        insertGroup: '',
      };
    }
    if (recorded.lastOffset > Number(last.offset) && !recorded.stored) {
      // Fewer messages fetched than the recorded batch holds (an attempt with larger fetches
      // recorded it, or the broker sent less this time): gather the rest before forming it.
      // (A stored one needs no messages: it is committed as recorded.)
      logger.info({ ...recorded, fetchedTo: last.offset }, 'gathering the whole recorded batch over several fetches');
      return 'gather';
    }
    logger.info(
      { ...recorded, fetchedTo: last.offset },
      recorded.stored
        ? 'batch already stored by an earlier attempt: committing it'
        : 'batch recorded by an attempt that did not finish: sending it again unchanged',
    );
    return { ...recorded, resendingOwnRows: !recorded.stored, alreadyStored: recorded.stored };
  }

  /**
   * A group's members are answered together once its insert was acknowledged; then each marks
   * and commits its own batch. So one of them known stored or committed means the whole insert
   * was: a member whose sibling is (the process died between two members' commits, or this
   * member failed after the insert while another committed) is stored. Waiting for the group to
   * be whole again would wait forever, the sibling's partition has moved past it. `askStorage`:
   * the ledger and the group's committed offsets too (a batch found in the ledger; this process's
   * own pending batch needs only what it did itself).
   */
  async function groupStoredElsewhere(recorded: RecordedBatch, askStorage: boolean): Promise<boolean> {
    const others = parseInsertGroup(topic, recorded.insertGroup).filter((e) => e.partition !== recorded.partition);
    const same = (a: BatchExtent, b: BatchExtent) =>
      a.partition === b.partition && a.firstOffset === b.firstOffset && a.firstTimestamp === b.firstTimestamp;
    const doneHere = (e: BatchExtent) =>
      (committedNext.get(e.partition) ?? -1) > e.lastOffset || unmarked.some((u) => same(u, e));
    if (others.some(doneHere)) return true;
    if (!askStorage || others.length === 0) return false;
    const records = await Promise.all(
      others.map((e) =>
        findRecordedBatch(client, {
          topic,
          partition: e.partition,
          firstOffset: e.firstOffset,
          firstTimestamp: e.firstTimestamp,
        }),
      ),
    );
    if (records.some((r) => r?.stored === true)) return true;
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return others.some((e) => (committed.get(e.partition) ?? -1) > e.lastOffset);
  }

  /**
   * The fetched messages after those gathered in earlier fetches of this partition (none when
   * this fetch starts before them again, e.g. after a failure).
   */
  function withGathered(partition: number, fetched: readonly KafkaMessage[]): Gathered {
    const earlier = gathered.get(partition);
    gathered.delete(partition);
    const from = Number(fetched[0]?.offset);
    if (!earlier || !(from >= Number(earlier.messages[0]?.offset))) {
      return { messages: fetched, since: Date.now(), fresh: false };
    }
    return { ...earlier, messages: [...earlier.messages.filter((m) => Number(m.offset) < from), ...fetched] };
  }

  /**
   * A new batch of a partition behind its end waits for further fetches, up to the batch's byte
   * and time bounds: each insert costs ClickHouse tens of ms before its rows.
   */
  function gathersMore(got: Gathered, extent: Extent, highWatermark: string): boolean {
    if (extent.resendingOwnRows || extent.alreadyStored) return false;
    if (Number(highWatermark) <= extent.lastOffset + 1) return false;
    if (Date.now() - got.since >= config.batchMaxWaitMs) return false;
    let bytes = 0;
    for (const m of got.messages) bytes += m.value?.length ?? 0;
    return bytes < config.batchMaxBytes;
  }

  /** Names one batch in ClickHouse's insert deduplication: a resend of it carries the same token. */
  function batchToken(extent: BatchExtent): string {
    return `${topic}:${extent.partition}:${extent.firstOffset}-${extent.lastOffset}:${extent.firstTimestamp}`;
  }

  /**
   * Sends dead letters of one stage of a batch ('decoded': refused by validation; 'refused': by
   * ClickHouse), once per stage while the same process retries the batch.
   */
  async function sendDeadLetters(
    outcomes: readonly MessageOutcome[],
    extent: BatchExtent,
    stage: 'decoded' | 'refused',
  ): Promise<void> {
    const { partition } = extent;
    const dead = outcomes.flatMap((o) => (o.kind === 'dead-letter' ? [o] : []));
    const sentKey = `${extentKey(extent)}:${stage}`;
    if (dead.length === 0 || deadLettersSent.get(partition) === sentKey) return;
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
      stage === 'decoded' ? batchToken(extent) : `${batchToken(extent)}:refused`,
    );
    deadLettersSent.set(partition, sentKey);
    for (const o of dead) {
      logger.warn(
        { topic, partition, offset: o.message.offset, reason: o.reason },
        'message sent to the dead-letter topic',
      );
    }
  }

  /**
   * Forwards events that arrived off their crew's partition to it, unchanged (key, value, the
   * timestamp they were received at, headers), acknowledged by every in-sync replica before this
   * batch goes on. A resend forwards them again; the crew's partition counts them once.
   */
  async function forward(outcomes: readonly MessageOutcome[]): Promise<void> {
    const messages: Message[] = outcomes.flatMap((o) =>
      o.kind === 'reroute'
        ? [
            {
              key: o.message.key,
              value: o.message.value,
              timestamp: o.message.timestamp,
              headers: o.message.headers,
              partition: o.toPartition,
            },
          ]
        : [],
    );
    for (const part of inParts(messages)) {
      await deps.producer.send({ topic, acks: -1, messages: part });
    }
  }

  /**
   * parse -> validate -> dedupe within the batch -> route (one pass), once more after re-reading
   * the registry if a crew was unknown. A producer that keeps sending unknown crews must not make
   * every batch read the registry: at most one read per REGISTRY_REREAD_MS.
   */
  async function decodeAll(messages: readonly KafkaMessage[], partition: number): Promise<MessageOutcome[]> {
    const decode = () =>
      decodeBatch(messages, {
        validate: deps.validate,
        validateCorrection: deps.validateCorrection,
        partition,
        crewPartition: (crewId) => crewPartitionOf(crewId, generation.partitionCount()),
      });
    const outcomes = decode();
    const unknownCrew = outcomes.some(
      (o) => o.kind === 'dead-letter' && o.reason.errors?.some((e) => e.path === 'crewId'),
    );
    if (!unknownCrew || !deps.reloadRegistry || Date.now() - registryReadAt < REGISTRY_REREAD_MS) return outcomes;
    registryReadAt = Date.now();
    await deps.reloadRegistry();
    return decode();
  }

  /** No registry at all yet: an unknown crew says nothing then. Re-read it (at most every few seconds). */
  async function awaitRegistry(partition: number): Promise<void> {
    if (deps.registryLoaded()) return;
    if (deps.reloadRegistry && Date.now() - registryReadAt >= REGISTRY_REREAD_MS) {
      registryReadAt = Date.now();
      await deps.reloadRegistry();
      if (deps.registryLoaded()) return;
    }
    waiting.add(partition);
    throw new WaitSignal('no registry yet: events wait until crews are registered (PUT /v1/org)');
  }

  async function processBatch(payload: EachBatchPayload, entry: GroupEntry<PreparedBatch, RefusedRows>): Promise<void> {
    const { batch } = payload;
    await generation.ready();
    if (!payload.isRunning() || payload.isStale()) return;
    await awaitRegistry(batch.partition);
    waiting.delete(batch.partition);
    const { partition } = batch;
    const got = withGathered(partition, batch.messages);
    let accounted = false;
    try {
      accounted = await storeGathered(payload, got, entry);
    } finally {
      // The next fetch starts after the last offset resolved, which may be past earlier fetches
      // of this batch: keep them (the ledger asked again), or a batch refused by ClickHouse would
      // be formed again from the last fetch alone, and the earlier ones committed unstored.
      if (!accounted && !gathered.has(partition)) gathered.set(partition, { ...got, fresh: false });
    }
  }

  /**
   * One batch in its own insert (a ClickHouse server, or a batch an earlier attempt recorded
   * alone): recorded first, unless resent. 'follow' when another reader recorded a different batch
   * at this offset first (formed again at the next fetch).
   */
  async function storeAlone(
    extent: Extent,
    outcomes: readonly MessageOutcome[],
    fresh: PreparedBatch['fresh'],
    targets: ReadonlyMap<string, EventRow>,
    heartbeat: () => Promise<void>,
  ): Promise<RefusedRows | 'follow'> {
    const { partition } = extent;
    if (!extent.resendingOwnRows) {
      const marks = unmarked.splice(0);
      try {
        await recordBatch(client, extent, false, deps.now(), marks);
      } catch (err) {
        unmarked.unshift(...marks);
        throw err;
      }
      // Another reader of this partition (one this instance's lost membership made way for)
      // may have recorded a different batch at this offset: the ledger keeps only the first
      // record that reached it (its deduplication token names the offset), so follow that one.
      // No record at all means ours was the first and has since expired: ours stands. On the
      // embedded engine this process is the ledger's only writer (a second instance is
      // refused), so the read (a ClickHouse query per batch, ~7 ms of CPU) is left out.
      const first =
        deps.member.storage === 'embedded'
          ? undefined
          : await findRecordedBatch(client, {
              topic,
              partition,
              firstOffset: extent.firstOffset,
              firstTimestamp: extent.firstTimestamp,
            });
      if (first && first.lastOffset !== extent.lastOffset) {
        logger.info(
          { topic, partition, firstOffset: extent.firstOffset, recordedLastOffset: first.lastOffset },
          'another reader recorded a batch at this offset first; following it',
        );
        // Formed again at the next fetch; this time the recorded batch is looked up.
        committedNext.delete(partition);
        return 'follow';
      }
      pending.set(partition, { ...extent, stored: false, insertGroup: '' });
    }
    // Forwards and dead letters go out once the batch is settled and before its insert; a
    // resend sends them again (at least once), since the first attempt may have died first.
    await forward(outcomes);
    await sendDeadLetters(outcomes, extent, 'decoded');
    const started = performance.now();
    const token = batchToken(extent);
    // Rows ClickHouse refuses (a value it cannot take although it passed validation) are found
    // by splitting the insert; the rest is stored, the refused go to the dead-letter topic.
    const refusedRows = await deps.stores.run(
      (storedAt) =>
        insertIsolatingRefusedRows(
          fresh,
          (rows, label) =>
            insertConsumedRecords(
              client,
              rows,
              { topic, partition },
              targets,
              label === '' ? token : `${token}:${label}`,
              storedAt,
            ),
          { between: heartbeat },
        ),
      changedCrews(fresh.map((o) => o.event)),
      lifecycleCrews(fresh.map((o) => o.event)),
    );
    metrics.inserted((performance.now() - started) / 1000);
    deps.afterInsert?.();
    return refusedRows;
  }

  /**
   * Several partitions' batches in one insert (the embedded engine): recorded first as one group
   * whose token names every batch (unless it is a recorded group formed again), each batch's
   * forwards and dead letters, then one insert of all their rows in partition order under that
   * token. The refused rows of each batch, in the order given.
   */
  async function storeGroup(
    members: readonly GroupMember<PreparedBatch>[],
    recordedAs: string | undefined,
  ): Promise<RefusedRows[]> {
    const extents = members.map((m) => m.extent);
    let group = recordedAs;
    if (group === undefined) {
      // Stored records go with this one; all of a group's go in one insert, so a group is never
      // found stored for some of its batches and not for others.
      const marks = unmarked.splice(0);
      try {
        group = await recordInsertGroup(client, extents, deps.now(), marks);
      } catch (err) {
        unmarked.unshift(...marks);
        throw err;
      }
    }
    for (const e of extents) pending.set(e.partition, { ...e, stored: false, insertGroup: group });
    for (const { extent, member } of members) {
      await forward(member.outcomes);
      await sendDeadLetters(member.outcomes, extent, 'decoded');
    }
    const partitionOf = new Map<ConsumedRow['message'], number>();
    const rows: PreparedBatch['fresh'][number][] = [];
    const targets = new Map<string, EventRow>();
    for (const { extent, member } of members) {
      for (const o of member.fresh) {
        rows.push(o);
        partitionOf.set(o.message, extent.partition);
      }
      for (const [key, row] of member.targets) targets.set(key, row);
    }
    const token = group;
    const started = performance.now();
    const refusedRows = await deps.stores.run(
      (storedAt) =>
        insertIsolatingRefusedRows(
          rows,
          (part, label) =>
            insertConsumedRecords(
              client,
              part,
              { topic, partition: (row) => partitionOf.get(row.message) ?? -1 },
              targets,
              label === '' ? token : `${token}:${label}`,
              storedAt,
            ),
          { between: () => Promise.all(members.map((m) => m.member.heartbeat())).then(() => undefined) },
        ),
      changedCrews(rows.map((o) => o.event)),
      lifecycleCrews(rows.map((o) => o.event)),
    );
    metrics.inserted((performance.now() - started) / 1000);
    deps.afterInsert?.();
    const byMember = members.map(({ extent }) =>
      refusedRows.filter((r) => partitionOf.get(r.row.message) === extent.partition),
    );
    // Before any member commits: once one has, the group is not formed again (it is found stored),
    // so a member's refused rows must not wait for its own turn (a failure here fails the group).
    for (const [i, { extent }] of members.entries()) {
      const refused = (byMember[i] ?? []).map((r) => refusedByStorage(r.row.message, r.error));
      await sendDeadLetters(refused, extent, 'refused');
    }
    // Standings follow the whole group at once: its batches commit one by one, and a refresh
    // started by the first would leave the others to the next one. (Stored is durable; a batch
    // whose commit fails is fetched again, found stored, and refreshes once more, harmlessly.)
    const refusedSet = new Set(refusedRows.map((r) => r.row));
    const storedEvents = rows.filter((o) => !refusedSet.has(o)).map((o) => o.event);
    if (storedEvents.length > 0) deps.onStored(storedEvents);
    return byMember;
  }

  /**
   * Forms the batch from the messages gathered so far and stores and commits it, or keeps
   * gathering. False when its messages must be kept for the next attempt (nothing committed).
   */
  async function storeGathered(
    payload: EachBatchPayload,
    got: Gathered,
    entry: GroupEntry<PreparedBatch, RefusedRows>,
  ): Promise<boolean> {
    const { batch } = payload;
    const { partition } = batch;
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const heartbeat = () => groupCall(() => payload.heartbeat());
    const fetched = got.messages;
    const extent = await extentOf(partition, fetched, got.fresh);
    if (!extent || !isRunning() || isStale()) return false;
    if (extent === 'gather' || gathersMore(got, extent, batch.highWatermark)) {
      // Resolved, not committed: the next fetch goes on after these messages, and a restart or a
      // rebalance fetches the batch from its start again. A new batch is known to be fresh: the
      // ledger is not asked again at each fetch.
      gathered.set(partition, { ...got, fresh: extent !== 'gather' });
      const last = fetched.at(-1);
      if (last) payload.resolveOffset(last.offset);
      return true;
    }
    const log = logger.child({ topic, partition, firstOffset: extent.firstOffset, lastOffset: extent.lastOffset });
    const messages = fetched.filter((m) => Number(m.offset) <= extent.lastOffset);
    metrics.batch(messages.length);

    const routed = await decodeAll(messages, partition);
    const filter = deps.keyFilter;
    // The filter knows events' keys only: corrections are always looked up (they are few).
    const candidates: IngestRecord[] = [];
    for (const o of routed) {
      if (o.kind !== 'ok') continue;
      if (!filter || o.event.type === 'correction' || filter.mightContain(o.event.crewId, o.event.eventId)) {
        candidates.push(o.event);
      }
    }
    const stored = await findStoredRecordSources(client, candidates);
    // The content of the events found, to tell a resend from another event under a used id.
    const contents = await findStoredEvents(
      client,
      candidates.filter((e) => e.type !== 'correction' && stored.has(recordKey(e))),
    );
    const { outcomes, targets } = await checkCorrectionTargets(
      client,
      dedupeAgainstStored(routed, stored, extent, extent.resendingOwnRows, contents),
    );
    await heartbeat();

    const fresh = outcomes.flatMap((o) => (o.kind === 'ok' ? [o] : []));
    let refused: MessageOutcome[] = [];
    /** Its insert group told the standings already. */
    let refreshed = false;
    if (!isRunning() || isStale()) return false;
    if (!extent.alreadyStored) {
      let refusedRows: RefusedRows;
      // On the embedded engine (this process the only consumer) the batches processed together
      // are stored in one insert; a batch an earlier attempt recorded alone is resent alone.
      if (grouping && (extent.insertGroup !== '' || !extent.resendingOwnRows)) {
        let bytes = 0;
        for (const m of messages) bytes += m.value?.length ?? 0;
        // kafkajs heartbeats only when asked during a batch: a batch waiting behind other
        // groups' inserts (seconds each in a back-fill) must not let the session expire.
        const beat = setInterval(
          () => void heartbeat().catch(() => undefined),
          Math.max(500, Math.floor(config.sessionTimeoutMs / 4)),
        );
        let answer;
        try {
          answer = await entry.join(
            { extent, member: { outcomes, fresh, targets, heartbeat }, bytes },
            extent.insertGroup === '' ? undefined : extent.insertGroup,
          );
        } finally {
          clearInterval(beat);
        }
        if (answer.kind === 'parked') {
          parkBatch(payload, extent, answer.stored, outcomes, messages.length);
          return true;
        }
        refusedRows = answer.result;
        refreshed = true;
      } else {
        const alone = await storeAlone(extent, outcomes, fresh, targets, heartbeat);
        if (alone === 'follow') return false;
        refusedRows = alone;
      }
      const oldest = Number(messages[0]?.timestamp);
      // Kafka timestamps are wall-clock times, whatever clock the service was given.
      if (oldest > 0) metrics.storeDelay(Math.max(0, Date.now() - oldest) / 1000);
      refused = refusedRows.map((r) => refusedByStorage(r.row.message, r.error));
      await sendDeadLetters(refused, extent, 'refused');
      const refusedSet = new Set(refusedRows.map((r) => r.row));
      const storedRecords = fresh.filter((o) => !refusedSet.has(o)).map((o) => o.event);
      for (const key of storedEventKeys(storedRecords)) filter?.add(key.crewId, key.eventId);
      unmarked.push(extent);
      markStoredSoon();
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
    partitionProgressed(partition);

    const { storedCount, deadLetters, rerouted } = countOutcomes(
      outcomes,
      messages.length,
      refused.length,
      extent.alreadyStored,
    );
    metrics.lag(topic, partition, Math.max(0, Number(batch.highWatermark) - next));
    log.debug({ messages: messages.length, stored: storedCount, deadLetters, rerouted }, 'batch stored');
    // A batch an earlier attempt stored may not have refreshed the standings: refresh for all of
    // it (a repeated refresh is harmless).
    const notStored = new Set(refused.map((o) => o.message));
    const events: IngestRecord[] = [];
    for (const o of extent.alreadyStored ? routed : fresh) {
      if (o.kind === 'ok' && !notStored.has(o.message)) events.push(o.event);
    }
    if (events.length > 0 && !refreshed) deps.onStored(events);
    return true;
  }

  /** The consumed-events metrics of one batch. */
  function countOutcomes(
    outcomes: readonly MessageOutcome[],
    messageCount: number,
    refusedCount: number,
    alreadyStored: boolean,
  ): { storedCount: number; deadLetters: number; rerouted: number } {
    const counts = { ok: 0, 'dead-letter': 0, duplicate: 0, reroute: 0, conflict: 0 };
    for (const o of outcomes) {
      counts[o.kind]++;
      if (o.kind === 'dead-letter' && o.reason.code === 'conflict') counts.conflict++;
    }
    const storedCount = alreadyStored ? 0 : counts.ok - refusedCount;
    const deadLetters = alreadyStored ? 0 : counts['dead-letter'] + refusedCount;
    const rerouted = alreadyStored ? 0 : counts.reroute;
    metrics.outcomes('stored', storedCount);
    metrics.outcomes('rerouted', rerouted);
    metrics.outcomes('duplicate', messageCount - storedCount - deadLetters - rerouted);
    metrics.outcomes('dead_letter', deadLetters);
    if (!alreadyStored) metrics.conflicts(counts.conflict);
    return { storedCount, deadLetters, rerouted };
  }

  /**
   * A batch of a recorded insert group that came before the group's other batches (they come in
   * later fetches): its processing ends so that kafkajs fetches again, its partition pauses
   * (nothing after the batch may be stored before it), and once the group is stored it is marked,
   * committed and resumed. Dropped (a rebalance, a stop), the partition is fetched again from its
   * committed offset and the batch found recorded as before.
   */
  function parkBatch(
    payload: EachBatchPayload,
    extent: Extent,
    stored: Promise<RefusedRows | undefined>,
    outcomes: readonly MessageOutcome[],
    messageCount: number,
  ): void {
    const { partition } = extent;
    const at = { topic, partition, firstOffset: extent.firstOffset, lastOffset: extent.lastOffset };
    const resume = payload.pause();
    // Once resumed, the partition is fetched after the batch: it was stored with its group by then.
    payload.resolveOffset(String(extent.lastOffset));
    // Waiting, not progressing: a group that never comes whole shows as a stall (/readyz, log, gauge).
    progress.failed(partition, Date.now(), 0, `waiting for the other batches of insert group ${extent.insertGroup}`);
    logger.info(
      { ...at, insertGroup: extent.insertGroup },
      "batch waits for its recorded insert group's other batches",
    );
    void stored
      .then(async (refusedRows) => {
        if (refusedRows === undefined) return;
        const refusedSet = new Set(refusedRows.map((r) => r.row));
        const storedRecords: IngestRecord[] = [];
        for (const o of outcomes) if (o.kind === 'ok' && !refusedSet.has(o)) storedRecords.push(o.event);
        for (const key of storedEventKeys(storedRecords)) deps.keyFilter?.add(key.crewId, key.eventId);
        unmarked.push(extent);
        markStoredSoon();
        pending.delete(partition);
        const next = extent.lastOffset + 1;
        await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
        committedNext.set(partition, next);
        backoff.delete(partition);
        partitionProgressed(partition);
        countOutcomes(outcomes, messageCount, refusedRows.length, false);
        metrics.lag(topic, partition, Math.max(0, Number(payload.batch.highWatermark) - next));
        logger.info(at, 'batch stored with its recorded insert group');
      })
      .catch((err: unknown) => {
        // Its offset was resolved past it when it was parked: resumed as it is, the partition would
        // go on after it and nothing would commit it while no later batch comes (an idle partition
        // behind, and stalled, for good). Fetched again from its first offset, it is found stored
        // and committed as any batch is (whose failed commit rejoins the group); the ledger is
        // asked about it again.
        committedNext.delete(partition);
        try {
          consumer.seek({ topic, partition, offset: String(extent.firstOffset) });
        } catch (seekErr) {
          logger.debug({ err: seekErr, ...at }, 'could not seek back to a parked batch (the consumer stopped)');
        }
        logger.warn(
          { err, ...at },
          'could not commit a batch stored with its insert group; it is fetched again and committed then',
        );
      })
      .finally(() => {
        try {
          resume();
        } catch (err) {
          logger.debug({ err, ...at }, 'could not resume a partition (the consumer stopped)');
        }
      });
  }

  function markStoredSoon(): void {
    if (markTimer || stopping) return;
    markTimer = setTimeout(() => {
      markTimer = undefined;
      void markStored();
    }, MARK_STORED_AFTER_MS);
    markTimer.unref();
  }

  /** Writes the stored batches' records now; a failure keeps them for the next try. */
  async function markStored(): Promise<void> {
    const marks = unmarked.splice(0);
    const [first, ...rest] = marks;
    if (!first) return;
    try {
      await recordBatch(client, first, true, deps.now(), rest);
    } catch (err) {
      logger.warn({ err, batches: marks.length }, 'could not record stored batches in the ledger; will retry');
      unmarked.unshift(...marks);
      markStoredSoon();
    }
  }

  function partitionProgressed(partition: number): void {
    if (reportedStalled.delete(partition)) logger.info({ topic, partition }, 'partition progresses again');
    progress.progressed(partition);
    metrics.stalled(topic, partition, 0);
  }

  /** The first offset of the batch being formed: the first gathered fetch's, or this fetch's. */
  function batchStart(payload: EachBatchPayload): string | null {
    return gathered.get(payload.batch.partition)?.messages[0]?.offset ?? payload.batch.firstOffset();
  }

  /**
   * Pauses the batch's partition; it is fetched again from its resolved offset after a growing
   * wait (at most `maxMs`).
   */
  function pauseFor(
    payload: EachBatchPayload,
    reason: string,
    err?: unknown,
    maxMs = deps.maxBackoffMs ?? 30_000,
  ): void {
    const { partition } = payload.batch;
    const wait = Math.min(maxMs, (backoff.get(partition) ?? (deps.backoffMs ?? 500) / 2) * 2);
    backoff.set(partition, wait);
    const fields = { err, topic, partition, firstOffset: batchStart(payload), retryInMs: wait };
    if (err === undefined) logger.warn(fields, reason);
    else logger.error(fields, reason);
    const resume = payload.pause();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      resume();
    }, wait);
    resumeTimers.add(timer);
  }

  /** Logs partitions that turned stalled and keeps the stall gauge current. */
  function reportStalls(): void {
    const now = Date.now();
    for (const p of progress.failing()) metrics.stalled(topic, p.partition, Math.round((now - p.since) / 1000));
    for (const p of progress.stalled(now)) {
      if (reportedStalled.has(p.partition)) continue;
      reportedStalled.add(p.partition);
      logger.error(
        { topic, partition: p.partition, behind: p.behind, stalledForMs: now - p.since, lastError: p.lastError },
        'partition stalled: no batch stored since the first failure; its events wait (see lastError)',
      );
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    // Counted from the start: the batches of one fetch all start before any can wait in a group.
    const entry = insertGroups.enter();
    try {
      await processBatch(payload, entry);
    } catch (err) {
      // The group's own trouble (a rebalance) is kafkajs's to handle: it rejoins and refetches.
      if (err instanceof GroupError) throw err.cause;
      if (err instanceof GroupRefusedError) {
        giveUp(err);
        return;
      }
      if (err instanceof WaitSignal) {
        // Looked at again soon: the registry may be put any moment.
        pauseFor(payload, err.message, undefined, REGISTRY_REREAD_MS);
        return;
      }
      // ClickHouse (or the dead-letter topic) did not take the batch: nothing is committed.
      const { batch } = payload;
      const behind = Math.max(0, Number(batch.highWatermark) - Number(batchStart(payload) ?? batch.highWatermark));
      metrics.insertFailed();
      metrics.lag(topic, batch.partition, behind);
      progress.failed(batch.partition, Date.now(), behind, err instanceof Error ? err.message : String(err));
      reportStalls();
      pauseFor(payload, 'batch not stored; partition paused, will retry', err);
    } finally {
      entry.leave();
    }
  }

  const runConfig: ConsumerRunConfig = {
    eachBatchAutoResolve: false,
    autoCommit: false,
    // On the embedded engine all of a fetch's batches at once: they share one insert. Whatever the
    // setting says: a group an earlier attempt recorded forms again only when all its batches are
    // processed at once, so fewer workers than partitions with data (the setting lowered after a
    // crash, or a topic grown beyond KAFKA_EVENTS_PARTITIONS) would leave its batches waiting for good.
    partitionsConsumedConcurrently: grouping ? MAX_CONCURRENT_PARTITIONS : (config.partitionsConsumedConcurrently ?? 2),
    eachBatch,
  };

  /** Joins in the background: the service answers (and says 'joining') meanwhile. */
  function run(): void {
    generation.leftGroup();
    consumer.run(runConfig).catch((err: unknown) => {
      crashed = err;
      logger.fatal({ err }, 'consumer could not start: restart the service');
    });
  }

  /**
   * kafkajs does not notice partitions added to a topic it consumes: nobody would read them, and
   * crews would move to them. When the count grows, leave and rejoin, so the group reassigns
   * every partition and each member routes by the new count.
   */
  async function watchTopology(): Promise<void> {
    if (stopping || crashed !== undefined) return;
    const now = await generation.grownPartitionCount();
    if (now === undefined) return;
    logger.warn(
      { topic, partitionCount: now, was: generation.partitionCount() },
      'the events topic gained partitions: rejoining the group so that they are consumed and crews routed by the new count',
    );
    await consumer.stop();
    if (!stopping) run();
  }

  return {
    async start() {
      await consumer.connect();
      await admin.connect();
      try {
        await generation.checkBeforeJoin();
      } catch (err) {
        await consumer.disconnect();
        await admin.disconnect();
        throw err;
      }
      await consumer.subscribe({ topic, fromBeginning: true });
      run();
      const every = deps.topologyCheckMs ?? TOPOLOGY_CHECK_MS;
      watchTimer = setInterval(
        () => {
          reportStalls();
          watchTopology().catch((err: unknown) => logger.warn({ err }, 'could not check the events topic'));
        },
        Math.min(every, Math.max(1_000, config.stallAfterMs / 4)),
      );
      watchTimer.unref();
    },
    async stop() {
      stopping = true;
      clearInterval(watchTimer);
      clearTimeout(restartTimer);
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      // kafkajs waits for the batch in flight, then leaves the group.
      await consumer.disconnect();
      await admin.disconnect();
      insertGroups.dropParked();
      clearTimeout(markTimer);
      markTimer = undefined;
      await markStored();
    },
    assignment: () => assigned,
    consuming: () => crashed === undefined,
    status() {
      // What /readyz says is in the log and the metrics too, even between the timer's checks.
      reportStalls();
      const stalled = progress.stalled(Date.now());
      const state: ConsumerState =
        crashed !== undefined
          ? 'stopped'
          : !generation.joined()
            ? 'joining'
            : stalled.length > 0
              ? 'stalled'
              : waiting.size > 0
                ? 'waiting for registry'
                : 'consuming';
      return { state, stalled };
    },
  };
}
