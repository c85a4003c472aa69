/**
 * The ClickHouse plugin's backend macro expansion (grafana/clickhouse-datasource v4.13.0,
 * pkg/macros/macros.go) over the SQL plugin SDK's defaults and expansion loop
 * (grafana-plugin-sdk-go v0.284.0, data/sqlutil/macros.go: Interpolate), which the plugin's
 * sqlds v5.0.3 calls. Written from that source so a panel cannot pass here and fail there.
 */

export interface BackendQuery {
  /** The instant range of the request. */
  from: Date;
  to: Date;
  /** query.Interval: the panel's interval, or Grafana's default of 1,000 ms when the request has none. */
  intervalMs: number;
}

type Macro = (query: BackendQuery, args: string[]) => string;

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
const toDateTime = (d: Date): string => `toDateTime(${seconds(d)})`;
const toDateTime64 = (d: Date): string => `fromUnixTimestamp64Milli(${d.getTime()})`;
/** Go's t.Format("2006-01-02") of a UTC time: the date of the instant in UTC. */
const toDate = (d: Date): string => `toDate('${d.toISOString().slice(0, 10)}')`;
/** Go's time.RFC3339 of a UTC time (whole seconds). */
const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n) {
    throw new Error(`$__${name}: unexpected number of arguments: expected ${n} argument(s), received ${args.length}`);
  }
}

/** gtime.FormatInterval: the largest whole unit (y, d, h, m, s, ms). */
export function formatInterval(ms: number): string {
  const units: [number, string][] = [
    [365 * 86_400_000, 'y'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return '1ms';
}

/** sqlutil.DefaultMacros, which the plugin's own macros override by name. */
const DEFAULT_MACROS: Record<string, Macro> = {
  interval: (q) => formatInterval(q.intervalMs),
  interval_ms: (q) => String(Math.trunc(q.intervalMs)),
  timeFilter: (q, args) => {
    arity('timeFilter', args, 1);
    return `${args[0]} >= '${rfc3339(q.from)}' AND ${args[0]} <= '${rfc3339(q.to)}'`;
  },
  timeFrom: (q, args) => {
    arity('timeFrom', args, 1);
    return `${args[0]} >= '${rfc3339(q.from)}'`;
  },
  timeTo: (q, args) => {
    arity('timeTo', args, 1);
    return `${args[0]} <= '${rfc3339(q.to)}'`;
  },
  timeGroup: (_q, args) => {
    arity('timeGroup', args, 2);
    const [column, period] = args;
    const parts = ['minute', 'hour', 'day', 'month', 'year'];
    const from = parts.indexOf(period ?? '');
    return from === -1
      ? ''
      : parts
          .slice(from)
          .map((p) => `datepart(${p}, ${column})`)
          .join(',');
  },
  // The query model's table and column, which the ClickHouse plugin never sets.
  table: () => '',
  column: () => '',
};

/** pkg/macros/macros.go. */
const PLUGIN_MACROS: Record<string, Macro> = {
  fromTime: (q) => toDateTime(q.from),
  toTime: (q) => toDateTime(q.to),
  fromTime_ms: (q) => toDateTime64(q.from),
  toTime_ms: (q) => toDateTime64(q.to),
  timeFilter: (q, args) => {
    arity('timeFilter', args, 1);
    return `${args[0]} >= ${toDateTime(q.from)} AND ${args[0]} <= ${toDateTime(q.to)}`;
  },
  timeFilter_ms: (q, args) => {
    arity('timeFilter_ms', args, 1);
    return `${args[0]} >= ${toDateTime64(q.from)} AND ${args[0]} <= ${toDateTime64(q.to)}`;
  },
  dateFilter: (q, args) => {
    arity('dateFilter', args, 1);
    return `${args[0]} >= ${toDate(q.from)} AND ${args[0]} <= ${toDate(q.to)}`;
  },
  dateTimeFilter: (q, args) => dateTimeFilter(q, args),
  dt: (q, args) => dateTimeFilter(q, args),
  // int(math.Max(query.Interval.Seconds(), 1)): whole seconds, at least one.
  timeInterval: (q, args) => {
    arity('timeInterval', args, 1);
    return `toStartOfInterval(toDateTime(${args[0]}), INTERVAL ${Math.trunc(Math.max(q.intervalMs / 1000, 1))} second)`;
  },
  // math.Max(float64(query.Interval.Milliseconds()), 1): the milliseconds are kept.
  timeInterval_ms: (q, args) => {
    arity('timeInterval_ms', args, 1);
    return `toStartOfInterval(toDateTime64(${args[0]}, 3), INTERVAL ${Math.trunc(Math.max(q.intervalMs, 1))} millisecond)`;
  },
  interval_s: (q) => String(Math.trunc(Math.max(q.intervalMs / 1000, 1))),
};

function dateTimeFilter(q: BackendQuery, args: string[]): string {
  arity('dateTimeFilter', args, 2);
  const [date, time] = args;
  return `(${date} >= ${toDate(q.from)} AND ${date} <= ${toDate(q.to)}) AND (${time} >= ${toDateTime(q.from)} AND ${time} <= ${toDateTime(q.to)})`;
}

const MACROS: Record<string, Macro> = { ...DEFAULT_MACROS, ...PLUGIN_MACROS };
/** Longer names first, so $__timeFilter_ms is never read as $__timeFilter (Interpolate sorts the same way). */
const BY_LENGTH = Object.keys(MACROS).sort((a, b) => b.length - a.length);

/**
 * sqlutil.parseArgs: a bracketed list right after the name, split at commas of depth one,
 * each argument trimmed; no brackets means no arguments. -1 when a bracket is not closed.
 */
function parseArgs(rest: string): { args: string[] | null; length: number } {
  if (!rest.startsWith('(')) return { args: null, length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest.charAt(i);
    if (ch === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(arg.trim());
        return { args, length: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += ch;
  }
  return { args: null, length: -1 };
}

/**
 * sqlutil.Interpolate: for each macro name, longest first, every `$__name` at a word boundary
 * with its arguments is replaced everywhere it occurs. What is left starting with `$__` is no
 * macro of the backend and reaches ClickHouse as written (a syntax error there), so it fails here.
 */
export function expandBackendMacros(sql: string, query: BackendQuery): string {
  let out = sql;
  for (const name of BY_LENGTH) {
    const macro = MACROS[name];
    if (!macro) continue;
    const pattern = new RegExp(`\\$__${name}\\b`, 'g');
    const matches: { full: string; args: string[] }[] = [];
    for (const m of out.matchAll(pattern)) {
      const end = m.index + m[0].length;
      const { args, length } = parseArgs(out.slice(end));
      if (length < 0) throw new Error(`$__${name}: failed to parse macro arguments (missing close bracket?)`);
      matches.push({ full: out.slice(m.index, end + length), args: args ?? [] });
    }
    for (const match of matches) out = out.split(match.full).join(macro(query, match.args));
  }
  const left = /\$__\w+/.exec(out);
  if (left) throw new Error(`${left[0]} is no macro of the plugin's backend: ClickHouse would receive it as written`);
  return out;
}
