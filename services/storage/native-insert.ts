import type { ClickHouseClient } from '@clickhouse/client';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileInsertDirOf } from './clickhouse-client.ts';
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
    columns = readColumns(client, table);
    // A failed read is not kept: the next insert asks again.
    columns.catch(() => tables.delete(table));
    tables.set(table, columns);
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

/** Whether `rows` can be read again (an array, or an iterable that makes a new iterator each time). */
function readsAgain(rows: Iterable<Row>): boolean {
  return Array.isArray(rows) || rows[Symbol.iterator]() !== (rows as unknown);
}

function* positional(rows: Iterable<Row>, counted: { rows: number }): Generator<readonly unknown[]> {
  for (const row of rows) {
    if (!Array.isArray(row)) throw new NotNativeEncodable('rows are objects, not positional arrays');
    counted.rows++;
    yield row as readonly unknown[];
  }
}

let fileSequence = 0;

async function send(
  client: ClickHouseClient,
  table: string,
  columns: readonly string[],
  block: Buffer,
  settings: Readonly<Record<string, string | number>>,
): Promise<void> {
  const list = settingList(settings);
  const settingsClause = list.length === 0 ? '' : ` SETTINGS ${list.join(', ')}`;
  const dir = fileInsertDirOf(client);
  if (dir !== undefined) {
    // The embedded connection passes a body to the engine as text; a file passes bytes.
    const file = join(dir, `${String(process.pid)}-${String(++fileSequence)}.native`);
    await writeFile(file, block);
    try {
      await client.command({
        query: `INSERT INTO ${table}${columnList(columns)} FROM INFILE ${quoted(file)}${settingsClause} FORMAT Native`,
      });
    } finally {
      await rm(file, { force: true });
    }
    return;
  }
  const result = await client.exec({
    query: `INSERT INTO ${table}${columnList(columns)}${settingsClause} FORMAT Native`,
    values: Readable.from([block]),
  });
  // Drain the (empty) answer so the HTTP connection goes back to the pool.
  result.stream.resume();
  await once(result.stream, 'end');
}

/**
 * Inserts positional `rows` into `table` as one Native block when every column's type and every
 * value is one the encoder writes exactly as the JSON path would have them stored. Otherwise
 * nothing is sent and the caller sends JSON: 'not-encodable' with `rows` untouched where they can
 * be read again, or the rows to send instead of a one-shot iterable that was read.
 */
export async function insertNative(
  client: ClickHouseClient,
  table: string,
  rows: Iterable<Row>,
  columns: readonly string[],
  settings: Readonly<Record<string, string | number>>,
): Promise<'sent' | 'not-encodable' | { replay: readonly Row[] }> {
  const typed = await nativeColumns(client, table, columns);
  if (typed === undefined) return 'not-encodable';
  // A one-shot iterable is read into an array first, so JSON can still send it if encoding stops.
  const source = readsAgain(rows) ? rows : [...rows];
  const counted = { rows: 0 };
  let block: Buffer;
  try {
    block = encodeNativeBlock(typed, positional(source, counted), Array.isArray(source) ? source.length : undefined);
  } catch (err) {
    if (!(err instanceof NotNativeEncodable)) throw err;
    return source === rows ? 'not-encodable' : { replay: source as readonly Row[] };
  }
  if (counted.rows > 0) await send(client, table, columns, block, settings);
  return 'sent';
}
