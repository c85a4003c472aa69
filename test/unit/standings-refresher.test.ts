import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../services/catalog/catalog.ts';
import { createRecomputeMarks, type RecomputeMarks } from '../../services/scoring/recompute-marks.ts';
import { createStandingsRefresher } from '../../services/scoring/standings-refresher.ts';
import type { RecomputeOptions, StandingsService } from '../../services/scoring/standings.service.ts';
import type { StoredCompetition } from '../../services/storage/competitions.store.ts';

const competition = {
  id: 'c1',
  version: 1,
  savedAt: '2026-03-01T00:00:00Z',
  definition: {
    period: { start: '2026-03-01', end: '2026-03-31' },
    timeZone: 'Asia/Shanghai',
    participants: { scope: 'all' },
  },
} as unknown as StoredCompetition;
const catalog = {
  competitions: () => [competition],
  competition: (id: string) => (id === 'c1' ? competition : undefined),
} as unknown as Catalog;
const now = () => new Date('2026-03-10T12:00:00+08:00');

/**
 * A standings service that records recomputations (and what was pending when each ran); its day
 * lookup fails as often as told.
 */
function fakeStandings(
  marks: RecomputeMarks,
  options: {
    snapshotDayFailures?: number;
    recomputeMs?: number;
    onRecompute?: (day: string | undefined) => void;
    onRecomputed?: (day: string | undefined) => void;
  } = {},
) {
  const recomputed: string[] = [];
  /** Each recomputation's start and end, in the order they happened. */
  const log: string[] = [];
  const pendingSeen: string[] = [];
  let failures = options.snapshotDayFailures ?? 0;
  const service = {
    defaultDay: () => '2026-03-10',
    recompute: async (id: string, day?: string, recomputeOptions?: RecomputeOptions) => {
      recomputed.push(`${id} ${day ?? 'today'}`);
      log.push(`start ${day ?? 'today'}`);
      options.onRecompute?.(day);
      const judged = day ?? '2026-03-10';
      const before = ['2026-03-01', '2026-03-04', '2026-03-08', '2026-03-09'].filter((d) => d < judged).at(-1);
      pendingSeen.push(
        `${judged}:${marks.pending(id, judged)}${before ? ` ${before}:${marks.pending(id, before)}` : ''}`,
      );
      // Like the service: reads, then between(), scoring, then between(), the write.
      const third = (options.recomputeMs ?? 0) / 3;
      if (third) await new Promise((resolve) => setTimeout(resolve, third));
      await recomputeOptions?.between?.();
      if (third) await new Promise((resolve) => setTimeout(resolve, third));
      await recomputeOptions?.between?.();
      if (third) await new Promise((resolve) => setTimeout(resolve, third));
      log.push(`end ${day ?? 'today'}`);
      options.onRecomputed?.(day);
    },
    snapshotDays: (_id: string, from: string) => {
      if (failures-- > 0) return Promise.reject(new Error('ClickHouse is away'));
      return Promise.resolve(['2026-03-01', '2026-03-04', '2026-03-08', '2026-03-09'].filter((d) => d >= from));
    },
    eventsLanded: () => undefined,
    settled: () => Promise.resolve(),
    shareReads: (run: () => Promise<unknown>) => run(),
    writesSettled: () => Promise.resolve(),
  } as unknown as StandingsService;
  return { service, recomputed, pendingSeen, log };
}

function refresherFor(standings: StandingsService, marks: RecomputeMarks, historyDebounceMs = 1) {
  return createStandingsRefresher({
    catalog,
    standings,
    marks,
    logger: pino({ level: 'silent' }),
    now,
    debounceMs: 1,
    historyDebounceMs,
  });
}

/** A pass from the period start: every stored day, then today's refresh. */
const wholePass = ['c1 2026-03-01', 'c1 2026-03-04', 'c1 2026-03-08', 'c1 2026-03-09', 'c1 today'];

describe('standings refresher', () => {
  it('retries a pass whose day lookup failed, and keeps refreshing afterwards', async () => {
    const marks = createRecomputeMarks();
    const standings = fakeStandings(marks, { snapshotDayFailures: 1 });
    const refresher = refresherFor(standings.service, marks);
    // A late event on 03-08.
    refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') }]);
    expect(marks.pending('c1', '2026-03-08')).toBe(true);
    expect(marks.pending('c1', '2026-03-07')).toBe(false);
    await refresher.flush();
    expect(standings.recomputed).toEqual(['c1 today', 'c1 2026-03-08', 'c1 2026-03-09', 'c1 today']);
    expect(marks.pending('c1', '2026-03-10')).toBe(false);
    refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-10T10:00:00+08:00') }]);
    await refresher.flush();
    expect(standings.recomputed.at(-1)).toBe('c1 today');
    await refresher.close();
  });

  it('recomputes every stored day from the period start after a registry or rule change, in day order', async () => {
    const marks = createRecomputeMarks();
    const standings = fakeStandings(marks);
    const refresher = refresherFor(standings.service, marks);
    refresher.scoresChanged(['c1'], 'rules');
    // Marked before anything ran: an answer given now says it is being recomputed.
    expect(marks.pending('c1', '2026-03-01')).toBe(true);
    await refresher.idle();
    expect(standings.recomputed).toEqual(wholePass);
    // Each day ran with the days before it done (its rank movement reads them) and itself pending.
    expect(standings.pendingSeen).toEqual([
      '2026-03-01:true',
      '2026-03-04:true 2026-03-01:false',
      '2026-03-08:true 2026-03-04:false',
      '2026-03-09:true 2026-03-08:false',
      '2026-03-10:true 2026-03-09:false',
    ]);
    expect(marks.pending('c1', '2026-03-10')).toBe(false);
    await refresher.close();
  });

  it('lets today’s refreshes run between the days of a long pass', async () => {
    const marks = createRecomputeMarks();
    // An event of today arrives while the pass recomputes its first day.
    const standings = fakeStandings(marks, {
      recomputeMs: 50,
      onRecompute: (day) => {
        if (day === '2026-03-01')
          refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-10T10:00:00+08:00') }]);
      },
    });
    const refresher = refresherFor(standings.service, marks);
    refresher.scoresChanged(['c1'], 'registry');
    await refresher.idle();
    // The live refresh ran before the pass reached its last stored day; the pass ends with its own.
    expect(standings.recomputed.indexOf('c1 today')).toBeLessThan(standings.recomputed.indexOf('c1 2026-03-09'));
    expect(standings.recomputed.filter((r, i) => r !== 'c1 today' || i === standings.recomputed.length - 1)).toEqual(
      wholePass,
    );
    await refresher.close();
  });

  it('runs a refresh of today that falls due during a pass step inside the step, not after it', async () => {
    const marks = createRecomputeMarks();
    // Events of today are stored just after a long step of the pass began.
    const standings = fakeStandings(marks, {
      recomputeMs: 300,
      onRecompute: (day) => {
        if (day === '2026-03-01')
          setTimeout(
            () => refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-10T10:00:00+08:00') }]),
            20,
          );
      },
    });
    const refresher = refresherFor(standings.service, marks);
    refresher.scoresChanged(['c1'], 'rules');
    await refresher.idle();
    // Today's refresh began and ended between the step's reads and its write (a third of 300 ms
    // in), not behind the whole step; the pass is whole and ends with its own refresh of today.
    expect(standings.log.slice(0, 4)).toEqual(['start 2026-03-01', 'start today', 'end today', 'end 2026-03-01']);
    expect(standings.recomputed).toEqual(['c1 2026-03-01', 'c1 today', ...wholePass.slice(1)]);
    await refresher.close();
  });

  it('waits longer for late events than for a rule change, and a rule change does not wait behind them', async () => {
    const marks = createRecomputeMarks();
    const standings = fakeStandings(marks);
    const refresher = refresherFor(standings.service, marks, 60_000);
    refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(standings.recomputed).toEqual(['c1 today']);
    expect(marks.pending('c1', '2026-03-09')).toBe(true);
    refresher.scoresChanged(['c1'], 'rules');
    await refresher.idle();
    expect(standings.recomputed.slice(1)).toEqual(wholePass);
    expect(marks.pending('c1', '2026-03-01')).toBe(false);
    await refresher.close();
  });

  it('lets late events wait in proportion to the last pass, so a back-fill does not recompute without pause', async () => {
    const marks = createRecomputeMarks();
    const started: { day: string | undefined; at: number }[] = [];
    const standings = fakeStandings(marks, {
      recomputeMs: 40,
      onRecompute: (day) => started.push({ day, at: performance.now() }),
    });
    const refresher = refresherFor(standings.service, marks);
    const late = () =>
      refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') }]);
    late();
    await refresher.idle();
    const first = started.find((s) => s.day === '2026-03-08')?.at ?? NaN;
    const passMs = performance.now() - first;
    const again = performance.now();
    late();
    await refresher.idle();
    // The second pass starts no sooner than twice the first one's time (busyShare a third) after the events.
    const second = started.filter((s) => s.day === '2026-03-08')[1]?.at ?? NaN;
    expect(second - again).toBeGreaterThanOrEqual(2 * passMs - 5);
    expect(standings.recomputed.filter((r) => r === 'c1 2026-03-08')).toHaveLength(2);
    await refresher.close();
  });
});

describe('today’s refresh after events', () => {
  const today = Date.parse('2026-03-10T09:00:00+08:00');

  it('starts at once after a quiet spell, then at most once per debounce, covering what was stored meanwhile', async () => {
    const marks = createRecomputeMarks();
    const starts: number[] = [];
    const fake = fakeStandings(marks, { onRecompute: () => starts.push(performance.now()) });
    const refresher = createStandingsRefresher({
      catalog,
      standings: fake.service,
      marks,
      logger: pino({ level: 'silent' }),
      now,
      debounceMs: 200,
      historyDebounceMs: 60_000,
    });
    const stored = performance.now();
    refresher.eventsStored([{ crewId: 'A', occurredAtMs: today }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The first events waited for no timer (a trailing debounce made them wait 200 ms).
    expect(starts).toHaveLength(1);
    expect((starts[0] ?? Infinity) - stored).toBeLessThan(30);
    // Events stored right after wait for the spacing, and one refresh shows them all.
    refresher.eventsStored([{ crewId: 'B', occurredAtMs: today }]);
    refresher.eventsStored([{ crewId: 'C', occurredAtMs: today }]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(starts).toHaveLength(1);
    await refresher.idle();
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(195);
    expect(fake.recomputed).toEqual(['c1 today', 'c1 today']);
    await refresher.close();
  });

  it('spaces refreshes by their length over todayShare', async () => {
    const gapWith = async (shares: { busyShare: number; todayShare?: number }) => {
      const marks = createRecomputeMarks();
      const starts: number[] = [];
      const ends: number[] = [];
      const fake = fakeStandings(marks, {
        recomputeMs: 150,
        onRecompute: () => starts.push(performance.now()),
        onRecomputed: () => ends.push(performance.now()),
      });
      const refresher = createStandingsRefresher({
        catalog,
        standings: fake.service,
        marks,
        logger: pino({ level: 'silent' }),
        now,
        debounceMs: 1,
        historyDebounceMs: 60_000,
        ...shares,
      });
      refresher.eventsStored([{ crewId: 'A', occurredAtMs: today }]);
      await refresher.idle();
      // Stored right after the first refresh ended: the second starts after the spacing.
      refresher.eventsStored([{ crewId: 'B', occurredAtMs: today }]);
      await refresher.idle();
      await refresher.close();
      expect(starts).toHaveLength(2);
      const [first = 0, second = 0] = starts;
      // The refresh's length as it ran: on a loaded machine its timers fire late, and the spacing
      // follows what it took, not the 150 ms asked for.
      return { gap: second - first, length: (ends[0] ?? 0) - first };
    };
    // With a half, the next starts two lengths after the first began (300 ms for 150 ms).
    const half = await gapWith({ busyShare: 1 / 2 });
    expect(half.gap).toBeGreaterThanOrEqual(Math.max(290, 2 * half.length - 10));
    // With 0.9, about 1.1 lengths (~167 ms): at least the length, and well short of two.
    const quick = await gapWith({ busyShare: 1 / 2, todayShare: 0.9 });
    expect(quick.gap).toBeGreaterThanOrEqual(150);
    expect(quick.gap).toBeGreaterThanOrEqual(quick.length);
    expect(quick.gap).toBeLessThan(1.75 * quick.length);
  });
});

// A pass step runs a due refresh of today inside itself (between its reads and its write). The
// service reads the step's facts and yesterday's ranks side by side (computeAndWrite's
// Promise.all): when the ranks' read fails while the facts' side runs today's refresh, the step
// fails at once. The refresher must still wait for that refresh before its chain goes on.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service shaped like computeAndWrite: the facts' read (with between) and yesterday's ranks side by side. */
function failingStepSetup() {
  const marks = createRecomputeMarks();
  const log: string[] = [];
  const state = { refreshing: 0, maxConcurrent: 0 };
  const service = {
    defaultDay: () => '2026-03-10',
    recompute: async (_id: string, day?: string, options?: RecomputeOptions) => {
      if (day === undefined) {
        state.refreshing++;
        state.maxConcurrent = Math.max(state.maxConcurrent, state.refreshing);
        log.push('start today');
        await sleep(100);
        log.push('end today');
        state.refreshing--;
        return;
      }
      const current = (async () => {
        await sleep(10); // the facts read
        await options?.between?.(); // today's refresh runs here (100 ms)
      })();
      const previous = (async () => {
        await sleep(20);
        throw new Error('readRanks: ClickHouse timeout'); // previousRanks fails meanwhile
      })();
      await Promise.all([current, previous]);
      await options?.between?.();
    },
    snapshotDays: () => Promise.resolve(['2026-03-01']),
    eventsLanded: () => undefined,
    settled: () => Promise.resolve(),
    shareReads: (run: () => Promise<unknown>) => run(),
    writesSettled: () => Promise.resolve(),
  } as unknown as StandingsService;
  const refresher = createStandingsRefresher({
    catalog,
    standings: service,
    marks,
    logger: pino({ level: 'silent' }),
    now,
    debounceMs: 1,
    historyDebounceMs: 60_000,
  });
  const todayEvent = () =>
    refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-10T10:00:00+08:00') }]);
  refresher.scoresChanged(['c1'], 'rules');
  // Today's events arrive while the step reads: its hook (at 10 ms) runs today's refresh.
  setTimeout(todayEvent, 3);
  return { refresher, log, state, todayEvent };
}

describe('a pass step that fails while a refresh of today runs inside it', () => {
  it('close() waits for a refresh of today that a failed step started', async () => {
    const { refresher, log } = failingStepSetup();
    await sleep(40); // the step failed at 20 ms; the refresh it started runs until about 110 ms
    await refresher.close();
    expect(log).toEqual(['start today', 'end today']);
  });

  it('starts no second refresh of today beside it', async () => {
    const { refresher, state, todayEvent } = failingStepSetup();
    setTimeout(todayEvent, 40);
    await sleep(80);
    expect(state.maxConcurrent).toBe(1);
    await refresher.close();
  });
});

describe('events of crews a competition does not rank', () => {
  /** c1 ranks every crew; c2 only the crews of branch B1 (C1), as a branch's own competition does. */
  const c2 = {
    ...competition,
    id: 'c2',
    definition: { ...competition.definition, participants: { scope: 'selected', branchIds: ['B1'] } },
  } as unknown as StoredCompetition;
  const both = [competition, c2];
  const twoCatalog = {
    competitions: () => both,
    competition: (id: string) => both.find((c) => c.id === id),
    participants: (definition: StoredCompetition['definition']) =>
      definition === c2.definition ? [{ crewId: 'C1' }] : [{ crewId: 'C1' }, { crewId: 'C2' }],
  } as unknown as Catalog;

  function setup() {
    const marks = createRecomputeMarks();
    const standings = fakeStandings(marks);
    const landed: string[] = [];
    const service = {
      ...standings.service,
      eventsLanded: (id: string, day: string) => landed.push(`${id} ${day}`),
    } as StandingsService;
    const refresher = createStandingsRefresher({
      catalog: twoCatalog,
      standings: service,
      marks,
      logger: pino({ level: 'silent' }),
      now,
      debounceMs: 1,
      historyDebounceMs: 1,
    });
    return { refresher, marks, recomputed: standings.recomputed, landed };
  }

  it('rewrite no day of it and refresh not its today, but drop what it keeps of their days', async () => {
    const { refresher, marks, recomputed, landed } = setup();
    // A late event of C2 (not in c2) on 03-08, and one of today.
    refresher.eventsStored([
      { crewId: 'C2', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') },
      { crewId: 'C2', occurredAtMs: Date.parse('2026-03-10T10:00:00+08:00') },
    ]);
    expect(marks.pending('c1', '2026-03-08')).toBe(true);
    expect(marks.pending('c2', '2026-03-08')).toBe(false);
    expect(marks.pending('c2', '2026-03-10')).toBe(false);
    // Closed days' sums are shared between competitions: both drop theirs.
    expect(landed).toContain('c2 2026-03-08');
    expect(landed).toContain('c1 2026-03-08');
    await refresher.flush();
    expect(recomputed.filter((r) => r.startsWith('c2'))).toEqual([]);
    expect(recomputed).toEqual(['c1 today', 'c1 2026-03-08', 'c1 2026-03-09', 'c1 today']);
    await refresher.close();
  });

  it('rewrite its days when one of its crews is among them', async () => {
    const { refresher, marks, recomputed } = setup();
    refresher.eventsStored([
      { crewId: 'C2', occurredAtMs: Date.parse('2026-03-04T10:00:00+08:00') },
      { crewId: 'C1', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') },
    ]);
    // c1 from the earliest day of any crew; c2 from its own crew's day.
    expect(marks.pending('c1', '2026-03-04')).toBe(true);
    expect(marks.pending('c2', '2026-03-04')).toBe(false);
    expect(marks.pending('c2', '2026-03-08')).toBe(true);
    await refresher.flush();
    expect(recomputed.filter((r) => r.startsWith('c2'))).toEqual([
      'c2 today',
      'c2 2026-03-08',
      'c2 2026-03-09',
      'c2 today',
    ]);
    await refresher.close();
  });
});
