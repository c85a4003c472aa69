import type { InsertHealth } from './insert-health.ts';

/**
 * Event inserts in flight, each stamped with the time it gives its rows' stored_at. Closing a
 * period stamps its closing time, waits for the inserts stamped before it, and only then reads
 * the events: every event is then either in the frozen standings or stored from the closing on
 * (late), never neither.
 */
export interface StoreTracker {
  /**
   * Runs an insert, handing it its stored_at (ISO 8601). `crewIds` are the crews whose facts its
   * rows may change (a correction's crew and its replacement's): they are told to the listeners
   * when it ends (see onEnded). `lifecycleCrewIds`, of those, the crews whose hazards or
   * innovations it may change (lifecycleCrews); all of them when not given.
   */
  run<T>(
    insert: (storedAt: string) => Promise<T>,
    crewIds: Iterable<string>,
    lifecycleCrewIds?: Iterable<string>,
  ): Promise<T>;
  /**
   * Called with an insert's crews (and those of them whose hazards or innovations it may change)
   * when it ends, stored or failed, before storedBefore() can pass its stamp: whoever takes
   * storedBefore() and the crews told so far in one synchronous step knows that every event
   * stored before that instant is of a crew told (today's standings read only those crews again,
   * todays-crew-facts.ts).
   */
  onEnded(listener: (crewIds: ReadonlySet<string>, lifecycleCrewIds: ReadonlySet<string>) => void): void;
  /** Resolves once every insert stamped before `instant` has finished, stored or failed. */
  settled(instant: Date): Promise<void>;
  /**
   * Every event stored before this instant can be read now: the stamp of the oldest insert in
   * flight, or now. Standings record it with what they read.
   */
  storedBefore(): Date;
}

/** With `health`, every insert's outcome is reported to it (for /readyz). */
export function createStoreTracker(now: () => Date, health?: InsertHealth): StoreTracker {
  const inFlight = new Set<{ stamp: number; done: Promise<unknown> }>();
  const listeners: ((crewIds: ReadonlySet<string>, lifecycleCrewIds: ReadonlySet<string>) => void)[] = [];
  return {
    async run(insert, crewIds, lifecycleCrewIds) {
      // Taken before the insert: a caller may reuse what it handed in.
      const crews = new Set(crewIds);
      const lifecycle = lifecycleCrewIds === undefined ? crews : new Set(lifecycleCrewIds);
      const stamp = now();
      const done = insert(stamp.toISOString());
      const entry = { stamp: stamp.getTime(), done };
      inFlight.add(entry);
      try {
        const result = await done;
        health?.succeeded();
        return result;
      } catch (err) {
        health?.failed(err);
        throw err;
      } finally {
        // Told first: once the entry is gone, storedBefore() may pass its stamp.
        try {
          for (const listener of listeners) listener(crews, lifecycle);
        } finally {
          inFlight.delete(entry);
        }
      }
    },
    onEnded(listener) {
      listeners.push(listener);
    },
    storedBefore() {
      let oldest = now().getTime();
      for (const entry of inFlight) oldest = Math.min(oldest, entry.stamp);
      return new Date(oldest);
    },
    async settled(instant) {
      const before = [...inFlight].filter((e) => e.stamp < instant.getTime()).map((e) => e.done);
      await Promise.allSettled(before);
    },
  };
}
