import type { ClickHouseClient } from '@clickhouse/client';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.ts';
import { NOT_WITHDRAWN } from './corrections.store.ts';

/**
 * Small reads that say what one crew's events did to an indicator (the breakdown's "explain every
 * point"): the latest accident that counts, hazards' and innovations' state as of a day.
 */

/** The latest accident of these severities that still counts in [from, to): the one that broke the safe days. */
export async function latestCountedIncident(
  client: ClickHouseClient,
  crewId: string,
  severities: readonly string[],
  window: { from: Date; to: Date },
): Promise<string | null> {
  const result = await client.query({
    query: `SELECT event_id FROM events
            WHERE crew_id = {crewId:String} AND type = 'incident' AND severity IN {severities:Array(String)}
              AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
              AND ${NOT_WITHDRAWN}
            ORDER BY occurred_at DESC, event_id DESC LIMIT 1`,
    query_params: {
      crewId,
      severities,
      from: toClickHouseTime(window.from),
      to: toClickHouseTime(window.to),
    },
    format: 'JSONEachRow',
  });
  return (await result.json<{ event_id: string }>())[0]?.event_id ?? null;
}

export interface HazardState {
  /** When the hazard was first reported found (by an event that counts); null if never. */
  foundAt: string | null;
  /** Rectified by an event that counts before the end of the window. */
  rectified: boolean;
}

/** Hazards of one crew as of an instant, by hazard id. */
export async function hazardStates(
  client: ClickHouseClient,
  crewId: string,
  hazardIds: readonly string[],
  before: Date,
): Promise<Map<string, HazardState>> {
  if (hazardIds.length === 0) return new Map();
  const result = await client.query({
    query: `SELECT subject_id, countIf(type = 'hazard_found') > 0 AS found,
                   minIf(occurred_at, type = 'hazard_found') AS found_at,
                   countIf(type = 'hazard_rectified') > 0 AS rectified
            FROM lifecycle_events
            WHERE type IN ('hazard_found', 'hazard_rectified') AND crew_id = {crewId:String}
              AND subject_id IN {ids:Array(String)} AND occurred_at < {before:DateTime64(3, 'UTC')}
              AND ${NOT_WITHDRAWN}
            GROUP BY subject_id`,
    query_params: { crewId, ids: [...new Set(hazardIds)], before: toClickHouseTime(before) },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    subject_id: string;
    found: boolean | number;
    found_at: string;
    rectified: boolean | number;
  }>();
  return new Map(
    rows.map((r) => [
      r.subject_id,
      { foundAt: Number(r.found) > 0 ? fromClickHouseTime(r.found_at) : null, rectified: Number(r.rectified) > 0 },
    ]),
  );
}

/** The event holding each innovation's latest status as of an instant (the one that scores), and when it happened. */
export async function currentInnovationEvents(
  client: ClickHouseClient,
  crewId: string,
  innovationIds: readonly string[],
  before: Date,
  /** 个人赛: the innovations' events naming this person (person_innovations, migration 0023), as person-facts.query.ts reads them. */
  personId?: string,
): Promise<Map<string, { eventId: string; at: string }>> {
  if (innovationIds.length === 0) return new Map();
  // Ordered as facts.query.ts orders an innovation's events, so the same event is its status.
  const source =
    personId === undefined
      ? `lifecycle_events WHERE type = 'innovation' AND crew_id = {crewId:String}`
      : `person_innovations WHERE person_id = {personId:String}`;
  const result = await client.query({
    query: `SELECT subject_id, argMax(event_id, (occurred_at, received_at, event_id)) AS current, max(occurred_at) AS at
            FROM ${source} AND subject_id IN {ids:Array(String)}
              AND occurred_at < {before:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN}
            GROUP BY subject_id`,
    query_params: {
      crewId,
      personId: personId ?? '',
      ids: [...new Set(innovationIds)],
      before: toClickHouseTime(before),
    },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ subject_id: string; current: string; at: string }>();
  return new Map(rows.map((r) => [r.subject_id, { eventId: r.current, at: fromClickHouseTime(r.at) }]));
}
