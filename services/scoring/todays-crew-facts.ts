import { sameFacts } from './engine/score-memo.ts';
import { EMPTY_FACTS, type CrewFacts, type FactsChanges } from './engine/types.ts';
import type { MetricSums } from './metric-sums.query.ts';

type Facts = Map<string, CrewFacts>;

/**
 * A read's facts, saying which crews' may differ from the last read of every crew (`base`): a
 * crew not listed has the very same record, so each competition's score memo looks at the listed
 * crews only (score-memo.ts) instead of looking up all 10,000 for each of 300 competitions.
 */
export type ReadFacts = Facts & { readonly changes: FactsChanges };

function withChanges(facts: Facts, changes: FactsChanges): ReadFacts {
  return Object.assign(facts, { changes });
}

/**
 * Today's crews' facts, read again only for the crews stored since the last read (issue 19: a
 * burst touches a few hundred of 50,000 crews, and reading, parsing and adding every crew's sums
 * of today was most of a refresh). A crew's facts of a day depend only on its own events (sums,
 * hazards, innovations, overdue hazards) and on the day, so the last read with the crews told
 * since read again equals a read of all. What keeps that true:
 *
 * - the crews are told by the store tracker when an insert ends, before its stamp can pass
 *   storedBefore() (store-tracker.ts); `read` takes them in the same synchronous step as the
 *   caller takes storedBefore(), so every event stored before that instant is of a crew read now
 *   or read before by a read that began after it was stored;
 * - the kept facts are the closed days' sums plus today's: they are kept only while the caller
 *   hands the very same closed sums (events landing on a closed day, or the day turning, give new
 *   ones, and the next read is a full one);
 * - reads of one window are chained: a read lays its crews over the previous read's result;
 * - a failed read drops what is kept, and the next read is a full one;
 * - only on the embedded engine, where this process stores every event and an insert's rows are
 *   visible when it ends; on a server a timed-out insert may still be applied after, or a replica
 *   may show acknowledged rows later (the caller's choice: standings.service.ts);
 * - and every crew is read again at least once a minute regardless.
 */
export interface TodaysCrewFacts {
  /**
   * Crews whose facts may have changed (an insert naming them ended, stored or failed), and of
   * them those whose hazards or innovations may have (all of them when not given).
   */
  touched(crewIds: Iterable<string>, lifecycleCrewIds?: Iterable<string>): void;
  /**
   * Every crew's facts over `key`'s window: `full()` when nothing is kept for it over the same
   * `closed` (or see the options), else the kept facts with the crews told since read again by
   * `crews(ids, lifecycleIds)`: their sums, and the hazards and innovations of `lifecycleIds`
   * only (the others keep theirs). Takes the told crews synchronously: call it in the same step
   * as storedBefore().
   */
  read(
    key: string,
    closed: Promise<MetricSums>,
    full: () => Promise<Facts>,
    crews: (ids: readonly string[], lifecycleIds: readonly string[]) => Promise<Facts>,
  ): Promise<ReadFacts>;
}

export interface TodaysCrewFactsOptions {
  /**
   * Every crew is read again at least this often (ms, default a minute): what the crews told
   * cannot cover (an engine that shows rows after their insert ended) is then served at most
   * this late.
   */
  fullEveryMs?: number;
  /** What a window has not been read for this long (ms, default ten minutes) is let go. */
  idleMs?: number;
  /** Elapsed time in ms (default performance.now). */
  elapsed?: () => number;
}

interface Kept {
  closed: Promise<MetricSums>;
  facts: Promise<ReadFacts>;
  /** Crews told since `facts` began its read. */
  touched: Set<string>;
  /** Of them, those whose hazards or innovations may have changed. */
  touchedLifecycle: Set<string>;
  /** When the last read of every crew began, and this window was last read (elapsed ms). */
  fullAt: number;
  readAt: number;
  /** How many crews `facts` holds, once read. */
  size: number;
}

type LifecycleFacts = Pick<CrewFacts, 'hazards' | 'innovations' | 'overdueHazards'>;

function lifecycleOf({ hazards, innovations, overdueHazards }: CrewFacts): LifecycleFacts {
  return overdueHazards === undefined ? { hazards, innovations } : { hazards, innovations, overdueHazards };
}

function hasLifecycle({ hazards, innovations, overdueHazards }: CrewFacts): boolean {
  return (
    hazards.found > 0 || hazards.rectified > 0 || innovations.length > 0 || Object.keys(overdueHazards ?? {}).length > 0
  );
}

/**
 * A crew's facts from its sums just read and the hazards and innovations it had, which were not
 * read again (no event of theirs was stored). Like a read of every crew: none when it has neither.
 */
function sumsOverKept(read: CrewFacts | undefined, was: CrewFacts | undefined): CrewFacts | undefined {
  if (was === undefined) return read;
  if (read === undefined) return hasLifecycle(was) ? { ...EMPTY_FACTS, ...lifecycleOf(was) } : undefined;
  return { metrics: read.metrics, lastIncidentDay: read.lastIncidentDay, ...lifecycleOf(was) };
}

/** Above this many crews told, and a quarter of those kept, every crew is read instead. */
const MIN_FULL_READ = 1000;

export function createTodaysCrewFacts(options: TodaysCrewFactsOptions = {}): TodaysCrewFacts {
  const { fullEveryMs = 60_000, idleMs = 600_000, elapsed = () => performance.now() } = options;
  const kept = new Map<string, Kept>();

  function keep(key: string, entry: Kept): Promise<ReadFacts> {
    kept.set(key, entry);
    void entry.facts.then(
      (facts) => (entry.size = facts.size),
      // A failed read is not built on: the next one reads every crew.
      () => {
        if (kept.get(key) === entry) kept.delete(key);
      },
    );
    return entry.facts;
  }

  /** Every crew read; a crew whose facts equal the last read's keeps that record (see below). */
  function readAll(
    key: string,
    closed: Promise<MetricSums>,
    full: () => Promise<Facts>,
    now: number,
  ): Promise<ReadFacts> {
    const previous = kept.get(key)?.facts.catch(() => undefined);
    const facts = full().then(async (read) => {
      const before = await previous;
      if (before !== undefined)
        for (const [id, f] of read) {
          const was = before.get(id);
          if (was !== undefined && was !== f && sameFacts(was, f)) read.set(id, was);
        }
      // The base of the reads laid over it until the next read of every crew.
      return withChanges(read, { base: read, ids: [] });
    });
    return keep(key, {
      closed,
      facts,
      touched: new Set(),
      touchedLifecycle: new Set(),
      fullAt: now,
      readAt: now,
      size: 0,
    });
  }

  return {
    touched(crewIds, lifecycleCrewIds) {
      if (kept.size === 0) return;
      // Iterated once (a generator would tell only the first window); a crew with new hazards or
      // innovations is told whole, whether or not the caller named it in both.
      const crews = [...crewIds];
      const lifecycle = lifecycleCrewIds === undefined ? crews : [...lifecycleCrewIds];
      for (const entry of kept.values()) {
        for (const id of crews) entry.touched.add(id);
        for (const id of lifecycle) {
          entry.touched.add(id);
          entry.touchedLifecycle.add(id);
        }
      }
    },
    read(key, closed, full, crews) {
      const now = elapsed();
      // A window nobody reads any more (the day turned, a definition changed) is let go.
      for (const [k, entry] of kept) if (now - entry.readAt > idleMs) kept.delete(k);
      const last = kept.get(key);
      if (
        last === undefined ||
        last.closed !== closed ||
        now - last.fullAt >= fullEveryMs ||
        // A burst over most crews: one read of all costs less than naming each.
        last.touched.size > Math.max(MIN_FULL_READ, last.size / 4)
      )
        return readAll(key, closed, full, now);
      last.readAt = now;
      if (last.touched.size === 0) return last.facts;
      const ids = [...last.touched];
      const lifecycle = last.touchedLifecycle;
      const read = crews(
        ids,
        ids.filter((id) => lifecycle.has(id)),
      );
      const facts = Promise.all([last.facts, read]).then(([before, fresh]) => {
        const next: Facts = new Map(before);
        for (const id of ids) {
          const was = before.get(id);
          const f = lifecycle.has(id) ? fresh.get(id) : sumsOverKept(fresh.get(id), was);
          if (f === undefined) next.delete(id);
          // Equal facts keep their record: every competition's score memo then sees it unchanged
          // by identity (300 competitions over 10,000 crews compared each crew's sums by value
          // 300 times per refresh cycle).
          else if (was === undefined || !sameFacts(was, f)) next.set(id, f);
        }
        // Every crew told since the base may differ from it; the others have its very records.
        const since = new Set(before.changes.ids);
        for (const id of ids) since.add(id);
        return withChanges(next, { base: before.changes.base, ids: [...since] });
      });
      return keep(key, { ...last, facts, touched: new Set(), touchedLifecycle: new Set(), size: last.size });
    },
  };
}
