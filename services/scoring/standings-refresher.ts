import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, dayInZone } from '../shared/calendar.ts';
import type { StandingsService } from './standings.service.ts';

export interface StoredEventRef {
  crewId: string;
  /** Epoch milliseconds. */
  occurredAtMs: number;
}

export interface StandingsRefresher {
  /** Tells the refresher which events were just stored. */
  eventsStored(events: readonly StoredEventRef[]): void;
  /** Marks one competition for recomputation (its definition or the registry changed). */
  competitionChanged(competitionId: string): void;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  /** Runs what is pending now instead of after its debounce, and resolves when all is done. */
  flush(): Promise<void>;
  /** Stops the timer and waits for the running recomputation. */
  close(): Promise<void>;
}

export interface RefresherDeps {
  catalog: Catalog;
  standings: StandingsService;
  logger: Logger;
  now: () => Date;
  /** Wait after the first event of a burst before recomputing, so one recompute covers the burst. */
  debounceMs: number;
  /** Days before today touched by late events are recomputed after this longer wait. */
  historyDebounceMs: number;
  /**
   * The share of time today's recomputation may take under a steady stream (default a third).
   * The scoring service behind Kafka takes a half: standings are its job, and HTTP ingest runs
   * elsewhere.
   */
  busyShare?: number;
}

/**
 * Recomputes the standings of the competitions that stored events touched: today's right after
 * a short debounce (screens see new events within about a second), earlier days that late
 * events landed in after a longer one, so bulk back-fills do not starve live updates.
 */
export function createStandingsRefresher(deps: RefresherDeps): StandingsRefresher {
  const { catalog, standings, logger, now } = deps;
  const dueToday = new Set<string>();
  /** competitionId -> earliest day a late event touched. */
  const dueHistory = new Map<string, string>();
  let todayTimer: NodeJS.Timeout | undefined;
  let historyTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let lastTodayMs = 0;

  function schedule(): void {
    if (closed) return;
    if (dueToday.size > 0 && !todayTimer) {
      // Under a steady stream, recomputing may take no more than busyShare of the time.
      const share = deps.busyShare ?? 1 / 3;
      const delay = Math.max(deps.debounceMs, lastTodayMs * (1 / share - 1));
      todayTimer = setTimeout(() => run('today'), delay);
    }
    if (dueHistory.size > 0 && !historyTimer) historyTimer = setTimeout(() => run('history'), deps.historyDebounceMs);
  }

  function run(which: 'today' | 'history'): void {
    if (which === 'today') todayTimer = undefined;
    else historyTimer = undefined;
    // A failed run is logged and the chain goes on: one rejection must not stop every later refresh.
    running = running
      .then(() => (which === 'today' ? refreshToday() : refreshHistory()))
      .catch((err: unknown) => logger.error({ err, which }, 'standings refresh failed'));
  }

  async function refreshToday(): Promise<void> {
    const ids = [...dueToday];
    dueToday.clear();
    const started = performance.now();
    for (const id of ids) {
      try {
        await standings.recompute(id);
      } catch (err) {
        logger.error({ err, competitionId: id }, 'standings refresh failed; will retry on the next event');
      }
    }
    lastTodayMs = performance.now() - started;
  }

  async function refreshHistory(): Promise<void> {
    const due = [...dueHistory];
    dueHistory.clear();
    for (const [id, fromDay] of due) {
      const competition = catalog.competition(id);
      if (!competition) continue;
      const today = standings.defaultDay(competition);
      // A late event changes every later day too, because standings are cumulative. Only days
      // that have a snapshot are rewritten; other days are computed when someone asks for them.
      let days: string[];
      try {
        days = await standings.snapshotDays(id, fromDay, addDays(today, -1));
      } catch (err) {
        logger.error({ err, competitionId: id }, 'history refresh failed; will retry');
        // Not lost: due again, to be tried after the next debounce.
        const earliest = dueHistory.get(id);
        if (earliest === undefined || fromDay < earliest) dueHistory.set(id, fromDay);
        continue;
      }
      for (const day of days) {
        try {
          await standings.recompute(id, day);
        } catch (err) {
          logger.error({ err, competitionId: id, day }, 'history refresh failed');
        }
      }
      // Today's rank movement is measured against the day before, which may just have changed.
      dueToday.add(id);
    }
    schedule();
  }

  return {
    eventsStored(events) {
      if (events.length === 0) return;
      // A batch of thousands of events covers a handful of days: find them once per time zone,
      // not once per event and competition.
      const daysByZone = new Map<string, Set<string>>();
      for (const stored of catalog.competitions()) {
        const { period, timeZone } = stored.definition;
        const today = dayInZone(now(), timeZone);
        let days = daysByZone.get(timeZone);
        if (!days) {
          days = new Set(events.map((event) => dayInZone(event.occurredAtMs, timeZone)));
          daysByZone.set(timeZone, days);
        }
        let touched = false;
        for (const day of days) {
          if (day < period.start || day > period.end) continue;
          touched = true;
          if (day < today) {
            standings.eventsLanded(stored.id, day);
            const earliest = dueHistory.get(stored.id);
            if (earliest === undefined || day < earliest) dueHistory.set(stored.id, day);
          }
        }
        if (touched) dueToday.add(stored.id);
      }
      schedule();
    },
    competitionChanged(competitionId) {
      dueToday.add(competitionId);
      schedule();
    },
    async idle() {
      for (;;) {
        const current = running;
        await current;
        if (current === running && !todayTimer && !historyTimer) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(deps.debounceMs, 50)));
      }
    },
    async flush() {
      // Until nothing waits: a history refresh makes today due again, behind a new timer.
      while (historyTimer || todayTimer) {
        if (historyTimer) {
          clearTimeout(historyTimer);
          run('history');
        }
        if (todayTimer) {
          clearTimeout(todayTimer);
          run('today');
        }
        await running;
      }
    },
    async close() {
      closed = true;
      clearTimeout(todayTimer);
      clearTimeout(historyTimer);
      todayTimer = historyTimer = undefined;
      await running;
    },
  };
}
