import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Competition } from '../../schemas/competition.schema.ts';
import { UnitType } from '../../schemas/org.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, clampDay, dayInZone, startOfDay } from '../shared/calendar.ts';
import { NotFoundError, InvalidInputError } from '../shared/errors.ts';
import { rankStandings, type RankedStandings } from './engine/compute-standings.ts';
import {
  rankTable,
  NO_PREVIOUS_RANKS,
  previousRanksFromRanked,
  previousRanksOf,
  recordAt,
  snapshotOf,
  snapshotRecords,
  snapshotSize,
  tableOf,
  tablePage,
  type KeptTable,
  type PreviousRanks,
} from './snapshot-table.ts';
import { createScoreMemo, type ScoreMemo } from './engine/score-memo.ts';
import type { CrewFacts } from './engine/types.ts';
import {
  addMetricSums,
  hazardDeadlineDays,
  loadCrewFacts,
  loadMetricSums,
  type FactsWindow,
  type MetricSums,
} from './facts.query.ts';
import { addCrewSums } from './metric-sums.query.ts';
import { fromClickHouseTime } from '../storage/clickhouse-time.ts';
import { loadPersonFacts, loadPersonSums } from './person-facts.query.ts';
import { createRecomputeMarks, type RecomputeMarks } from './recompute-marks.ts';
import { createSharedReads } from './shared-reads.ts';
import { createTodaysCrewFacts } from './todays-crew-facts.ts';
import type { FactsSource } from './engine/types.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';
import {
  countSnapshotRows,
  latestRun,
  readLatestPage,
  readRanks,
  storedRow,
  snapshotDays,
  writeSnapshot,
  type GroupBy,
  type Snapshot,
  type SnapshotCrew,
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
  /** The competition version and the registry version these standings were computed with. */
  definitionVersion: number;
  registryVersion: number;
  /** A change that affects this day's scores is stored and its recomputation has not finished. */
  recomputing: boolean;
  group: string;
  total: number;
  rows: StoredRow[];
}

export interface StandingsService {
  /** Scores a competition as of a day from stored events and writes a snapshot. */
  recompute(competitionId: string, asOf?: string, options?: RecomputeOptions): Promise<Snapshot>;
  /** Reads the latest snapshot, computing it first if none exists for that day. */
  read(competitionId: string, query: StandingsQuery): Promise<StandingsPage>;
  /** Writes the snapshots still held in memory (on shutdown). */
  flush(): Promise<void>;
  /** Events landed on `day`: anything derived from that day or later is stale. */
  eventsLanded(competitionId: string, day: string): void;
  /** Resolves when the computations of a competition running now have finished. */
  settled(competitionId: string): Promise<void>;
  /** Days between from and to (inclusive) that have a stored snapshot. */
  snapshotDays(competitionId: string, from: string, to: string): Promise<string[]>;
  /** The day standings default to: today in the competition's zone, clamped to its period. */
  defaultDay(competition: StoredCompetition): string;
  /**
   * Standings a definition (a draft, or a period's rules) gives over [its period start, asOf],
   * from stored events, with ranks in every group and no movement. Nothing is written or kept.
   */
  evaluate(competitionId: string, definition: Competition, asOf: string): Promise<SnapshotCrew[]>;
  /**
   * Runs a refresh cycle: the computations in it that judge the same window share one read of
   * the facts (shared-reads.ts). The refresher runs each refresh of today's standings in one.
   */
  shareReads<R>(run: () => Promise<R>): Promise<R>;
  /** Resolves when the snapshot writes a refresh cycle left for after it (see persist) are done. */
  writesSettled(): Promise<void>;
  /**
   * An insert naming these crews ended (store-tracker.ts onEnded): today's facts of only these
   * crews are read again at the next refresh (todays-crew-facts.ts). Every insert of events or
   * corrections must be told, or today's standings miss it until the day turns.
   */
  crewsStored(crewIds: Iterable<string>, lifecycleCrewIds?: Iterable<string>): void;
}

export interface RecomputeOptions {
  /**
   * Called between the computation's reads and its scoring, and between its scoring and its
   * write: a pass step over a past day of 10,000 crews takes half a second or more, and a refresh
   * of today due meanwhile runs here instead of after the whole step (issue 19).
   */
  between?: () => Promise<void>;
}

export interface StandingsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  now: () => Date;
  logger: Logger;
  /** Days whose recomputation is pending (the refresher marks and clears them; default: none). */
  marks?: RecomputeMarks;
  /**
   * Every event stored before this instant can be read now: the stamp of the oldest event insert
   * still in flight, or now. Each run records it, so a start-up can tell which days missed events.
   */
  eventsStoredBefore?: () => Date;
  /** Today's snapshot is written at most this often (0: after every recomputation). */
  persistMs: number;
  /**
   * The latest computed_at already stored (epoch ms). Runs are told apart by it, so a new one must
   * come later even if the clock went back, or a restart happened within the same millisecond.
   */
  lastComputedAt?: number;
  /**
   * This process stores every event (standings-ownership.ts: `sole`). When other instances store
   * events too (`shared`: several scoring instances on a ClickHouse server), nothing read from
   * closed days is kept, since a late event another instance stores would not be seen, and today's
   * standings are served from the latest stored run only, never from this process's memory.
   */
  soleWriter?: boolean;
  /**
   * An insert's rows can be read as soon as it ends, and never later (the embedded engine): today's
   * crews' facts are then read again only for the crews stored since (todays-crew-facts.ts). On a
   * server a timed-out insert may still be applied, and a replica may show rows later: every
   * crew is read at each refresh there.
   */
  insertsVisibleWhenEnded?: boolean;
  /** Told after each computation of today's standings (screens push them to TVs). */
  onTodayComputed?: (competitionId: string, asOf: string) => void;
}

/** No closed days yet (a period starting today): the same object every time (todays-crew-facts.ts). */
const NO_SUMS: Promise<MetricSums> = Promise.resolve<MetricSums>(new Map());

/** Metric sums over [start, through] kept for the next computation (see closedSums). */
interface KeptSums {
  start: string;
  through: string;
  sums: Promise<MetricSums>;
}

interface Unsaved {
  snapshot: Snapshot;
  timer: NodeJS.Timeout | undefined;
}

const groupKeyOf = {
  overall: () => '',
  branch: (c: SnapshotCrew) => c.crew.branchId,
  unit_type: (c: SnapshotCrew) => c.crew.unitType,
} as const;

/**
 * Each snapshot's groups in display order, per `groupBy\0groupKey`: found once per snapshot (by
 * snapshotCrews from the engine's ranking, or sorted on the first page asked), so a page of 100,000
 * persons' standings is a slice, not a filter and a sort of every entrant per request.
 */
const displayOrders = new WeakMap<readonly SnapshotCrew[], Map<string, readonly SnapshotCrew[]>>();

function ordersOf(crews: readonly SnapshotCrew[]): Map<string, readonly SnapshotCrew[]> {
  let orders = displayOrders.get(crews);
  if (!orders) displayOrders.set(crews, (orders = new Map<string, readonly SnapshotCrew[]>()));
  return orders;
}

/** The members of one group in display order: rank ascending (unranked last), then entrant id. */
function groupMembers(crews: readonly SnapshotCrew[], groupBy: GroupBy, groupKey: string): readonly SnapshotCrew[] {
  const orders = ordersOf(crews);
  const key = `${groupBy}\u0000${groupKey}`;
  const kept = orders.get(key);
  if (kept) return kept;
  const keyOf = groupKeyOf[groupBy];
  const rankOf = (c: SnapshotCrew) => c.ranks[groupBy]?.rank ?? null;
  const members = crews
    .filter((c) => keyOf(c) === groupKey)
    .sort((a, b) => {
      const ra = rankOf(a);
      const rb = rankOf(b);
      if (ra !== rb) return ra === null ? 1 : rb === null ? -1 : ra - rb;
      return a.crew.crewId < b.crew.crewId ? -1 : a.crew.crewId > b.crew.crewId ? 1 : 0;
    });
  orders.set(key, members);
  return members;
}

/** A page of one group of an in-memory snapshot, ordered as the ClickHouse read orders it. */
export function pageOf(
  snapshot: Pick<Snapshot, 'crews'>,
  group: { groupBy: GroupBy; groupKey: string },
  crewId: string | undefined,
  limit: number,
  offset: number,
): { total: number; rows: StoredRow[] } {
  // The service's own snapshots are read from the engine's columns (snapshot-table.ts). A group
  // the snapshot's rules did not rank (a version that adds a ranking group, before its first
  // computation) lists its members unranked from the records, as the stored rows do.
  const table = tableOf(snapshot);
  if (table?.groupBys.includes(group.groupBy)) return tablePage(table, group, crewId, limit, offset);
  const members = groupMembers(snapshot.crews, group.groupBy, group.groupKey);
  const chosen = crewId === undefined ? members : members.filter((c) => c.crew.crewId === crewId);
  return {
    total: members.length,
    rows: chosen.slice(offset, offset + limit).map((c) => storedRow(c, c.ranks[group.groupBy])),
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One record per entrant with its rank and movement in every group, in the first group's display
 * order, and each group's display order (pageOf), from the engine's ranked standings: for a
 * caller that wants every record (a draft's evaluation). The service's computations keep their
 * standings in columns instead (snapshot-table.ts).
 */
export function snapshotCrews(ranked: RankedStandings, previous: PreviousRanks): { crews: SnapshotCrew[] } {
  const { table } = rankTable(ranked, previous);
  const records = ranked.scores.map((_, i) => recordAt(table, i));
  const crews: SnapshotCrew[] = [];
  const orders = new Map<string, readonly SnapshotCrew[]>();
  for (const { groupBy, groupKey, order } of ranked.groups) {
    const list = Array.from(order, (i) => records[i] as SnapshotCrew);
    orders.set(`${groupBy}\u0000${groupKey}`, list);
    if (groupBy === table.groupBys[0]) for (const m of list) crews.push(m);
  }
  displayOrders.set(crews, orders);
  return { crews };
}

/**
 * A ranking group of a query: overall, a branch the registry has, or a unit type. A branch or
 * unit type nobody could be in is refused (400), not answered with an empty page that reads as
 * "no crew has points yet".
 */
export function parseGroup(
  group: string | undefined,
  competition: StoredCompetition,
  branchKnown: (branchId: string) => boolean,
): { groupBy: GroupBy; groupKey: string; label: string } {
  if (group === undefined || group === '' || group === 'overall') {
    return { groupBy: 'overall', groupKey: '', label: 'overall' };
  }
  const match = /^(branch|unit_type):(.+)$/.exec(group);
  const groupBy = match?.[1] as 'branch' | 'unit_type' | undefined;
  const groupKey = match?.[2];
  if (!groupBy || !groupKey) {
    throw new InvalidInputError(
      'invalid_group',
      `group "${group}" is not valid: use overall, branch:<branchId> or unit_type:<unitType>`,
      undefined,
      400,
    );
  }
  if (!competition.definition.rankingGroups.includes(groupBy)) {
    throw new InvalidInputError(
      'group_not_ranked',
      `competition "${competition.id}" does not rank by ${groupBy}; its ranking groups are ${competition.definition.rankingGroups.join(', ')}`,
      undefined,
      400,
    );
  }
  if (groupBy === 'branch' && !branchKnown(groupKey)) {
    throw new InvalidInputError(
      'unknown_group',
      `组织架构中没有分公司 "${groupKey}" / branch "${groupKey}" is not in the registry (GET /v1/org lists the branches)`,
      undefined,
      400,
    );
  }
  if (groupBy === 'unit_type' && !UnitType.safeParse(groupKey).success) {
    throw new InvalidInputError(
      'unknown_group',
      `没有单位类型 "${groupKey}" / unit type "${groupKey}" does not exist: use ${UnitType.options.join(', ')}`,
      undefined,
      400,
    );
  }
  return { groupBy, groupKey, label: group };
}

/** Whether the registry has a branch, for parseGroup. */
export function branchInRegistry(catalog: Catalog): (branchId: string) => boolean {
  return (branchId) => catalog.org().branches.some((b) => b.id === branchId);
}

export function createStandingsService(deps: StandingsDeps): StandingsService {
  const { client, catalog, now, logger } = deps;
  const marks = deps.marks ?? createRecomputeMarks();
  // Runs are told apart by computed_at, so it must grow strictly even within one millisecond.
  let lastComputedAt = deps.lastComputedAt ?? 0;
  const inFlight = new Map<string, Promise<Snapshot>>();
  /** Previous-day ranks computed without a snapshot, kept until an event lands on or before that day. */
  const computedPrevious = new Map<string, { key: string; day: string; ranks: PreviousRanks; writes: number }>();
  /**
   * Metric sums of the closed days before today, per rollup (crews', persons') and period start:
   * competitions share them (see closedSums).
   */
  const closedDays = new Map<string, KeptSums>();
  /**
   * The same for the day a pass over closed days reached: its steps go in day order, so each step
   * reads one more day instead of the whole period up to its day (a read of every stored person
   * day per step, which held the events' inserts back in the embedded engine during a back-fill).
   */
  const passDays = new Map<string, KeptSums>();
  /** Today's latest snapshot per competition while it waits to be written (see persist). */
  const unsaved = new Map<string, Unsaved>();
  const lastSavedAt = new Map<string, number>();
  /** How long the last write of today's snapshot took, per competition (see persistEvery). */
  const lastWriteMs = new Map<string, number>();
  /**
   * Today's snapshot last written, per competition: served from memory as it is stored, so a
   * screen's request does not read and sort 100,000 stored rows (persons) every time.
   */
  const written = new Map<string, Snapshot>();
  /** Ranks read from a stored run of the day before, per competition (readRanks), by the run's computed_at. */
  const storedPrevious = new Map<
    string,
    {
      day: string;
      computedAt: string;
      ranks: PreviousRanks;
      /** The rules, registry and this process's writes of that day when the run was known latest. */
      definitionVersion: number;
      orgVersion: number;
      writes: number;
    }
  >();
  /** Snapshots this process wrote, per competition and day (see previousRanks). */
  const writesOfDay = new Map<string, number>();
  const writesOf = (competitionId: string, day: string): number => writesOfDay.get(`${competitionId}\u0000${day}`) ?? 0;
  /** Every write of a snapshot goes through here, so previousRanks knows when a newer run exists. */
  async function write(snapshot: Snapshot): Promise<void> {
    const key = `${snapshot.competitionId}\u0000${snapshot.asOf}`;
    // Counted before and after: a lookup during the write does not take the run before it as latest.
    writesOfDay.set(key, (writesOfDay.get(key) ?? 0) + 1);
    try {
      await writeSnapshot(client, snapshot, snapshotRecords(snapshot));
    } finally {
      writesOfDay.set(key, (writesOfDay.get(key) ?? 0) + 1);
    }
  }
  /** Bumped whenever events land on a day before today, so sums read meanwhile are not kept. */
  const generations = new Map<string, number>();
  /** Today's latest snapshot per competition, with the count of marks it had seen (see current). */
  const latestToday = new Map<string, { snapshot: Snapshot; marksSeen: number }>();
  /** A computation of today readers wait for while today is marked (see current). */
  const catchingUp = new Map<string, { marksSeen: number; snapshot: Promise<Snapshot> }>();
  /** Today's scores per competition: a refresh re-scores only the entrants whose facts changed. */
  const scoreMemos = new Map<string, ScoreMemo>();
  /** Today's standings table per competition, for the next computation of the same day (rankTable). */
  const keptTables = new Map<string, { asOf: string; kept: KeptTable }>();
  /** Facts read in the current refresh cycle, per window (shared-reads.ts). */
  const sharedFacts = createSharedReads<FactsSource>();
  /** Today's crews' facts, read again for the crews stored since (todays-crew-facts.ts). */
  const todaysCrews = createTodaysCrewFacts();
  /** Refresh cycles running now (shareReads): today's snapshot writes wait until none is. */
  let cyclesOpen = 0;
  /** Competitions whose held snapshot of today is due to be written once no cycle runs. */
  const writesDue = new Set<string>();
  /** The one chain writing writesDue, one snapshot at a time (drainWrites). */
  let draining: Promise<void> | undefined;
  const storedBefore = () => deps.eventsStoredBefore?.() ?? now();

  function competitionOrThrow(id: string): StoredCompetition {
    const competition = catalog.competition(id);
    if (!competition) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
    return competition;
  }

  function defaultDay(competition: StoredCompetition): string {
    const { period, timeZone } = competition.definition;
    return clampDay(dayInZone(now(), timeZone), period.start, period.end);
  }

  /** The daily rollup a competition's entrants are summed from: crews' (crew_daily) or persons' (person_daily). */
  type Rollup = 'crew' | 'person';
  const sumsOf: Record<Rollup, (client: ClickHouseClient, from: string, to: string) => Promise<MetricSums>> = {
    crew: loadMetricSums,
    person: loadPersonSums,
  };
  const rollupOf = (competition: StoredCompetition): Rollup =>
    competition.definition.entrants === 'person' ? 'person' : 'crew';

  /**
   * Sums of the closed days [period start, through], kept per rollup and period start (the
   * promise, so that today's and yesterday's standings, computed side by side, share one read).
   * Events landing on a closed day drop them (eventsLanded); when the day turns, the next day is
   * read and added. This relies on this process storing every event, which holds while the
   * embedded engine serves one process.
   */
  function closedSums(
    competition: StoredCompetition,
    through: string,
    keptIn: Map<string, KeptSums> = closedDays,
  ): Promise<MetricSums> {
    const start = competition.definition.period.start;
    const rollup = rollupOf(competition);
    const load = sumsOf[rollup];
    if (deps.soleWriter === false) return load(client, start, through);
    const key = `${rollup}\u0000${start}`;
    const kept = keptIn.get(key);
    if (kept?.through === through) return kept.sums;
    const base = kept !== undefined && kept.through < through ? kept : undefined;
    const sums = base
      ? base.sums.then(async (earlier) => addMetricSums(earlier, await load(client, addDays(base.through, 1), through)))
      : load(client, start, through);
    const entry = { start, through, sums };
    keptIn.set(key, entry);
    // A failed read is not kept; the caller sees the error.
    sums.catch(() => {
      if (keptIn.get(key) === entry) keptIn.delete(key);
    });
    return sums;
  }

  /**
   * Metric sums over [period start, asOf] of the competition's rollup. Today's standings are
   * recomputed after every burst of events, with the day before for rank movement: both come from
   * the kept closed-day sums, and only today is read again.
   */
  async function metricSumsFor(competition: StoredCompetition, asOf: string): Promise<MetricSums> {
    const start = competition.definition.period.start;
    const load = sumsOf[rollupOf(competition)];
    const today = defaultDay(competition);
    const yesterday = addDays(today, -1);
    if (yesterday >= start) {
      if (asOf === yesterday) return closedSums(competition, yesterday);
      if (asOf === today) {
        const [closed, todays] = await Promise.all([closedSums(competition, yesterday), load(client, today, today)]);
        return addMetricSums(closed, todays);
      }
      if (asOf < yesterday) return closedSums(competition, asOf, passDays);
    }
    return load(client, start, asOf);
  }

  /**
   * 个人赛: today's sums are laid over the kept closed days' sums by loadPersonFacts, not added
   * into a copy of them (100,000 persons per refresh); other days' sums as metricSumsFor gives them.
   */
  function overlaidSums(
    competition: StoredCompetition,
    asOf: string,
  ): { closed: Promise<MetricSums>; today?: { sums: Promise<MetricSums>; from: Date } } {
    const today = defaultDay(competition);
    const yesterday = addDays(today, -1);
    if (asOf !== today || yesterday < competition.definition.period.start)
      return { closed: metricSumsFor(competition, asOf) };
    return {
      closed: closedSums(competition, yesterday),
      today: { sums: sumsOf.person(client, today, today), from: startOfDay(today, competition.definition.timeZone) },
    };
  }

  /**
   * Today's facts of every crew: the kept closed days' sums with today's added, read again only
   * for the crews stored since the last read (todays-crew-facts.ts). Called synchronously with
   * storedBefore() (shared-reads.ts takes both in one step).
   */
  function todaysCrewFacts(competition: StoredCompetition, window: FactsWindow): Promise<Map<string, CrewFacts>> {
    const today = window.asOf;
    const yesterday = addDays(today, -1);
    const closed = yesterday >= window.start ? closedSums(competition, yesterday) : NO_SUMS;
    return todaysCrews.read(
      JSON.stringify(window),
      closed,
      () =>
        loadCrewFacts(
          client,
          window,
          Promise.all([closed, loadMetricSums(client, today, today)]).then(([c, t]) => addMetricSums(c, t)),
        ),
      (ids, lifecycleIds) =>
        loadCrewFacts(
          client,
          window,
          Promise.all([closed, loadMetricSums(client, today, today, ids)]).then(([c, t]) => {
            const sums: MetricSums = new Map();
            for (const id of ids) {
              const earlier = c.get(id);
              const later = t.get(id);
              if (later !== undefined) sums.set(id, addCrewSums(earlier, later));
              else if (earlier !== undefined) sums.set(id, earlier);
            }
            return sums;
          }),
          ids,
          lifecycleIds,
        ),
    );
  }

  /** Standings of a day, and the instant before which every stored event was in the read. */
  async function standingsAsOf(
    competition: StoredCompetition,
    asOf: string,
    // Definitions other than the current one (drafts, closed periods) do not share its kept sums.
    sums?: Promise<MetricSums>,
    between?: () => Promise<void>,
  ): Promise<{ ranked: RankedStandings; storedBefore: Date }> {
    const def = competition.definition;
    const window = {
      start: def.period.start,
      asOf,
      startInstant: startOfDay(def.period.start, def.timeZone),
      endInstant: startOfDay(addDays(asOf, 1), def.timeZone),
      hazardDeadlines: { timeZone: def.timeZone, days: hazardDeadlineDays(def) },
    };
    // 个人赛: facts per person (migration 0023), from the persons' kept sums; shared reads are
    // keyed by the entrant level too, so a person competition never takes a crew one's facts.
    const persons = def.entrants === 'person';
    const keptToday = sums === undefined && asOf === defaultDay(competition);
    const load = (): Promise<FactsSource> => {
      if (!persons)
        return keptToday && deps.soleWriter !== false && deps.insertsVisibleWhenEnded === true
          ? todaysCrewFacts(competition, window)
          : loadCrewFacts(client, window, sums ?? metricSumsFor(competition, asOf));
      if (sums !== undefined) return loadPersonFacts(client, window, sums);
      const { closed, today } = overlaidSums(competition, asOf);
      return loadPersonFacts(client, window, closed, today);
    };
    // Only the current definition's reads are shared, and only where this process stores every
    // event (standings-ownership.ts).
    const read =
      sums === undefined && deps.soleWriter !== false
        ? sharedFacts.get(`${persons ? 'person' : 'crew'}:${JSON.stringify(window)}`, load, storedBefore)
        : { value: load(), storedBefore: storedBefore() };
    const facts = await read.value;
    // Scoring 10,000 crews takes tens of milliseconds of JavaScript: let waiting requests
    // (a screen polling the standings, a refresh of today inside a pass step) run first.
    await yieldToEventLoop();
    await between?.();
    // Only the current definition's today keeps scores: past days are computed once per pass.
    let memo: ScoreMemo | undefined;
    if (sums === undefined && asOf === defaultDay(competition)) {
      memo = scoreMemos.get(competition.id);
      if (!memo) scoreMemos.set(competition.id, (memo = createScoreMemo()));
    }
    const ranked = rankStandings(
      {
        competition: def,
        asOf,
        crews: catalog.participants(def),
        facts,
        targets: catalog.targets(competition.id),
        persons: catalog.org().persons,
      },
      memo,
    );
    return { ranked, storedBefore: read.storedBefore };
  }

  /**
   * Ranks at the end of the previous day: from its stored snapshot when that was computed with
   * the same rules and registry and is not waiting for a recomputation, else computed now.
   */
  async function previousRanks(competition: StoredCompetition, day: string): Promise<PreviousRanks> {
    if (day < competition.definition.period.start) return NO_PREVIOUS_RANKS;
    // Just after midnight the day before's last snapshot may still be held in memory (persist):
    // written first, so the new day's movement is measured against it, not an older stored run.
    if (unsaved.get(competition.id)?.snapshot.asOf === day) await saveNow(competition.id);
    const pending = marks.pending(competition.id, day);
    const kept = storedPrevious.get(competition.id);
    const orgVersion = catalog.orgVersion();
    // Where this process writes every run (sole ownership), the run it knew latest stays latest
    // until it writes that day again: no lookup per refresh (each waited behind the consumer's
    // queries in the embedded engine, issue 19).
    if (
      deps.soleWriter !== false &&
      !pending &&
      kept?.day === day &&
      kept.definitionVersion === competition.version &&
      kept.orgVersion === orgVersion &&
      kept.writes === writesOf(competition.id, day)
    )
      return kept.ranks;
    const writes = writesOf(competition.id, day);
    const key = `${competition.id}\u0000${day}\u0000${competition.version}\u0000${orgVersion}`;
    const cached = computedPrevious.get(competition.id);
    // The same for ranks computed because no run of these rules and registry was stored.
    if (deps.soleWriter !== false && !pending && cached?.key === key && cached.writes === writes) return cached.ranks;
    const run = pending ? null : await latestRun(client, competition.id, day);
    if (run && run.definitionVersion === competition.version && run.orgVersion === orgVersion) {
      const latest = { day, definitionVersion: run.definitionVersion, orgVersion, writes };
      // A run is never changed once stored: its ranks are read once, not after every burst of events.
      // Stored runs read back as ClickHouse's time text; a step just written keeps its ISO stamp.
      if (kept?.day === day && fromClickHouseTime(kept.computedAt) === fromClickHouseTime(run.computedAt)) {
        storedPrevious.set(competition.id, { ...kept, ...latest });
        return kept.ranks;
      }
      const ranks = previousRanksOf(await readRanks(client, competition.id, day, run.computedAt));
      storedPrevious.set(competition.id, { ...latest, computedAt: run.computedAt, ranks });
      return ranks;
    }
    if (cached?.key === key && deps.soleWriter !== false) return cached.ranks;
    const generation = generations.get(competition.id) ?? 0;
    const ranks = previousRanksFromRanked((await standingsAsOf(competition, day)).ranked);
    // Keep them only if no event landed on a closed day while they were computed.
    if ((generations.get(competition.id) ?? 0) === generation)
      computedPrevious.set(competition.id, { key, day, ranks, writes });
    return ranks;
  }

  /** One computation at a time per (competition, day): callers that arrive meanwhile share it. */
  function recomputeOnce(competitionId: string, asOf: string): Promise<Snapshot> {
    return inFlight.get(`${competitionId}\u0000${asOf}`) ?? recomputeFresh(competitionId, asOf);
  }

  /**
   * A computation that starts after any running one for the same day: one that started before
   * the latest events were stored must not stand in for one that sees them.
   */
  function recomputeFresh(competitionId: string, asOfInput?: string, options?: RecomputeOptions): Promise<Snapshot> {
    // Keyed by the resolved day, so "today" and today's date are one computation, not two racing.
    const competition = competitionOrThrow(competitionId);
    const asOf = checkedDay(competition, asOfInput ?? defaultDay(competition));
    const key = `${competitionId}\u0000${asOf}`;
    const before = inFlight.get(key);
    const next: Promise<Snapshot> = (before ? before.catch(() => undefined) : Promise.resolve())
      .then(() => computeAndWrite(competitionId, asOf, options?.between))
      .finally(() => {
        if (inFlight.get(key) === next) inFlight.delete(key);
      });
    inFlight.set(key, next);
    return next;
  }

  /** A day standings can be asked for: inside the period and not after today. */
  function checkedDay(competition: StoredCompetition, asOf: string): string {
    const { period, timeZone } = competition.definition;
    if (asOf < period.start || asOf > period.end) {
      throw new InvalidInputError(
        'as_of_outside_period',
        `asOf ${asOf} is outside the competition period ${period.start} – ${period.end}`,
        undefined,
        400,
      );
    }
    const today = dayInZone(now(), timeZone);
    if (asOf > today) {
      throw new InvalidInputError(
        'as_of_in_future',
        `asOf ${asOf} is after today (${today} in ${timeZone}): standings exist up to today`,
        undefined,
        400,
      );
    }
    return asOf;
  }

  async function computeAndWrite(
    competitionId: string,
    asOf: string,
    between?: () => Promise<void>,
  ): Promise<Snapshot> {
    const competition = competitionOrThrow(competitionId);
    const started = performance.now();
    // Stamped before reading: the run with the latest computed_at is the one that started last,
    // so it saw every event stored before it, whichever instance computed what.
    const computedAt = new Date((lastComputedAt = Math.max(now().getTime(), lastComputedAt + 1))).toISOString();
    const ownStamp = storedBefore();
    const marksSeen = marks.generation(competitionId);
    const [current, previous] = await Promise.all([
      standingsAsOf(competition, asOf, undefined, between),
      previousRanks(competition, addDays(asOf, -1)),
    ]);
    // A read shared from earlier in the cycle holds only the events stored before it began.
    const eventsStoredBefore = new Date(Math.min(ownStamp.getTime(), current.storedBefore.getTime())).toISOString();
    // Today's table is the previous one where nothing changed (rankTable).
    const isToday = asOf === defaultDay(competition);
    const kept = isToday ? keptTables.get(competitionId) : undefined;
    const built = rankTable(current.ranked, previous, kept?.asOf === asOf ? kept.kept : undefined);
    const snapshot = snapshotOf(
      {
        competitionId,
        asOf,
        computedAt,
        definitionVersion: competition.version,
        orgVersion: catalog.orgVersion(),
        eventsStoredBefore,
      },
      built.table,
    );
    if (isToday) keptTables.set(competitionId, { asOf, kept: built });
    await yieldToEventLoop();
    await between?.();
    if (isToday) latestToday.set(competitionId, { snapshot, marksSeen });
    await persist(snapshot, isToday);
    if (isToday) deps.onTodayComputed?.(competitionId, asOf);
    // A closed day is written at once: its ranks are the stored run's, so the next step of a pass
    // (or today's refresh) takes them from here instead of reading 100,000 stored rows back.
    else
      storedPrevious.set(competitionId, {
        day: asOf,
        computedAt,
        ranks: previousRanksFromRanked(current.ranked),
        definitionVersion: competition.version,
        orgVersion: snapshot.orgVersion,
        writes: writesOf(competitionId, asOf),
      });
    logger.debug(
      { competitionId, asOf, crews: snapshotSize(snapshot), ms: Math.round(performance.now() - started) },
      'standings recomputed',
    );
    return snapshot;
  }

  /**
   * Today's standings are recomputed after every burst of events; writing each 10,000-row
   * snapshot (and merging it) would cost ClickHouse as much as the events. The latest one is
   * served from memory and written at most every persistMs, and on close; other days at once.
   * A snapshot whose write takes long (100,000 persons' rows: seconds on a busy machine) is
   * written less often: at most a tenth of the time goes to writing it (persistEvery).
   */
  async function persist(snapshot: Snapshot, isToday: boolean): Promise<void> {
    if (!isToday || deps.persistMs === 0) {
      // A pass that rewrites the day held in memory (yesterday's, just after midnight, before
      // today's first refresh wrote it) supersedes it: the held one is not written after it, nor
      // served in its place.
      const held = unsaved.get(snapshot.competitionId);
      if (!isToday && held?.snapshot.asOf === snapshot.asOf) {
        clearTimeout(held.timer);
        unsaved.delete(snapshot.competitionId);
      }
      await write(snapshot);
      if (isToday || written.get(snapshot.competitionId)?.asOf === snapshot.asOf)
        written.set(snapshot.competitionId, snapshot);
      return;
    }
    const id = snapshot.competitionId;
    // At midnight the held snapshot belongs to a day that just closed: it is that day's last word.
    if (unsaved.get(id) && unsaved.get(id)?.snapshot.asOf !== snapshot.asOf) await saveNow(id);
    const previous = unsaved.get(id);
    const entry: Unsaved = { snapshot, timer: previous?.timer };
    unsaved.set(id, entry);
    const since = Date.now() - (lastSavedAt.get(id) ?? 0);
    if (since >= persistEvery(id)) await saveWhenFree(id);
    else entry.timer ??= setTimeout(() => void saveWhenFree(id), persistEvery(id) - since);
  }

  /**
   * Writes a held snapshot of today now, or, while a refresh cycle runs, after it: a cycle of
   * 300 competitions over 10,000 crews wrote 3 million rows, two thirds of its time, and every
   * competition later in the cycle showed its crews' events that much later (issue 19). The
   * snapshot is served from memory meanwhile (sole ownership), so only the stored copy waits.
   */
  async function saveWhenFree(id: string): Promise<void> {
    // Shared ownership serves the stored run: there the write is what makes a snapshot visible.
    if (cyclesOpen > 0 && deps.soleWriter !== false) {
      writesDue.add(id);
      return;
    }
    await saveNow(id).catch((err: unknown) => logger.error({ err, competitionId: id }, 'standings write failed'));
  }

  /** Writes what cycles left, one snapshot at a time, stopping while a new cycle runs. */
  function drainWrites(): Promise<void> {
    draining ??= (async () => {
      try {
        for (const id of writesDue) {
          if (cyclesOpen > 0) return;
          writesDue.delete(id);
          await saveNow(id).catch((err: unknown) => logger.error({ err, competitionId: id }, 'standings write failed'));
        }
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  /** How often today's snapshot of a competition is written: persistMs, or ten times its last write's time. */
  function persistEvery(id: string): number {
    return Math.max(deps.persistMs, 10 * (lastWriteMs.get(id) ?? 0));
  }

  /** A write of a competition's snapshot under way: a second one waits for it, then finds what is left. */
  const saving = new Map<string, Promise<void>>();

  async function saveNow(id: string): Promise<void> {
    for (let running = saving.get(id); running; running = saving.get(id)) await running.catch(() => undefined);
    const done = writeHeld(id);
    saving.set(id, done);
    try {
      await done;
    } finally {
      if (saving.get(id) === done) saving.delete(id);
    }
  }

  async function writeHeld(id: string): Promise<void> {
    const entry = unsaved.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    lastSavedAt.set(id, Date.now());
    const started = performance.now();
    await write(entry.snapshot);
    lastWriteMs.set(id, performance.now() - started);
    // A pass may have written a later computation of the same day meanwhile (persist).
    const last = written.get(id);
    if (last?.asOf !== entry.snapshot.asOf || last.computedAt < entry.snapshot.computedAt)
      written.set(id, entry.snapshot);
    // A newer snapshot may have arrived during the write; it stays for the next one.
    if (unsaved.get(id) === entry) unsaved.delete(id);
    else {
      const newer = unsaved.get(id);
      if (newer && !newer.timer) newer.timer = setTimeout(() => void saveWhenFree(id), persistEvery(id));
    }
  }

  /**
   * Today's standings after a change marked them: computed now (once for every reader meanwhile)
   * rather than the previous numbers. Today is what big screens show, and after a crash the
   * previous numbers are below the stored events; the marked days before today are rewritten by
   * the refresher's pass, in day order.
   */
  function current(competitionId: string, asOf: string): Promise<Snapshot> {
    const marksSeen = marks.generation(competitionId);
    const latest = latestToday.get(competitionId);
    if (latest && latest.snapshot.asOf === asOf && latest.marksSeen >= marksSeen)
      return Promise.resolve(latest.snapshot);
    let computing = catchingUp.get(competitionId);
    if (!computing || computing.marksSeen < marksSeen) {
      const entry = { marksSeen, snapshot: recomputeFresh(competitionId, asOf) };
      catchingUp.set(competitionId, entry);
      void entry.snapshot
        .catch(() => undefined)
        .finally(() => {
          if (catchingUp.get(competitionId) === entry) catchingUp.delete(competitionId);
        });
      computing = entry;
    }
    return computing.snapshot;
  }

  async function read(competitionId: string, query: StandingsQuery): Promise<StandingsPage> {
    const competition = competitionOrThrow(competitionId);
    const asOf = checkedDay(competition, query.asOf ?? defaultDay(competition));
    const group = parseGroup(query.group, competition, branchInRegistry(catalog));
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    // Asked before reading: a pass that finishes during the read has written what is read.
    const recomputing = marks.pending(competitionId, asOf);
    const fromSnapshot = (snapshot: Snapshot): StandingsPage => ({
      competitionId,
      asOf,
      computedAt: snapshot.computedAt,
      definitionVersion: snapshot.definitionVersion,
      registryVersion: snapshot.orgVersion,
      recomputing,
      group: group.label,
      ...pageOf(snapshot, group, query.crewId, limit, offset),
    });
    // Shared ownership (standings-ownership.ts) answers from the latest stored run only: another
    // instance's later run may have overtaken a computation this one holds.
    if (recomputing && asOf === defaultDay(competition) && deps.soleWriter !== false) {
      try {
        return { ...fromSnapshot(await current(competitionId, asOf)), recomputing: false };
      } catch (err) {
        logger.error({ err, competitionId }, 'standings could not be computed; answering the previous ones');
      }
    }
    const inMemory =
      deps.soleWriter === false ? undefined : (unsaved.get(competitionId)?.snapshot ?? written.get(competitionId));
    if (inMemory?.asOf === asOf) return fromSnapshot(inMemory);
    const page = await readLatestPage(client, { competitionId, asOf, ...group, crewId: query.crewId, limit, offset });
    if (page) {
      return {
        competitionId,
        asOf,
        computedAt: fromClickHouseTime(page.computedAt),
        definitionVersion: page.definitionVersion,
        registryVersion: page.orgVersion,
        recomputing,
        group: group.label,
        total: page.total,
        rows: page.rows,
      };
    }
    // Either no snapshot of that day exists yet, or the page is empty (past the end, or a crew
    // outside the group): compute in the first case, count in the second.
    const run = await latestRun(client, competitionId, asOf);
    // Answered from the snapshot just computed: today's may be held in memory, not yet written.
    if (!run) return fromSnapshot(await recomputeOnce(competitionId, asOf));
    return {
      competitionId,
      asOf,
      computedAt: fromClickHouseTime(run.computedAt),
      definitionVersion: run.definitionVersion,
      registryVersion: run.orgVersion,
      recomputing,
      group: group.label,
      total: await countSnapshotRows(client, { competitionId, asOf, computedAt: run.computedAt, ...group }),
      rows: [],
    };
  }

  return {
    async flush() {
      // The drain's write of a snapshot would otherwise race this one's.
      await draining;
      writesDue.clear();
      await Promise.all([...unsaved.keys()].map((id) => saveNow(id)));
    },
    recompute: recomputeFresh,
    read,
    async evaluate(competitionId, definition, asOf) {
      // A new competition's first draft has no current version to stand on.
      const competition = {
        id: competitionId,
        version: 0,
        savedAt: '',
        author: '',
        note: '',
        draft: true,
        deleted: false,
        definition,
      };
      // A draft reads its own sums: the kept ones are the current definition's.
      const sums = (definition.entrants === 'person' ? loadPersonSums : loadMetricSums)(
        client,
        definition.period.start,
        asOf,
      );
      const { ranked } = await standingsAsOf(competition, asOf, sums);
      return snapshotCrews(ranked, NO_PREVIOUS_RANKS).crews;
    },
    defaultDay,
    snapshotDays: (competitionId, from, to) => snapshotDays(client, competitionId, from, to),
    async settled(competitionId) {
      const running = [...inFlight].filter(([key]) => key.startsWith(`${competitionId}\u0000`));
      await Promise.allSettled(running.map(([, computation]) => computation));
    },
    crewsStored(crewIds, lifecycleCrewIds) {
      todaysCrews.touched(crewIds, lifecycleCrewIds);
    },
    async shareReads(run) {
      cyclesOpen += 1;
      try {
        return await sharedFacts.cycle(run);
      } finally {
        cyclesOpen -= 1;
        if (cyclesOpen === 0 && writesDue.size > 0) void drainWrites();
      }
    },
    async writesSettled() {
      while (cyclesOpen === 0 && (draining || writesDue.size > 0)) await (draining ?? drainWrites());
    },
    eventsLanded(competitionId, day) {
      // Facts read in this cycle include the closed days the events landed on.
      sharedFacts.dropAll();
      generations.set(competitionId, (generations.get(competitionId) ?? 0) + 1);
      const cached = computedPrevious.get(competitionId);
      if (cached && cached.day >= day) computedPrevious.delete(competitionId);
      // Kept sums are shared by every competition with the same period start: drop any that hold the day.
      for (const kept of [closedDays, passDays])
        for (const [key, sums] of kept) if (sums.through >= day && sums.start <= day) kept.delete(key);
    },
  };
}
