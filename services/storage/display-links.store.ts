import type { ClickHouseClient } from '@clickhouse/client';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredDisplayLink {
  id: string;
  version: number;
  screenId: string;
  label: string;
  /** sha256 of the token, hex. */
  tokenHash: string;
  /** sha256 of the short code, hex; '' for a link made before short codes. */
  shortCodeHash: string;
  createdAt: string;
  revokedAt: string | null;
}

interface LinkRow {
  link_id: string;
  version: number | string;
  screen_id: string;
  label: string;
  token_hash: string;
  short_code_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every display link in its current state (its highest version). */
export async function loadDisplayLinks(client: ClickHouseClient): Promise<StoredDisplayLink[]> {
  const result = await client.query({
    query: `SELECT link_id, version, screen_id, label, token_hash, short_code_hash, created_at, revoked_at
            FROM display_links
            ORDER BY link_id, version DESC LIMIT 1 BY link_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<LinkRow>()).map((row) => ({
    id: row.link_id,
    version: Number(row.version),
    screenId: row.screen_id,
    label: row.label,
    tokenHash: row.token_hash,
    shortCodeHash: row.short_code_hash,
    createdAt: fromClickHouseTime(row.created_at),
    revokedAt: row.revoked_at === null ? null : fromClickHouseTime(row.revoked_at),
  }));
}

/** Writes a version of a link: a new one, or the same one revoked. */
export async function saveDisplayLink(client: ClickHouseClient, link: StoredDisplayLink): Promise<void> {
  await insertRows(client, 'display_links', [
    {
      link_id: link.id,
      version: link.version,
      screen_id: link.screenId,
      label: link.label,
      token_hash: link.tokenHash,
      short_code_hash: link.shortCodeHash,
      created_at: link.createdAt,
      revoked_at: link.revokedAt,
    },
  ]);
}
