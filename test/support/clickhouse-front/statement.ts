import { topLevel } from '../../../services/storage/on-cluster.ts';
import { ClickHouseException } from './exception.ts';

/**
 * What the front needs to know of a statement before the engine runs it: its kind, its output
 * format, that it is one statement, and which query parameters it names.
 */

/** The first keyword, past comments, white space and opening parentheses. */
export function statementKind(sql: string): string {
  const head = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z]+/.exec(head)?.[0] ?? '').toUpperCase();
}

/** Statements whose answer is rows, so the answer can be streamed (the engine streams only those). */
const READS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS', 'CHECK']);

export function returnsRows(kind: string): boolean {
  return READS.has(kind);
}

/**
 * The HTTP interface runs one statement per request ("Multi-statements are not allowed", docs:
 * interfaces/http). An INSERT's data after FORMAT or VALUES is data, not statements.
 */
export function checkOneStatement(sql: string, kind: string): void {
  if (kind === 'INSERT') return;
  const top = topLevel(sql);
  const semicolon = top.indexOf(';');
  if (semicolon < 0) return;
  const rest = top.slice(semicolon + 1).replace(/;/g, '');
  if (rest.trim() !== '')
    throw ClickHouseException.of('SYNTAX_ERROR', 'Syntax error (Multi-statements are not allowed)');
}

/** The output format: the query's own FORMAT clause, else the request's default. */
export function outputFormat(sql: string, kind: string, defaultFormat: string): string {
  if (kind === 'INSERT') return defaultFormat;
  const formats = [...topLevel(sql).matchAll(/\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)/gi)];
  return formats.at(-1)?.[1] ?? defaultFormat;
}

/** Names of the {name:Type} substitutions a statement may hold (a quoted '{x:' counts too: harmless). */
export function substitutionNames(sql: string, kind: string): Set<string> {
  // An INSERT's data may be megabytes: only its statement part, before FORMAT, can name parameters.
  const end = kind === 'INSERT' ? sql.search(/\bFORMAT\b/i) : -1;
  const statement = end < 0 ? sql : sql.slice(0, end);
  return new Set([...statement.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].flatMap((m) => (m[1] ? [m[1]] : [])));
}

/** Content-Type by output format: the TabSeparated one as the docs show it, the others by family. */
export function contentTypeOf(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return `text/csv; charset=UTF-8; header=${f.includes('names') ? 'present' : 'absent'}`;
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  return 'text/plain; charset=UTF-8';
}
