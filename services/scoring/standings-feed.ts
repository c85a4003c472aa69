/** Who wants to know that a competition's standings were just computed (screens, over SSE). */
export interface StandingsFeed {
  publish(competitionId: string, asOf: string): void;
  subscribe(listener: (competitionId: string, asOf: string) => void): () => void;
}

export function createStandingsFeed(): StandingsFeed {
  const listeners = new Set<(competitionId: string, asOf: string) => void>();
  return {
    publish(competitionId, asOf) {
      for (const listener of listeners) listener(competitionId, asOf);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
