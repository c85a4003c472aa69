/**
 * Why an INSERT failed: because of some of its rows (ClickHouse could not parse or accept a value,
 * a constraint refused a row), or because storage is not taking inserts at all (unreachable, a
 * table missing, out of memory, too many parts, read-only). Only the first is worth splitting the
 * insert to find the rows at fault; the second is waited out and retried whole. Anything not
 * known to be about rows counts as an outage: retried and visible, never a reason to drop data.
 */
export type InsertFailureCause = 'rows' | 'outage';

/** ClickHouse error names (ErrorCodes.cpp) that a row's content causes. */
const ROW_CAUSED = new Set([
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'CANNOT_CONVERT_TYPE',
  'VIOLATED_CONSTRAINT',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'ARGUMENT_OUT_OF_BOUND',
  'DECIMAL_OVERFLOW',
  'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  'TOO_LARGE_STRING_SIZE',
  'CANNOT_READ_ARRAY_FROM_TEXT',
  'SIZES_OF_ARRAYS_DONT_MATCH',
  'UNKNOWN_ELEMENT_IN_ENUM',
]);

/** The error name ClickHouse gave (`type` on @clickhouse/client's ClickHouseError), if any. */
export function clickHouseErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' && /^[A-Z][A-Z0-9_]*$/.test(type) ? type : undefined;
}

export function insertFailureCause(err: unknown): InsertFailureCause {
  const name = clickHouseErrorName(err);
  if (name === undefined) return 'outage';
  // CANNOT_PARSE_INPUT_ASSERTION_FAILED, CANNOT_PARSE_ESCAPE_SEQUENCE (a lone UTF-16 surrogate),
  // CANNOT_PARSE_DATETIME, CANNOT_PARSE_NUMBER, …
  return name.startsWith('CANNOT_PARSE_') || ROW_CAUSED.has(name) ? 'rows' : 'outage';
}

/**
 * The column ClickHouse names: in a parse error ("while reading the value of key product"), in a
 * constraint's ("Column values: product = '98#'"), or as "column product".
 */
export function refusedColumn(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : '';
  return (
    /while reading the value of key `?(\w+)/.exec(message)?.[1] ??
    /Column values: `?(\w+)`? =/.exec(message)?.[1] ??
    /\bcolumn `?(\w+)/i.exec(message)?.[1]
  );
}

/**
 * The first row ClickHouse names as refused, 0-based in the rows of the insert ("is violated at
 * row 3", "(at row 3)": 1-based). Only the first: ClickHouse stops there.
 */
export function refusedRowIndex(err: unknown): number | undefined {
  const message = err instanceof Error ? err.message : '';
  const row = /\bat row (\d+)/.exec(message)?.[1];
  return row === undefined ? undefined : Number(row) - 1;
}

/**
 * One line on what went wrong, for a sender or /readyz: ClickHouse's error name and its first
 * sentence (the rest gives advice on server settings, which is no use to a sender).
 */
export function describeInsertError(err: unknown, maxLength = 300): string {
  const name = clickHouseErrorName(err);
  const message = (err instanceof Error ? err.message : String(err)).trim();
  const firstSentence = /^(.*?[.!?])(\s|$)/s.exec(message)?.[1] ?? message;
  const text = name ? `${name}: ${firstSentence}` : firstSentence || 'no answer from ClickHouse';
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
