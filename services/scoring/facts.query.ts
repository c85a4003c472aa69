import type { ClickHouseClient } from '@clickhouse/client';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';
import type { IncidentSeverity, InnovationCategory, InnovationStatus } from '../../schemas/event.schema.ts';
import type { Competition } from '../../schemas/competition.schema.ts';
import type { CrewFacts, InnovationTally } from './engine/types.ts';

export interface FactsWindow {
  /** First day of the period, YYYY-MM-DD. */
  start: string;
  /** Last day counted, YYYY-MM-DD. */
  asOf: string;
  /** The instants those days start and end at in the competition's time zone. */
  startInstant: Date;
  endInstant: Date;
  /** The competition's hazard_overdue deadlines: overdue hazards are counted for each (see CrewFacts.overdueHazards). */
  hazardDeadlines?: { timeZone: string; days: readonly number[] };
}

/** The days allowed to rectify a hazard, one per distinct deadline of a competition's hazard_overdue rules. */
export function hazardDeadlineDays(competition: Competition): number[] {
  const days = competition.indicators.flatMap((i) =>
    i.rule.kind === 'count' && i.rule.event === 'hazard_overdue' && i.rule.rectifyWithinDays !== undefined
      ? [i.rule.rectifyWithinDays]
      : [],
  );
  return [...new Set(days)].sort((a, b) => a - b);
}

/**
 * The hazards (one row per crew, hazard and deadline) that became overdue in [window.start,
 * window.asOf]: found (at any time), with no rectification before the day after the deadline day
 * (found day + days, calendar days in the competition's time zone) began. A hazard is counted on
 * that day, so each overdue hazard falls in exactly one day and one stage, and today never counts
 * a hazard whose deadline is today (it may still be rectified before midnight).
 */
function overdueHazardsSql(crewFilter: string): string {
  return `SELECT crew_id, subject_id, days FROM (
            SELECT crew_id, subject_id, days, addDays(found_day, days + 1) AS overdue_day, rectifications, first_rectified
            FROM (
              SELECT crew_id, subject_id,
                     toDate(minIf(occurred_at, type = 'hazard_found'), {tz:String}) AS found_day,
                     minIf(occurred_at, type = 'hazard_rectified') AS first_rectified,
                     countIf(type = 'hazard_rectified') AS rectifications
              FROM lifecycle_events
              WHERE type IN ('hazard_found', 'hazard_rectified') AND occurred_at < {end:DateTime64(3, 'UTC')}
                AND ${NOT_WITHDRAWN} ${crewFilter}
              GROUP BY crew_id, subject_id
              HAVING countIf(type = 'hazard_found') > 0
            )
            ARRAY JOIN {days:Array(UInt16)} AS days
          )
          WHERE overdue_day >= {from:Date} AND overdue_day <= {asOf:Date}
            AND NOT (rectifications > 0 AND first_rectified < toDateTime(overdue_day, {tz:String}))`;
}

function overdueParams(window: FactsWindow, deadlines: { timeZone: string; days: readonly number[] }) {
  return {
    tz: deadlines.timeZone,
    end: toClickHouseTime(window.endInstant),
    days: deadlines.days,
    from: window.start,
    asOf: window.asOf,
  };
}

/** Per crew and deadline, how many hazards became overdue in the window (see overdueHazardsSql). */
export async function loadOverdueHazards(
  client: ClickHouseClient,
  window: FactsWindow,
  deadlines: { timeZone: string; days: readonly number[] },
): Promise<{ crew_id: string; days: number; overdue: number }[]> {
  if (deadlines.days.length === 0) return [];
  const result = await client.query({
    query: `SELECT crew_id, days, count() AS overdue FROM (${overdueHazardsSql('')}) GROUP BY crew_id, days`,
    query_params: overdueParams(window, deadlines),
    format: 'JSONEachRow',
  });
  return (await result.json<{ crew_id: string; days: number | string; overdue: number | string }>()).map((r) => ({
    crew_id: r.crew_id,
    days: Number(r.days),
    overdue: Number(r.overdue),
  }));
}

/** The ids of one crew's hazards that became overdue in the window, for one deadline. */
export async function overdueHazardIds(
  client: ClickHouseClient,
  crewId: string,
  window: FactsWindow,
  deadline: { timeZone: string; days: number },
): Promise<string[]> {
  const result = await client.query({
    query: `SELECT subject_id FROM (${overdueHazardsSql('AND crew_id = {crewId:String}')}) ORDER BY subject_id`,
    query_params: { ...overdueParams(window, { timeZone: deadline.timeZone, days: [deadline.days] }), crewId },
    format: 'JSONEachRow',
  });
  return (await result.json<{ subject_id: string }>()).map((r) => r.subject_id);
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
  const [metricSums, hazardRows, innovationRows, overdueRows] = await Promise.all([
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
    window.hazardDeadlines ? loadOverdueHazards(client, window, window.hazardDeadlines) : Promise.resolve([]),
  ]);

  const facts = new Map<
    string,
    CrewFacts & {
      hazards: CrewFacts['hazards'];
      innovations: InnovationTally[];
      overdueHazards?: Record<number, number>;
    }
  >();
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
  for (const row of overdueRows) {
    const f = of(row.crew_id);
    f.overdueHazards = { ...f.overdueHazards, [row.days]: row.overdue };
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
