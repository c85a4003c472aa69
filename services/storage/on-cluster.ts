import type { Migration } from './migrate.ts';

/**
 * Cluster placement of the migrations (CLICKHOUSE_CLUSTER): one shard, any number of replicas.
 * The .sql files stay the only copy of the schema and stay cluster-agnostic; forCluster rewrites
 * each statement mechanically and refuses every shape it has no rule for, so nothing quietly
 * lands on one node only.
 *
 * Why these rules (ClickHouse 26.7, the engine chdb embeds, and its documentation):
 * - ReplicatedXMergeTree without path arguments takes the server settings default_replica_path
 *   `/clickhouse/tables/{uuid}/{shard}` and default_replica_name `{replica}` (read from
 *   system.server_settings of the engine in test/integration/migrations-on-cluster.test.ts;
 *   https://clickhouse.com/docs/engines/database-engines/replicated: "For ReplicatedMergeTree
 *   tables if no arguments provided, then default arguments are used"). Other engine arguments
 *   (ReplacingMergeTree's version column) stay: the defaults apply whenever the first argument is
 *   not a string literal (src/Storages/MergeTree/registerStorageMergeTree.cpp). `{uuid}` is the
 *   same on every replica only because the table is created ON CLUSTER in an Atomic database:
 *   the initiator picks the UUID ("Note: {uuid} macro works for ON CLUSTER queries when database
 *   engine is Atomic", same file). A replica created later by hand must reuse that UUID.
 * - A materialized view is an insert trigger on the replica that received the INSERT; parts
 *   fetched by replication never fire it ("A materialized view acts as an insert trigger on the
 *   source table, and is not connected to replication in any way. The standard way ... is to make
 *   [the target] a ReplicatedMergeTree as well", ClickHouse/ClickHouse#39971). So views stay plain
 *   views on every replica (ON CLUSTER, same TO target) and their targets become Replicated: the
 *   rows a view writes on one replica replicate like any insert.
 * - ALTER ... ON CLUSTER on a replicated table runs once per shard and replicates through
 *   Keeper, except settings, which are local to each replica and therefore run on all of them
 *   ("Setting alters should be executed on all replicas", DDLWorker::taskShouldBeExecutedOnLeader
 *   in src/Interpreters/DDLWorker.cpp). That is what merge_selector_base needs: every replica may
 *   assign merges. TTL needs nothing: its deletes are merges, and merges are coordinated and
 *   performed on all replicas in the same way (docs: engines/table-engines/mergetree-family/replication).
 * - Deduplication: non_replicated_deduplication_window applies to non-replicated tables only; a
 *   replicated table keeps its block hashes in Keeper, bounded by replicated_deduplication_window
 *   (count) AND replicated_deduplication_window_seconds (age, default 3600: "removed ... even if
 *   they are less than replicated_deduplication_window", system.merge_tree_settings). The migrations
 *   size the window in inserts (hours at full speed), so a window of N becomes a count of N and an
 *   age of 7 days, the events topic's default retention: a batch older than that cannot be re-read
 *   anyway. insert_deduplication_token works the same on both ("provide own deduplication semantic
 *   in MergeTree/ReplicatedMergeTree", docs: session settings insert_deduplication_token; views'
 *   targets too, docs: guides/developer/deduplicating-inserts-on-retries), and on a replicated
 *   table the check spans replicas: "It does not matter which replica INSERTs were sent to".
 */

/** Keeper age bound that goes with a mapped deduplication window: 7 days (see above). */
export const REPLICATED_DEDUPLICATION_WINDOW_SECONDS = 7 * 24 * 3600;

/** Cluster names as remote_servers defines them; no macros, so system.clusters can check them. */
export const CLUSTER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The MergeTree engines that have a Replicated counterpart taking the same arguments. */
const REPLICABLE_ENGINES = new Set([
  'MergeTree',
  'ReplacingMergeTree',
  'SummingMergeTree',
  'AggregatingMergeTree',
  'CollapsingMergeTree',
  'VersionedCollapsingMergeTree',
]);

/**
 * ALTER commands whose effect is the same on a replicated table run ON CLUSTER: metadata changes
 * that ClickHouse replicates itself, and settings that run on every replica. Partition moves,
 * FETCH/FREEZE and mutations (UPDATE/DELETE) are refused until someone checks how they behave.
 */
const CLUSTER_SAFE_ALTER =
  /^(?:(?:ADD|DROP|MODIFY|RENAME|COMMENT|CLEAR|MATERIALIZE)\s+(?:COLUMN|INDEX|PROJECTION|CONSTRAINT|STATISTICS)\b|(?:MODIFY|RESET)\s+SETTING\b|(?:MODIFY|REMOVE|MATERIALIZE)\s+TTL\b|MODIFY\s+(?:COMMENT|ORDER\s+BY)\b)/i;

const NAME = String.raw`(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*`;
const CREATE_TABLE = new RegExp(String.raw`^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+${NAME}(?=\s*\()`, 'i');
const CREATE_MATERIALIZED_VIEW = new RegExp(
  String.raw`^CREATE\s+MATERIALIZED\s+VIEW\s+IF\s+NOT\s+EXISTS\s+${NAME}(?=\s+TO\s+${NAME}\s+AS\s)`,
  'i',
);
const CREATE_VIEW = new RegExp(
  String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}(?=\s+AS\s)`,
  'i',
);
const ALTER_TABLE = new RegExp(String.raw`^ALTER\s+TABLE\s+${NAME}(?=\s)`, 'i');
const DEDUPLICATION_WINDOW = /\bnon_replicated_deduplication_window\s*=\s*(\d+)\b/gi;

/**
 * The statement with string literals, quoted identifiers, comments and everything inside
 * parentheses blanked out (same length, so positions carry over): what is left is the statement's
 * top level, where clauses, engine names and setting lists are.
 */
export function topLevel(sql: string): string {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    let end = i + 1;
    if (c === "'" || c === '"' || c === '`') {
      while (end < sql.length && sql.charAt(end) !== c) end += sql.charAt(end) === '\\' ? 2 : 1;
      end = Math.min(end + 1, sql.length);
    } else if (sql.startsWith('--', i)) {
      end = sql.indexOf('\n', i);
      if (end < 0) end = sql.length;
    } else if (sql.startsWith('/*', i)) {
      end = sql.indexOf('*/', i + 2);
      end = end < 0 ? sql.length : end + 2;
    } else if (c === '(') {
      depth += 1;
      if (depth === 1) {
        out += c;
        i = end;
        continue;
      }
    } else if (c === ')') {
      depth -= 1;
      if (depth === 0) {
        out += c;
        i = end;
        continue;
      }
    } else if (depth === 0) {
      out += c;
      i = end;
      continue;
    }
    out += sql.slice(i, end).replace(/[^\n]/g, ' ');
    i = end;
  }
  return out;
}

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

function applyEdits(sql: string, edits: readonly Edit[]): string {
  return [...edits]
    .sort((a, b) => b.at - a.at)
    .reduce((s, e) => s.slice(0, e.at) + e.insert + s.slice(e.at + e.remove), sql);
}

/** A ClickHouse string literal. */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function engineEdit(top: string): Edit {
  const engines = [...top.matchAll(/\bENGINE\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/gi)];
  const engine = engines[0];
  if (engines.length !== 1 || engine?.[1] === undefined) {
    throw new Error('a table must name exactly one ENGINE');
  }
  const name = engine[1];
  if (!REPLICABLE_ENGINES.has(name)) {
    throw new Error(
      `engine ${name} has no replicated form here; migrations name one of ${[...REPLICABLE_ENGINES].join(', ')}`,
    );
  }
  return { at: engine.index + engine[0].length - name.length, remove: 0, insert: 'Replicated' };
}

/** Every `non_replicated_deduplication_window = N` becomes the replicated window of N inserts. */
function deduplicationEdits(top: string): Edit[] {
  const edits = [...top.matchAll(DEDUPLICATION_WINDOW)].map((m) => ({
    at: m.index,
    remove: m[0].length,
    insert: `replicated_deduplication_window = ${m[1] ?? ''}, replicated_deduplication_window_seconds = ${REPLICATED_DEDUPLICATION_WINDOW_SECONDS}`,
  }));
  if ((top.match(/\bnon_replicated_deduplication_window\b/gi) ?? []).length !== edits.length) {
    throw new Error('non_replicated_deduplication_window is only mapped where it is set to a number');
  }
  return edits;
}

/** Each command of an ALTER must be one forCluster knows to be the same on a replicated table. */
function checkAlterCommands(top: string, headLength: number): void {
  let settingsList: 'MODIFY' | 'RESET' | undefined;
  for (const piece of top.slice(headLength).split(',')) {
    const command = piece.trim();
    // A setting list goes on after commas: MODIFY SETTING a = 1, b = 2 / RESET SETTING a, b.
    if (settingsList === 'MODIFY' && /^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(command)) continue;
    if (settingsList === 'RESET' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(command)) continue;
    if (!CLUSTER_SAFE_ALTER.test(command)) {
      throw new Error(`ALTER command "${command.split(/\s+/).slice(0, 3).join(' ')}" has no cluster rule`);
    }
    const list = /^(MODIFY|RESET)\s+SETTING\b/i.exec(command);
    settingsList = list?.[1] === undefined ? undefined : list[1].toUpperCase() === 'MODIFY' ? 'MODIFY' : 'RESET';
  }
}

/**
 * One migration statement, placed on the cluster: ON CLUSTER after the object's name, MergeTree
 * engines replicated, the deduplication window mapped. Throws, naming the reason, for any other
 * statement shape (INSERT, DROP, RENAME, CREATE ... AS SELECT, a view without TO, an engine
 * outside the MergeTree family, a statement already naming a cluster, ...).
 */
export function forCluster(statement: string, cluster: string): string {
  const sql = statement.trim();
  const top = topLevel(sql);
  if (/\bON\s+CLUSTER\b/i.test(top)) throw new Error('the statement already names a cluster');
  const onCluster = ` ON CLUSTER ${quoted(cluster)}`;

  const table = CREATE_TABLE.exec(top);
  if (table) {
    if (/\b(?:AS|EMPTY|CLONE)\b/i.test(top.slice(table[0].length))) {
      throw new Error('CREATE TABLE ... AS is not placed on a cluster: each replica would run the SELECT');
    }
    return applyEdits(sql, [
      { at: table[0].length, remove: 0, insert: onCluster },
      engineEdit(top),
      ...deduplicationEdits(top),
    ]);
  }
  const view = CREATE_MATERIALIZED_VIEW.exec(top) ?? CREATE_VIEW.exec(top);
  if (view) {
    // Views hold no data: the same definition on every replica. A materialized view without TO
    // (an inner table), POPULATE or REFRESH does not match the shapes above.
    return applyEdits(sql, [{ at: view[0].length, remove: 0, insert: onCluster }]);
  }
  const alter = ALTER_TABLE.exec(top);
  if (alter) {
    checkAlterCommands(top, alter[0].length);
    return applyEdits(sql, [{ at: alter[0].length, remove: 0, insert: onCluster }, ...deduplicationEdits(top)]);
  }
  throw new Error(
    'only CREATE TABLE IF NOT EXISTS (MergeTree family), CREATE [MATERIALIZED] VIEW ... TO and ALTER TABLE are placed on a cluster',
  );
}

/** A migration's statements placed on the cluster; a refusal names the migration and the statement. */
export function migrationForCluster(migration: Migration, cluster: string): Migration {
  return {
    ...migration,
    statements: migration.statements.map((statement, i) => {
      try {
        return forCluster(statement, cluster);
      } catch (err) {
        const head = statement.trim().split(/\s+/).slice(0, 6).join(' ');
        throw new Error(
          `cannot apply migration ${migration.name} on cluster "${cluster}": statement ${i + 1} ("${head} …"): ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }),
  };
}

/**
 * Why migrate must stop before touching a cluster of this shape, if it must: the cluster has to
 * exist on the server, and hold one shard (every table is one replicated copy, see docs/operations.md).
 */
export function clusterShapeProblem(cluster: string, shape: { hosts: number; shards: number }): string | undefined {
  if (shape.hosts === 0) {
    return `cluster "${cluster}" (CLICKHOUSE_CLUSTER) is not defined on this server (system.clusters, remote_servers)`;
  }
  if (shape.shards > 1) {
    return `cluster "${cluster}" has ${shape.shards} shards; the leaderboard supports one shard with replicas (sharding is not supported)`;
  }
  return undefined;
}

/**
 * Why migrate must stop because the database was set up the other way, if it must: with
 * IF NOT EXISTS, a cluster run over single-node tables (or a single-node run over replicated ones)
 * would otherwise go on quietly with the wrong kind of table.
 */
export function bookkeepingProblem(engine: string | undefined, cluster: string | undefined): string | undefined {
  if (engine === undefined) return undefined;
  const replicated = engine.startsWith('Replicated');
  if (cluster !== undefined && !replicated) {
    return `this database was migrated without CLICKHOUSE_CLUSTER (schema_migrations is ${engine}, not replicated); convert its tables to Replicated first (see docs/operations.md, ClickHouse cluster) or unset CLICKHOUSE_CLUSTER`;
  }
  if (cluster === undefined && replicated) {
    return `this database was migrated on a cluster (schema_migrations is ${engine}); set CLICKHOUSE_CLUSTER so new migrations reach every replica`;
  }
  return undefined;
}
