import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../services/catalog/catalog.ts';
import { createStandingsRefresher } from '../../services/scoring/standings-refresher.ts';
import type { StandingsService } from '../../services/scoring/standings.service.ts';
import type { StoredCompetition } from '../../services/storage/competitions.store.ts';

const competition = {
  id: 'c1',
  version: 1,
  savedAt: '2026-03-01T00:00:00Z',
  definition: { period: { start: '2026-03-01', end: '2026-03-31' }, timeZone: 'Asia/Shanghai' },
} as unknown as StoredCompetition;
const catalog = {
  competitions: () => [competition],
  competition: (id: string) => (id === 'c1' ? competition : undefined),
} as unknown as Catalog;
const now = () => new Date('2026-03-10T12:00:00+08:00');

/** A standings service that records recomputations; its day lookup fails as often as told. */
function fakeStandings(snapshotDayFailures: number) {
  const recomputed: string[] = [];
  let failures = snapshotDayFailures;
  const service = {
    defaultDay: () => '2026-03-10',
    recompute: (id: string, day?: string) => {
      recomputed.push(`${id} ${day ?? 'today'}`);
      return Promise.resolve();
    },
    snapshotDays: () => {
      if (failures-- > 0) return Promise.reject(new Error('ClickHouse is away'));
      return Promise.resolve(['2026-03-08', '2026-03-09']);
    },
    eventsLanded: () => undefined,
  } as unknown as StandingsService;
  return { service, recomputed };
}

describe('standings refresher', () => {
  it('retries a history refresh whose day lookup failed, and keeps refreshing afterwards', async () => {
    const standings = fakeStandings(1);
    const refresher = createStandingsRefresher({
      catalog,
      standings: standings.service,
      logger: pino({ level: 'silent' }),
      now,
      debounceMs: 1,
      historyDebounceMs: 1,
    });
    // A late event on 03-08.
    refresher.eventsStored([{ crewId: 'C1', occurredAtMs: Date.parse('2026-03-08T10:00:00+08:00') }]);
    await refresher.flush();
    expect(standings.recomputed).toEqual(['c1 today', 'c1 2026-03-08', 'c1 2026-03-09', 'c1 today']);
    refresher.competitionChanged('c1');
    await refresher.flush();
    expect(standings.recomputed.at(-1)).toBe('c1 today');
    await refresher.close();
  });
});
