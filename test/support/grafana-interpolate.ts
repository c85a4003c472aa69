/**
 * What Grafana's front end does to a panel's SQL before the plugin's backend sees it:
 * CHDatasource.applyTemplateVariables (grafana/clickhouse-datasource v4.13.0) resolves
 * $__conditionalAll, then Grafana's template service (Scenes: sceneInterpolator, its format
 * registry and macros) replaces variables with the plugin's own format function for those
 * written without one, then $__adHocFilters('table') becomes the ad hoc filter setting.
 */
import { formatInterval } from './grafana-macros.ts';

export const ALL = '$__all';

/** A resolved dashboard variable, as Scenes holds it. */
export interface VariableState {
  name: string;
  /** The value: '$__all' for All, an array for a multi-value variable. */
  current: string | string[];
  /** What the variable stands for in a query: every option's value when All. */
  values: string[];
  options: { text: string; value: string }[];
  multi: boolean;
}

/** What the front end knows about the request besides variables. */
export interface FrontendContext {
  variables: ReadonlyMap<string, VariableState>;
  from: Date;
  to: Date;
  /** request.intervalMs; absent for variable queries (metricFindQuery sends none). */
  intervalMs?: number;
  timeZone: string;
}

/** CHDatasource.getMacroArgs: comma-separated at bracket depth one; [] when unbalanced. */
function macroArgs(text: string, open: number): string[] {
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
      return args;
    }
  }
  return [];
}

/**
 * CHDatasource.applyConditionalAll, last macro first: `1=1` when the variable's current value
 * is All or empty, else the condition. The plugin gives up silently on a macro it cannot split
 * into two arguments (it then reaches ClickHouse as written); that is an error here.
 */
export function applyConditionalAll(sql: string, variables: ReadonlyMap<string, VariableState>): string {
  const macro = '$__conditionalAll(';
  let out = sql;
  let at = out.lastIndexOf(macro);
  while (at !== -1) {
    const params = macroArgs(out, at + macro.length - 1);
    const [condition = '', variable = ''] = params;
    if (params.length !== 2) throw new Error(`malformed $__conditionalAll: ${out.slice(at, at + 80)}`);
    const name = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/.exec(variable.trim())?.[0];
    let phrase = condition;
    if (name !== undefined) {
      const state = variables.get(name);
      if (!state) throw new Error(`$__conditionalAll names an unknown variable $${name}`);
      const value = Array.isArray(state.current) ? state.current.join(',') : state.current;
      if (value === '' || value === ALL) phrase = '1=1';
    }
    out = out.replace(`${macro}${condition},${variable})`, () => phrase);
    at = out.lastIndexOf(macro);
  }
  return out;
}

/** Scenes' VARIABLE_REGEX: $var, [[var]] / [[var:fmt]], ${var}, ${var.path}, ${var:fmt}. */
const VARIABLE_REGEX =
  /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)((?:\.[^:^{}[\]]+|\["[^"]*"\]|\['[^']*'\]|\[[^\]"']*\])*)(?::([^}]+))?}/g;

type Value = string | number | string[];

/** RFC 3986 encoding as Scenes' encodeURIComponentStrict. */
const encodeStrict = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Scenes' format registry, for the formats a dashboard of ours may use. */
function format(value: Value, fmt: string, variable: VariableState | undefined): string {
  const [id = '', ...args] = fmt.split(':');
  const list = Array.isArray(value) ? value : null;
  switch (id) {
    case 'singlequote':
      return (list ?? [String(value)]).map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return (list ?? [String(value)]).map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',');
    case 'sqlstring':
      return (list ?? [String(value)]).map((v) => `'${v.replace(/'/g, "''").replace(/"/g, '\\"')}'`).join(',');
    case 'raw':
      return String(value);
    case 'csv':
      return list ? list.join(',') : String(value);
    case 'pipe':
      return list ? list.join('|') : String(value);
    case 'json':
      return JSON.stringify(value);
    case 'text': {
      if (!variable) return String(value);
      if (variable.current === ALL || (Array.isArray(variable.current) && variable.current[0] === ALL)) return 'All';
      const texts = (Array.isArray(variable.current) ? variable.current : [variable.current]).map(
        (v) => variable.options.find((o) => o.value === v)?.text ?? v,
      );
      return texts.join(' + ');
    }
    case 'queryparam': {
      // A variable with URL sync writes its URL state: All as $__all, not the option values.
      if (variable) {
        const state = Array.isArray(variable.current) ? variable.current : [variable.current];
        return state.map((v) => `var-${variable.name}=${encodeStrict(v)}`).join('&');
      }
      return (list ?? [String(value)]).map((v) => `var-${encodeStrict(v)}`).join('&');
    }
    case 'percentencode':
      return encodeStrict(list ? `{${list.join(',')}}` : String(value));
    case 'glob':
      return list ? `{${list.join(',')}}` : String(value);
    case 'date': {
      const ms = typeof value === 'number' ? value : parseInt(String(value), 10);
      const arg = args[0] ?? 'iso';
      if (arg === 'ms') return String(value);
      if (arg === 'seconds') return String(Math.round(ms / 1000));
      if (arg === 'iso') return new Date(ms).toISOString();
      throw new Error(`date format ${args.join(':')} is not modelled`);
    }
    default:
      throw new Error(`variable format ${fmt} is not modelled`);
  }
}

/** The plugin's own format for variables written without one: arrays as 'a','b' (unescaped). */
const pluginFormat = (value: Value): string => (Array.isArray(value) ? `'${value.join("','")}'` : String(value));

/** Scenes' macros that a query's text may use (macros/index.ts); others stay as written. */
function macroValue(name: string, ctx: FrontendContext, match: string): Value | undefined {
  switch (name) {
    case '__from':
      return ctx.from.getTime();
    case '__to':
      return ctx.to.getTime();
    case '__timezone':
      return ctx.timeZone;
    // UrlTimeRangeMacro: the time range's URL state, unformatted (absolute here: the tests' ranges are).
    case '__url_time_range':
      return `from=${ctx.from.getTime()}&to=${ctx.to.getTime()}&timezone=${encodeURIComponent(ctx.timeZone)}`;
    // IntervalMacro: the request's interval, or the text as written when the request has none.
    case '__interval':
      return ctx.intervalMs === undefined ? match : formatInterval(ctx.intervalMs);
    case '__interval_ms':
      return ctx.intervalMs === undefined ? match : ctx.intervalMs;
    default:
      return undefined;
  }
}

/**
 * sceneInterpolator with the plugin's format function: variables, then Scenes' macros; names it
 * knows neither of (the plugin's backend macros) are left as written.
 */
export function interpolate(sql: string, ctx: FrontendContext, defaultFormat = pluginFormat): string {
  return sql.replace(
    VARIABLE_REGEX,
    (match, v1?: string, v2?: string, f2?: string, v3?: string, path?: string, f3?: string) => {
      const name = v1 ?? v2 ?? v3 ?? '';
      const fmt = f2 ?? f3;
      const variable = ctx.variables.get(name);
      if (variable) {
        if (path) throw new Error(`\${${name}${path}}: field paths are not modelled`);
        const value: Value = variable.multi || variable.current === ALL ? variable.values : (variable.values[0] ?? '');
        return fmt === undefined ? defaultFormat(value) : format(value, fmt, variable);
      }
      const macro = macroValue(name, ctx, match);
      if (macro === undefined) return match;
      if (macro === match) return match;
      return fmt === undefined ? defaultFormat(macro) : format(macro, fmt, undefined);
    },
  );
}

/** The ad hoc filter macro without ad hoc filters (no dashboard of ours has an ad hoc variable). */
export function applyAdHocFiltersMacro(sql: string): string {
  return sql.replace(/\$__adHocFilters\s*\(\s*['"](.+?)['"]\s*\)/g, 'additional_table_filters={}');
}

/** CHDatasource.applyTemplateVariables, without ad hoc filters. */
export function applyTemplateVariables(sql: string, ctx: FrontendContext): string {
  return applyAdHocFiltersMacro(interpolate(applyConditionalAll(sql, ctx.variables), ctx));
}
