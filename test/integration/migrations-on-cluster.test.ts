import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { SCHEMA_MIGRATIONS, loadMigrations, migrate, type Migration } from '../../services/storage/migrate.ts';
import { forCluster } from '../../services/storage/on-cluster.ts';
import { startClickHouseFront } from '../support/clickhouse-front.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// The embedded engine has no Keeper and no cluster, so nothing here runs ON CLUSTER. What it can
// prove: ClickHouse's own parser reads every placed statement as the original statement plus the
// cluster clause and the replicated engine, the engine knows those engines and settings, and
// migrate refuses before the first statement when the cluster or the database does not fit.
let client: ClickHouseClient;
let migrations: Migration[];

async function rows<T>(query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}

/** The statement as ClickHouse parsed it, printed back canonically; throws if it does not parse. */
async function parsed(sql: string): Promise<string> {
  const [row] = await rows<{ f: string }>('SELECT formatQuery({sql:String}) AS f', { sql });
  return row?.f ?? '';
}

async function tableNames(on = client): Promise<string[]> {
  const result = await on.query({
    query: 'SELECT name FROM system.tables WHERE database = currentDatabase()',
    format: 'JSONEachRow',
  });
  return (await result.json<{ name: string }>()).map((t) => t.name);
}

beforeAll(async () => {
  client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  migrations = await loadMigrations();
});
afterAll(async () => {
  await client.close();
});

describe('migration statements placed on a cluster, read by the real ClickHouse parser', () => {
  it('every statement parses as the original with ON CLUSTER and a Replicated engine, nothing else', async () => {
    const all = [...migrations.flatMap((m) => m.statements), SCHEMA_MIGRATIONS];
    for (const sql of all) {
      const placed = await parsed(forCluster(sql, 'prod'));
      expect(placed).toMatch(/^(CREATE|ALTER) .* ON CLUSTER prod\b/);
      const back = placed
        .replace(' ON CLUSTER prod', '')
        .replace(/\bENGINE = Replicated(\w+)/, 'ENGINE = $1')
        .replace(
          /replicated_deduplication_window = (\d+), replicated_deduplication_window_seconds = 604800/g,
          'non_replicated_deduplication_window = $1',
        );
      expect(back).toBe(await parsed(sql));
    }
  });

  it('names engines and settings this ClickHouse has, with the default replica path the comments cite', async () => {
    const placed = [...migrations.flatMap((m) => m.statements), SCHEMA_MIGRATIONS].map((s) => forCluster(s, 'prod'));
    const engines = [...new Set(placed.flatMap((s) => [...s.matchAll(/ENGINE = (Replicated\w+)/g)].map((m) => m[1])))];
    expect(engines.length).toBeGreaterThan(0);
    const known = await rows<{ name: string }>(
      'SELECT name FROM system.table_engines WHERE name IN {engines:Array(String)}',
      {
        engines,
      },
    );
    expect(known.map((e) => e.name).sort()).toEqual(engines.sort());
    const settings = await rows<{ name: string }>(
      `SELECT name FROM system.merge_tree_settings
       WHERE name IN ('replicated_deduplication_window', 'replicated_deduplication_window_seconds') ORDER BY name`,
    );
    expect(settings.map((s) => s.name)).toEqual([
      'replicated_deduplication_window',
      'replicated_deduplication_window_seconds',
    ]);
    expect(
      await rows(`SELECT name, default FROM system.server_settings WHERE name LIKE 'default_replica_%' ORDER BY name`),
    ).toEqual([
      { name: 'default_replica_name', default: '{replica}' },
      { name: 'default_replica_path', default: '/clickhouse/tables/{uuid}/{shard}' },
    ]);
  });
});

describe('migrate with a cluster stops before it changes anything', () => {
  it('when a migration has a statement it cannot place', async () => {
    const bad: Migration = {
      version: 99,
      name: '0099_backfill.sql',
      checksum: 'x',
      statements: ['INSERT INTO events SELECT * FROM events_old'],
    };
    await expect(migrate(client, [...migrations, bad], { cluster: 'prod' })).rejects.toThrow(
      /cannot apply migration 0099_backfill\.sql on cluster "prod": statement 1 /,
    );
    expect(await tableNames()).toEqual([]);
  });

  it('when the server does not define the cluster', async () => {
    await expect(migrate(client, undefined, { cluster: 'prod' })).rejects.toThrow(
      'cluster "prod" (CLICKHOUSE_CLUSTER) is not defined on this server',
    );
    expect(await tableNames()).toEqual([]);
  });

  it('when the database was migrated without a cluster; without one, migrate is as before', async () => {
    expect(await migrate(client)).toEqual({ applied: migrations.map((m) => m.name) });
    await expect(migrate(client, undefined, { cluster: 'prod' })).rejects.toThrow(
      /migrated without CLICKHOUSE_CLUSTER \(schema_migrations is MergeTree, not replicated\)/,
    );
    expect(await migrate(client)).toEqual({ applied: [] });
    expect(
      await rows<{ name: string; engine: string }>(
        `SELECT name, engine FROM system.tables
         WHERE database = currentDatabase() AND name IN ('events', 'crew_daily', 'schema_migrations') ORDER BY name`,
      ),
    ).toEqual([
      { name: 'crew_daily', engine: 'SummingMergeTree' },
      { name: 'events', engine: 'MergeTree' },
      { name: 'schema_migrations', engine: 'MergeTree' },
    ]);
  });
});

// The same engine behind the test front (test/support/clickhouse-front/), configured as a server
// whose config.d defines the cluster: migrate reaches it over HTTP as it would reach a server.
// One embedded engine has no Keeper and no distributed DDL queue, so this is as far as it goes.
describe('migrate with CLICKHOUSE_CLUSTER through the test front (one engine defining the cluster)', () => {
  it('checks the cluster over HTTP, then the engine refuses ON CLUSTER before anything is created', async () => {
    const front = await startClickHouseFront({ cluster: 'prod' });
    const server = createClickHouse({
      mode: 'server',
      url: front.url,
      username: 'default',
      password: '',
      database: 'default',
      cluster: 'prod',
    });
    try {
      const clusters = await server.query({
        query: "SELECT shard_num, replica_num FROM system.clusters WHERE cluster = 'prod'",
        format: 'JSONEachRow',
      });
      expect(await clusters.json()).toEqual([{ shard_num: 1, replica_num: 1 }]);
      await expect(migrate(server, undefined, { cluster: 'elsewhere' })).rejects.toThrow(
        'cluster "elsewhere" (CLICKHOUSE_CLUSTER) is not defined on this server',
      );
      // Past the checks, the first statement (the ledger's, ON CLUSTER, with the setting migrate
      // sends) reaches the engine, which answers as a server without distributed DDL would.
      await expect(migrate(server, undefined, { cluster: 'prod' })).rejects.toMatchObject({
        code: '392',
        type: 'QUERY_IS_PROHIBITED',
        message: expect.stringMatching(/Replicated DDL queries are disabled/),
      });
      expect(await tableNames(server)).toEqual([]);
    } finally {
      await server.close();
      await front.stop();
    }
  });
});
