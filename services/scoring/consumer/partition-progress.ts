/**
 * Which partitions make no progress: a partition whose batches keep failing since `since` is
 * stalled once that has lasted `stallAfterMs`. Waiting for something expected (the registry) is
 * not a stall. Pure state; the consumer logs and exports it.
 */
export interface StalledPartition {
  partition: number;
  /** When its first failing batch failed (ms since the epoch). */
  since: number;
  /** Messages between the failing batch and the partition's end when it last failed. */
  behind: number;
  lastError: string;
}

export interface PartitionProgress {
  failed(partition: number, at: number, behind: number, error: string): void;
  progressed(partition: number): void;
  forget(partition: number): void;
  /** Partitions failing for at least stallAfterMs at `now`. */
  stalled(now: number): StalledPartition[];
  /** Every partition failing now, stalled or not yet. */
  failing(): StalledPartition[];
}

export function createPartitionProgress(stallAfterMs: number): PartitionProgress {
  const failing = new Map<number, StalledPartition>();
  return {
    failed(partition, at, behind, lastError) {
      const known = failing.get(partition);
      failing.set(partition, { partition, since: known?.since ?? at, behind, lastError });
    },
    progressed: (partition) => failing.delete(partition),
    forget: (partition) => failing.delete(partition),
    stalled: (now) =>
      [...failing.values()].filter((p) => now - p.since >= stallAfterMs).sort((a, b) => a.partition - b.partition),
    failing: () => [...failing.values()],
  };
}
