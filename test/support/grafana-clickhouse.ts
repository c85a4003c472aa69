import type { ClickHouseClient } from '@clickhouse/client';

/**
 * What Grafana and the ClickHouse plugin do to a panel's SQL before ClickHouse sees it, so tests
 * run exactly that text. Modelled on grafana/clickhouse-datasource (v4.x): the front end
 * resolves $__conditionalAll, then Grafana's template service interpolates the variables
 * (applyTemplateVariables), then the backend expands the time macros (pkg/macros/macros.go).
 */

export interface TimeRange {
  from: Date;
  to: Date;
}

/** A resolved dashboard variable: the values it stands for (every option's value when All). */
export interface VariableState {
  name: string;
  values: string[];
  /** Grafana's current value: '$__all' when All is selected. */
  current: string | string[];
  options: { text: string; value: string }[];
}

export interface QueryContext {
  range: TimeRange;
  /** $__interval in seconds: Grafana derives it from the range and the panel width. */
  intervalSeconds: number;
  variables: ReadonlyMap<string, VariableState>;
}

/** The plugin's args splitter: commas at bracket depth 1 (it does not look inside quotes either). */
function macroArgs(text: string, open: number): { args: string[]; end: number } | null {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth === 0) {
      args.push(text.slice(start, i));
      return { args, end: i + 1 };
    }
  }
  return null;
}

/** CHDatasource.applyConditionalAll: `1=1` when the variable is All or empty, else the condition. */
export function applyConditionalAll(sql: string, variables: ReadonlyMap<string, VariableState>): string {
  const macro = '$__conditionalAll(';
  let out = sql;
  let at = out.lastIndexOf(macro);
  while (at !== -1) {
    const parsed = macroArgs(out, at + macro.length - 1);
    if (!parsed || parsed.args.length !== 2)
      throw new Error(`malformed $__conditionalAll at ${at}: ${out.slice(at, at + 80)}`);
    const [condition = '', variable = ''] = parsed.args;
    const name = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/.exec(variable.trim())?.[0];
    const state = name === undefined ? undefined : variables.get(name);
    if (name !== undefined && !state) throw new Error(`$__conditionalAll names an unknown variable $${name}`);
    const current = state ? String(state.current) : 'x';
    out = out.slice(0, at) + (current === '' || current === '$__all' ? '1=1' : condition) + out.slice(parsed.end);
    at = out.lastIndexOf(macro);
  }
  return out;
}

/** Grafana's `singlequote` format: each value in quotes, a quote in it escaped as \' and nothing else. */
const quote = (s: string): string => `'${s.replace(/'/g, "\\'")}'`;

/**
 * Grafana's template service: ${name:format}, ${name} and $name. Unknown names (the plugin's
 * $__ macros) are left for the backend. The plugin's own format joins arrays as 'a','b'.
 */
export function interpolate(sql: string, variables: ReadonlyMap<string, VariableState>): string {
  return sql.replace(/\$(\w+)|\$\{(\w+)(?::(\w+))?\}/g, (match, bare?: string, braced?: string, format?: string) => {
    const state = variables.get(bare ?? braced ?? '');
    if (!state) return match;
    if (format === undefined) {
      const single = typeof state.current === 'string' && state.current !== '$__all';
      return single ? (state.values[0] ?? '') : `'${state.values.join("','")}'`;
    }
    if (format === 'singlequote') return state.values.map(quote).join(',');
    if (format === 'raw') return state.values.join(',');
    throw new Error(`variable format ${format} is not modelled here`);
  });
}

/** The plugin backend's macros (pkg/macros/macros.go). */
export function expandTimeMacros(sql: string, ctx: Pick<QueryContext, 'range' | 'intervalSeconds'>): string {
  const s = (d: Date) => Math.floor(d.getTime() / 1000);
  const ms = (d: Date) => d.getTime();
  const day = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;
  const { from, to } = ctx.range;
  const interval = Math.max(1, Math.floor(ctx.intervalSeconds));
  const macros: Record<string, (args: string[]) => string> = {
    fromTime_ms: () => `fromUnixTimestamp64Milli(${ms(from)})`,
    toTime_ms: () => `fromUnixTimestamp64Milli(${ms(to)})`,
    fromTime: () => `toDateTime(${s(from)})`,
    toTime: () => `toDateTime(${s(to)})`,
    timeFilter_ms: ([c]) =>
      `${c} >= fromUnixTimestamp64Milli(${ms(from)}) AND ${c} <= fromUnixTimestamp64Milli(${ms(to)})`,
    timeFilter: ([c]) => `${c} >= toDateTime(${s(from)}) AND ${c} <= toDateTime(${s(to)})`,
    dateFilter: ([c]) => `${c} >= ${day(from)} AND ${c} <= ${day(to)}`,
    timeInterval_ms: ([c]) => `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${interval * 1000} millisecond)`,
    timeInterval: ([c]) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${interval} second)`,
    interval_s: () => String(interval),
  };
  let out = '';
  let rest = sql;
  for (let m = /\$__(\w+)/.exec(rest); m; m = /\$__(\w+)/.exec(rest)) {
    const name = m[1] ?? '';
    const expand = macros[name];
    if (!expand) throw new Error(`unknown macro $__${name}`);
    let end = m.index + m[0].length;
    let args: string[] = [];
    if (rest[end] === '(') {
      const parsed = macroArgs(rest, end);
      if (!parsed) throw new Error(`unbalanced arguments of $__${name}`);
      args = parsed.args.map((a) => a.trim());
      end = parsed.end;
    }
    out += rest.slice(0, m.index) + expand(args);
    rest = rest.slice(end);
  }
  return out + rest;
}

/** A panel or variable query as ClickHouse receives it. */
export function renderQuery(rawSql: string, ctx: QueryContext): string {
  return expandTimeMacros(interpolate(applyConditionalAll(rawSql, ctx.variables), ctx.variables), ctx);
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

export async function runQuery(client: ClickHouseClient, rawSql: string, ctx: QueryContext): Promise<QueryResult> {
  const query = renderQuery(rawSql, ctx);
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
  return {
    columns,
    rows: data.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))),
  };
}

interface VariableModel {
  type: string;
  name: string;
  query?: unknown;
  includeAll?: boolean;
  multi?: boolean;
  current?: { value?: unknown };
}

/**
 * Resolves a dashboard's variables in order, as Grafana does on load: each query variable runs
 * with the ones before it (first column value, second text); the current value is the chosen
 * one, else the saved default when it is still an option (or All), else the first option.
 */
export async function resolveVariables(
  client: ClickHouseClient,
  templating: readonly VariableModel[],
  base: Omit<QueryContext, 'variables'>,
  chosen: Record<string, string | string[]> = {},
): Promise<Map<string, VariableState>> {
  const variables = new Map<string, VariableState>();
  for (const variable of templating) {
    if (variable.type !== 'query' || typeof variable.query !== 'string') {
      throw new Error(`variable ${variable.name}: only SQL query variables are modelled (got ${variable.type})`);
    }
    const { rows, columns } = await runQuery(client, variable.query, { ...base, variables });
    const [valueCol, textCol = valueCol] = columns.map((c) => c.name);
    const options = rows.map((r) => ({ value: String(r[valueCol ?? '']), text: String(r[textCol ?? '']) }));
    const fromUrl = chosen[variable.name];
    const want = fromUrl ?? variable.current?.value;
    const all = options.map((o) => o.value);
    let current: string | string[];
    if (want === '$__all' || (Array.isArray(want) && want.includes('$__all'))) {
      if (!variable.includeAll) throw new Error(`variable ${variable.name} has no All option`);
      current = '$__all';
    } else if (Array.isArray(want) && want.every((w) => all.includes(w)) && variable.multi) {
      current = want;
    } else if (typeof want === 'string' && all.includes(want)) {
      current = want;
    } else if (fromUrl !== undefined) {
      // A value from the URL (a link, a bookmark) stays even when it is not an option: Grafana
      // skips validating it, so panels must cope with it.
      current = fromUrl;
    } else {
      current = all[0] ?? '';
    }
    const values = current === '$__all' ? all : Array.isArray(current) ? current : [current];
    variables.set(variable.name, { name: variable.name, values, current, options });
  }
  return variables;
}
