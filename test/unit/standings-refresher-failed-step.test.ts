// A pass step runs a due refresh of today inside itself (between its reads and its write). The
// service reads the step's facts and yesterday's ranks side by side (computeAndWrite's
// Promise.all): when the ranks' read fails while the facts' side runs today's refresh, the step
// fails at once. The refresher must still wait for that refresh before its chain goes on.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../services/catalog/catalog.ts';
import { createRecomputeMarks } from '../../services/scoring/recompute-marks.ts';
import { createStandingsRefresher } from '../../services/scoring/standings-refresher.ts';
import type { RecomputeOptions, StandingsService } from '../../services/scoring/standings.service.ts';
import type { StoredCompetition } from '../../services/storage/competitions.store.ts';

const competition = {
  id: 'c1',
  version: 1,
  definition: { period: { start: '2026-03-01', end: '2026-03-31' }, timeZone: 'Asia/Shanghai' },
} as unknown as StoredCompetition;
const catalog = {
  competitions: () => [competition],
  competition: (id: string) => (id === 'c1' ? competition : undefined),
} as unknown as Catalog;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
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
    now: () => new Date('2026-03-10T12:00:00+08:00'),
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
    const { refresher, log } = setup();
    await sleep(40); // the step failed at 20 ms; the refresh it started runs until about 110 ms
    await refresher.close();
    expect(log).toEqual(['start today', 'end today']);
  });

  it('starts no second refresh of today beside it', async () => {
    const { refresher, state, todayEvent } = setup();
    setTimeout(todayEvent, 40);
    await sleep(80);
    expect(state.maxConcurrent).toBe(1);
    await refresher.close();
  });
});
