import type { ClickHouseClient } from '@clickhouse/client';
import { ScreenSet } from '../../schemas/screen.schema.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredScreen {
  id: string;
  version: number;
  savedAt: string;
  definition: ScreenSet;
}

interface ScreenRow {
  screen_id: string;
  version: number | string;
  saved_at: string;
  definition: string;
}

/** The current (highest) version of every saved screen set. */
export async function loadCurrentScreens(client: ClickHouseClient): Promise<StoredScreen[]> {
  const result = await client.query({
    query: `SELECT screen_id, version, saved_at, definition FROM screens
            ORDER BY screen_id, version DESC LIMIT 1 BY screen_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<ScreenRow>()).map((row) => ({
    id: row.screen_id,
    version: Number(row.version),
    savedAt: row.saved_at,
    definition: ScreenSet.parse(JSON.parse(row.definition)),
  }));
}

export async function saveScreenVersion(
  client: ClickHouseClient,
  id: string,
  definition: ScreenSet,
  version: number,
  now: Date,
): Promise<StoredScreen> {
  const savedAt = now.toISOString();
  await insertRows(client, 'screens', [
    { screen_id: id, version, saved_at: savedAt, definition: JSON.stringify(definition) },
  ]);
  return { id, version, savedAt, definition };
}
