import type { ClickHouseClient } from '@clickhouse/client';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { binaryInsertsOf, type BinaryInserts } from './clickhouse-client.ts';
import { clickHouseErrorName, insertFailureCause } from './insert-errors.ts';
import { columnList, quoted, settingList } from './insert-statement.ts';
import { encodeNativeBlock, isNativeEncodable, NotNativeEncodable, type NativeColumn } from './native-block.ts';

type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/** A table's columns, as system.columns lists them, in order. */
export type TableColumns = readonly NativeColumn[];

const columnsByClient = new WeakMap<ClickHouseClient, Map<string, Promise<TableColumns>>>();

async function readColumns(client: ClickHouseClient, table: string): Promise<TableColumns> {
  const result = await client.query({
    query: `SELECT name, type FROM system.columns
            WHERE database = currentDatabase() AND table = {table:String} ORDER BY position`,
    query_params: { table },
    format: 'JSONCompactEachRow',
  });
  return (await result.json<[string, string]>()).map(([name, type]) => ({ name, type }));
}

/**
 * The columns of `table`, read once per client (`fresh` reads them again: a migration may have
 * added one since).
 */
export function tableColumns(client: ClickHouseClient, table: string, fresh = false): Promise<TableColumns> {
  let tables = columnsByClient.get(client);
  if (tables === undefined) {
    tables = new Map<string, Promise<TableColumns>>();
    columnsByClient.set(client, tables);
  }
  let columns = tables.get(table);
  if (columns === undefined || fresh) {
    const read = readColumns(client, table);
    // A failed read is not kept: the next insert asks again.
    read.catch(() => {
      if (tables.get(table) === read) tables.delete(table);
    });
    tables.set(table, read);
    columns = read;
  }
  return columns;
}

/** The insert's columns with their types, or undefined where one is missing or not encoded natively. */
async function nativeColumns(
  client: ClickHouseClient,
  table: string,
  names: readonly string[],
): Promise<NativeColumn[] | undefined> {
  for (const fresh of [false, true]) {
    const types = new Map((await tableColumns(client, table, fresh)).map((c) => [c.name, c.type]));
    const columns = names.map((name) => ({ name, type: types.get(name) }));
    if (columns.some((c) => c.type === undefined)) continue;
    const typed = columns.map(({ name, type = '' }) => ({ name, type }));
    return typed.every((c) => isNativeEncodable(c.type)) ? typed : undefined;
  }
  return undefined;
}

const READS_AGAIN = Symbol('readsAgain');

/**
 * Rows that can be read more than once, each pass made anew by `make`: a batch's rows are built
 * as they are encoded, and built again should they have to go as JSON after all. Other
 * iterables are read into an array first.
 */
export function replayable<T>(make: () => Iterator<T>): Iterable<T> {
  return { [Symbol.iterator]: make, [READS_AGAIN]: true } as Iterable<T>;
}

function readsAgain(rows: Iterable<Row>): boolean {
  return Array.isArray(rows) || (rows as unknown as Record<symbol, unknown>)[READS_AGAIN] === true;
}

function* positional(rows: Iterable<Row>, counted: { rows: number }): Generator<readonly unknown[]> {
  for (const row of rows) {
    if (!Array.isArray(row)) throw new NotNativeEncodable('rows are objects, not positional arrays');
    counted.rows++;
    yield row as readonly unknown[];
  }
}

let fileSequence = 0;

/**
 * ClickHouse's refusals of a Native block while it read the block, before anything was stored:
 * a value, a type that changed since the columns were read (conversion is off, so a stale type is
 * refused rather than cast), a block the engine could not read, the file gone. Those are sent
 * again as JSON, which stores or refuses the rows as before. A refusal after reading (a
 * materialized view that refused what the table already stored: "while pushing to view") is not
 * resent: the table would hold the rows twice. It is thrown, as JSON's would be.
 */
const READING_FAILED = new Set([
  'ATTEMPT_TO_READ_AFTER_EOF',
  'CANNOT_READ_ALL_DATA',
  'UNKNOWN_TYPE',
  'NO_SUCH_COLUMN_IN_TABLE',
  'THERE_IS_NO_COLUMN',
  'INCORRECT_NUMBER_OF_COLUMNS',
  'TOO_LARGE_ARRAY_SIZE',
  'ILLEGAL_COLUMN',
  'FILE_DOESNT_EXIST',
  'CANNOT_OPEN_FILE',
]);

function resendAsJson(err: unknown): boolean {
  const name = clickHouseErrorName(err);
  if (name === undefined) return false;
  const message = err instanceof Error ? err.message : '';
  if (/pushing to view/i.test(message)) return false;
  // The Native input format names itself in what it refuses while reading ("While executing Native").
  return READING_FAILED.has(name) || (insertFailureCause(err) === 'rows' && /executing Native\b/i.test(message));
}

async function send(
  client: ClickHouseClient,
  how: BinaryInserts,
  table: string,
  columns: readonly string[],
  block: { bytes: Buffer; rows: number },
  settings: Readonly<Record<string, string | number>>,
): Promise<void> {
  // A column whose type changed since it was read is refused, not cast (docs: settings,
  // input_format_native_allow_types_conversion); LowCardinality takes its inner type regardless.
  const list = ['input_format_native_allow_types_conversion = 0', ...settingList(settings)];
  const settingsClause = ` SETTINGS ${list.join(', ')}`;
  if (how.via === 'file') {
    const file = join(how.dir, `${String(process.pid)}-${String(++fileSequence)}.native`);
    try {
      await writeFile(file, block.bytes);
      const { summary } = await client.command({
        query: `INSERT INTO ${table}${columnList(columns)} FROM INFILE ${quoted(file)}${settingsClause} FORMAT Native`,
      });
      // The engine read this file and nothing else (a path is a pattern to FROM INFILE; the
      // folder's path holds no glob character, so this is a last guard, not a retry signal).
      const read = summary?.read_rows;
      if (read !== undefined && Number(read) > block.rows)
        throw new Error(
          `native insert into ${table} read ${read} rows from ${file}, not the ${String(block.rows)} sent`,
        );
    } finally {
      await rm(file, { force: true });
    }
    return;
  }
  const result = await client.exec({
    query: `INSERT INTO ${table}${columnList(columns)}${settingsClause} FORMAT Native`,
    values: Readable.from([block.bytes]),
  });
  // Drain the (empty) answer so the HTTP connection goes back to the pool.
  result.stream.resume();
  await once(result.stream, 'end');
}

/**
 * Inserts positional `rows` into `table` as one Native block when every column's type and every
 * value is one the encoder writes exactly as the JSON path would have them stored, and ClickHouse
 * reads the block. Otherwise nothing is stored and the caller sends JSON: 'not-encodable' with
 * `rows` untouched where they can be read again, or the rows to send instead of a one-shot
 * iterable that was read. A refusal after the block was read is thrown (resendAsJson).
 */
export async function insertNative(
  client: ClickHouseClient,
  table: string,
  rows: Iterable<Row>,
  columns: readonly string[],
  settings: Readonly<Record<string, string | number>>,
): Promise<'sent' | 'not-encodable' | { replay: readonly Row[] }> {
  const how = binaryInsertsOf(client);
  if (how === undefined || (Array.isArray(rows) && rows.length === 0)) return 'not-encodable';
  const typed = await nativeColumns(client, table, columns);
  if (typed === undefined) return 'not-encodable';
  // A one-shot iterable is read into an array first, so JSON can still send it if encoding stops.
  const source = readsAgain(rows) ? rows : [...rows];
  const asJson = () => (source === rows ? 'not-encodable' : { replay: source as readonly Row[] });
  const counted = { rows: 0 };
  let bytes: Buffer;
  try {
    bytes = encodeNativeBlock(typed, positional(source, counted), Array.isArray(source) ? source.length : undefined);
  } catch (err) {
    if (!(err instanceof NotNativeEncodable)) throw err;
    return asJson();
  }
  if (counted.rows === 0) return 'sent';
  try {
    await send(client, how, table, columns, { bytes, rows: counted.rows }, settings);
  } catch (err) {
    if (!resendAsJson(err)) throw err;
    // Read the columns again for the next insert: the refusal may be a type that changed.
    void tableColumns(client, table, true).catch(() => undefined);
    return asJson();
  }
  return 'sent';
}
