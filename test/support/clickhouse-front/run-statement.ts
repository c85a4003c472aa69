import type { ChdbResult, StreamChunk } from 'chdb';
import { ClickHouseException } from './exception.ts';
import type { FrontRequest } from './request.ts';
import type { EngineConnection } from './sessions.ts';
import { substitutionNames } from './statement.ts';

/** A ClickHouse string literal. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function identifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Puts a request's database, settings and query parameters on the connection, the way the HTTP
 * handler puts them on the query's context. Returns what undoes the settings afterwards: on a
 * server they belong to the one query, here to a connection that serves later requests too.
 */
export async function applyRequest(
  connection: EngineConnection,
  request: FrontRequest,
  kind: string,
  inHttpSession: boolean,
): Promise<() => Promise<void>> {
  const { session } = connection;
  // In an HTTP session the database stays what the session's USE made it, unless the request names one.
  const database = request.database ?? (inHttpSession ? undefined : 'default');
  if (database !== undefined && database !== connection.database) {
    connection.database = '';
    await session.queryAsync(`USE ${identifier(database)}`);
    connection.database = database;
  }

  const names = request.settings.map(([name]) => name);
  for (const name of names) {
    if (!SETTING_NAME.test(name)) throw ClickHouseException.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
  }
  const before = new Map<string, { value: string; changed: number }>();
  if (names.length > 0) {
    const current = await session.queryAsync(
      `SELECT name, value, changed FROM system.settings WHERE name IN (${names.map(literal).join(', ')})`,
      { format: 'JSONEachRow' },
    );
    for (const line of current.text().split('\n')) {
      if (line === '') continue;
      const row = JSON.parse(line) as { name: string; value: string; changed: number };
      before.set(row.name, row);
    }
  }
  const applied: string[] = [];
  const restore = async () => {
    for (const name of applied) {
      const previous = before.get(name);
      await session.queryAsync(
        previous && previous.changed !== 0 ? `SET ${name} = ${literal(previous.value)}` : `SET ${name} = DEFAULT`,
      );
    }
  };
  try {
    for (const [name, value] of request.settings) {
      await session.queryAsync(`SET ${name} = ${literal(value)}`);
      applied.push(name);
    }
    // `SET param_x` gives the parameter its text form, parsed by the query's {x:Type} as the
    // HTTP interface parses param_x (the escaped format: docs interfaces/http, "Tabs in URL Parameters").
    const given = new Set(request.params.map(([name]) => name));
    for (const name of substitutionNames(request.sql, kind)) {
      // A parameter an earlier request left on this connection must not stand in for a missing one.
      if (connection.params.has(name) && !given.has(name)) {
        throw new ClickHouseException(456, 'UNKNOWN_QUERY_PARAMETER', `Substitution \`${name}\` is not set`);
      }
    }
    await setParams(connection, request.params);
  } catch (err) {
    await restore();
    throw err;
  }
  return restore;
}

/**
 * The SET statements carry the values in their text, which max_query_size (256 KiB) bounds; on a
 * server they travel in the URL, up to http_max_uri_size (1 MiB). So the bound is raised for
 * them alone, and put back before the query runs under it.
 */
async function setParams(connection: EngineConnection, params: readonly [string, string][]): Promise<void> {
  if (params.length === 0) return;
  const { session } = connection;
  const statements = params.map(([name, value]) => `SET param_${name} = ${literal(value)}`);
  const longest = Math.max(...statements.map((s) => Buffer.byteLength(s)));
  const raise = longest > 200_000;
  let before: { value: string; changed: number } | undefined;
  if (raise) {
    const current = await session.queryAsync(
      "SELECT value, changed FROM system.settings WHERE name = 'max_query_size'",
      { format: 'JSONEachRow' },
    );
    before = JSON.parse(current.text()) as { value: string; changed: number };
    await session.queryAsync(`SET max_query_size = ${longest + 1024}`);
  }
  try {
    for (const [i, statement] of statements.entries()) {
      await session.queryAsync(statement);
      connection.params.add(params[i]?.[0] ?? '');
    }
  } finally {
    if (raise) {
      await session.queryAsync(
        before && before.changed !== 0 ? `SET max_query_size = ${before.value}` : 'SET max_query_size = DEFAULT',
      );
    }
  }
}

export interface RunMetrics {
  rowsRead: number;
  bytesRead: number;
  resultRows: number;
  resultBytes: number;
}

/** Runs the statement to completion: the whole answer at once. */
export async function runWhole(
  connection: EngineConnection,
  sql: string,
  format: string,
): Promise<{ bytes: Buffer; result: ChdbResult }> {
  const result = await connection.session.queryAsync(sql, { format });
  const bytes = result.bytes();
  return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), result };
}

/** Runs a statement whose answer is rows, block by block. */
export function runStreamed(connection: EngineConnection, sql: string, format: string): AsyncIterable<StreamChunk> {
  return connection.session.queryStream(sql, { format });
}
