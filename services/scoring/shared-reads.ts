/**
 * Reads that competitions over the same crews share within one refresh cycle (issue 19: 300
 * competitions over 10,000 crews read the same sums 300 times). A cycle is the refresher's pass
 * over the competitions due after a burst of events: a read taken in it is reused by every
 * computation of the cycle that asks for the same window, with the instant it was taken, so a
 * snapshot says it holds the events stored before that instant and no later ones. Events stored
 * meanwhile make their competitions due again, and the next cycle reads afresh; outside a cycle
 * nothing is kept. Events landing on an earlier day drop what is kept at once (dropAll).
 */
export interface SharedReads<T> {
  /** The value for a key: kept in a cycle, loaded otherwise; with the instant its read began. */
  get(key: string, load: () => Promise<T>, storedBefore: () => Date): { value: Promise<T>; storedBefore: Date };
  /** Runs a cycle: reads taken during `run` are shared, and dropped when it ends. */
  cycle<R>(run: () => Promise<R>): Promise<R>;
  dropAll(): void;
}

export function createSharedReads<T>(): SharedReads<T> {
  const kept = new Map<string, { value: Promise<T>; storedBefore: Date }>();
  let open = 0;
  return {
    get(key, load, storedBefore) {
      const hit = open > 0 ? kept.get(key) : undefined;
      if (hit) return hit;
      const entry = { storedBefore: storedBefore(), value: load() };
      if (open > 0) {
        kept.set(key, entry);
        // A failed read is not shared; the caller sees the error.
        entry.value.catch(() => {
          if (kept.get(key) === entry) kept.delete(key);
        });
      }
      return entry;
    },
    async cycle(run) {
      open += 1;
      try {
        return await run();
      } finally {
        open -= 1;
        if (open === 0) kept.clear();
      }
    },
    dropAll() {
      kept.clear();
    },
  };
}
