import type { ClickHouseClient } from '@clickhouse/client';
import type { IncidentSeverity } from '../../schemas/event.schema.ts';

/** Per crew: metric sums and the latest day of each incident severity, over a range of days. */
export type MetricSums = Map<
  string,
  { metrics: Record<string, number>; lastIncidentDay: Partial<Record<IncidentSeverity, string>> }
>;

/** The prefix of the incident metrics' keys (schemas/metric-key.schema.ts): incident.<severity>. */
const INCIDENT = 'incident.';

/** A TabSeparated field as ClickHouse escapes it (backslash sequences), back to its text. */
function unescapeField(field: string): string {
  if (!field.includes('\\')) return field;
  const named: Record<string, string> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\' };
  return field.replace(/\\(.)/g, (_, c: string) => named[c] ?? c);
}

/** Rows of a TabSeparated answer, split into fields. */
export function tabSeparatedRows(text: string): string[][] {
  const rows: string[][] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) rows.push(text.slice(start, end).split('\t').map(unescapeField));
    start = end + 1;
  }
  return rows;
}

/**
 * Sums of the daily rollup over [from, to] (calendar days), one entry per crew with data.
 *
 * Two reads: the sums per (crew, metric), and the last day of each incident severity, the last
 * day whose own sum is not zero (a withdrawn incident leaves rows on its day that add up to
 * nothing, migration 0013); incidents are rare, so only their rows are summed per day. Both come
 * back as TabSeparated rows: for 50,000 crews, parsing the nested JSON of one combined query took
 * longer than ClickHouse's aggregation. value_exact is the Decimal sum (migration 0012); its text
 * reads into the same double JSON would give.
 */
export async function loadMetricSums(
  client: ClickHouseClient,
  from: string,
  to: string,
  /** Only these crews (today's read of the crews stored since the last one, todays-crew-facts.ts). */
  crewIds?: readonly string[],
): Promise<MetricSums> {
  const params = { from, to, crews: crewIds ?? [] };
  const ofCrews = crewIds === undefined ? '' : 'AND crew_id IN {crews:Array(String)}';
  // Over one day (today's refresh), a severity's last day is that day exactly when its sum is
  // positive, which the sums already say: the second read would only wait behind the first (the
  // embedded engine runs such queries one at a time; issue 19).
  const oneDay = from === to;
  const [sumsText, incidentText] = await Promise.all([
    client
      .query({
        query: `SELECT crew_id, metric, sum(value_exact) AS value
                FROM crew_daily
                WHERE day >= {from:Date} AND day <= {to:Date} ${ofCrews}
                GROUP BY crew_id, metric`,
        query_params: params,
        format: 'TabSeparated',
      })
      .then((r) => r.text()),
    oneDay
      ? ''
      : client
          .query({
            query: `SELECT crew_id, metric, max(day) AS last_day FROM (
                  SELECT crew_id, metric, day, sum(value_exact) AS value
                  FROM crew_daily
                  WHERE day >= {from:Date} AND day <= {to:Date} AND startsWith(metric, 'incident.') ${ofCrews}
                  GROUP BY crew_id, metric, day
                  HAVING value != 0
                ) GROUP BY crew_id, metric`,
            query_params: params,
            format: 'TabSeparated',
          })
          .then((r) => r.text()),
  ]);
  const sums: MetricSums = new Map();
  for (const [crewId = '', metric = '', value = '0'] of tabSeparatedRows(sumsText)) {
    let entry = sums.get(crewId);
    if (!entry) sums.set(crewId, (entry = { metrics: {}, lastIncidentDay: {} }));
    const sum = Number(value);
    entry.metrics[metric] = sum;
    if (oneDay && sum > 0 && metric.startsWith(INCIDENT))
      entry.lastIncidentDay[metric.slice(INCIDENT.length) as IncidentSeverity] = from;
  }
  for (const [crewId = '', metric = '', lastDay = ''] of tabSeparatedRows(incidentText)) {
    const entry = sums.get(crewId);
    // The severity counts only while its sum over the range is positive.
    if (entry && (entry.metrics[metric] ?? 0) > 0)
      entry.lastIncidentDay[metric.slice(INCIDENT.length) as IncidentSeverity] = lastDay;
  }
  return sums;
}

/**
 * Adds two sums over adjacent day ranges; `later` covers the later days. Neither is changed, and
 * crews on one side only are shared, not copied: today's refresh adds a day to 50,000 crews'
 * closed sums, and copying every entry each time was a large part of its garbage.
 */
export function addMetricSums(earlier: MetricSums, later: MetricSums): MetricSums {
  const out: MetricSums = new Map(earlier);
  for (const [crewId, l] of later) out.set(crewId, addCrewSums(earlier.get(crewId), l));
  return out;
}

type CrewSums = MetricSums extends Map<string, infer V> ? V : never;

/** One crew's sums over adjacent day ranges (`later` covers the later days); neither is changed. */
export function addCrewSums(earlier: CrewSums | undefined, later: CrewSums): CrewSums {
  if (earlier === undefined) return later;
  const metrics = { ...earlier.metrics };
  for (const metric in later.metrics) metrics[metric] = (metrics[metric] ?? 0) + (later.metrics[metric] ?? 0);
  // Later days hold later incidents.
  return { metrics, lastIncidentDay: { ...earlier.lastIncidentDay, ...later.lastIncidentDay } };
}
