import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, dayInZone } from '../shared/calendar.ts';
import { landedDays, participantIds, type StoredEventRef } from './landed-days.ts';
import type { RecomputeMarks } from './recompute-marks.ts';
import type { StandingsMetrics } from './standings-metrics.ts';
import type { StandingsService } from './standings.service.ts';

export type { StoredEventRef } from './landed-days.ts';

/**
 * What changed scores: events stored for days before today (late events, and later corrections
 * and approvals), a new registry version, a newly published competition version, or a start
 * that found stored standings older than what is stored.
 */
export type ScoreChangeCause = 'events' | 'registry' | 'rules' | 'restart';

export interface StandingsRefresher {
  /**
   * Events were stored. Today's standings follow them after a short debounce; days before today
   * that they landed on are scores changed from that day on (see scoresChanged).
   */
  eventsStored(events: readonly StoredEventRef[]): void;
  /**
   * The one path for every change that affects scores: the competitions' standings from
   * `fromDay` (default: their period start) on are marked at once (answers for those days say
   * `recomputing`), then every stored day from there and today are recomputed in day order, so
   * each day's rank movement is measured against the day before as it now stands.
   */
  scoresChanged(competitionIds: Iterable<string>, cause: ScoreChangeCause, fromDay?: string): void;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  /** Runs what is pending now instead of after its debounce, and resolves when all is done. */
  flush(): Promise<void>;
  /** Stops the timers and waits for the running recomputation. */
  close(): Promise<void>;
}

export interface RefresherDeps {
  catalog: Catalog;
  standings: StandingsService;
  marks: RecomputeMarks;
  logger: Logger;
  now: () => Date;
  /**
   * Least time between the starts of two refreshes of today: the first events after a quiet spell
   * are recomputed at once, those stored meanwhile by the next refresh, which covers them all.
   */
  debounceMs: number;
  /**
   * Days before today touched by late events are recomputed after this longer wait, so bulk
   * back-fills do not recompute every stored day for every batch. Registry and rule changes wait
   * only debounceMs.
   */
  historyDebounceMs: number;
  /**
   * The share of time today's recomputation, and a pass for late events, may take under a steady
   * stream (default a third).
   * The scoring service behind Kafka takes a half: standings are its job, and HTTP ingest runs
   * elsewhere.
   */
  busyShare?: number;
  /**
   * The share of time today's refreshes may take under a steady stream (default busyShare): the
   * next one starts no sooner than the last one's length divided by it after the last one began.
   */
  todayShare?: number;
  metrics?: StandingsMetrics;
}

interface Pass {
  competitionId: string;
  /** What marked its days (a rule, registry or restart change if any did, else events). */
  cause: ScoreChangeCause;
  started: number;
  /** The competition's default day, recomputed last (today, or the last day of a past period). */
  today: string;
  /** Stored days from the marked day on, before today. */
  days: string[];
  next: number;
}

/**
 * Keeps standings equal to what is stored. Today's are recomputed as soon as events are stored,
 * at most once per debounceMs (screens see new events within about a second). Any change to earlier days, to the registry or
 * to the rules starts a pass over every stored day of the competition from the first day it
 * affects, one day per step, so today's refreshes still run between the steps (and inside a long
 * one); the pass ends with today's refresh, which keeps its pace under a steady stream (todayShare).
 */
export function createStandingsRefresher(deps: RefresherDeps): StandingsRefresher {
  const { catalog, standings, marks, logger, now } = deps;
  const dueToday = new Set<string>();
  /**
   * The day each competition's due refresh is for (its today when the events were stored). A
   * refresh that runs after the day turned computes the new day: the events stored in the last
   * moments of the day before are then that day's late events (scoresChanged).
   */
  const dueDay = new Map<string, string>();
  /** How long each competition's last refresh of today took (ms): a cycle runs the quickest first. */
  const refreshMs = new Map<string, number>();
  /** How long each competition's last pass took (ms): late events wait in proportion (scoresChanged). */
  const lastPassMs = new Map<string, number>();
  /** competitionId -> when (Date.now()) its marked days may start a pass. */
  const passDue = new Map<string, number>();
  const passCause = new Map<string, ScoreChangeCause>();
  /** Passes whose stored days are done and that end with the next refresh of today. */
  const awaitingToday = new Map<string, Pass>();
  let todayTimer: NodeJS.Timeout | undefined;
  let passTimer: NodeJS.Timeout | undefined;
  let pass: Pass | undefined;
  /** A chain of pass steps is queued or running; it goes on by itself while passes are due. */
  let stepping = false;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let lastTodayMs = 0;
  /** When (performance.now()) the last refresh of today started. */
  let lastTodayStart = -Infinity;
  /** When (performance.now()) the oldest events the next refresh of today shows were stored. */
  let dueSince: number | undefined;
  /** Today's refresh is due and queued on the chain; a pass step may run it sooner (todayInsideStep). */
  let todayQueued = false;
  /** A refresh of today a pass step started (todayInsideStep): the step ends only after it. */
  let insideStep: Promise<void> | undefined;

  function enqueue(task: () => Promise<void>, what: string): void {
    // A failed task is logged and the chain goes on: one rejection must not stop every later refresh.
    running = running.then(task).catch((err: unknown) => logger.error({ err, what }, 'standings refresh failed'));
  }

  function scheduleToday(): void {
    if (closed || dueToday.size === 0 || todayTimer) return;
    // Under a steady stream, recomputing may take no more than todayShare of the time. The first
    // events after a quiet spell wait for nothing: a waiting timer (a trailing debounce) added
    // its whole length to every live event's way to the screens.
    const share = deps.todayShare ?? deps.busyShare ?? 1 / 3;
    const spacing = Math.max(deps.debounceMs, lastTodayMs / share);
    const delay = Math.max(0, lastTodayStart + spacing - performance.now());
    todayTimer = setTimeout(() => {
      todayTimer = undefined;
      queueToday();
    }, delay);
  }

  function queueToday(): void {
    if (todayQueued) return;
    todayQueued = true;
    enqueue(runQueuedToday, 'today');
  }

  /** Runs today's queued refresh, unless a pass step ran it already. */
  async function runQueuedToday(): Promise<void> {
    if (!todayQueued) return;
    todayQueued = false;
    await refreshToday();
  }

  /**
   * Called inside a pass step, between its reads, its scoring and its write. A step over a past
   * day of 10,000 crews takes half a second or more, so a refresh of today queued behind it would
   * show live events that much later (p99 1.2 s after a back-fill, issue 19). It runs here
   * instead: the step's own reads are done or not yet begun, so neither sees the other half-way.
   */
  async function todayInsideStep(): Promise<void> {
    if (closed || !todayQueued) return;
    const run = runQueuedToday().catch((err: unknown) =>
      logger.error({ err, what: 'today' }, 'standings refresh failed'),
    );
    insideStep = run;
    await run;
  }

  function nextDue(): { id: string; at: number } | undefined {
    let next: { id: string; at: number } | undefined;
    for (const [id, at] of passDue) if (!next || at < next.at) next = { id, at };
    return next;
  }

  function schedulePasses(): void {
    // A running chain of steps picks up what becomes due by itself.
    if (closed || stepping) return;
    clearTimeout(passTimer);
    passTimer = undefined;
    const next = nextDue();
    if (!next) return;
    passTimer = setTimeout(startStepping, Math.max(0, next.at - Date.now()));
  }

  function startStepping(): void {
    passTimer = undefined;
    if (stepping || closed) return;
    stepping = true;
    enqueue(step, 'history');
  }

  async function refreshToday(): Promise<void> {
    // Quickest first: a small competition's screens need not wait behind 10,000 crews' refresh
    // (the wait of every competition in the cycle is least in this order).
    const ids = [...dueToday].sort((a, b) => (refreshMs.get(a) ?? 0) - (refreshMs.get(b) ?? 0));
    dueToday.clear();
    lastTodayStart = performance.now();
    const waitingSince = dueSince ?? lastTodayStart;
    dueSince = undefined;
    for (const id of ids) {
      const day = dueDay.get(id);
      dueDay.delete(id);
      const competition = catalog.competition(id);
      if (day !== undefined && competition && standings.defaultDay(competition) > day)
        scoresChanged([id], 'events', day);
    }
    const started = performance.now();
    // One cycle: competitions judging the same window share one read of the facts.
    await standings.shareReads(() => refreshEach(ids));
    const ended = performance.now();
    lastTodayMs = ended - started;
    deps.metrics?.todayRefreshed(lastTodayMs / 1000, (ended - waitingSince) / 1000);
  }

  async function refreshEach(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const ending = awaitingToday.get(id);
      const started = performance.now();
      try {
        await standings.recompute(id);
        refreshMs.set(id, performance.now() - started);
      } catch (err) {
        logger.error({ err, competitionId: id }, 'standings refresh failed; will retry on the next event');
        if (ending && awaitingToday.get(id) === ending) {
          awaitingToday.delete(id);
          retryLater(id, ending.today, ending.cause);
          schedulePasses();
        }
        continue;
      }
      // A pass that began since (marked again) ends with its own refresh of today.
      if (ending && awaitingToday.get(id) === ending) {
        awaitingToday.delete(id);
        marks.finished(id);
        passDone(ending);
      }
    }
  }

  function passDone(done: Pass): void {
    const { competitionId, cause, days } = done;
    lastPassMs.set(competitionId, performance.now() - done.started);
    // Late events start a pass every history debounce during a back-fill: not worth a line each.
    logger[cause === 'events' ? 'debug' : 'info'](
      {
        competitionId,
        cause,
        from: days[0] ?? done.today,
        days: days.length + 1,
        ms: Math.round(performance.now() - done.started),
      },
      'stored standings recomputed',
    );
  }

  /** The days were not rewritten: marked again, to be tried after the longer wait. */
  function retryLater(competitionId: string, fromDay: string, cause: ScoreChangeCause): void {
    marks.finished(competitionId);
    marks.mark(competitionId, fromDay);
    passDue.set(competitionId, Math.min(passDue.get(competitionId) ?? Infinity, Date.now() + deps.historyDebounceMs));
    if (!passCause.has(competitionId)) passCause.set(competitionId, cause);
  }

  async function beginPass(): Promise<Pass | undefined> {
    const due = nextDue();
    if (!due || due.at > Date.now()) return undefined;
    passDue.delete(due.id);
    awaitingToday.delete(due.id);
    const cause = passCause.get(due.id) ?? 'events';
    passCause.delete(due.id);
    const started = performance.now();
    const fromDay = marks.take(due.id);
    const competition = catalog.competition(due.id);
    if (fromDay === undefined || !competition) {
      marks.finished(due.id);
      return undefined;
    }
    const today = standings.defaultDay(competition);
    // Computations that started before the change finish first: a day one of them is about to
    // store for the first time is then among the stored days listed below.
    await standings.settled(due.id);
    try {
      const days = await standings.snapshotDays(due.id, fromDay, addDays(today, -1));
      return { competitionId: due.id, cause, started, days, today, next: 0 };
    } catch (err) {
      logger.error({ err, competitionId: due.id }, 'standings days could not be listed; will retry');
      retryLater(due.id, fromDay, cause);
      return undefined;
    }
  }

  /** One day of one pass; a step queues the next one behind whatever was queued meanwhile. */
  async function step(): Promise<void> {
    try {
      pass ??= await beginPass();
      const current = pass;
      if (!current) return;
      const day = current.days[current.next];
      if (day === undefined) {
        // Every stored day before today is done: today's refresh ends the pass.
        marks.reached(current.competitionId, current.today);
        awaitingToday.set(current.competitionId, current);
        dueToday.add(current.competitionId);
        // If the day turns first, the day the pass took for today is one more day to rewrite.
        const due = dueDay.get(current.competitionId);
        if (due === undefined || current.today < due) dueDay.set(current.competitionId, current.today);
        scheduleToday();
        pass = undefined;
        return;
      }
      marks.reached(current.competitionId, day);
      try {
        await standings.recompute(current.competitionId, day, { between: todayInsideStep });
      } catch (err) {
        logger.error({ err, competitionId: current.competitionId, day }, 'standings recompute failed; will retry');
        retryLater(current.competitionId, day, current.cause);
        pass = undefined;
        return;
      }
      current.next += 1;
    } finally {
      // A step that failed half-way (its read of yesterday's ranks) may not have waited for the
      // refresh of today it started: the chain goes on only after it, or close() and idle() would
      // return while it runs and the next refresh would start beside it.
      await insideStep;
      insideStep = undefined;
      const due = nextDue();
      if (!closed && (pass || (due && due.at <= Date.now()))) enqueue(step, 'history');
      else {
        stepping = false;
        schedulePasses();
      }
    }
  }

  function scoresChanged(competitionIds: Iterable<string>, cause: ScoreChangeCause, fromDay?: string): void {
    // Late events come in bursts (a back-fill); an organiser may import several sheets in a row;
    // at a start there is nothing to wait for.
    const share = deps.busyShare ?? 1 / 3;
    for (const id of competitionIds) {
      // A pass over many stored days of 100,000 persons takes minutes: during a back-fill, late
      // events wait until the last pass has had busyShare of the time, so the ingest is not starved.
      const delay =
        cause === 'events'
          ? Math.max(deps.historyDebounceMs, (lastPassMs.get(id) ?? 0) * (1 / share - 1))
          : cause === 'restart'
            ? 0
            : deps.debounceMs;
      const competition = catalog.competition(id);
      if (!competition) continue;
      const { period, timeZone } = competition.definition;
      const from = fromDay === undefined || fromDay < period.start ? period.start : fromDay;
      // Nothing to bring up to date before the first day (no standings exist yet; a pass would
      // fail as a day in the future and be retried for ever), nor after the last.
      if (from > period.end || period.start > dayInZone(now(), timeZone)) continue;
      // Sums kept for closed days do not include the events that just landed.
      if (cause === 'events') standings.eventsLanded(id, from);
      marks.mark(id, from);
      passDue.set(id, Math.min(passDue.get(id) ?? Infinity, Date.now() + delay));
      if (cause !== 'events' || !passCause.has(id)) passCause.set(id, cause);
    }
    schedulePasses();
  }

  function busy(): boolean {
    return (
      todayTimer !== undefined || passTimer !== undefined || stepping || passDue.size > 0 || awaitingToday.size > 0
    );
  }

  return {
    eventsStored(events) {
      if (events.length === 0) return;
      const landed = landedDays(events);
      for (const stored of catalog.competitions()) {
        const { period, timeZone, participants } = stored.definition;
        const today = dayInZone(now(), timeZone);
        const all = landed.all(timeZone);
        // Every competition over a closed day the events landed on drops what it keeps of that
        // day, its entrants' or not: closed days' sums are kept for all crews and shared by the
        // competitions that start on the same day (standings.service.ts).
        const landedBefore = earliestPast(all, period, today);
        // Only its participants' events change a competition's standings: another branch's crew's
        // late event rewrites none of its days, nor refreshes its today.
        const days =
          participants.scope === 'all' ? all : landed.of(timeZone, participantIds(catalog, stored.definition));
        const touched = [...days].some((day) => day >= period.start && day <= period.end);
        const from = earliestPast(days, period, today);
        // scoresChanged drops them from the day it marks.
        if (landedBefore !== undefined && landedBefore !== from) standings.eventsLanded(stored.id, landedBefore);
        if (from !== undefined) scoresChanged([stored.id], 'events', from);
        if (touched) {
          dueSince ??= performance.now();
          dueToday.add(stored.id);
          const due = dueDay.get(stored.id);
          const day = standings.defaultDay(stored);
          if (due === undefined || day < due) dueDay.set(stored.id, day);
        }
      }
      scheduleToday();
    },
    scoresChanged,
    async idle() {
      for (;;) {
        const current = running;
        await current;
        // Today's snapshots a cycle left to write are written once it ends (standings.service.ts).
        await standings.writesSettled();
        if (current === running && !busy()) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(deps.debounceMs, 50)));
      }
    },
    async flush() {
      // Until nothing waits: a failed pass is marked again, behind a new timer.
      while (!closed) {
        if (todayTimer) {
          clearTimeout(todayTimer);
          todayTimer = undefined;
          queueToday();
        }
        for (const id of passDue.keys()) passDue.set(id, 0);
        if (passDue.size > 0 && !stepping) {
          clearTimeout(passTimer);
          startStepping();
        }
        const current = running;
        await current;
        await standings.writesSettled();
        if (current === running && !busy()) return;
      }
    },
    async close() {
      closed = true;
      clearTimeout(todayTimer);
      clearTimeout(passTimer);
      todayTimer = passTimer = undefined;
      await running;
    },
  };
}

/** The earliest of the days inside the period and before today. */
function earliestPast(
  days: Iterable<string>,
  period: { start: string; end: string },
  today: string,
): string | undefined {
  let earliest: string | undefined;
  for (const day of days)
    if (day >= period.start && day <= period.end && day < today && (earliest === undefined || day < earliest))
      earliest = day;
  return earliest;
}
