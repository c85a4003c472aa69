import type { ClickHouseClient } from '@clickhouse/client';
import type { CorrectionAction } from '../../schemas/correction.schema.ts';
import type { EntrantLevel } from '../../schemas/sheet.schema.ts';
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
  /** The person the event names, or null. */
  personId: string | null;
  /** The frozen row it falls on: the crew's, its unit's or branch's, or the person's. */
  entrant: { id: string; name: string };
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

/**
 * The closures of one competition, the latest of each period: a period closes once, and a 复核
 * after an upheld objection during its 公示 freezes it again (services/notice/), superseding the
 * earlier frozen rows; late changes then count from the re-check.
 */
export async function loadClosures(client: ClickHouseClient, competitionId: string): Promise<StoredClosure[]> {
  const result = await client.query({
    query: `SELECT competition_id, period_id, period_start, period_end, closed_at, closed_by, note,
                   definition_version, org_version, crews
            FROM period_closures WHERE competition_id = {competitionId:String}
            ORDER BY period_id, closed_at DESC LIMIT 1 BY period_id`,
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

/** A crew whose events a unit- or branch-level period summed, and the entrant it counted for. */
export interface FrozenMember {
  crewId: string;
  entrantId: string;
}

/**
 * The frozen rows and members first, the closure row last: a closure that can be read has all its
 * rows. Members are written for unit- and branch-level periods only (migration 0029).
 */
export async function writeClosure(
  client: ClickHouseClient,
  closure: StoredClosure,
  crews: readonly SnapshotCrew[],
  members: readonly FrozenMember[] = [],
): Promise<void> {
  if (members.length > 0) {
    await insertRows(
      client,
      'final_standing_crews',
      members.map((m) => ({
        competition_id: closure.competitionId,
        period_id: closure.periodId,
        closed_at: closure.closedAt,
        crew_id: m.crewId,
        entrant_id: m.entrantId,
      })),
    );
  }
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

const CLOSURE = `competition_id = {competitionId:String} AND period_id = {periodId:String}
                AND closed_at = {closedAt:DateTime64(3, 'UTC')}`;

/**
 * Who a stored change is matched by for a closure of this entrant level, as the engine scores them:
 * the column of the change (crew_id or person_id) and a query of (member, entrant_id) pairs. A
 * crew's events count for the crew; a unit's or branch's are its crews' as frozen (migration
 * 0029); a person's are the events naming them, whichever crew reported them (an event naming
 * nobody counts for no person: services/scoring/person-facts.query.ts).
 */
function membersOf(level: EntrantLevel): { column: 'crew_id' | 'person_id'; members: string } {
  const frozenRows = `SELECT crew_id AS member, crew_id AS entrant_id FROM final_standings WHERE ${CLOSURE}`;
  switch (level) {
    case 'crew':
      return { column: 'crew_id', members: frozenRows };
    case 'person':
      return { column: 'person_id', members: frozenRows };
    case 'unit':
    case 'branch':
      return {
        column: 'crew_id',
        members: `SELECT crew_id AS member, entrant_id FROM final_standing_crews WHERE ${CLOSURE}`,
      };
  }
}

function lateFilter(level: EntrantLevel): string {
  const { column, members } = membersOf(level);
  return `occurred_at >= {start:DateTime64(3, 'UTC')} AND occurred_at < {end:DateTime64(3, 'UTC')}
              AND stored_at >= {closedAt:DateTime64(3, 'UTC')}
              AND ${column} IN (SELECT member FROM (${members}))`;
}

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
 * Events of a closed period's entrants and days stored from the moment it closed (see periods.ts),
 * and corrections of its events stored since (a correction's occurred_at, crew_id and person_id
 * are the corrected event's; its replacement is a late event of its own when it lands in the
 * period). The entrant level is that of the rules the period closed under.
 */
export async function countLateEvents(
  client: ClickHouseClient,
  closure: StoredClosure,
  window: PeriodWindow,
  level: EntrantLevel,
): Promise<number> {
  const filter = lateFilter(level);
  const result = await client.query({
    query: `SELECT (SELECT count() FROM events WHERE ${filter})
                 + (SELECT count() FROM event_corrections WHERE ${filter}) AS n`,
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
  level: EntrantLevel,
  limit: number,
): Promise<StoredLateEvent[]> {
  const filter = lateFilter(level);
  const { column, members } = membersOf(level);
  const result = await client.query({
    query: `SELECT late.*, f.frozen_id AS entrant_id, f.frozen_name AS entrant_name FROM (
              SELECT event_id, crew_id, person_id, type, occurred_at, received_at, stored_at,
                     '' AS correction_id, '' AS action, '' AS reason, '' AS author
              FROM events WHERE ${filter}
              UNION ALL
              SELECT event_id, crew_id, person_id, type, occurred_at, requested_at, stored_at,
                     correction_id, action, reason, author
              FROM event_corrections WHERE ${filter}
            ) AS late
            INNER JOIN (${members}) AS m ON m.member = late.${column}
            INNER JOIN (SELECT crew_id AS frozen_id, crew_name AS frozen_name FROM final_standings WHERE ${CLOSURE}) AS f
              ON f.frozen_id = m.entrant_id
            ORDER BY late.stored_at, late.crew_id, late.event_id, late.correction_id LIMIT {limit:UInt32}`,
    query_params: { ...lateParams(closure, window), limit },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    event_id: string;
    crew_id: string;
    person_id: string;
    entrant_id: string;
    entrant_name: string;
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
    personId: r.person_id === '' ? null : r.person_id,
    entrant: { id: r.entrant_id, name: r.entrant_name },
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
            FROM period_closures ORDER BY competition_id, period_id, closed_at DESC LIMIT 1 BY competition_id, period_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<ClosureRow>()).map(closureFromRow);
}

/** What each closure froze, keyed "competitionId\0periodId\0id". */
export interface FrozenEntrants {
  /** The ids of its frozen rows (crews, units, branches or persons) among those asked for. */
  rows: Set<string>;
  /** Of a unit- or branch-level closure: the crews asked for that it summed, to their entrant. */
  members: Map<string, string>;
}

/**
 * Which of these ids (crews' and persons') each closure froze as a row, and which of the crews it
 * summed into a unit or branch (migration 0029). Rows of an attempt whose closure row was never
 * written do not count (see final_standings).
 */
export async function frozenEntrants(
  client: ClickHouseClient,
  closures: readonly StoredClosure[],
  ids: { crewIds: readonly string[]; personIds: readonly string[] },
): Promise<FrozenEntrants> {
  const out: FrozenEntrants = { rows: new Set(), members: new Map() };
  if (closures.length === 0 || ids.crewIds.length + ids.personIds.length === 0) return out;
  const [rows, members] = await Promise.all([
    client
      .query({
        query: `SELECT DISTINCT competition_id, period_id, closed_at, crew_id, crew_id AS entrant_id
                FROM final_standings WHERE crew_id IN {ids:Array(String)}`,
        query_params: { ids: [...new Set([...ids.crewIds, ...ids.personIds])] },
        format: 'JSONEachRow',
      })
      .then((r) => r.json<FrozenRow>()),
    client
      .query({
        query: `SELECT DISTINCT competition_id, period_id, closed_at, crew_id, entrant_id
                FROM final_standing_crews WHERE crew_id IN {ids:Array(String)}`,
        query_params: { ids: [...new Set(ids.crewIds)] },
        format: 'JSONEachRow',
      })
      .then((r) => r.json<FrozenRow>()),
  ]);
  const current = new Set(closures.map((c) => `${c.competitionId}\u0000${c.periodId}\u0000${c.closedAt}`));
  const ofCurrent = (r: FrozenRow) =>
    current.has(`${r.competition_id}\u0000${r.period_id}\u0000${fromClickHouseTime(r.closed_at)}`);
  for (const r of rows.filter(ofCurrent)) out.rows.add(`${r.competition_id}\u0000${r.period_id}\u0000${r.crew_id}`);
  for (const r of members.filter(ofCurrent)) {
    out.members.set(`${r.competition_id}\u0000${r.period_id}\u0000${r.crew_id}`, r.entrant_id);
  }
  return out;
}

interface FrozenRow {
  competition_id: string;
  period_id: string;
  closed_at: string;
  crew_id: string;
  entrant_id: string;
}
