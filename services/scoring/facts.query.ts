import type { ClickHouseClient } from '@clickhouse/client';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';
import type { IncidentSeverity, InnovationCategory, InnovationStatus } from '../../schemas/event.schema.ts';
import type { CrewFacts, InnovationTally } from './engine/types.ts';

export interface FactsWindow {
  /** First day of the period, YYYY-MM-DD. */
  start: string;
  /** Last day counted, YYYY-MM-DD. */
  asOf: string;
  /** The instants those days start and end at in the competition's time zone. */
  startInstant: Date;
  endInstant: Date;
}

/** Per crew: metric sums and the latest day of each incident severity, over a range of days. */
export type MetricSums = Map<
  string,
  { metrics: Record<string, number>; lastIncidentDay: Partial<Record<IncidentSeverity, string>> }
>;

/** Sums of the daily rollup over [from, to] (calendar days), one entry per crew with data. */
export async function loadMetricSums(client: ClickHouseClient, from: string, to: string): Promise<MetricSums> {
  const result = await client.query({
    // One row per crew (arrays of its metrics) keeps the answer small for 10,000 crews.
    // value_exact is the Decimal sum (migration 0012); the Float64 value drifts on fractions.
    // An incident's last day is the last day whose own sum is not zero: a withdrawn incident
    // leaves rows on its day that add up to nothing (migration 0013). Only incidents are summed
    // per day; other metrics keep one group per crew (their last day is not read).
    query: `SELECT crew_id, groupArray(metric) AS metrics, groupArray(value) AS values,
                   groupArray(last_day) AS last_days
            FROM (
              SELECT crew_id, metric, sum(part_value) AS value, maxIf(part_day, part_value != 0) AS last_day
              FROM (
                SELECT crew_id, metric, if(metric LIKE 'incident.%', day, toDate(0)) AS part_day,
                       sum(value_exact) AS part_value
                FROM crew_daily
                WHERE day >= {from:Date} AND day <= {to:Date}
                GROUP BY crew_id, metric, part_day
              )
              GROUP BY crew_id, metric
            )
            GROUP BY crew_id`,
    query_params: { from, to },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ crew_id: string; metrics: string[]; values: number[]; last_days: string[] }>();
  const sums: MetricSums = new Map();
  for (const row of rows) {
    const entry = {
      metrics: {} as Record<string, number>,
      lastIncidentDay: {} as Partial<Record<IncidentSeverity, string>>,
    };
    row.metrics.forEach((metric, i) => {
      const value = row.values[i] ?? 0;
      entry.metrics[metric] = value;
      const lastDay = row.last_days[i];
      if (metric.startsWith('incident.') && value > 0 && lastDay !== undefined) {
        entry.lastIncidentDay[metric.slice('incident.'.length) as IncidentSeverity] = lastDay;
      }
    });
    sums.set(row.crew_id, entry);
  }
  return sums;
}

/** Adds two sums over adjacent day ranges; `later` covers the later days. */
export function addMetricSums(earlier: MetricSums, later: MetricSums): MetricSums {
  const out: MetricSums = new Map();
  for (const [crewId, e] of earlier)
    out.set(crewId, { metrics: { ...e.metrics }, lastIncidentDay: { ...e.lastIncidentDay } });
  for (const [crewId, l] of later) {
    const entry = out.get(crewId);
    if (!entry) {
      out.set(crewId, l);
      continue;
    }
    for (const [metric, value] of Object.entries(l.metrics))
      entry.metrics[metric] = (entry.metrics[metric] ?? 0) + value;
    // Later days hold later incidents.
    Object.assign(entry.lastIncidentDay, l.lastIncidentDay);
  }
  return out;
}

/** Per-crew facts: the given metric sums, plus hazards and innovations read for the window. */
export async function loadCrewFacts(
  client: ClickHouseClient,
  window: FactsWindow,
  sums: MetricSums | Promise<MetricSums> = loadMetricSums(client, window.start, window.asOf),
): Promise<Map<string, CrewFacts>> {
  const times = { start: toClickHouseTime(window.startInstant), end: toClickHouseTime(window.endInstant) };
  const [metricSums, hazardRows, innovationRows] = await Promise.all([
    sums,
    client
      .query({
        // A hazard counts in the period it was found in; it is rectified if a rectification
        // happened before the end of the judged day.
        query: `SELECT crew_id, count() AS found, countIf(rectified) AS rectified FROM (
                  SELECT crew_id, subject_id,
                         minIf(occurred_at, type = 'hazard_found') AS found_at,
                         countIf(type = 'hazard_rectified') > 0 AS rectified
                  FROM lifecycle_events
                  WHERE type IN ('hazard_found', 'hazard_rectified') AND occurred_at < {end:DateTime64(3, 'UTC')}
                    AND ${NOT_WITHDRAWN}
                  GROUP BY crew_id, subject_id
                  HAVING countIf(type = 'hazard_found') > 0 AND found_at >= {start:DateTime64(3, 'UTC')}
                ) GROUP BY crew_id`,
        query_params: times,
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ crew_id: string; found: number | string; rectified: number | string }>()),
    client
      .query({
        // The latest event of an innovation as of the judged day is its status; it counts in the
        // period in which that status was reached.
        query: `SELECT crew_id, cur.1 AS category, cur.2 AS status, cur.3 AS award_level, count() AS n FROM (
                  SELECT crew_id, subject_id,
                         argMax((category, status, award_level), (occurred_at, received_at, event_id)) AS cur,
                         max(occurred_at) AS at
                  FROM lifecycle_events
                  WHERE type = 'innovation' AND occurred_at < {end:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN}
                  GROUP BY crew_id, subject_id
                  HAVING at >= {start:DateTime64(3, 'UTC')}
                ) GROUP BY crew_id, category, status, award_level`,
        query_params: times,
        format: 'JSONEachRow',
      })
      .then((r) =>
        r.json<{ crew_id: string; category: string; status: string; award_level: number; n: number | string }>(),
      ),
  ]);

  const facts = new Map<string, CrewFacts & { hazards: CrewFacts['hazards']; innovations: InnovationTally[] }>();
  const of = (crewId: string) => {
    let f = facts.get(crewId);
    if (!f) {
      const s = metricSums.get(crewId);
      f = {
        metrics: s?.metrics ?? {},
        lastIncidentDay: s?.lastIncidentDay ?? {},
        hazards: { found: 0, rectified: 0 },
        innovations: [],
      };
      facts.set(crewId, f);
    }
    return f;
  };
  for (const crewId of metricSums.keys()) of(crewId);
  for (const row of hazardRows) {
    of(row.crew_id).hazards = { found: Number(row.found), rectified: Number(row.rectified) };
  }
  for (const row of innovationRows) {
    of(row.crew_id).innovations.push({
      category: row.category as InnovationCategory,
      status: row.status as InnovationStatus,
      awardLevel: row.award_level as InnovationTally['awardLevel'],
      count: Number(row.n),
    });
  }
  return facts;
}
