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
    return createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      database: target.database,
      clickhouse_settings,
    });
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
  Object.defineProperty(client, FILE_INSERT_DIR, { value: fileInsertDir(path) });
  return client;
}

/**
 * Where an embedded client puts the data of a binary insert (native-insert.ts): the embedded
 * connection hands a request's body to the engine as text, so binary data goes through a file the
 * engine reads itself (`INSERT … FROM INFILE`). A server client has none: it sends the body.
 * A property of the client rather than a WeakMap entry, so a wrapper that forwards the client's
 * properties (a Proxy, as tests use) is still known to be embedded.
 */
const FILE_INSERT_DIR = Symbol('fileInsertDir');

export function fileInsertDirOf(client: ClickHouseClient): string | undefined {
  const dir: unknown = Reflect.get(client, FILE_INSERT_DIR);
  return typeof dir === 'string' ? dir : undefined;
}

/** The data folder's `native-inserts`, emptied of what a process that died left there. */
function fileInsertDir(path: string): string {
  const dir = join(path, 'native-inserts');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
  return dir;
}

export function describeTarget(target: ClickHouseTarget): string {
  return target.mode === 'server'
    ? `ClickHouse server ${target.url} database ${target.database}${target.cluster === undefined ? '' : ` on cluster ${target.cluster}`}`
    : `embedded ClickHouse (chdb) in ${resolve(target.dataDir)}`;
}
