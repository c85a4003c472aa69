import type { ClickHouseClient } from '@clickhouse/client';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, startOfDay } from '../shared/calendar.ts';
import { latestRunPerDay, latestStoredPerDay, newestRowsPerDay, type DayRun } from './standings.store.ts';

/**
 * The first stored day whose latest run is not what is stored now: computed with other rules or
 * another registry version, or before events of that day or an earlier one were stored (standings
 * are cumulative), or with newer rows than the run (`newestRowsByDay`: a run cut between its rows
 * and its run row, whose rows a merge lets replace the run's). Undefined when every stored day is
 * current.
 */
export function firstStaleDay(
  runs: readonly DayRun[],
  latestStoredByDay: ReadonlyMap<string, number>,
  current: { definitionVersion: number; orgVersion: number },
  newestRowsByDay: ReadonlyMap<string, number> = new Map(),
): string | undefined {
  const eventDays = [...latestStoredByDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let next = 0;
  let latestStored = -Infinity;
  for (const run of [...runs].sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0))) {
    for (; next < eventDays.length && (eventDays[next]?.[0] ?? '') <= run.asOf; next++) {
      latestStored = Math.max(latestStored, eventDays[next]?.[1] ?? -Infinity);
    }
    if (
      run.definitionVersion !== current.definitionVersion ||
      run.orgVersion !== current.orgVersion ||
      // Stored at the run's instant or later: it may not have been read.
      latestStored >= run.eventsStoredBefore ||
      // standings keeps the newest row per crew once merged: the run's own rows may be gone.
      (newestRowsByDay.get(run.asOf) ?? -Infinity) > run.computedAt
    ) {
      return run.asOf;
    }
  }
  return undefined;
}

/**
 * Competitions whose stored standings are behind what is stored, each with its first such day.
 * Run at start: the latest computation of today lives in memory and is written at most every
 * STANDINGS_PERSIST_MS, and a pass over earlier days may have been cut short, so a process that
 * was killed leaves standings behind the events it stored (or a snapshot's rows without its run).
 */
export async function findStaleStandings(
  client: ClickHouseClient,
  catalog: Catalog,
): Promise<{ competitionId: string; fromDay: string }[]> {
  const stale: { competitionId: string; fromDay: string }[] = [];
  for (const competition of catalog.competitions()) {
    const runs = await latestRunPerDay(client, competition.id);
    const last = runs.at(-1);
    if (!last) continue;
    const { period, timeZone } = competition.definition;
    const since = Math.min(...runs.map((r) => r.eventsStoredBefore));
    const stored = await latestStoredPerDay(
      client,
      {
        startInstant: startOfDay(period.start, timeZone),
        endInstant: startOfDay(addDays(last.asOf, 1), timeZone),
        timeZone,
      },
      new Date(since),
    );
    const fromDay = firstStaleDay(
      runs,
      stored,
      { definitionVersion: competition.version, orgVersion: catalog.orgVersion() },
      await newestRowsPerDay(client, competition.id),
    );
    if (fromDay !== undefined) stale.push({ competitionId: competition.id, fromDay });
  }
  return stale;
}
