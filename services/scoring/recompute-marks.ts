/**
 * Which days of a competition's standings wait for a recomputation. A change that affects scores
 * marks its days at once, so an answer given right after the change already says they are being
 * recomputed; the refresher's pass then rewrites them in day order and clears them as it goes.
 */
export interface RecomputeMarks {
  /** The standings of `fromDay` and every later day no longer match what is stored. */
  mark(competitionId: string, fromDay: string): void;
  /** Competitions with marks no pass has taken yet. */
  queued(): string[];
  /**
   * Starts a pass: takes the competition's marks and returns the earliest marked day (undefined
   * when there is none). Its days stay pending until the pass reaches past them.
   */
  take(competitionId: string): string | undefined;
  /** The pass has rewritten every day before `day`. */
  reached(competitionId: string, day: string): void;
  /** The pass is over. */
  finished(competitionId: string): void;
  /** Whether the standings of that day wait for a recomputation. */
  pending(competitionId: string, day: string): boolean;
  /**
   * Counts the competition's marks: a computation that started when the count was n has seen
   * every change marked up to then.
   */
  generation(competitionId: string): number;
}

export function createRecomputeMarks(): RecomputeMarks {
  /** competitionId -> earliest marked day no pass has taken. */
  const queued = new Map<string, string>();
  /** competitionId -> the first day the running pass has not rewritten yet. */
  const inPass = new Map<string, string>();
  const generations = new Map<string, number>();
  const atOrBefore = (from: string | undefined, day: string) => from !== undefined && from <= day;
  return {
    mark(competitionId, fromDay) {
      generations.set(competitionId, (generations.get(competitionId) ?? 0) + 1);
      const earliest = queued.get(competitionId);
      if (earliest === undefined || fromDay < earliest) queued.set(competitionId, fromDay);
    },
    queued: () => [...queued.keys()],
    take(competitionId) {
      const fromDay = queued.get(competitionId);
      queued.delete(competitionId);
      if (fromDay !== undefined) inPass.set(competitionId, fromDay);
      return fromDay;
    },
    reached(competitionId, day) {
      inPass.set(competitionId, day);
    },
    finished(competitionId) {
      inPass.delete(competitionId);
    },
    pending: (competitionId, day) =>
      atOrBefore(queued.get(competitionId), day) || atOrBefore(inPass.get(competitionId), day),
    generation: (competitionId) => generations.get(competitionId) ?? 0,
  };
}
