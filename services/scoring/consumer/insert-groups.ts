import type { BatchExtent } from '../../storage/consumer-batches.store.ts';

export interface GroupMember<M> {
  extent: BatchExtent;
  /** The batch as prepared for its insert. */
  member: M;
  /** Its messages' bytes: a group of fresh batches holds at most maxBytes (at least one batch). */
  bytes: number;
}

export type JoinAnswer<R> =
  | { kind: 'stored'; result: R }
  /**
   * A batch of a recorded group that is not whole yet: it waits with the group, out of the fetch
   * loop, until the group's other batches come (`stored` resolves with its result once the group
   * is stored, or undefined when it is dropped: dropParked).
   */
  | { kind: 'parked'; stored: Promise<R | undefined> };

/** One batch being processed. */
export interface GroupEntry<M, R> {
  /**
   * Joins the next insert of fresh batches, or, with `group`, the insert an earlier attempt
   * recorded under that token, formed again once each of its batches is here.
   */
  join(candidate: GroupMember<M>, group?: string): Promise<JoinAnswer<R>>;
  /** The batch's processing ended, whatever happened (idempotent). */
  leave(): void;
}

export interface InsertGroups<M, R> {
  /** A batch began processing: its groups wait for it until it joins one or leaves. */
  enter(): GroupEntry<M, R>;
  /** Lets go of every parked batch (a rebalance, a stop): their `stored` resolves undefined. */
  dropParked(): void;
}

export interface InsertGroupsDeps<M, R> {
  /**
   * Stores batches in one insert: fresh ones (`group` undefined: recorded first), or a recorded
   * group again exactly as recorded. One result per member, in the order given (by partition).
   */
  store: (members: readonly GroupMember<M>[], group: string | undefined) => Promise<R[]>;
  /** The partitions a recorded group's token names. */
  partitionsOf: (group: string) => number[];
  maxBytes: number;
}

interface Waiting<M, R> {
  candidate: GroupMember<M>;
  answer: (answer: JoinAnswer<R>) => void;
  fail: (err: unknown) => void;
  /** Set once parked: its batch's processing ended, and this tells it the group's outcome. */
  parked?: (result: R | undefined) => void;
}

const byPartition = <M, R>(a: Waiting<M, R>, b: Waiting<M, R>) =>
  a.candidate.extent.partition - b.candidate.extent.partition;

/**
 * Group commit for the consumer's batches: kafkajs hands the batches of one fetch to the consumer
 * at once, one per partition, and each insert costs the engine tens of ms before its rows. The
 * batches waiting here are stored in one insert once every batch being processed is waiting here
 * (or answered, or done), and not while an insert runs (those that come meanwhile go together in the next). A group
 * an earlier attempt recorded is formed again from exactly its batches, so that its resend is the
 * same insert under the same token. Its batches need not come in one fetch (a broker sends an
 * oversized record batch alone, several brokers fetch apart): one that comes before the others is
 * parked, its processing ends (the consumer pauses its partition) and it waits here until the
 * last one comes; an insert that fails leaves it parked for the retry.
 */
export function createInsertGroups<M, R>(deps: InsertGroupsDeps<M, R>): InsertGroups<M, R> {
  /** Batches being processed that have not been answered yet. */
  let unanswered = 0;
  let storing = false;
  let checkQueued = false;
  const fresh: Waiting<M, R>[] = [];
  const recorded = new Map<string, Waiting<M, R>[]>();

  /** Batches waiting here whose processing goes on (not parked). */
  const waitingCount = () => {
    let n = fresh.length;
    for (const members of recorded.values()) for (const w of members) if (!w.parked) n++;
    return n;
  };

  function park(w: Waiting<M, R>): void {
    w.answer({
      kind: 'parked',
      stored: new Promise<R | undefined>((resolve) => {
        w.parked = resolve;
      }),
    });
  }

  function queueCheck(): void {
    if (checkQueued) return;
    checkQueued = true;
    // After the batches handed over with this one have had their turn to start.
    setImmediate(() => {
      checkQueued = false;
      check();
    });
  }

  function check(): void {
    if (storing) return;
    const waiting = waitingCount();
    if (waiting === 0 || waiting < unanswered) return;
    for (const [group, members] of recorded) {
      const present = new Set(members.map((w) => w.candidate.extent.partition));
      if (deps.partitionsOf(group).every((p) => present.has(p))) {
        recorded.delete(group);
        run(members.sort(byPartition), group);
        return;
      }
    }
    // Every batch being processed waits, and no recorded group is whole: their batches wait for
    // the others out of the fetch loop (kafkajs fetches again only once a fetch's batches end).
    for (const members of recorded.values()) for (const w of members) if (!w.parked) park(w);
    fresh.sort(byPartition);
    const taken: Waiting<M, R>[] = [];
    let bytes = 0;
    while (fresh.length > 0) {
      const next = fresh[0] as Waiting<M, R>;
      if (taken.length > 0 && bytes + next.candidate.bytes > deps.maxBytes) break;
      bytes += next.candidate.bytes;
      taken.push(next);
      fresh.shift();
    }
    if (taken.length > 0) run(taken, undefined);
  }

  function run(members: Waiting<M, R>[], group: string | undefined): void {
    storing = true;
    deps
      .store(
        members.map((w) => w.candidate),
        group,
      )
      .then(
        (results) =>
          members.forEach((w, i) => {
            const result = results[i] as R;
            if (w.parked) w.parked(result);
            else w.answer({ kind: 'stored', result });
          }),
        (err: unknown) => {
          // The batches being processed fail (each is retried); the parked ones wait for that retry.
          const parked = members.filter((w) => w.parked);
          if (group !== undefined && parked.length > 0)
            recorded.set(group, [...parked, ...(recorded.get(group) ?? [])]);
          for (const w of members) if (!w.parked) w.fail(err);
        },
      )
      .finally(() => {
        storing = false;
        queueCheck();
      });
  }

  return {
    enter() {
      unanswered++;
      let counted = true;
      const uncount = () => {
        if (!counted) return;
        counted = false;
        unanswered--;
        queueCheck();
      };
      return {
        join(candidate, group) {
          return new Promise<JoinAnswer<R>>((resolve, reject) => {
            const waiting: Waiting<M, R> = {
              candidate,
              answer: (answer) => {
                uncount();
                resolve(answer);
              },
              fail: (err) => {
                uncount();
                // The store's own error as it is (the consumer tells a group's trouble by its class).
                reject(err instanceof Error ? err : new Error(String(err)));
              },
            };
            if (group === undefined) fresh.push(waiting);
            else {
              const members = recorded.get(group) ?? [];
              members.push(waiting);
              recorded.set(group, members);
            }
            queueCheck();
          });
        },
        leave: uncount,
      };
    },
    dropParked() {
      for (const [group, members] of recorded) {
        const rest = members.filter((w) => !w.parked);
        for (const w of members) w.parked?.(undefined);
        if (rest.length > 0) recorded.set(group, rest);
        else recorded.delete(group);
      }
    },
  };
}
