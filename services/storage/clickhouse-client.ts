import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export type ClickHouseTarget =
  | { mode: 'embedded'; dataDir: string }
  | {
      mode: 'server';
      url: string;
      username: string;
      password: string;
      database: string;
      /** CLICKHOUSE_CLUSTER: migrations go ON CLUSTER with replicated tables (on-cluster.ts). */
      cluster?: string | undefined;
    };

/**
 * One client API and one SQL dialect for both modes: the embedded engine (chdb) plugs into
 * @clickhouse/client as a connection, a server is reached over HTTP.
 */
export function createClickHouse(target: ClickHouseTarget): ClickHouseClient {
  const clickhouse_settings = {
    // Make an INSERT return only after the materialized views ran, so standings read after it see the rows.
    wait_end_of_query: 1,
  } as const;
  if (target.mode === 'server') {
    const client = createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      database: target.database,
      clickhouse_settings,
    });
    return withBinaryInserts(client, { via: 'body' });
  }
  const path = resolve(target.dataDir);
  mkdirSync(path, { recursive: true });
  // chdb implements the Connection of @clickhouse/client-common, which @clickhouse/client 1.23.1
  // also bundles as its own copy: the same interface under two declarations, hence the cast.
  let connection: ClientConnection;
  try {
    connection = createChdbConnection({ path }) as unknown as ClientConnection;
  } catch (err) {
    throw new Error(
      `cannot open the embedded ClickHouse data directory ${path}: another process (a running "npm start"?) may hold it; stop it or set DATA_DIR to another folder`,
      { cause: err },
    );
  }
  const client = createClient({ connection, clickhouse_settings });
  const dir = fileInsertDir(path);
  return dir === undefined ? client : withBinaryInserts(client, { via: 'file', dir });
}

/**
 * How a client can send an insert's data in a binary format (native-insert.ts): a server takes it
 * as the request's body; the embedded connection hands a body to the engine as text, so there it
 * goes through a file the engine reads itself (`INSERT … FROM INFILE`). A client without this
 * mark (one made elsewhere, or a wrapper that does not pass it on) sends JSON only. It is a
 * property of the client rather than a WeakMap entry, so a Proxy that forwards the client's
 * properties (as tests use) keeps it.
 */
export type BinaryInserts = { via: 'body' } | { via: 'file'; dir: string };

const BINARY_INSERTS = Symbol('binaryInserts');

function withBinaryInserts(client: ClickHouseClient, how: BinaryInserts): ClickHouseClient {
  Object.defineProperty(client, BINARY_INSERTS, { value: how, configurable: true });
  return client;
}

export function binaryInsertsOf(client: ClickHouseClient): BinaryInserts | undefined {
  const how: unknown = Reflect.get(client, BINARY_INSERTS);
  return typeof how === 'object' && how !== null && 'via' in how ? (how as BinaryInserts) : undefined;
}

/** Characters FROM INFILE reads as a pattern of several files (docs: table-functions/file, globs). */
const GLOB = /[*?{}[\]]/;
const emptied = new Set<string>();

/**
 * The data folder's `native-inserts`, emptied of what a process that died left there (once per
 * process: a second client on the folder may already have files in it). None where the path
 * holds a glob character: FROM INFILE would read it as a pattern and could read other files.
 */
function fileInsertDir(path: string): string | undefined {
  const dir = join(path, 'native-inserts');
  if (GLOB.test(dir)) return undefined;
  mkdirSync(dir, { recursive: true });
  if (!emptied.has(dir)) {
    emptied.add(dir);
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
  }
  return dir;
}

export function describeTarget(target: ClickHouseTarget): string {
  return target.mode === 'server'
    ? `ClickHouse server ${target.url} database ${target.database}${target.cluster === undefined ? '' : ` on cluster ${target.cluster}`}`
    : `embedded ClickHouse (chdb) in ${resolve(target.dataDir)}`;
}
