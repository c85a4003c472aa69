import type { ClickHouseClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertRows } from './insert-rows.ts';
import {
  CLUSTER_NAME,
  bookkeepingProblem,
  clusterShapeProblem,
  forCluster,
  migrationForCluster,
} from './on-cluster.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  checksum: string;
}

/** Splits a migration file into statements: each ends with ';' at the end of a line. Comments are dropped. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file,
        statements: splitStatements(sql),
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/** The ledger of applied migrations: it cannot be a migration itself. */
export const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
      ENGINE = MergeTree ORDER BY version`;

export interface MigrateOptions {
  /**
   * CLICKHOUSE_CLUSTER: apply every statement ON CLUSTER with replicated engines
   * (services/storage/on-cluster.ts). Unset: the database is a single node (embedded or server).
   */
  cluster?: string | undefined;
}

async function rows<T>(client: ClickHouseClient, query: string, query_params: Record<string, unknown> = {}) {
  return (await client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}

/** Stops before the first statement when the database or the cluster is not what the switch says. */
async function checkTarget(client: ClickHouseClient, cluster: string | undefined): Promise<void> {
  const [ledger] = await rows<{ engine: string }>(
    client,
    `SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'`,
  );
  const problem = bookkeepingProblem(ledger?.engine, cluster);
  if (problem) throw new Error(problem);
  if (cluster === undefined) return;
  const [shape] = await rows<{ hosts: string | number; shards: string | number }>(
    client,
    `SELECT count() AS hosts, uniqExact(shard_num) AS shards FROM system.clusters WHERE cluster = {cluster:String}`,
    { cluster },
  );
  const shapeProblem = clusterShapeProblem(cluster, {
    hosts: Number(shape?.hosts ?? 0),
    shards: Number(shape?.shards ?? 0),
  });
  if (shapeProblem) throw new Error(shapeProblem);
}

/**
 * What migrate runs: the ledger's DDL and the migrations, as the files have them, or placed on the
 * cluster. Placing all of them first means a statement forCluster cannot place stops the run
 * before anything changed.
 */
export function migrationPlan(
  migrations: readonly Migration[],
  cluster: string | undefined,
): { ledger: string; migrations: readonly Migration[] } {
  if (cluster === undefined) return { ledger: SCHEMA_MIGRATIONS, migrations };
  if (!CLUSTER_NAME.test(cluster)) throw new Error(`"${cluster}" is not a cluster name (CLICKHOUSE_CLUSTER)`);
  return {
    ledger: forCluster(SCHEMA_MIGRATIONS, cluster),
    migrations: migrations.map((m) => migrationForCluster(m, cluster)),
  };
}

/**
 * Applies the migrations not yet recorded in schema_migrations, in order. Every statement is
 * idempotent (IF NOT EXISTS), so a run interrupted half-way is completed by the next one.
 * With a cluster, every statement (the ledger's too) runs as migrationPlan placed it.
 */
export async function migrate(
  client: ClickHouseClient,
  migrations?: readonly Migration[],
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const { cluster } = options;
  const plan = migrationPlan(migrations ?? (await loadMigrations()), cluster);
  // ON CLUSTER waits for every host (distributed_ddl_task_timeout) and, in mode 'throw', fails
  // with the first host's error (docs: session settings distributed_ddl_output_mode). A server
  // profile may default to a mode that never throws; a migration must not pass half-applied.
  const clickhouse_settings = cluster === undefined ? undefined : ({ distributed_ddl_output_mode: 'throw' } as const);
  await checkTarget(client, cluster);

  await client.command({ query: plan.ledger, clickhouse_settings });
  const done = new Map(
    (
      await rows<{ version: number; name: string; checksum: string }>(
        client,
        'SELECT version, name, checksum FROM schema_migrations',
      )
    ).map((r) => [r.version, r]),
  );
  const applied: string[] = [];
  for (const migration of plan.migrations) {
    const previous = done.get(migration.version);
    if (previous) {
      // An applied migration is history: changing it would leave databases that ran the old text behind.
      if (previous.checksum !== migration.checksum) {
        throw new Error(
          `migration ${migration.name} changed after it was applied to this database (as ${previous.name}); add a new migration instead`,
        );
      }
      continue;
    }
    for (const statement of migration.statements) {
      await client.command({ query: statement, clickhouse_settings });
    }
    // On a cluster the ledger is replicated: this row reaches every replica like any insert.
    await insertRows(client, 'schema_migrations', [
      {
        version: migration.version,
        name: migration.name,
        checksum: migration.checksum,
        applied_at: new Date().toISOString(),
      },
    ]);
    applied.push(migration.name);
  }
  return { applied };
}
