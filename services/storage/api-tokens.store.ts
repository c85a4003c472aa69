import type { ClickHouseClient } from '@clickhouse/client';
import type { Role } from '../../schemas/access.schema.ts';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredToken {
  id: string;
  version: number;
  name: string;
  role: Role;
  branchIds: string[];
  unitIds: string[];
  /** reporter tokens only (migration 0032); empty for every other token. */
  crewIds: string[];
  /** sha256 of the token, hex. */
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

interface TokenRow {
  token_id: string;
  version: number | string;
  name: string;
  role: Role;
  branch_ids: string[];
  unit_ids: string[];
  crew_ids: string[];
  token_hash: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** Every token in its current state (its highest version). */
export async function loadTokens(client: ClickHouseClient): Promise<StoredToken[]> {
  const result = await client.query({
    query: `SELECT token_id, version, name, role, branch_ids, unit_ids, crew_ids, token_hash, created_at, created_by, revoked_at
            FROM api_tokens ORDER BY token_id, version DESC LIMIT 1 BY token_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<TokenRow>()).map((row) => ({
    id: row.token_id,
    version: Number(row.version),
    name: row.name,
    role: row.role,
    branchIds: row.branch_ids,
    unitIds: row.unit_ids,
    crewIds: row.crew_ids,
    tokenHash: row.token_hash,
    createdAt: fromClickHouseTime(row.created_at),
    createdBy: row.created_by,
    revokedAt: row.revoked_at === null ? null : fromClickHouseTime(row.revoked_at),
  }));
}

/** Writes a version of a token: a new one, or the same one revoked. */
export async function saveToken(client: ClickHouseClient, token: StoredToken): Promise<void> {
  await insertRows(client, 'api_tokens', [
    {
      token_id: token.id,
      version: token.version,
      name: token.name,
      role: token.role,
      branch_ids: token.branchIds,
      unit_ids: token.unitIds,
      crew_ids: token.crewIds,
      token_hash: token.tokenHash,
      created_at: token.createdAt,
      created_by: token.createdBy,
      revoked_at: token.revokedAt,
    },
  ]);
}
