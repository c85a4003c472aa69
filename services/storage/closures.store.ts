import type { ClickHouseClient } from '@clickhouse/client';
import type { CorrectionAction } from '../../schemas/correction.schema.ts';
import type { SnapshotCrew } from '../scoring/standings.store.ts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredClosure {
  competitionId: string;
  periodId: string;
  start: string;
  end: string;
  closedAt: string;
  closedBy: string;
  note: string;
  definitionVersion: number;
  orgVersion: number;
  crews: number;
}

export interface StoredLateEvent {
  eventId: string;
  crewId: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  storedAt: string;
  /** A late withdrawal or correction of this (earlier stored) event; null for a late event. */
  correction: { correctionId: string; action: CorrectionAction; reason: string; author: string } | null;
}

interface ClosureRow {
  competition_id: string;
  period_id: string;
  period_start: string;
  period_end: string;
  closed_at: string;
  closed_by: string;
  note: string;
  definition_version: number | string;
  org_version: number | string;
  crews: number | string;
}

/** The closures of one competition; a period closes once, so there is at most one per period. */
export async function loadClosures(client: ClickHouseClient, competitionId: string): Promise<StoredClosure[]> {
  const result = await client.query({
    query: `SELECT competition_id, period_id, period_start, period_end, closed_at, closed_by, note,
                   definition_version, org_version, crews
            FROM period_closures WHERE competition_id = {competitionId:String}
            ORDER BY period_id, closed_at LIMIT 1 BY period_id`,
    query_params: { competitionId },
    format: 'JSONEachRow',
  });
  return (await result.json<ClosureRow>()).map(closureFromRow);
}

function closureFromRow(row: ClosureRow): StoredClosure {
  return {
    competitionId: row.competition_id,
    periodId: row.period_id,
    start: row.period_start,
    end: row.period_end,
    closedAt: fromClickHouseTime(row.closed_at),
    closedBy: row.closed_by,
    note: row.note,
    definitionVersion: Number(row.definition_version),
    orgVersion: Number(row.org_version),
    crews: Number(row.crews),
  };
}

/** The frozen rows first, the closure row last: a closure that can be read has all its rows. */
export async function writeClosure(
  client: ClickHouseClient,
  closure: StoredClosure,
  crews: readonly SnapshotCrew[],
): Promise<void> {
  await insertRows(
    client,
    'final_standings',
    crews.map((c) => ({
      competition_id: closure.competitionId,
      period_id: closure.periodId,
      closed_at: closure.closedAt,
      crew_id: c.crew.crewId,
      crew_name: c.crew.crewName,
      unit_id: c.crew.unitId,
      unit_name: c.crew.unitName,
      unit_type: c.crew.unitType,
      branch_id: c.crew.branchId,
      branch_name: c.crew.branchName,
      score: c.score,
      rank: c.ranks.overall?.rank ?? null,
      branch_rank: c.ranks.branch?.rank ?? null,
      unit_type_rank: c.ranks.unit_type?.rank ?? null,
      disqualified: c.disqualified ? 1 : 0,
      detail: JSON.stringify(c),
    })),
  );
  await insertRows(client, 'period_closures', [
    {
      competition_id: closure.competitionId,
      period_id: closure.periodId,
      period_start: closure.start,
      period_end: closure.end,
      closed_at: closure.closedAt,
      closed_by: closure.closedBy,
      note: closure.note,
      definition_version: closure.definitionVersion,
      org_version: closure.orgVersion,
      crews: closure.crews,
    },
  ]);
}

/** The frozen standings of a closure, as they were written. */
export async function readFinalCrews(client: ClickHouseClient, closure: StoredClosure): Promise<SnapshotCrew[]> {
  const result = await client.query({
    query: `SELECT detail FROM final_standings
            WHERE competition_id = {competitionId:String} AND period_id = {periodId:String}
              AND closed_at = {closedAt:DateTime64(3, 'UTC')}
            ORDER BY crew_id`,
    query_params: {
      competitionId: closure.competitionId,
      periodId: closure.periodId,
      closedAt: toClickHouseTime(new Date(closure.closedAt)),
    },
    format: 'JSONEachRow',
  });
  return (await result.json<{ detail: string }>()).map((row) => JSON.parse(row.detail) as SnapshotCrew);
}

/** Day bounds of a period as instants, in its time zone. */
export interface PeriodWindow {
  startInstant: Date;
  endInstant: Date;
}

const LATE_FILTER = `occurred_at >= {start:DateTime64(3, 'UTC')} AND occurred_at < {end:DateTime64(3, 'UTC')}
              AND stored_at >= {closedAt:DateTime64(3, 'UTC')}
              AND crew_id IN (SELECT crew_id FROM final_standings
                              WHERE competition_id = {competitionId:String} AND period_id = {periodId:String}
                                AND closed_at = {closedAt:DateTime64(3, 'UTC')})`;

function lateParams(closure: StoredClosure, window: PeriodWindow) {
  return {
    start: toClickHouseTime(window.startInstant),
    end: toClickHouseTime(window.endInstant),
    closedAt: toClickHouseTime(new Date(closure.closedAt)),
    competitionId: closure.competitionId,
    periodId: closure.periodId,
  };
}

/**
 * Events of a closed period's crews and days stored from the moment it closed (see periods.ts),
 * and corrections of its events stored since (a correction's occurred_at and crew_id are the
 * corrected event's; its replacement is a late event of its own when it lands in the period).
 */
export async function countLateEvents(
  client: ClickHouseClient,
  closure: StoredClosure,
  window: PeriodWindow,
): Promise<number> {
  const result = await client.query({
    query: `SELECT (SELECT count() FROM events WHERE ${LATE_FILTER})
                 + (SELECT count() FROM event_corrections WHERE ${LATE_FILTER}) AS n`,
    query_params: lateParams(closure, window),
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

export async function readLateEvents(
  client: ClickHouseClient,
  closure: StoredClosure,
  window: PeriodWindow,
  limit: number,
): Promise<StoredLateEvent[]> {
  const result = await client.query({
    query: `SELECT * FROM (
              SELECT event_id, crew_id, type, occurred_at, received_at, stored_at,
                     '' AS correction_id, '' AS action, '' AS reason, '' AS author
              FROM events WHERE ${LATE_FILTER}
              UNION ALL
              SELECT event_id, crew_id, type, occurred_at, requested_at, stored_at,
                     correction_id, action, reason, author
              FROM event_corrections WHERE ${LATE_FILTER}
            )
            ORDER BY stored_at, crew_id, event_id, correction_id LIMIT {limit:UInt32}`,
    query_params: { ...lateParams(closure, window), limit },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    event_id: string;
    crew_id: string;
    type: string;
    occurred_at: string;
    received_at: string;
    stored_at: string;
    correction_id: string;
    action: string;
    reason: string;
    author: string;
  }>();
  return rows.map((r) => ({
    eventId: r.event_id,
    crewId: r.crew_id,
    type: r.type,
    occurredAt: fromClickHouseTime(r.occurred_at),
    receivedAt: fromClickHouseTime(r.received_at),
    storedAt: fromClickHouseTime(r.stored_at),
    correction:
      r.correction_id === ''
        ? null
        : {
            correctionId: r.correction_id,
            action: r.action === 'correct' ? 'correct' : 'withdraw',
            reason: r.reason,
            author: r.author,
          },
  }));
}

/** Every period closure (the first, if one were written twice), for telling which changes are late. */
export async function loadAllClosures(client: ClickHouseClient): Promise<StoredClosure[]> {
  const result = await client.query({
    query: `SELECT competition_id, period_id, period_start, period_end, closed_at, closed_by, note,
                   definition_version, org_version, crews
            FROM period_closures ORDER BY competition_id, period_id, closed_at LIMIT 1 BY competition_id, period_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<ClosureRow>()).map(closureFromRow);
}

/** Which of these crews each closure froze: "competitionId\0periodId\0crewId" for each. */
export async function frozenCrews(
  client: ClickHouseClient,
  closures: readonly StoredClosure[],
  crewIds: readonly string[],
): Promise<Set<string>> {
  if (closures.length === 0 || crewIds.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT DISTINCT competition_id, period_id, closed_at, crew_id FROM final_standings
            WHERE crew_id IN {crewIds:Array(String)}`,
    query_params: { crewIds: [...new Set(crewIds)] },
    format: 'JSONEachRow',
  });
  const current = new Set(closures.map((c) => `${c.competitionId}\u0000${c.periodId}\u0000${c.closedAt}`));
  const out = new Set<string>();
  for (const r of await result.json<{
    competition_id: string;
    period_id: string;
    closed_at: string;
    crew_id: string;
  }>()) {
    // Rows of an attempt whose closure row was never written do not count (see final_standings).
    if (current.has(`${r.competition_id}\u0000${r.period_id}\u0000${fromClickHouseTime(r.closed_at)}`)) {
      out.add(`${r.competition_id}\u0000${r.period_id}\u0000${r.crew_id}`);
    }
  }
  return out;
}
