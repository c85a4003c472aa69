import { describe, expect, it } from 'vitest';
import { SCHEMA_MIGRATIONS, loadMigrations, migrationPlan } from '../../services/storage/migrate.ts';
import {
  bookkeepingProblem,
  clusterShapeProblem,
  forCluster,
  migrationForCluster,
} from '../../services/storage/on-cluster.ts';

const migrations = await loadMigrations();
const statements = [
  ...migrations.flatMap((m) => m.statements.map((sql, i) => ({ at: `${m.name} #${i + 1}`, sql }))),
  { at: 'schema_migrations', sql: SCHEMA_MIGRATIONS },
];

/** The cluster edits taken back out: what is left must be the statement as the .sql file has it. */
function withoutClusterEdits(sql: string): string {
  return sql
    .replace(" ON CLUSTER 'prod'", '')
    .replace(/\bENGINE = Replicated(\w+)/, 'ENGINE = $1')
    .replace(
      /replicated_deduplication_window = (\d+), replicated_deduplication_window_seconds = 604800/g,
      'non_replicated_deduplication_window = $1',
    );
}

describe('every statement of every migration, placed on a cluster', () => {
  it('covers the migrations', () => {
    expect(migrations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['0001_events.sql', '0006_kafka_consumer.sql']),
    );
  });

  it.each(statements)('$at: ON CLUSTER once, MergeTree replicated, nothing else changed', ({ sql }) => {
    const placed = forCluster(sql, 'prod');
    expect(placed.match(/ON CLUSTER/g)).toHaveLength(1);
    expect(placed).not.toMatch(/non_replicated_deduplication_window|ENGINE = (?!Replicated)\w*MergeTree/);
    if (/ENGINE = \w*MergeTree/.test(sql)) expect(placed).toMatch(/ENGINE = Replicated\w*MergeTree\b/);
    expect(withoutClusterEdits(placed)).toBe(sql.trim());
  });
});

describe('the known statements map as designed', () => {
  const setting = (n: number) =>
    `replicated_deduplication_window = ${n}, replicated_deduplication_window_seconds = 604800`;
  it.each([
    {
      at: '0001_events.sql #1',
      head: "CREATE TABLE IF NOT EXISTS events ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
      settings: 'SETTINGS index_granularity = 1024',
    },
    {
      at: '0001_events.sql #2',
      head: "CREATE TABLE IF NOT EXISTS crew_daily ON CLUSTER 'prod'",
      engine: 'ReplicatedSummingMergeTree',
    },
    {
      at: '0001_events.sql #3',
      head: "CREATE MATERIALIZED VIEW IF NOT EXISTS crew_daily_mv ON CLUSTER 'prod' TO crew_daily AS",
    },
    {
      at: '0001_events.sql #4',
      head: "CREATE TABLE IF NOT EXISTS lifecycle_events ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
    {
      at: '0001_events.sql #5',
      head: "CREATE MATERIALIZED VIEW IF NOT EXISTS lifecycle_events_mv ON CLUSTER 'prod' TO lifecycle_events AS",
    },
    {
      at: '0002_registry.sql #1',
      head: "CREATE TABLE IF NOT EXISTS org_versions ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
    {
      at: '0002_registry.sql #2',
      head: "CREATE TABLE IF NOT EXISTS org_crews ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
    {
      at: '0002_registry.sql #3',
      head: "CREATE TABLE IF NOT EXISTS competitions ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
    {
      at: '0003_standings.sql #1',
      head: "CREATE TABLE IF NOT EXISTS standings_runs ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
    {
      at: '0003_standings.sql #2',
      head: "CREATE TABLE IF NOT EXISTS standings ON CLUSTER 'prod'",
      engine: 'ReplicatedReplacingMergeTree(computed_at)',
    },
    { at: '0004_events_plain_strings.sql #1', head: "ALTER TABLE events ON CLUSTER 'prod'" },
    {
      at: '0005_merge_selector.sql #1',
      head: "ALTER TABLE crew_daily ON CLUSTER 'prod' MODIFY SETTING merge_selector_base = 10",
    },
    {
      at: '0005_merge_selector.sql #2',
      head: "ALTER TABLE events ON CLUSTER 'prod' MODIFY SETTING merge_selector_base = 10",
    },
    { at: '0006_kafka_consumer.sql #1', head: "ALTER TABLE events ON CLUSTER 'prod'" },
    {
      at: '0006_kafka_consumer.sql #2',
      head: `ALTER TABLE events ON CLUSTER 'prod' MODIFY SETTING ${setting(100_000)}`,
    },
    {
      at: '0006_kafka_consumer.sql #3',
      head: `ALTER TABLE crew_daily ON CLUSTER 'prod' MODIFY SETTING ${setting(100_000)}`,
    },
    {
      at: '0006_kafka_consumer.sql #4',
      head: `ALTER TABLE lifecycle_events ON CLUSTER 'prod' MODIFY SETTING ${setting(100_000)}`,
    },
    {
      at: '0006_kafka_consumer.sql #5',
      head: "CREATE TABLE IF NOT EXISTS consumer_batches ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
      settings: `SETTINGS ${setting(100_000)}`,
    },
    {
      at: 'schema_migrations',
      head: "CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER 'prod'",
      engine: 'ReplicatedMergeTree',
    },
  ])('$at', ({ at, head, engine, settings }) => {
    const statement = statements.find((s) => s.at === at);
    if (!statement) throw new Error(`no statement ${at}`);
    const placed = forCluster(statement.sql, 'prod');
    expect({
      head: placed.split('\n')[0],
      engine: /ENGINE = (\w+(?:\(\w*\))?)/.exec(placed)?.[1],
      settings: /^SETTINGS .*$/m.exec(placed)?.[0],
    }).toEqual({ head, engine, settings });
  });
});

describe('other shapes it knows', () => {
  it.each([
    {
      sql: 'CREATE VIEW IF NOT EXISTS v AS SELECT 1',
      placed: "CREATE VIEW IF NOT EXISTS v ON CLUSTER 'prod' AS SELECT 1",
    },
    {
      // Quotes, comments and parentheses do not count: only the statement's top level is rewritten.
      sql: "CREATE TABLE IF NOT EXISTS db.t (a UInt8 COMMENT 'ENGINE = Log, AS SELECT', b Int8 /* ON CLUSTER */) ENGINE = CollapsingMergeTree(b) ORDER BY (a, b) SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 5",
      placed:
        "CREATE TABLE IF NOT EXISTS db.t ON CLUSTER 'prod' (a UInt8 COMMENT 'ENGINE = Log, AS SELECT', b Int8 /* ON CLUSTER */) ENGINE = ReplicatedCollapsingMergeTree(b) ORDER BY (a, b) SETTINGS index_granularity = 8192, replicated_deduplication_window = 5, replicated_deduplication_window_seconds = 604800",
    },
    {
      sql: "ALTER TABLE t MODIFY SETTING merge_selector_base = 10, non_replicated_deduplication_window = 7, MODIFY COLUMN x Decimal(10, 2) DEFAULT ','",
      placed:
        "ALTER TABLE t ON CLUSTER 'prod' MODIFY SETTING merge_selector_base = 10, replicated_deduplication_window = 7, replicated_deduplication_window_seconds = 604800, MODIFY COLUMN x Decimal(10, 2) DEFAULT ','",
    },
    {
      sql: 'ALTER TABLE t RESET SETTING merge_selector_base, max_parts_in_total, DROP COLUMN IF EXISTS y',
      placed:
        "ALTER TABLE t ON CLUSTER 'prod' RESET SETTING merge_selector_base, max_parts_in_total, DROP COLUMN IF EXISTS y",
    },
  ])('$sql', ({ sql, placed }) => {
    expect(forCluster(sql, 'prod')).toBe(placed);
  });

  it('quotes the cluster name as a string literal', () => {
    expect(forCluster('ALTER TABLE t ADD COLUMN a UInt8', "o'k")).toBe(
      "ALTER TABLE t ON CLUSTER 'o\\'k' ADD COLUMN a UInt8",
    );
  });
});

describe('shapes it does not know are refused, not run on one node', () => {
  it.each([
    { sql: 'INSERT INTO events SELECT * FROM old_events', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'DROP TABLE IF EXISTS events', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'RENAME TABLE a TO b', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'TRUNCATE TABLE events', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'OPTIMIZE TABLE events FINAL', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'CREATE DATABASE IF NOT EXISTS x', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'CREATE TABLE IF NOT EXISTS t AS events', error: /only CREATE TABLE IF NOT EXISTS/ },
    { sql: 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Log', error: /engine Log has no replicated form/ },
    {
      sql: "CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = ReplicatedMergeTree('/p', 'r') ORDER BY a",
      error: /engine ReplicatedMergeTree has no replicated form/,
    },
    {
      sql: 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Distributed(c, default, t, rand())',
      error: /engine Distributed has no replicated form/,
    },
    { sql: 'CREATE TABLE IF NOT EXISTS t (a UInt8) ORDER BY a', error: /exactly one ENGINE/ },
    {
      sql: 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a AS SELECT 1 AS a',
      error: /CREATE TABLE \.\.\. AS is not placed/,
    },
    {
      sql: 'CREATE MATERIALIZED VIEW IF NOT EXISTS v ENGINE = MergeTree ORDER BY a POPULATE AS SELECT 1 AS a',
      error: /only CREATE TABLE IF NOT EXISTS/,
    },
    {
      sql: 'CREATE MATERIALIZED VIEW IF NOT EXISTS v REFRESH EVERY 1 HOUR TO t AS SELECT 1 AS a',
      error: /only CREATE TABLE IF NOT EXISTS/,
    },
    { sql: "ALTER TABLE events ON CLUSTER 'x' ADD COLUMN a UInt8", error: /already names a cluster/ },
    {
      sql: 'ALTER TABLE events DROP PARTITION 202601',
      error: /ALTER command "DROP PARTITION 202601" has no cluster rule/,
    },
    {
      sql: "ALTER TABLE events DELETE WHERE crew_id = 'C1'",
      error: /ALTER command "DELETE WHERE crew_id" has no cluster rule/,
    },
    {
      sql: 'ALTER TABLE events ADD COLUMN a UInt8, ATTACH PARTITION 202601 FROM old_events',
      error: /ALTER command "ATTACH PARTITION 202601" has no cluster rule/,
    },
    {
      sql: 'ALTER TABLE events RESET SETTING non_replicated_deduplication_window',
      error: /non_replicated_deduplication_window is only mapped where it is set to a number/,
    },
  ])('$sql', ({ sql, error }) => {
    expect(() => forCluster(sql, 'prod')).toThrow(error);
  });

  it('names the migration and the statement', () => {
    const bad = {
      version: 99,
      name: '0099_bad.sql',
      checksum: '',
      statements: ['ALTER TABLE t ADD COLUMN a UInt8', 'INSERT INTO events SELECT * FROM old_events'],
    };
    expect(() => migrationForCluster(bad, 'prod')).toThrow(
      'cannot apply migration 0099_bad.sql on cluster "prod": statement 2 ("INSERT INTO events SELECT * FROM …"): only CREATE TABLE IF NOT EXISTS',
    );
  });
});

describe('what migrate runs', () => {
  it('without a cluster: the ledger and the migrations exactly as the files have them', () => {
    const plan = migrationPlan(migrations, undefined);
    expect(plan.ledger).toBe(SCHEMA_MIGRATIONS);
    expect(plan.migrations).toBe(migrations);
  });

  it('with a cluster: the replicated ledger and every statement placed, checksums unchanged', () => {
    const plan = migrationPlan(migrations, 'prod');
    expect(plan.ledger).toBe(forCluster(SCHEMA_MIGRATIONS, 'prod'));
    expect(plan.ledger).toMatch(/ON CLUSTER 'prod'[\s\S]*ENGINE = ReplicatedMergeTree ORDER BY version/);
    expect(plan.migrations).toEqual(
      migrations.map((m) => ({ ...m, statements: m.statements.map((sql) => forCluster(sql, 'prod')) })),
    );
  });

  it('refuses a cluster name that remote_servers cannot define', () => {
    expect(() => migrationPlan(migrations, "prod' SETTINGS x")).toThrow(/is not a cluster name \(CLICKHOUSE_CLUSTER\)/);
  });
});

describe('what migrate checks before the first statement', () => {
  it.each([
    {
      cluster: 'prod',
      shape: { hosts: 0, shards: 0 },
      problem: /cluster "prod" \(CLICKHOUSE_CLUSTER\) is not defined/,
    },
    { cluster: 'prod', shape: { hosts: 4, shards: 2 }, problem: /has 2 shards; .* one shard with replicas/ },
    { cluster: 'prod', shape: { hosts: 3, shards: 1 }, problem: undefined },
  ])('cluster of $shape.hosts hosts in $shape.shards shards', ({ cluster, shape, problem }) => {
    const found = clusterShapeProblem(cluster, shape);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it.each([
    { engine: undefined, cluster: undefined, problem: undefined },
    { engine: undefined, cluster: 'prod', problem: undefined },
    { engine: 'MergeTree', cluster: undefined, problem: undefined },
    { engine: 'ReplicatedMergeTree', cluster: 'prod', problem: undefined },
    { engine: 'MergeTree', cluster: 'prod', problem: /migrated without CLICKHOUSE_CLUSTER/ },
    { engine: 'ReplicatedMergeTree', cluster: undefined, problem: /migrated on a cluster .* set CLICKHOUSE_CLUSTER/ },
  ])('schema_migrations $engine, cluster $cluster', ({ engine, cluster, problem }) => {
    const found = bookkeepingProblem(engine, cluster);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
