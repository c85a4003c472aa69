import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL, interpolate, type VariableState } from './grafana-interpolate.ts';
import type { TimeRange } from './grafana-clickhouse.ts';

/**
 * Where Grafana's links lead and what they carry. Dashboard links (the link bar): a `link`'s URL
 * is interpolated (Scenes formats, ${var:queryparam} as the variable's URL state), then the time
 * range is appended when keepTime is set and every variable ($__all_variables) when includeVars
 * is; a `dashboards` link lists the dashboards with its tags, each with the same parameters.
 * Data links interpolate ${__data.fields.x} with the row's value and ${__url_time_range}.
 */

export interface Followed {
  uid: string;
  /** The var-* parameters of the URL: what the target's variables start from. */
  chosen: Record<string, string[]>;
}

const timeParams = (range: TimeRange) => `from=${range.from.getTime()}&to=${range.to.getTime()}`;

/** $__all_variables: every variable as a query parameter (All as $__all). */
function allVariables(variables: ReadonlyMap<string, VariableState>): string {
  return [...variables.values()]
    .flatMap((v) =>
      (Array.isArray(v.current) ? v.current : [v.current]).map((value) => `var-${v.name}=${encodeURIComponent(value)}`),
    )
    .join('&');
}

function parse(url: string): Followed {
  const parsed = new URL(url, 'http://grafana.invalid');
  const uid = /^\/d\/([\w-]+)/.exec(parsed.pathname)?.[1];
  if (!uid) throw new Error(`not a dashboard URL: ${url}`);
  const chosen: Record<string, string[]> = {};
  for (const [key, value] of parsed.searchParams) {
    if (!key.startsWith('var-')) continue;
    (chosen[key.slice(4)] ??= []).push(value);
  }
  return { uid, chosen };
}

function withParams(url: string, params: string[]): string {
  const extra = params.filter((p) => p !== '').join('&');
  if (extra === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${extra}`;
}

const raw = (value: string | number | string[]): string => (Array.isArray(value) ? value.join(',') : String(value));

interface LinkModel {
  type?: string;
  url?: string;
  tags?: string[];
  includeVars?: boolean;
  keepTime?: boolean;
}

/** Every dashboard a dashboard's link bar leads to, with the variables each URL carries. */
export function followDashboardLinks(
  source: Dashboard,
  all: readonly Dashboard[],
  variables: ReadonlyMap<string, VariableState>,
  range: TimeRange,
): Followed[] {
  const ctx = { variables, from: range.from, to: range.to, timeZone: source.timezone ?? 'browser' };
  return ((source.links ?? []) as LinkModel[]).flatMap((link) => {
    const params = [link.keepTime ? timeParams(range) : '', link.includeVars ? allVariables(variables) : ''];
    if (link.type === 'dashboards') {
      const tags = link.tags ?? [];
      return all
        .filter((d) => d.uid !== source.uid && (d.tags ?? []).some((t) => tags.includes(t)))
        .map((d) => parse(withParams(`/d/${d.uid ?? ''}`, params)));
    }
    return [parse(withParams(interpolate(link.url ?? '', ctx, raw), params))];
  });
}

/** A data link's URL for a table row: ${__data.fields.x} from the row, then the variables. */
function followDataLinkUrl(
  url: string,
  row: Record<string, unknown>,
  variables: ReadonlyMap<string, VariableState>,
  range: TimeRange,
): string {
  const withRow = url
    .replace(/\$\{__url_time_range\}/g, timeParams(range))
    .replace(/\$\{__data\.fields\.(\w+)(?::(\w+))?\}/g, (_m, field: string, fmt?: string) => {
      const cell = row[field];
      const value = typeof cell === 'string' || typeof cell === 'number' ? String(cell) : '';
      if (fmt === undefined || fmt === 'raw') return value;
      if (fmt === 'percentencode') return encodeURIComponent(value);
      throw new Error(`data link format ${fmt} is not modelled`);
    });
  return interpolate(withRow, { variables, from: range.from, to: range.to, timeZone: 'Asia/Shanghai' }, raw);
}

/** A data link of a table row: ${__data.fields.x} from the row, then the variables. */
export function followDataLink(
  url: string,
  row: Record<string, unknown>,
  variables: ReadonlyMap<string, VariableState>,
  range: TimeRange,
): Followed {
  return parse(followDataLinkUrl(url, row, variables, range));
}

/** The carried values that are no option of the target's variable (Grafana keeps them anyway). */
export function invalidCarried(
  followed: Followed,
  target: ReadonlyMap<string, VariableState>,
): { variable: string; value: string }[] {
  const invalid: { variable: string; value: string }[] = [];
  for (const [name, values] of Object.entries(followed.chosen)) {
    const state = target.get(name);
    for (const value of values) {
      if (value === ALL) continue;
      if (!state?.options.some((o) => o.value === value)) invalid.push({ variable: name, value });
    }
  }
  return invalid;
}

/**
 * The links a table cell offers: each data link followed with the row, minus those whose URL
 * comes out empty (TableNG's getCellLinks keeps only links with an href), so a row whose link
 * URL comes from an empty field has none.
 */
export function cellLinks(
  links: readonly { url: string }[],
  row: Record<string, unknown>,
  variables: ReadonlyMap<string, VariableState>,
  range: TimeRange,
): Followed[] {
  return links
    .filter((link) => followDataLinkUrl(link.url, row, variables, range) !== '')
    .map((link) => followDataLink(link.url, row, variables, range));
}
