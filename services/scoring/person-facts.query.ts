import type { ClickHouseClient } from '@clickhouse/client';
import type { InnovationCategory, InnovationStatus } from '../../schemas/event.schema.ts';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';
import type { CrewFacts, FactsSource, InnovationTally } from './engine/types.ts';
import type { FactsWindow } from './facts.query.ts';
import { tabSeparatedRows, type MetricSums } from './metric-sums.query.ts';

/**
 * 个人赛: per person, the sums of their metrics over [from, to] (calendar days), summed over the
 * crews that reported them (migration 0023). Flat TabSeparated rows as loadMetricSums reads
 * crew_daily: the standings keep the closed days' sums and read only today's again. A person has
 * no incident days (incidents name no person).
 */
export async function loadPersonSums(client: ClickHouseClient, from: string, to: string): Promise<MetricSums> {
  const text = await client
    .query({
      query: `SELECT person_id, metric, sum(value_exact) AS value FROM person_daily
              WHERE day >= {from:Date} AND day <= {to:Date}
              GROUP BY person_id, metric`,
      query_params: { from, to },
      format: 'TabSeparated',
    })
    .then((r) => r.text());
  const sums: MetricSums = new Map();
  for (const [personId = '', metric = '', value = '0'] of tabSeparatedRows(text)) {
    let entry = sums.get(personId);
    if (!entry) sums.set(personId, (entry = { metrics: {}, lastIncidentDay: {} }));
    entry.metrics[metric] = Number(value);
  }
  return sums;
}

function factsOf(metrics: Record<string, number>, innovations: InnovationTally[]): CrewFacts {
  return { metrics, lastIncidentDay: {}, hazards: { found: 0, rectified: 0 }, innovations };
}

/**
 * The facts record of a person with metric sums and no innovations, per metric record: the
 * closed days' sums are kept across refreshes (standings.service.ts) and a person with no event
 * today keeps their record, so the same facts record comes back and score-memo.ts knows it
 * unchanged by identity; 100,000 new records per refresh were a large part of its time. A metric
 * record is never changed once read (addMetricSums makes a new one), so its facts never go stale.
 */
const plainFacts = new WeakMap<Record<string, number>, CrewFacts>();

function plainFactsOf(metrics: Record<string, number>): CrewFacts {
  let f = plainFacts.get(metrics);
  if (f === undefined) plainFacts.set(metrics, (f = factsOf(metrics, [])));
  return f;
}

/** A person's closed days' metrics with today's added: a new record, the kept one is not changed. */
function addMetrics(closed: Record<string, number>, today: Record<string, number>): Record<string, number> {
  const metrics = { ...closed };
  for (const metric in today) metrics[metric] = (metrics[metric] ?? 0) + (today[metric] ?? 0);
  return metrics;
}

/**
 * 个人赛: the facts of every person some event names, over a window (migration 0023): the given
 * metric sums over [window.start, window.asOf] (loadPersonSums), or the closed days' sums with
 * today's laid over them, and innovations read for the window. A person's facts are their
 * events' whichever crew reported them. Incidents and hazards name no person, so a person has no
 * incident days, hazards or overdue hazards.
 *
 * Only the persons with today's sums or with innovations get a facts record here; every other
 * person's is their kept metric record's (plainFactsOf), looked up when asked for. The answer
 * lists those persons (`changes`), so score-memo.ts compares only them with the previous refresh
 * over the same closed sums: copying the 100,000 kept sums into a map with today's added, a facts
 * map of 100,000 and a comparison of every person's facts were most of a refresh.
 */
export async function loadPersonFacts(
  client: ClickHouseClient,
  window: FactsWindow,
  sums: MetricSums | Promise<MetricSums> = loadPersonSums(client, window.start, window.asOf),
  /** Today's sums, when `sums` are the closed days' before it. */
  todays?: Promise<MetricSums>,
): Promise<FactsSource> {
  const times = { start: toClickHouseTime(window.startInstant), end: toClickHouseTime(window.endInstant) };
  const [closed, today, innovations] = await Promise.all([
    sums,
    todays,
    client
      .query({
        // As loadCrewFacts judges an innovation: its latest event as of the judged day is its
        // status, counted in the period that status was reached in.
        query: `SELECT person_id, cur.1 AS category, cur.2 AS status, cur.3 AS award_level, count() AS n FROM (
                  SELECT person_id, subject_id,
                         argMax((category, status, award_level), (occurred_at, received_at, event_id)) AS cur,
                         max(occurred_at) AS at
                  FROM person_innovations
                  WHERE occurred_at < {end:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN}
                  GROUP BY person_id, subject_id
                  HAVING at >= {start:DateTime64(3, 'UTC')}
                ) GROUP BY person_id, category, status, award_level`,
        query_params: times,
        format: 'JSONEachRow',
      })
      .then((r) =>
        r.json<{ person_id: string; category: string; status: string; award_level: number; n: number | string }>(),
      ),
  ]);
  const tallies = new Map<string, InnovationTally[]>();
  for (const row of innovations) {
    let list = tallies.get(row.person_id);
    if (!list) tallies.set(row.person_id, (list = []));
    list.push({
      category: row.category as InnovationCategory,
      status: row.status as InnovationStatus,
      awardLevel: row.award_level as InnovationTally['awardLevel'],
      count: Number(row.n),
    });
  }
  // The kept sums' metric records are shared, not copied: nothing below changes them.
  const touched = new Map<string, CrewFacts>();
  if (today !== undefined)
    for (const [personId, later] of today) {
      const earlier = closed.get(personId);
      const metrics = earlier === undefined ? later.metrics : addMetrics(earlier.metrics, later.metrics);
      touched.set(personId, factsOf(metrics, tallies.get(personId) ?? []));
    }
  for (const [personId, own] of tallies)
    if (!touched.has(personId)) touched.set(personId, factsOf(closed.get(personId)?.metrics ?? {}, own));
  return {
    get(personId) {
      const facts = touched.get(personId);
      if (facts !== undefined) return facts;
      const entry = closed.get(personId);
      return entry === undefined ? undefined : plainFactsOf(entry.metrics);
    },
    changes: { base: closed, ids: [...touched.keys()] },
  };
}
