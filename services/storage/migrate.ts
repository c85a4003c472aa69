import type { ClickHouseClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertRows } from './insert-rows.ts';

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

/**
 * Applies the migrations not yet recorded in schema_migrations, in order. Every statement is
 * idempotent (IF NOT EXISTS), so a run interrupted half-way is completed by the next one.
 */
export async function migrate(
  client: ClickHouseClient,
  migrations?: readonly Migration[],
): Promise<{ applied: string[] }> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
      ENGINE = MergeTree ORDER BY version`,
  });
  const result = await client.query({
    query: 'SELECT version, name, checksum FROM schema_migrations',
    format: 'JSONEachRow',
  });
  const done = new Map(
    (await result.json<{ version: number; name: string; checksum: string }>()).map((r) => [r.version, r]),
  );
  const applied: string[] = [];
  for (const migration of migrations ?? (await loadMigrations())) {
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
      await client.command({ query: statement });
    }
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
