import type { ClickHouseClient } from '@clickhouse/client';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { columnList, identifier, quoted, settingList } from './insert-statement.ts';
import { insertNative, tableColumns } from './native-insert.ts';

export type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * Inserts rows. Positional arrays with their `columns` go as one binary Native block where the
 * table's column types and the values allow it (native-insert.ts); otherwise positional arrays go
 * as JSONCompactEachRow (ClickHouse parses it far faster than keyed JSON), objects as JSONEachRow. Times go in as ISO 8601, which needs
 * date_time_input_format = 'best_effort'. That setting is part of the statement, not a client
 * setting: the embedded engine turns client settings into a `SET …;` statement in front of the
 * query, and then splits the statements by scanning the whole inline body (measured: +1.3 µs per
 * events row, a third of the insert). Further settings (e.g. a deduplication token) join it.
 * Says which way the rows went.
 */
export async function insertRows(
  client: ClickHouseClient,
  table: string,
  rows: Iterable<Row>,
  columns?: readonly string[],
  settings: Readonly<Record<string, string | number>> = {},
): Promise<'native' | 'json'> {
  const target = identifier(table);
  if (columns !== undefined) {
    const sent = await insertNative(client, target, rows, columns, settings);
    if (sent === 'sent') return 'native';
    if (sent !== 'not-encodable') rows = sent.replay;
  }
  await insertInto(client, target, rows, columns, settings);
  return 'json';
}

/** Inserts rows as JSON whatever their types: what insertRows does where Native does not apply. */
export async function insertRowsAsJson(
  client: ClickHouseClient,
  table: string,
  rows: Iterable<Row>,
  columns?: readonly string[],
  settings: Readonly<Record<string, string | number>> = {},
): Promise<void> {
  await insertInto(client, identifier(table), rows, columns, settings);
}

/** Inserts rows as insertRows would, into a table that keeps nothing (see tableProbe). */
export type Probe = (
  rows: Iterable<Row>,
  columns?: readonly string[],
  settings?: Readonly<Record<string, string | number>>,
) => Promise<void>;

/**
 * Sends rows as insertRows would send them to `table`, into a throwaway table of the same
 * structure (the null table function): ClickHouse parses and converts every value exactly as for
 * the real insert and keeps nothing. Finds which rows a table refuses without storing any.
 */
export async function tableProbe(client: ClickHouseClient, table: string): Promise<Probe> {
  const structure = (await tableColumns(client, table, true)).map(({ name, type }) => `${identifier(name)} ${type}`);
  if (structure.length === 0) throw new Error(`table ${table} not found`);
  const target = `FUNCTION null(${quoted(structure.join(', '))})`;
  return (rows, columns, settings = {}) => insertInto(client, target, rows, columns, settings);
}

/** Rows per piece of an insert's body: the body is produced as it is sent, not held whole. */
const ROWS_PER_CHUNK = 2_000;

/**
 * The body in pieces of ROWS_PER_CHUNK rows, each one JSON.stringify of the piece's rows without
 * the outer brackets: `[…],[…]` (or `{…},{…}`), which both JSON row formats read as rows
 * separated by commas. One serialiser call per piece instead of one per row, and no joined copy.
 * Rows are taken from `rows` as the body is read: rows a generator builds live only while their
 * piece is serialised (young garbage, cheap to collect), not for the whole insert.
 */
export function* rowChunks(rows: Iterable<Row>): Generator<string> {
  let piece: Row[] = [];
  let first = true;
  for (const row of rows) {
    piece.push(row);
    if (piece.length < ROWS_PER_CHUNK) continue;
    yield joined(piece, first);
    first = false;
    piece = [];
  }
  if (piece.length > 0) yield joined(piece, first);
}

function joined(piece: readonly Row[], first: boolean): string {
  const rows = JSON.stringify(piece).slice(1, -1);
  return first ? rows : `,${rows}`;
}

async function insertInto(
  client: ClickHouseClient,
  target: string,
  all: Iterable<Row>,
  columns: readonly string[] | undefined,
  settings: Readonly<Record<string, string | number>>,
): Promise<void> {
  const rows = all[Symbol.iterator]();
  const head = rows.next();
  if (head.done === true) return;
  const first = head.value;
  const format = Array.isArray(first) ? 'JSONCompactEachRow' : 'JSONEachRow';
  const extra = settingList(settings)
    .map((setting) => `, ${setting}`)
    .join('');
  const result = await client.exec({
    query: `INSERT INTO ${target}${columnList(columns)} SETTINGS date_time_input_format = 'best_effort'${extra} FORMAT ${format}`,
    values: Readable.from(rowChunks(withFirst(first, rows))),
  });
  // Drain the (empty) answer so the HTTP connection goes back to the pool.
  result.stream.resume();
  await once(result.stream, 'end');
}

function* withFirst(first: Row, rest: Iterator<Row>): Generator<Row> {
  yield first;
  for (let next = rest.next(); next.done !== true; next = rest.next()) yield next.value;
}
