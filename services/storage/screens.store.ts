import type { ClickHouseClient } from '@clickhouse/client';
import { ScreenSet } from '../../schemas/screen.schema.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredScreen {
  id: string;
  version: number;
  savedAt: string;
  definition: ScreenSet;
  /** The version marks the deletion of a screen set no display link was made for (migration 0014). */
  deleted: boolean;
}

interface ScreenRow {
  screen_id: string;
  version: number | string;
  saved_at: string;
  deleted: number | string;
  definition: string;
}

/** The current (highest) version of every saved screen set, deleted ones included (marked). */
export async function loadCurrentScreens(client: ClickHouseClient): Promise<StoredScreen[]> {
  const result = await client.query({
    query: `SELECT screen_id, version, saved_at, deleted, definition FROM screens
            ORDER BY screen_id, version DESC LIMIT 1 BY screen_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<ScreenRow>()).map((row) => ({
    id: row.screen_id,
    version: Number(row.version),
    savedAt: row.saved_at,
    deleted: Number(row.deleted) === 1,
    definition: ScreenSet.parse(JSON.parse(row.definition)),
  }));
}

export async function saveScreenVersion(
  client: ClickHouseClient,
  id: string,
  definition: ScreenSet,
  version: number,
  now: Date,
  deletion?: { author: string; note: string },
): Promise<StoredScreen> {
  const savedAt = now.toISOString();
  await insertRows(client, 'screens', [
    {
      screen_id: id,
      version,
      saved_at: savedAt,
      definition: JSON.stringify(definition),
      deleted: deletion ? 1 : 0,
      author: deletion?.author ?? '',
      note: deletion?.note ?? '',
    },
  ]);
  return { id, version, savedAt, definition, deleted: deletion !== undefined };
}
