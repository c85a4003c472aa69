import type { ClickHouseClient } from '@clickhouse/client';
import type { FactSummary } from './engine/fact-summary.ts';
import type { SheetOutcome } from '../../schemas/sheet.schema.ts';
import type { CrewProfile, IndicatorResult, VetoResult } from './engine/types.ts';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { insertRows } from '../storage/insert-rows.ts';
import { factsFromMap, factsToMap } from './snapshot-facts.ts';

export type GroupBy = 'overall' | 'branch' | 'unit_type';

export interface GroupRank {
  rank: number | null;
  prevRank: number | null;
  rankChange: number | null;
}

/** One crew in a snapshot: its score and breakdown, and its rank in each ranking group. */
export interface SnapshotCrew {
  crew: CrewProfile;
  score: number;
  disqualified: boolean;
  vetoes: readonly VetoResult[];
  indicators: readonly IndicatorResult[];
  facts: FactSummary;
  /** 考核细则, gates and grade; null when the competition has none (migration 0017). */
  sheet: SheetOutcome | null;
  ranks: Partial<Record<GroupBy, GroupRank>>;
}

export interface Snapshot {
  competitionId: string;
  asOf: string;
  computedAt: string;
  definitionVersion: number;
  orgVersion: number;
  /** Every event stored before this instant (ISO 8601) was read into it (migration 0015). */
  eventsStoredBefore: string;
  crews: readonly SnapshotCrew[];
}

/** A row read back for one group: `rank` and its movement are the rank inside that group. */
export interface StoredRow extends GroupRank {
  crewId: string;
  crewName: string;
  unitId: string;
  unitName: string;
  unitType: string;
  branchId: string;
  branchName: string;
  headcount: number;
  score: number;
  disqualified: boolean;
  vetoes: VetoResult[];
  indicators: IndicatorResult[];
  /** Null for a snapshot stored before facts were (migration 0007). */
  facts: FactSummary | null;
  sheet: SheetOutcome | null;
  /** 个人赛: the person (the row's crewId and crewName) and their crew; null for other entrants (migration 0024). */
  person: RowPerson | null;
}

/** A person entrant of a row: crewId and crewName name the crew the person belongs to. */
export interface RowPerson {
  id: string;
  name: string;
  job: string | null;
  crewId: string;
  crewName: string;
}

/** The person of a row from its entrant profile. */
export function rowPerson(crew: CrewProfile): RowPerson | null {
  const p = crew.person;
  return p === undefined
    ? null
    : { id: crew.crewId, name: crew.crewName, job: p.job, crewId: p.crewId, crewName: p.crewName };
}

/** One entrant's row of a page, with its rank in the group asked for. */
export function storedRow(c: Omit<SnapshotCrew, 'ranks'>, r: GroupRank | undefined): StoredRow {
  return {
    rank: r?.rank ?? null,
    prevRank: r?.prevRank ?? null,
    rankChange: r?.rankChange ?? null,
    crewId: c.crew.crewId,
    crewName: c.crew.crewName,
    unitId: c.crew.unitId,
    unitName: c.crew.unitName,
    unitType: c.crew.unitType,
    branchId: c.crew.branchId,
    branchName: c.crew.branchName,
    headcount: c.crew.headcount,
    score: c.score,
    disqualified: c.disqualified,
    vetoes: [...c.vetoes],
    indicators: [...c.indicators],
    facts: c.facts,
    sheet: c.sheet,
    person: rowPerson(c.crew),
  };
}

export interface SnapshotRun {
  computedAt: string;
  definitionVersion: number;
  orgVersion: number;
  crews: number;
}

const rankColumns = {
  overall: { rank: 'rank', prev: 'prev_rank', change: 'rank_change', key: '' },
  branch: { rank: 'branch_rank', prev: 'prev_branch_rank', change: 'branch_rank_change', key: 'branch_id' },
  unit_type: { rank: 'unit_type_rank', prev: 'prev_unit_type_rank', change: 'unit_type_rank_change', key: 'unit_type' },
} as const;

const SNAPSHOT_COLUMNS: [string, ...string[]] = [
  'competition_id',
  'as_of',
  'computed_at',
  'crew_id',
  'crew_name',
  'unit_id',
  'unit_name',
  'unit_type',
  'branch_id',
  'branch_name',
  'headcount',
  'score',
  'rank',
  'prev_rank',
  'rank_change',
  'branch_rank',
  'prev_branch_rank',
  'branch_rank_change',
  'unit_type_rank',
  'prev_unit_type_rank',
  'unit_type_rank_change',
  'disqualified',
  'vetoed',
  'veto_reasons',
  'indicator_points',
  'indicator_values',
  'indicator_zeroed_by',
  'vetoes',
  'facts',
  'sheet',
  'person_crew_id',
  'person_crew_name',
  'person_job',
];

function rankValues(r: GroupRank | undefined): [number | null, number | null, number | null] {
  return [r?.rank ?? null, r?.prevRank ?? null, r?.rankChange ?? null];
}

/**
 * Writes the rows of a snapshot, then its run row, which makes the snapshot visible to readers.
 * `records` are the snapshot's crews, built one by one where the snapshot keeps them in columns
 * (snapshot-table.ts).
 */
export async function writeSnapshot(
  client: ClickHouseClient,
  snapshot: Snapshot,
  records: Iterable<SnapshotCrew> = snapshot.crews,
): Promise<void> {
  // Positional rows (JSONCompactEachRow): ClickHouse parses them far faster than keyed JSON.
  const rows = Array.from(records, (c) => {
    const points: Record<string, number> = {};
    const values: Record<string, number | null> = {};
    const zeroedBy: Record<string, string> = {};
    for (const i of c.indicators) {
      points[i.indicatorId] = i.points;
      values[i.indicatorId] = i.value;
      if (i.zeroedBy !== undefined) zeroedBy[i.indicatorId] = i.zeroedBy;
    }
    return [
      snapshot.competitionId,
      snapshot.asOf,
      snapshot.computedAt,
      c.crew.crewId,
      c.crew.crewName,
      c.crew.unitId,
      c.crew.unitName,
      c.crew.unitType,
      c.crew.branchId,
      c.crew.branchName,
      c.crew.headcount,
      c.score,
      ...rankValues(c.ranks.overall),
      ...rankValues(c.ranks.branch),
      ...rankValues(c.ranks.unit_type),
      c.disqualified ? 1 : 0,
      c.vetoes.length > 0 ? 1 : 0,
      c.vetoes.map((v) => `${v.name.zh}：${v.reason.zh}`),
      points,
      values,
      zeroedBy,
      c.vetoes.length > 0 ? JSON.stringify(c.vetoes) : '',
      factsToMap(c.facts),
      c.sheet === null ? '' : JSON.stringify(c.sheet),
      c.crew.person?.crewId ?? '',
      c.crew.person?.crewName ?? '',
      c.crew.person?.job ?? '',
    ];
  });
  await insertRows(client, 'standings', rows, SNAPSHOT_COLUMNS);
  await insertRows(client, 'standings_runs', [
    {
      competition_id: snapshot.competitionId,
      as_of: snapshot.asOf,
      computed_at: snapshot.computedAt,
      definition_version: snapshot.definitionVersion,
      org_version: snapshot.orgVersion,
      events_stored_before: snapshot.eventsStoredBefore,
      crews: rows.length,
    },
  ]);
}

/** The latest computed_at of any stored run or row, in epoch milliseconds (0 when there is none). */
export async function latestComputedAt(client: ClickHouseClient): Promise<number> {
  const result = await client.query({
    // The rows too: a run cut between its rows and its run row left rows newer than any run, and
    // a run computed after them must be newer still, or a merge keeps the cut run's rows.
    query: `SELECT toUnixTimestamp64Milli(greatest((SELECT max(computed_at) FROM standings_runs),
                                                  (SELECT max(computed_at) FROM standings))) AS ms`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ ms: string | number }>();
  return Number(row?.ms ?? 0);
}

export async function latestRun(
  client: ClickHouseClient,
  competitionId: string,
  asOf: string,
): Promise<SnapshotRun | null> {
  const result = await client.query({
    query: `SELECT computed_at, definition_version, org_version, crews FROM standings_runs
            WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}
            ORDER BY computed_at DESC LIMIT 1`,
    query_params: { competitionId, asOf },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{
    computed_at: string;
    definition_version: number;
    org_version: number | string;
    crews: number;
  }>();
  if (!row) return null;
  return {
    computedAt: row.computed_at,
    definitionVersion: row.definition_version,
    orgVersion: Number(row.org_version),
    crews: row.crews,
  };
}

interface RowFromClickHouse {
  rank: number | null;
  prev_rank: number | null;
  rank_change: number | null;
  crew_id: string;
  crew_name: string;
  unit_id: string;
  unit_name: string;
  unit_type: string;
  branch_id: string;
  branch_name: string;
  headcount: number;
  score: number;
  disqualified: number;
  indicator_ids: string[];
  indicator_points: Record<string, number>;
  indicator_values: Record<string, number | null>;
  indicator_zeroed_by: Record<string, string>;
  vetoes: string;
  facts: Record<string, number>;
  sheet: string;
  person_crew_id: string;
  person_crew_name: string;
  person_job: string;
}

const ROW_COLUMNS = `{rankCol:Identifier} AS rank, {prevCol:Identifier} AS prev_rank, {changeCol:Identifier} AS rank_change,
       crew_id, crew_name, unit_id, unit_name, unit_type, branch_id, branch_name, headcount, score, disqualified,
       mapKeys(indicator_points) AS indicator_ids, indicator_points, indicator_values, indicator_zeroed_by, vetoes, facts, sheet,
       person_crew_id, person_crew_name, person_job`;

function fromClickHouseRow(r: RowFromClickHouse): StoredRow {
  return {
    rank: r.rank,
    prevRank: r.prev_rank,
    rankChange: r.rank_change,
    crewId: r.crew_id,
    crewName: r.crew_name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitType: r.unit_type,
    branchId: r.branch_id,
    branchName: r.branch_name,
    headcount: r.headcount,
    score: r.score,
    disqualified: r.disqualified === 1,
    vetoes: r.vetoes === '' ? [] : (JSON.parse(r.vetoes) as VetoResult[]),
    indicators: r.indicator_ids.map((id) => {
      const zeroedBy = r.indicator_zeroed_by[id];
      return {
        indicatorId: id,
        value: r.indicator_values[id] ?? null,
        points: r.indicator_points[id] ?? 0,
        ...(zeroedBy === undefined ? {} : { zeroedBy }),
      };
    }),
    facts: factsFromMap(r.facts),
    sheet: r.sheet === '' ? null : (JSON.parse(r.sheet) as SheetOutcome),
    person:
      r.person_crew_id === ''
        ? null
        : {
            id: r.crew_id,
            name: r.crew_name,
            job: r.person_job === '' ? null : r.person_job,
            crewId: r.person_crew_id,
            crewName: r.person_crew_name,
          },
  };
}

export interface RowsQuery {
  competitionId: string;
  asOf: string;
  computedAt: string;
  groupBy: GroupBy;
  /** '' for overall, else the branch id or unit type. */
  groupKey: string;
  crewId?: string;
  limit: number;
  offset: number;
}

function groupParams(q: Pick<RowsQuery, 'groupBy' | 'groupKey'>) {
  const cols = rankColumns[q.groupBy];
  // Column names come from the fixed table above, bound as identifiers; never from input.
  return {
    rankCol: cols.rank,
    prevCol: cols.prev,
    changeCol: cols.change,
    keyCol: cols.key === '' ? 'competition_id' : cols.key,
    groupKey: q.groupKey,
    anyKey: cols.key === '' ? 1 : 0,
  };
}

const GROUP_FILTER = `AND ({anyKey:UInt8} = 1 OR {keyCol:Identifier} = {groupKey:String})`;

export async function countSnapshotRows(
  client: ClickHouseClient,
  q: Omit<RowsQuery, 'limit' | 'offset' | 'crewId'>,
): Promise<number> {
  const result = await client.query({
    query: `SELECT count() AS n FROM standings
            WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}
              AND computed_at = {computedAt:DateTime64(3, 'UTC')}
              ${GROUP_FILTER}`,
    query_params: { competitionId: q.competitionId, asOf: q.asOf, computedAt: q.computedAt, ...groupParams(q) },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

export async function snapshotDays(
  client: ClickHouseClient,
  competitionId: string,
  from: string,
  to: string,
): Promise<string[]> {
  const result = await client.query({
    query: `SELECT DISTINCT as_of FROM standings_runs
            WHERE competition_id = {competitionId:String} AND as_of >= {from:Date} AND as_of <= {to:Date}
            ORDER BY as_of`,
    query_params: { competitionId, from, to },
    format: 'JSONEachRow',
  });
  return (await result.json<{ as_of: string }>()).map((r) => r.as_of);
}

/** Each crew's ranks in the latest snapshot of a day, to measure movement against it. */
export async function readRanks(
  client: ClickHouseClient,
  competitionId: string,
  asOf: string,
  computedAt: string,
): Promise<[string, Partial<Record<GroupBy, number | null>>][]> {
  const result = await client.query({
    query: `SELECT crew_id, rank, branch_rank, unit_type_rank FROM standings
            WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}
              AND computed_at = {computedAt:DateTime64(3, 'UTC')}`,
    query_params: { competitionId, asOf, computedAt },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    crew_id: string;
    rank: number | null;
    branch_rank: number | null;
    unit_type_rank: number | null;
  }>();
  return rows.map((r) => [r.crew_id, { overall: r.rank, branch: r.branch_rank, unit_type: r.unit_type_rank }]);
}

export interface LatestPage {
  computedAt: string;
  definitionVersion: number;
  orgVersion: number;
  total: number;
  rows: StoredRow[];
}

/**
 * A page of the latest run of a day in one query (a screen polls this): the run, the rows and the
 * group's size. Null when the page is empty, so the caller can tell "no snapshot" apart.
 */
export async function readLatestPage(
  client: ClickHouseClient,
  q: Omit<RowsQuery, 'computedAt'>,
): Promise<LatestPage | null> {
  const result = await client.query({
    // The group's size is counted before the optional crew filter, so a crew's breakdown also
    // learns how many crews its group has.
    query: `WITH (SELECT (max(computed_at), argMax(definition_version, computed_at), argMax(org_version, computed_at))
                  FROM standings_runs
                  WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}) AS run
            SELECT * FROM (
              SELECT ${ROW_COLUMNS}, count() OVER () AS total,
                     toString(run.1) AS run_computed_at, run.2 AS run_definition_version, run.3 AS run_org_version
              FROM standings
              WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date} AND computed_at = run.1
                ${GROUP_FILTER}
            )
            WHERE {crewId:String} = '' OR crew_id = {crewId:String}
            ORDER BY rank IS NULL, rank, crew_id
            LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    query_params: {
      competitionId: q.competitionId,
      asOf: q.asOf,
      crewId: q.crewId ?? '',
      limit: q.limit,
      offset: q.offset,
      ...groupParams(q),
    },
    format: 'JSONEachRow',
  });
  const rows = await result.json<
    RowFromClickHouse & {
      total: number | string;
      run_computed_at: string;
      run_definition_version: number;
      run_org_version: number | string;
    }
  >();
  const first = rows[0];
  if (!first) return null;
  return {
    computedAt: first.run_computed_at,
    definitionVersion: first.run_definition_version,
    orgVersion: Number(first.run_org_version),
    total: Number(first.total),
    rows: rows.map(fromClickHouseRow),
  };
}

/** The latest run of one stored day, as a start-up check compares it with what is stored. */
export interface DayRun {
  asOf: string;
  definitionVersion: number;
  orgVersion: number;
  /** Epoch milliseconds. */
  eventsStoredBefore: number;
  /** The run's computed_at, in epoch milliseconds. */
  computedAt: number;
}

/** The latest run of every stored day of a competition, in day order. */
export async function latestRunPerDay(client: ClickHouseClient, competitionId: string): Promise<DayRun[]> {
  const result = await client.query({
    query: `SELECT as_of, argMax(definition_version, computed_at) AS definition_version,
                   argMax(org_version, computed_at) AS org_version,
                   toUnixTimestamp64Milli(argMax(events_stored_before, computed_at)) AS events_stored_before,
                   toUnixTimestamp64Milli(max(computed_at)) AS latest_computed_at
            FROM standings_runs WHERE competition_id = {competitionId:String}
            GROUP BY as_of ORDER BY as_of`,
    query_params: { competitionId },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    as_of: string;
    definition_version: number;
    org_version: number | string;
    events_stored_before: number | string;
    latest_computed_at: number | string;
  }>();
  return rows.map((r) => ({
    asOf: r.as_of,
    definitionVersion: r.definition_version,
    orgVersion: Number(r.org_version),
    eventsStoredBefore: Number(r.events_stored_before),
    computedAt: Number(r.latest_computed_at),
  }));
}

/**
 * The newest computed_at of the standings rows stored for each day of a competition (epoch
 * milliseconds): rows newer than the day's latest run are a run whose run row was never written.
 */
export async function newestRowsPerDay(client: ClickHouseClient, competitionId: string): Promise<Map<string, number>> {
  const result = await client.query({
    query: `SELECT as_of, toUnixTimestamp64Milli(max(computed_at)) AS newest_at
            FROM standings WHERE competition_id = {competitionId:String} GROUP BY as_of`,
    query_params: { competitionId },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ as_of: string; newest_at: number | string }>();
  return new Map(rows.map((r) => [r.as_of, Number(r.newest_at)]));
}

/**
 * Per day an event happened on (in the time zone, within [startInstant, endInstant)), the latest
 * stored_at of its events and of corrections of its events (a withdrawal adds no event) stored
 * from `since` on, in epoch milliseconds.
 */
export async function latestStoredPerDay(
  client: ClickHouseClient,
  window: { startInstant: Date; endInstant: Date; timeZone: string },
  since: Date,
): Promise<Map<string, number>> {
  const result = await client.query({
    query: `SELECT toString(toDate(occurred_at, {timeZone:String})) AS day,
                   toUnixTimestamp64Milli(max(stored_at)) AS stored
            FROM (SELECT occurred_at, stored_at FROM events
                  UNION ALL SELECT occurred_at, stored_at FROM event_corrections)
            WHERE occurred_at >= {start:DateTime64(3, 'UTC')} AND occurred_at < {end:DateTime64(3, 'UTC')}
              AND stored_at >= {since:DateTime64(3, 'UTC')}
            GROUP BY day`,
    query_params: {
      timeZone: window.timeZone,
      start: toClickHouseTime(window.startInstant),
      end: toClickHouseTime(window.endInstant),
      since: toClickHouseTime(since),
    },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ day: string; stored: number | string }>();
  return new Map(rows.map((r) => [r.day, Number(r.stored)]));
}
