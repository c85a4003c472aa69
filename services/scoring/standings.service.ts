import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, clampDay, dayInZone, startOfDay } from '../shared/calendar.ts';
import { NotFoundError, InvalidInputError } from '../shared/errors.ts';
import { computeStandings, rankMovement } from './engine/compute-standings.ts';
import type { StandingsRow } from './engine/types.ts';
import { loadCrewFacts } from './facts.query.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';
import {
  countSnapshotRows,
  latestRun,
  readSnapshotRows,
  writeSnapshot,
  type Snapshot,
  type SnapshotRun,
  type StoredRow,
} from './standings.store.ts';

export interface StandingsQuery {
  asOf?: string;
  /** 'overall', 'branch:<branchId>' or 'unit_type:<type>'. */
  group?: string;
  crewId?: string;
  limit?: number;
  offset?: number;
}

export interface StandingsPage {
  competitionId: string;
  asOf: string;
  computedAt: string;
  definitionVersion: number;
  group: string;
  total: number;
  rows: StoredRow[];
}

export interface StandingsService {
  /** Scores a competition as of a day from stored events and writes a snapshot. */
  recompute(competitionId: string, asOf?: string): Promise<Snapshot>;
  /** Reads the latest snapshot, computing it first if none exists for that day. */
  read(competitionId: string, query: StandingsQuery): Promise<StandingsPage>;
  /** The day standings default to: today in the competition's zone, clamped to its period. */
  defaultDay(competition: StoredCompetition): string;
}

export interface StandingsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  now: () => Date;
  logger: Logger;
}

function fromClickHouseTime(t: string): string {
  return t.includes('T') ? t : `${t.replace(' ', 'T')}Z`;
}

function parseGroup(group: string | undefined): { groupBy: string; groupKey: string; label: string } {
  if (group === undefined || group === '' || group === 'overall')
    return { groupBy: 'overall', groupKey: '', label: 'overall' };
  const match = /^(branch|unit_type):(.+)$/.exec(group);
  if (!match?.[1] || !match[2]) {
    throw new InvalidInputError(
      'invalid_group',
      `group "${group}" is not valid: use overall, branch:<branchId> or unit_type:<unitType>`,
      undefined,
      400,
    );
  }
  return { groupBy: match[1], groupKey: match[2], label: group };
}

export function createStandingsService(deps: StandingsDeps): StandingsService {
  const { client, catalog, now, logger } = deps;
  // Runs are told apart by computed_at, so it must grow strictly even within one millisecond.
  let lastComputedAt = 0;
  const inFlight = new Map<string, Promise<Snapshot>>();

  function competitionOrThrow(id: string): StoredCompetition {
    const competition = catalog.competition(id);
    if (!competition) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
    return competition;
  }

  function defaultDay(competition: StoredCompetition): string {
    const { period, timeZone } = competition.definition;
    return clampDay(dayInZone(now(), timeZone), period.start, period.end);
  }

  async function standingsAsOf(competition: StoredCompetition, asOf: string): Promise<StandingsRow[]> {
    const def = competition.definition;
    const facts = await loadCrewFacts(client, {
      start: def.period.start,
      asOf,
      startInstant: startOfDay(def.period.start, def.timeZone),
      endInstant: startOfDay(addDays(asOf, 1), def.timeZone),
    });
    return computeStandings({
      competition: def,
      asOf,
      crews: catalog.participants(def),
      facts,
      targets: catalog.targets(competition.id),
    });
  }

  /** One computation at a time per (competition, day): callers that arrive meanwhile share it. */
  function recomputeOnce(competitionId: string, asOf?: string): Promise<Snapshot> {
    const key = `${competitionId}\u0000${asOf ?? ''}`;
    const running = inFlight.get(key);
    if (running) return running;
    const started = computeAndWrite(competitionId, asOf).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  async function computeAndWrite(competitionId: string, asOfInput?: string): Promise<Snapshot> {
    const competition = competitionOrThrow(competitionId);
    const { period } = competition.definition;
    const asOf = asOfInput ?? defaultDay(competition);
    if (asOf < period.start || asOf > period.end) {
      throw new InvalidInputError(
        'as_of_outside_period',
        `asOf ${asOf} is outside the competition period ${period.start} – ${period.end}`,
        undefined,
        400,
      );
    }
    const started = performance.now();
    const previousDay = addDays(asOf, -1);
    const [current, previous] = await Promise.all([
      standingsAsOf(competition, asOf),
      previousDay >= period.start ? standingsAsOf(competition, previousDay) : Promise.resolve([]),
    ]);
    const prevRanks = new Map(previous.map((r) => [`${r.groupBy}\u0000${r.groupKey}\u0000${r.crew.crewId}`, r.rank]));
    const snapshot: Snapshot = {
      competitionId,
      asOf,
      computedAt: new Date((lastComputedAt = Math.max(now().getTime(), lastComputedAt + 1))).toISOString(),
      definitionVersion: competition.version,
      orgVersion: catalog.orgVersion(),
      rows: current.map((row) => {
        const prevRank = prevRanks.get(`${row.groupBy}\u0000${row.groupKey}\u0000${row.crew.crewId}`) ?? null;
        return { ...row, prevRank, rankChange: rankMovement(row.rank, prevRank) };
      }),
    };
    await writeSnapshot(client, snapshot);
    logger.debug(
      { competitionId, asOf, rows: snapshot.rows.length, ms: Math.round(performance.now() - started) },
      'standings recomputed',
    );
    return snapshot;
  }

  async function read(competitionId: string, query: StandingsQuery): Promise<StandingsPage> {
    const competition = competitionOrThrow(competitionId);
    const asOf = query.asOf ?? defaultDay(competition);
    const group = parseGroup(query.group);
    let run: SnapshotRun | null = await latestRun(client, competitionId, asOf);
    if (!run) {
      await recomputeOnce(competitionId, asOf);
      run = await latestRun(client, competitionId, asOf);
    }
    if (!run) throw new Error(`snapshot for ${competitionId} ${asOf} was written but cannot be read back`);
    const base = { competitionId, asOf, computedAt: run.computedAt, ...group };
    const [rows, total] = await Promise.all([
      readSnapshotRows(client, { ...base, crewId: query.crewId, limit: query.limit ?? 100, offset: query.offset ?? 0 }),
      countSnapshotRows(client, base),
    ]);
    return {
      competitionId,
      asOf,
      computedAt: fromClickHouseTime(run.computedAt),
      definitionVersion: run.definitionVersion,
      group: group.label,
      total,
      rows,
    };
  }

  return { recompute: recomputeOnce, read, defaultDay };
}
