import type { ClickHouseClient } from '@clickhouse/client';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';
import type { InnovationCategory, InnovationStatus } from '../../schemas/event.schema.ts';
import type { Competition } from '../../schemas/competition.schema.ts';
import type { CrewFacts, InnovationTally } from './engine/types.ts';
import { loadMetricSums, type MetricSums } from './metric-sums.query.ts';

export { addMetricSums, loadMetricSums, type MetricSums } from './metric-sums.query.ts';

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
  /** Only these crews (see loadCrewFacts). */
  crewIds?: readonly string[],
): Promise<{ crew_id: string; days: number; overdue: number }[]> {
  if (deadlines.days.length === 0) return [];
  const result = await client.query({
    query: `SELECT crew_id, days, count() AS overdue FROM (${overdueHazardsSql(crewIds === undefined ? '' : ONLY_CREWS)}) GROUP BY crew_id, days`,
    query_params: { ...overdueParams(window, deadlines), crews: crewIds ?? [] },
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

const ONLY_CREWS = 'AND crew_id IN {crews:Array(String)}';

/**
 * Per-crew facts: the given metric sums, plus hazards and innovations read for the window; with
 * `crewIds`, of those crews only (the sums given should be theirs too); with `lifecycleCrewIds`,
 * hazards and innovations of those crews only (none read when it is empty: the caller keeps the
 * others' from an earlier read, todays-crew-facts.ts).
 */
export async function loadCrewFacts(
  client: ClickHouseClient,
  window: FactsWindow,
  sums: MetricSums | Promise<MetricSums> = loadMetricSums(client, window.start, window.asOf),
  crewIds?: readonly string[],
  lifecycleCrewIds: readonly string[] | undefined = crewIds,
): Promise<Map<string, CrewFacts>> {
  const ofCrews = lifecycleCrewIds === undefined ? '' : ONLY_CREWS;
  const times = {
    start: toClickHouseTime(window.startInstant),
    end: toClickHouseTime(window.endInstant),
    crews: lifecycleCrewIds ?? [],
  };
  // Each read waits its turn in the embedded engine: none for crews with nothing to read again.
  const none = lifecycleCrewIds?.length === 0;
  const [metricSums, hazardRows, innovationRows, overdueRows] = await Promise.all([
    sums,
    none
      ? []
      : client
          .query({
            // A hazard counts in the period it was found in; it is rectified if a rectification
            // happened before the end of the judged day.
            query: `SELECT crew_id, count() AS found, countIf(rectified) AS rectified FROM (
                  SELECT crew_id, subject_id,
                         minIf(occurred_at, type = 'hazard_found') AS found_at,
                         countIf(type = 'hazard_rectified') > 0 AS rectified
                  FROM lifecycle_events
                  WHERE type IN ('hazard_found', 'hazard_rectified') AND occurred_at < {end:DateTime64(3, 'UTC')}
                    AND ${NOT_WITHDRAWN} ${ofCrews}
                  GROUP BY crew_id, subject_id
                  HAVING countIf(type = 'hazard_found') > 0 AND found_at >= {start:DateTime64(3, 'UTC')}
                ) GROUP BY crew_id`,
            query_params: times,
            format: 'JSONEachRow',
          })
          .then((r) => r.json<{ crew_id: string; found: number | string; rectified: number | string }>()),
    none
      ? []
      : client
          .query({
            // The latest event of an innovation as of the judged day is its status; it counts in the
            // period in which that status was reached.
            query: `SELECT crew_id, cur.1 AS category, cur.2 AS status, cur.3 AS award_level, count() AS n FROM (
                  SELECT crew_id, subject_id,
                         argMax((category, status, award_level), (occurred_at, received_at, event_id)) AS cur,
                         max(occurred_at) AS at
                  FROM lifecycle_events
                  WHERE type = 'innovation' AND occurred_at < {end:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN} ${ofCrews}
                  GROUP BY crew_id, subject_id
                  HAVING at >= {start:DateTime64(3, 'UTC')}
                ) GROUP BY crew_id, category, status, award_level`,
            query_params: times,
            format: 'JSONEachRow',
          })
          .then((r) =>
            r.json<{ crew_id: string; category: string; status: string; award_level: number; n: number | string }>(),
          ),
    window.hazardDeadlines && !none
      ? loadOverdueHazards(client, window, window.hazardDeadlines, lifecycleCrewIds)
      : Promise.resolve([]),
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
