import type { ClickHouseClient } from '@clickhouse/client';
import type { InnovationCategory, InnovationStatus } from '../../schemas/event.schema.ts';
import { toClickHouseTime } from '../storage/clickhouse-time.ts';
import { NOT_WITHDRAWN } from '../storage/corrections.store.ts';
import type { CrewFacts, InnovationTally } from './engine/types.ts';
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

/**
 * 个人赛: the facts of every person some event names, over a window (migration 0023): the given
 * metric sums over [window.start, window.asOf] (loadPersonSums), and innovations read for the
 * window. A person's facts are their events' whichever crew reported them. Incidents and hazards
 * name no person, so a person has no incident days, hazards or overdue hazards.
 */
export async function loadPersonFacts(
  client: ClickHouseClient,
  window: FactsWindow,
  sums: MetricSums | Promise<MetricSums> = loadPersonSums(client, window.start, window.asOf),
): Promise<Map<string, CrewFacts>> {
  const times = { start: toClickHouseTime(window.startInstant), end: toClickHouseTime(window.endInstant) };
  const [metricSums, innovations] = await Promise.all([
    sums,
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
  const facts = new Map<string, CrewFacts>();
  // The kept sums' metric records are shared, not copied: nothing below changes them.
  for (const [personId, entry] of metricSums) {
    const own = tallies.get(personId);
    facts.set(personId, own ? factsOf(entry.metrics, own) : plainFactsOf(entry.metrics));
  }
  for (const [personId, own] of tallies) if (!facts.has(personId)) facts.set(personId, factsOf({}, own));
  return facts;
}
