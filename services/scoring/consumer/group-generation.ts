import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { GroupRefusedError, findConflictingMember, refusal, type MemberInfo } from './group-membership.ts';

/**
 * What one consumer-group generation may do, checked with the broker after each join: whether
 * this instance may work in the group at all (group-membership.ts), and the events topic's
 * partition count that crews are routed by. Batches wait for ready().
 */
export interface GroupGeneration {
  /** Before joining: a GroupRefusedError when the group holds an instance this one must not work beside. */
  checkBeforeJoin(): Promise<void>;
  /** kafkajs announced a join (GROUP_JOIN): check again before the generation's first batch. */
  joinedGroup(): void;
  /** A rebalance started (or the consumer is (re)starting): not joined until the next check. */
  leftGroup(): void;
  /** Resolves once the generation may process batches; rejects with GroupRefusedError if never. */
  ready(): Promise<void>;
  joined(): boolean;
  partitionCount(): number;
  /** The topic's partition count now, when it has grown past the one this generation routes by. */
  grownPartitionCount(): Promise<number | undefined>;
}

export interface GroupGenerationDeps {
  admin: Admin;
  topic: string;
  group: string;
  member: MemberInfo;
  logger: Logger;
}

/** What Kafka answers about a group whose coordinator is not ready yet (a broker just started, or the group moving). */
const COORDINATOR_NOT_READY = new Set([
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
]);

/** True when the error, or one it was caused by, says the group's coordinator is not ready yet. */
export function coordinatorNotReady(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.name === 'KafkaJSGroupCoordinatorNotFound') return true;
    const type: unknown = (e as { type?: unknown }).type;
    if (typeof type === 'string' && COORDINATOR_NOT_READY.has(type)) return true;
  }
  return false;
}

/**
 * Calls until the group's coordinator answers: kafkajs gives up after its few retries (about 3 s),
 * and a broker that has just started (creating __consumer_offsets and electing its coordinators)
 * can take longer, under load, before it can say who is in a group. Other errors, and the last
 * one after `waitMs`, are thrown.
 */
export async function whenCoordinatorReady<T>(
  call: () => Promise<T>,
  {
    waitMs,
    sleep,
    now,
    onWait,
  }: { waitMs: number; sleep: (ms: number) => Promise<void>; now: () => number; onWait: (err: unknown) => void },
): Promise<T> {
  const deadline = now() + waitMs;
  let pause = 250;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!coordinatorNotReady(err) || now() >= deadline) throw err;
      if (attempt === 0) onWait(err);
      await sleep(Math.min(pause, Math.max(0, deadline - now())));
      pause = Math.min(2_000, pause * 2);
    }
  }
}

/** How long the check before joining waits for a group coordinator that is not ready yet. */
const COORDINATOR_WAIT_MS = 60_000;

export function createGroupGeneration(deps: GroupGenerationDeps): GroupGeneration {
  const { admin, topic, group, member, logger } = deps;
  const coordinatorWait = {
    waitMs: COORDINATOR_WAIT_MS,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    onWait: (err: unknown) =>
      logger.warn({ err, group }, "the group's coordinator is not ready yet (a broker starting?): waiting for it"),
  };
  let joined = false;
  let partitionCount = 0;
  let checked: Promise<void> = Promise.resolve();

  async function topicPartitions(): Promise<number> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  }

  async function conflicting(afterJoin: boolean): Promise<void> {
    const { groups } = await admin.describeGroups([group]);
    const other = findConflictingMember(groups[0]?.members ?? [], member, afterJoin);
    if (other) throw refusal(group, member, other);
  }

  async function check(): Promise<void> {
    await conflicting(true);
    partitionCount = await topicPartitions();
    joined = true;
    logger.info({ topic, partitionCount }, 'joined the group; routing crews by murmur2 over the partitions');
  }

  function recheck(): void {
    checked = check();
    // A rejection is handled where batches await it; this copy only keeps it from going unhandled.
    checked.catch(() => undefined);
  }

  return {
    checkBeforeJoin: () => whenCoordinatorReady(() => conflicting(false), coordinatorWait),
    joinedGroup: recheck,
    leftGroup: () => {
      joined = false;
    },
    async ready() {
      try {
        // Never route by an unknown count (kafkajs announces a join before its first batch, but
        // nothing else promises it).
        if (partitionCount === 0) checked = checked.then(check);
        await checked;
      } catch (err) {
        // A check that failed for another reason (the broker briefly away) is tried again.
        if (!(err instanceof GroupRefusedError)) recheck();
        throw err;
      }
    },
    joined: () => joined,
    partitionCount: () => partitionCount,
    async grownPartitionCount() {
      if (!joined) return undefined;
      const now = await topicPartitions();
      return now > partitionCount ? now : undefined;
    },
  };
}
