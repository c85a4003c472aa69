import { Histogram, type Registry } from 'prom-client';

/** How quickly today's standings follow the events stored (scraped at /metrics). */
export interface StandingsMetrics {
  /** A refresh of today ended: how long it took, and how long its oldest stored events had waited for it to end. */
  todayRefreshed(refreshSeconds: number, followedSeconds: number): void;
}

export function createStandingsMetrics(registry: Registry): StandingsMetrics {
  const refresh = new Histogram({
    name: 'leaderboard_standings_today_refresh_seconds',
    help: "Time one refresh of today's standings took (every competition the stored events touched)",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const followed = new Histogram({
    name: 'leaderboard_standings_follow_seconds',
    help: "Time from events being stored to the end of the refresh of today's standings that shows them (its oldest events)",
    buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [registry],
  });
  return {
    todayRefreshed(refreshSeconds, followedSeconds) {
      refresh.observe(refreshSeconds);
      followed.observe(followedSeconds);
    },
  };
}
