import { sameFacts } from './engine/score-memo.ts';
import type { CrewFacts } from './engine/types.ts';
import type { MetricSums } from './metric-sums.query.ts';

type Facts = Map<string, CrewFacts>;

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
 * - only where this process stores every event (the caller's choice: standings-ownership.ts).
 */
export interface TodaysCrewFacts {
  /** Crews whose facts may have changed (an insert naming them ended, stored or failed). */
  touched(crewIds: Iterable<string>): void;
  /**
   * Every crew's facts over `key`'s window (today being `day`): `full()` when nothing is kept for
   * it over the same `closed`, else the kept facts with the crews told since read again by `crews(ids)`. Takes
   * the told crews synchronously: call it in the same step as storedBefore().
   */
  read(
    key: string,
    day: string,
    closed: Promise<MetricSums>,
    full: () => Promise<Facts>,
    crews: (ids: readonly string[]) => Promise<Facts>,
  ): Promise<Facts>;
}

interface Kept {
  day: string;
  closed: Promise<MetricSums>;
  facts: Promise<Facts>;
  /** Crews told since `facts` began its read. */
  touched: Set<string>;
}

export function createTodaysCrewFacts(): TodaysCrewFacts {
  const kept = new Map<string, Kept>();

  function keep(key: string, entry: Kept): Promise<Facts> {
    kept.set(key, entry);
    // A failed read is not built on: the next one reads every crew.
    entry.facts.catch(() => {
      if (kept.get(key) === entry) kept.delete(key);
    });
    return entry.facts;
  }

  return {
    touched(crewIds) {
      if (kept.size === 0) return;
      for (const id of crewIds) for (const entry of kept.values()) entry.touched.add(id);
    },
    read(key, day, closed, full, crews) {
      const last = kept.get(key);
      if (last === undefined || last.closed !== closed) {
        // When the day turns, what was kept for the day before is left behind.
        for (const [k, entry] of kept) if (entry.day !== day) kept.delete(k);
        const previous = last?.day === day ? last.facts.catch(() => undefined) : undefined;
        const facts = full().then(async (read) => {
          // A crew whose facts equal the last read's keeps that record (see below).
          const before = await previous;
          if (before !== undefined)
            for (const [id, f] of read) {
              const was = before.get(id);
              if (was !== undefined && was !== f && sameFacts(was, f)) read.set(id, was);
            }
          return read;
        });
        return keep(key, { day, closed, facts, touched: new Set() });
      }
      if (last.touched.size === 0) return last.facts;
      const ids = [...last.touched];
      const read = crews(ids);
      const facts = Promise.all([last.facts, read]).then(([before, now]) => {
        const next = new Map(before);
        for (const id of ids) {
          const f = now.get(id);
          const was = before.get(id);
          if (f === undefined) next.delete(id);
          // Equal facts keep their record: every competition's score memo then sees it unchanged
          // by identity (300 competitions over 10,000 crews compared each crew's sums by value
          // 300 times per refresh cycle).
          else if (was === undefined || !sameFacts(was, f)) next.set(id, f);
        }
        return next;
      });
      return keep(key, { day, closed, facts, touched: new Set() });
    },
  };
}
