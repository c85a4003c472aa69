import type { ClickHouseClient } from '@clickhouse/client';
import { framesFor, tableFrame, type Frame } from './grafana-frames.ts';
import { ALL, applyTemplateVariables, type VariableState } from './grafana-interpolate.ts';
import { expandBackendMacros } from './grafana-macros.ts';

/**
 * A panel, variable, annotation or alert query run the way Grafana and the ClickHouse plugin
 * (v4.13.0) run it, on the real engine: the front end's interpolation (grafana-interpolate.ts),
 * the backend's macros (grafana-macros.ts), then the backend's frame conversion
 * (grafana-frames.ts). Tests compare `rows` (ClickHouse's answer) with the API, and check
 * `frames` (what the panel gets) against what the panel's JSON refers to.
 */

export type { Field, Frame } from './grafana-frames.ts';
export type { VariableState } from './grafana-interpolate.ts';
export { ALL } from './grafana-interpolate.ts';

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface QueryContext {
  range: TimeRange;
  /** The panel's $__interval in ms (Grafana derives it from the range and the panel width). */
  intervalMs: number;
  /** The dashboard's time zone: the plugin sends it as the location Date columns are read in. */
  timeZone?: string;
  variables: ReadonlyMap<string, VariableState>;
}

/** Every dashboard of ours is in Beijing time. */
export const DASHBOARD_ZONE = 'Asia/Shanghai';
/** Grafana's default interval when a request names none (pkg/services/query: intervalMs 1000). */
export const DEFAULT_INTERVAL_MS = 1000;

/** A panel target's or variable's query as the plugin's backend sends it to ClickHouse. */
export function renderQuery(rawSql: string, ctx: QueryContext, options: { fromPanel?: boolean } = {}): string {
  const frontend = applyTemplateVariables(rawSql, {
    variables: ctx.variables,
    from: ctx.range.from,
    to: ctx.range.to,
    timeZone: ctx.timeZone ?? DASHBOARD_ZONE,
    ...(options.fromPanel === false ? {} : { intervalMs: ctx.intervalMs }),
  });
  return expandBackendMacros(frontend, { from: ctx.range.from, to: ctx.range.to, intervalMs: ctx.intervalMs });
}

export interface QueryResult {
  /** The SQL ClickHouse received. */
  sql: string;
  columns: { name: string; type: string }[];
  /** ClickHouse's answer, row by row. */
  rows: Record<string, unknown>[];
  /** What Grafana receives for the query's format. */
  frames: Frame[];
}

let serverZone: Promise<string> | undefined;

async function execute(client: ClickHouseClient, query: string) {
  let result;
  try {
    result = await client.query({ query, format: 'JSONCompactEachRowWithNamesAndTypes' });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- query as sent ---\n${query}`, {
      cause: err,
    });
  }
  const [names = [], types = [], ...data] = await result.json<unknown[]>();
  const columns = (names as string[]).map((name, i) => ({ name, type: String(types[i]) }));
  return { columns, data };
}

/** Runs SQL that is already what ClickHouse receives, and converts it as the plugin's backend does. */
export async function runRendered(
  client: ClickHouseClient,
  sql: string,
  format: number | undefined,
  timeZone = DASHBOARD_ZONE,
): Promise<QueryResult> {
  serverZone ??= execute(client, 'SELECT timezone() AS zone').then(({ data }) => {
    const zone = data[0]?.[0];
    return typeof zone === 'string' ? zone : 'UTC';
  });
  const { columns, data } = await execute(client, sql);
  const table = tableFrame(columns, data, { userZone: timeZone, serverZone: await serverZone });
  return {
    sql,
    columns,
    rows: data.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))),
    frames: framesFor(table, format),
  };
}

/** A panel target: its SQL in the format it names (0, time series, when it names none). */
export interface Target {
  rawSql: string;
  format?: number;
}

export async function runQuery(
  client: ClickHouseClient,
  target: Target | string,
  ctx: QueryContext,
): Promise<QueryResult> {
  const { rawSql, format } = typeof target === 'string' ? { rawSql: target, format: 1 } : target;
  return runRendered(client, renderQuery(rawSql, ctx), format, ctx.timeZone);
}

export interface VariableModel {
  type: string;
  name: string;
  query?: unknown;
  includeAll?: boolean;
  multi?: boolean;
  sort?: number;
  refresh?: number;
  /** Not synced with the URL: a value in the URL is ignored. */
  skipUrlSync?: boolean;
  current?: { value?: unknown; text?: unknown };
}

/** CHDatasource.metricFindQuery: the first field is the value, the second the text. */
function metricFindValues(frames: Frame[]): { text: unknown; value: unknown }[] {
  const fields = frames[0]?.fields ?? [];
  if (fields.length === 0) return [];
  const [first, second] = fields;
  if (!first) return [];
  if (!second) return first.values.map((text) => ({ text, value: text }));
  return second.values.map((text, i) => ({ text, value: first.values[i] }));
}

const collator = new Intl.Collator(undefined, { sensitivity: 'accent', numeric: true });

/** Scenes' sortVariableValues (VariableSort 0–8). */
function sortOptions(options: { text: string; value: string }[], sort: number): { text: string; value: string }[] {
  const by = (key: (o: { text: string }) => string | number) =>
    [...options].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  const numeric = (o: { text: string }) => {
    const m = /.*?(\d+).*/.exec(o.text);
    return o.text && m?.[1] ? parseInt(m[1], 10) : -1;
  };
  switch (sort) {
    case 0:
      return options;
    case 1:
      return by((o) => o.text);
    case 2:
      return by((o) => o.text).reverse();
    case 3:
      return by(numeric);
    case 4:
      return by(numeric).reverse();
    case 5:
      return by((o) => o.text.toLowerCase());
    case 6:
      return by((o) => o.text.toLowerCase()).reverse();
    case 7:
      return [...options].sort((a, b) => collator.compare(a.text, b.text));
    case 8:
      return [...options].sort((a, b) => collator.compare(a.text, b.text)).reverse();
    default:
      throw new Error(`variable sort ${sort} is not modelled`);
  }
}

/** A frame value as an option's text: numbers (and times) as their digits. */
const asText = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : v == null
        ? ''
        : JSON.stringify(v);

/** metricNamesToVariableValues: text falls back to value and back; numbers become text; first of a value wins. */
export function variableOptions(
  found: { text: unknown; value: unknown }[],
  sort: number,
): { text: string; value: string }[] {
  const seen = new Set<string>();
  const options: { text: string; value: string }[] = [];
  for (const item of found) {
    const option = { text: asText(item.text ?? item.value), value: asText(item.value ?? item.text) };
    if (seen.has(option.value)) continue;
    seen.add(option.value);
    options.push(option);
  }
  return sortOptions(options, sort);
}

/**
 * MultiValueVariable.validateAndUpdate: the value the variable ends up with after its options
 * load. A value from the URL survives this first validation even when it is no option (Scenes
 * intercepts the update right after URL sync); a saved default does not.
 */
function validate(
  variable: VariableModel,
  options: { text: string; value: string }[],
  want: unknown,
  fromUrl: boolean,
): string | string[] {
  const includeAll = variable.includeAll === true;
  const multi = variable.multi === true;
  const isAll = want === ALL || (Array.isArray(want) && want[0] === ALL);
  if (options.length === 0) return includeAll ? ALL : multi ? [] : '';
  if (isAll) {
    if (includeAll) return ALL;
    const first = options[0]?.value ?? '';
    return multi ? [first] : first;
  }
  const wanted = (Array.isArray(want) ? want : want === undefined ? [] : [want]).map(String);
  if (fromUrl && wanted.length > 0) return multi ? wanted : (wanted[0] ?? '');
  if (multi) {
    const valid = wanted.filter((w) => options.some((o) => o.value === w));
    return valid.length > 0 ? valid : [options[0]?.value ?? ''];
  }
  const match = options.find((o) => o.value === wanted[0]) ?? options.find((o) => o.text === wanted[0]);
  return match ? match.value : (options[0]?.value ?? '');
}

/**
 * Resolves a dashboard's variables in order, as Grafana does on load: each query variable runs
 * through the plugin's metricFindQuery with the ones before it resolved. That request names no
 * format (so the backend treats it as a time series: no rows means no options, a time column
 * widens the frame) and no interval. Options are deduplicated and sorted as Scenes does.
 */
export async function resolveVariables(
  client: ClickHouseClient,
  templating: readonly VariableModel[],
  base: Omit<QueryContext, 'variables'>,
  chosen: Record<string, string | string[]> = {},
): Promise<Map<string, VariableState>> {
  const variables = new Map<string, VariableState>();
  const timeZone = base.timeZone ?? DASHBOARD_ZONE;
  for (const variable of templating) {
    if (variable.type !== 'query' || typeof variable.query !== 'string') {
      throw new Error(`variable ${variable.name}: only SQL query variables are modelled (got ${variable.type})`);
    }
    const ctx = { ...base, intervalMs: DEFAULT_INTERVAL_MS, variables };
    const sql = renderQuery(variable.query, ctx, { fromPanel: false });
    const { frames } = await runRendered(client, sql, undefined, timeZone);
    const options = variableOptions(metricFindValues(frames), variable.sort ?? 0);
    const fromUrl = variable.skipUrlSync !== true && Object.hasOwn(chosen, variable.name);
    const current = validate(variable, options, fromUrl ? chosen[variable.name] : variable.current?.value, fromUrl);
    const values = current === ALL ? options.map((o) => o.value) : Array.isArray(current) ? current : [current];
    variables.set(variable.name, {
      name: variable.name,
      current,
      values,
      options,
      multi: variable.multi === true,
    });
  }
  return variables;
}
