import type { ClickHouseClient } from '@clickhouse/client';
import type { IndicatorResult, StandingsRow, VetoResult } from './engine/types.ts';

export interface SnapshotRow extends StandingsRow {
  prevRank: number | null;
  rankChange: number | null;
}

export interface Snapshot {
  competitionId: string;
  asOf: string;
  computedAt: string;
  definitionVersion: number;
  orgVersion: number;
  rows: readonly SnapshotRow[];
}

export interface StoredRow {
  groupBy: string;
  groupKey: string;
  rank: number | null;
  prevRank: number | null;
  rankChange: number | null;
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
}

export interface SnapshotRun {
  computedAt: string;
  definitionVersion: number;
  orgVersion: number;
  crews: number;
}

/** Writes the rows of a snapshot, then its run row, which makes the snapshot visible to readers. */
export async function writeSnapshot(client: ClickHouseClient, snapshot: Snapshot): Promise<void> {
  const rows = snapshot.rows.map((r) => ({
    competition_id: snapshot.competitionId,
    as_of: snapshot.asOf,
    computed_at: snapshot.computedAt,
    group_by: r.groupBy,
    group_key: r.groupKey,
    crew_id: r.crew.crewId,
    crew_name: r.crew.crewName,
    unit_id: r.crew.unitId,
    unit_name: r.crew.unitName,
    unit_type: r.crew.unitType,
    branch_id: r.crew.branchId,
    branch_name: r.crew.branchName,
    headcount: r.crew.headcount,
    rank: r.rank,
    prev_rank: r.prevRank,
    rank_change: r.rankChange,
    score: r.score,
    disqualified: r.disqualified ? 1 : 0,
    vetoed: r.vetoes.length > 0 ? 1 : 0,
    veto_reasons: r.vetoes.map((v) => `${v.name.zh}：${v.reason.zh}`),
    indicator_points: Object.fromEntries(r.indicators.map((i) => [i.indicatorId, i.points])),
    indicator_values: Object.fromEntries(r.indicators.map((i) => [i.indicatorId, i.value])),
    detail: JSON.stringify({ vetoes: r.vetoes, indicators: r.indicators }),
  }));
  if (rows.length > 0) await client.insert({ table: 'standings', values: rows, format: 'JSONEachRow' });
  await client.insert({
    table: 'standings_runs',
    values: [
      {
        competition_id: snapshot.competitionId,
        as_of: snapshot.asOf,
        computed_at: snapshot.computedAt,
        definition_version: snapshot.definitionVersion,
        org_version: snapshot.orgVersion,
        crews: new Set(snapshot.rows.map((r) => r.crew.crewId)).size,
      },
    ],
    format: 'JSONEachRow',
  });
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
    definition_version: number | string;
    org_version: number | string;
    crews: number | string;
  }>();
  if (!row) return null;
  return {
    computedAt: row.computed_at,
    definitionVersion: Number(row.definition_version),
    orgVersion: Number(row.org_version),
    crews: Number(row.crews),
  };
}

interface RowFromClickHouse {
  group_by: string;
  group_key: string;
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
  detail: string;
}

export interface RowsQuery {
  competitionId: string;
  asOf: string;
  computedAt: string;
  groupBy: string;
  groupKey: string;
  crewId?: string;
  limit: number;
  offset: number;
}

/** Rows of one run, in rank order (unranked crews last), with a stable tie-break on crew id. */
export async function readSnapshotRows(client: ClickHouseClient, q: RowsQuery): Promise<StoredRow[]> {
  const result = await client.query({
    query: `SELECT group_by, group_key, rank, prev_rank, rank_change, crew_id, crew_name, unit_id, unit_name, unit_type,
                   branch_id, branch_name, headcount, score, disqualified, detail
            FROM standings
            WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}
              AND computed_at = {computedAt:DateTime64(3, 'UTC')}
              AND group_by = {groupBy:String} AND group_key = {groupKey:String}
              AND ({crewId:String} = '' OR crew_id = {crewId:String})
            ORDER BY rank IS NULL, rank, crew_id
            LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    query_params: { ...q, crewId: q.crewId ?? '' },
    format: 'JSONEachRow',
  });
  return (await result.json<RowFromClickHouse>()).map((r) => {
    const detail = JSON.parse(r.detail) as { vetoes: VetoResult[]; indicators: IndicatorResult[] };
    return {
      groupBy: r.group_by,
      groupKey: r.group_key,
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
      vetoes: detail.vetoes,
      indicators: detail.indicators,
    };
  });
}

export async function countSnapshotRows(
  client: ClickHouseClient,
  q: Omit<RowsQuery, 'limit' | 'offset' | 'crewId'>,
): Promise<number> {
  const result = await client.query({
    query: `SELECT count() AS n FROM standings
            WHERE competition_id = {competitionId:String} AND as_of = {asOf:Date}
              AND computed_at = {computedAt:DateTime64(3, 'UTC')}
              AND group_by = {groupBy:String} AND group_key = {groupKey:String}`,
    query_params: q,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}
