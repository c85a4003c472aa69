import type { ClickHouseClient } from '@clickhouse/client';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';

export interface CrewInnovationMonth {
  crewId: string;
  /** 一/二/三等奖 reached in the month. */
  awards: [number, number, number];
  adopted: number;
  submitted: number;
}

/**
 * 五小 innovations per crew whose current status was reached in [from, to): an innovation counts
 * once, in the month of its latest event, with that event's status (as the scoring rule counts it).
 */
export async function loadInnovationMonth(
  client: ClickHouseClient,
  window: { from: Date; to: Date },
): Promise<CrewInnovationMonth[]> {
  const result = await client.query({
    query: `SELECT crew_id,
                   countIf(cur.1 = 'awarded' AND cur.2 = 1) AS first,
                   countIf(cur.1 = 'awarded' AND cur.2 = 2) AS second,
                   countIf(cur.1 = 'awarded' AND cur.2 = 3) AS third,
                   countIf(cur.1 = 'adopted') AS adopted,
                   countIf(cur.1 = 'submitted') AS submitted
            FROM (
              SELECT crew_id, subject_id,
                     argMax((status, award_level), (occurred_at, received_at, event_id)) AS cur,
                     max(occurred_at) AS at
              FROM lifecycle_events
              WHERE type = 'innovation' AND occurred_at < {to:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN}
              GROUP BY crew_id, subject_id
              HAVING at >= {from:DateTime64(3, 'UTC')}
            )
            GROUP BY crew_id`,
    query_params: { from: toClickHouseTime(window.from), to: toClickHouseTime(window.to) },
    format: 'JSONEachRow',
  });
  const rows = await result.json<Record<'crew_id' | 'first' | 'second' | 'third' | 'adopted' | 'submitted', string>>();
  return rows.map((r) => ({
    crewId: r.crew_id,
    awards: [Number(r.first), Number(r.second), Number(r.third)],
    adopted: Number(r.adopted),
    submitted: Number(r.submitted),
  }));
}
