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

type InnovationRow = { person_id: string; category: string; status: string; award_level: number; n: number | string };

function tallyOf(row: Pick<InnovationRow, 'category' | 'status' | 'award_level'>, count: number): InnovationTally {
  return {
    category: row.category as InnovationCategory,
    status: row.status as InnovationStatus,
    awardLevel: row.award_level as InnovationTally['awardLevel'],
    count,
  };
}

/**
 * Per person, their innovations as of the end of a window, as loadCrewFacts judges an
 * innovation: its latest event before `end` is its status, counted if that event is in the
 * period (at or after `start`).
 */
async function loadInnovationTallies(
  client: ClickHouseClient,
  times: { start: string; end: string },
): Promise<Map<string, InnovationTally[]>> {
  const rows = await client
    .query({
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
    .then((r) => r.json<InnovationRow>());
  const tallies = new Map<string, InnovationTally[]>();
  for (const row of rows) {
    let list = tallies.get(row.person_id);
    if (!list) tallies.set(row.person_id, (list = []));
    list.push(tallyOf(row, Number(row.n)));
  }
  return tallies;
}

/** An innovation's status as judged, without its count. */
type InnovationState = Pick<InnovationRow, 'category' | 'status' | 'award_level'>;

/**
 * The innovations that have a (not withdrawn) event today, each with its state at the end of
 * the closed days and now (null when not counted then): what today changes in the closed days'
 * tallies.
 */
async function loadTodaysInnovationChanges(
  client: ClickHouseClient,
  times: { start: string; today: string; end: string },
): Promise<{ person_id: string; before: InnovationState | null; now: InnovationState | null }[]> {
  type Row = {
    person_id: string;
    before_counted: number;
    before_category: string;
    before_status: string;
    before_award_level: number;
    now_counted: number;
    now_category: string;
    now_status: string;
    now_award_level: number;
  };
  const rows = await client
    .query({
      query: `SELECT person_id,
                     before_counted, before.1 AS before_category, before.2 AS before_status, before.3 AS before_award_level,
                     now_counted, now.1 AS now_category, now.2 AS now_status, now.3 AS now_award_level
              FROM (
                SELECT person_id, subject_id,
                       countIf(occurred_at < {today:DateTime64(3, 'UTC')}) > 0
                         AND maxIf(occurred_at, occurred_at < {today:DateTime64(3, 'UTC')}) >= {start:DateTime64(3, 'UTC')}
                         AS before_counted,
                       argMaxIf((category, status, award_level), (occurred_at, received_at, event_id),
                                occurred_at < {today:DateTime64(3, 'UTC')}) AS before,
                       max(occurred_at) >= {start:DateTime64(3, 'UTC')} AS now_counted,
                       argMax((category, status, award_level), (occurred_at, received_at, event_id)) AS now
                FROM person_innovations
                WHERE occurred_at < {end:DateTime64(3, 'UTC')} AND ${NOT_WITHDRAWN}
                  AND (person_id, subject_id) IN (
                    SELECT person_id, subject_id FROM person_innovations
                    WHERE occurred_at >= {today:DateTime64(3, 'UTC')} AND occurred_at < {end:DateTime64(3, 'UTC')}
                      AND ${NOT_WITHDRAWN})
                GROUP BY person_id, subject_id
              )`,
      query_params: times,
      format: 'JSONEachRow',
    })
    .then((r) => r.json<Row>());
  return rows.map((r) => ({
    person_id: r.person_id,
    before: r.before_counted
      ? { category: r.before_category, status: r.before_status, award_level: r.before_award_level }
      : null,
    now: r.now_counted ? { category: r.now_category, status: r.now_status, award_level: r.now_award_level } : null,
  }));
}

/** A person's tallies with one innovation's count moved from its closed state to today's. */
function adjusted(list: InnovationTally[], row: InnovationState, by: number): InnovationTally[] {
  const i = list.findIndex(
    (t) => t.category === row.category && t.status === row.status && t.awardLevel === row.award_level,
  );
  if (i < 0) return by > 0 ? [...list, tallyOf(row, by)] : list;
  const count = (list[i]?.count ?? 0) + by;
  return count > 0 ? list.map((t, j) => (j === i ? { ...t, count } : t)) : list.filter((_, j) => j !== i);
}

/**
 * The closed days' innovations, read once per kept closed sums: a late event or a correction
 * on a closed day drops those sums (standings.service.ts eventsLanded), so a new sums object
 * means the closed days changed. Each person's facts record over them is kept too, so a person
 * untouched today keeps the same record and score-memo.ts knows it unchanged by identity.
 */
interface ClosedInnovations {
  key: string;
  tallies: Promise<Map<string, InnovationTally[]>>;
  facts: Map<string, CrewFacts>;
}
const closedInnovations = new WeakMap<MetricSums, ClosedInnovations>();

function closedInnovationsOf(
  client: ClickHouseClient,
  closed: MetricSums,
  times: { start: string; today: string },
): ClosedInnovations {
  const key = `${times.start}\u0000${times.today}`;
  const kept = closedInnovations.get(closed);
  if (kept?.key === key) return kept;
  const entry: ClosedInnovations = {
    key,
    tallies: loadInnovationTallies(client, { start: times.start, end: times.today }),
    facts: new Map(),
  };
  closedInnovations.set(closed, entry);
  // A failed read is not kept; the caller sees the error.
  entry.tallies.catch(() => {
    if (closedInnovations.get(closed) === entry) closedInnovations.delete(closed);
  });
  return entry;
}

/**
 * 个人赛: the facts of every person some event names, over a window (migration 0023): the given
 * metric sums over [window.start, window.asOf] (loadPersonSums) and innovations read for the
 * window; or, for today, the closed days' sums and innovations (kept) with today's laid over
 * them. A person's facts are their events' whichever crew reported them. Incidents and hazards
 * name no person, so a person has no incident days, hazards or overdue hazards.
 *
 * For today only the persons with today's sums or an innovation event today get a new facts
 * record; every other person's is their kept record (closed metrics and innovations), looked up
 * when asked for. The answer lists those persons (`changes`), so score-memo.ts compares only them
 * with the previous refresh over the same closed sums: copying the 100,000 kept sums into a map
 * with today's added, re-reading every innovation of the period (100,000 in the bench after 10 million
 * events) and a facts record per person with an innovation were most of a refresh.
 */
export async function loadPersonFacts(
  client: ClickHouseClient,
  window: FactsWindow,
  sums: MetricSums | Promise<MetricSums> = loadPersonSums(client, window.start, window.asOf),
  /** Today's sums and the instant today starts, when `sums` are the closed days' before it. */
  todays?: { sums: Promise<MetricSums>; from: Date },
): Promise<FactsSource> {
  const times = { start: toClickHouseTime(window.startInstant), end: toClickHouseTime(window.endInstant) };
  if (todays === undefined) {
    const [all, tallies] = await Promise.all([sums, loadInnovationTallies(client, times)]);
    const withInnovations = new Map<string, CrewFacts>();
    for (const [personId, own] of tallies)
      withInnovations.set(personId, factsOf(all.get(personId)?.metrics ?? {}, own));
    return {
      get(personId) {
        const facts = withInnovations.get(personId);
        if (facts !== undefined) return facts;
        const entry = all.get(personId);
        return entry === undefined ? undefined : plainFactsOf(entry.metrics);
      },
      changes: { base: all, ids: [...withInnovations.keys()] },
    };
  }
  const todayTimes = { ...times, today: toClickHouseTime(todays.from) };
  const closed = await sums;
  const kept = closedInnovationsOf(client, closed, todayTimes);
  const [today, closedTallies, changes] = await Promise.all([
    todays.sums,
    kept.tallies,
    loadTodaysInnovationChanges(client, todayTimes),
  ]);
  // Today's innovations move their count from the closed state to the current one.
  const tallies = new Map<string, InnovationTally[]>();
  for (const change of changes) {
    let list = tallies.get(change.person_id) ?? closedTallies.get(change.person_id) ?? [];
    if (change.before) list = adjusted(list, change.before, -1);
    if (change.now) list = adjusted(list, change.now, 1);
    tallies.set(change.person_id, list);
  }
  // The kept sums' metric records are shared, not copied: nothing below changes them.
  const touched = new Map<string, CrewFacts>();
  for (const [personId, later] of today) {
    const earlier = closed.get(personId);
    const metrics = earlier === undefined ? later.metrics : addMetrics(earlier.metrics, later.metrics);
    touched.set(personId, factsOf(metrics, tallies.get(personId) ?? closedTallies.get(personId) ?? []));
  }
  for (const [personId, own] of tallies)
    if (!touched.has(personId)) touched.set(personId, factsOf(closed.get(personId)?.metrics ?? {}, own));
  return {
    get(personId) {
      const facts = touched.get(personId);
      if (facts !== undefined) return facts;
      const metrics = closed.get(personId)?.metrics;
      const own = closedTallies.get(personId);
      if (own === undefined) return metrics === undefined ? undefined : plainFactsOf(metrics);
      let record = kept.facts.get(personId);
      if (record === undefined) kept.facts.set(personId, (record = factsOf(metrics ?? {}, own)));
      return record;
    },
    changes: { base: closed, ids: [...touched.keys()] },
  };
}
