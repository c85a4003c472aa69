import type { ClickHouseClient } from '@clickhouse/client';
import { Org } from '../../schemas/org.schema.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredOrg {
  version: number;
  updatedAt: string;
  org: Org;
}

export async function loadLatestOrg(client: ClickHouseClient): Promise<StoredOrg | null> {
  const result = await client.query({
    query: `SELECT version, updated_at, body FROM org_versions ORDER BY version DESC LIMIT 1`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ version: string | number; updated_at: string; body: string }>();
  if (!row) return null;
  return { version: Number(row.version), updatedAt: row.updated_at, org: Org.parse(JSON.parse(row.body)) };
}

/**
 * Saves a new registry version: the denormalised crews first, the version row last, so a
 * reader never sees a version whose crews are missing.
 */
export async function saveOrg(
  client: ClickHouseClient,
  org: Org,
  previousVersion: number,
  now: Date,
): Promise<StoredOrg> {
  const version = Math.max(previousVersion + 1, now.getTime());
  const branches = new Map(org.branches.map((b) => [b.id, b]));
  const units = new Map(org.units.map((u) => [u.id, u]));
  const crewRows = org.crews.map((crew) => {
    const unit = units.get(crew.unitId);
    const branch = unit ? branches.get(unit.branchId) : undefined;
    return {
      version,
      crew_id: crew.id,
      crew_name: crew.name,
      unit_id: crew.unitId,
      unit_name: unit?.name ?? '',
      unit_type: unit?.type ?? 'other',
      branch_id: branch?.id ?? '',
      branch_name: branch?.name ?? '',
      headcount: crew.headcount,
    };
  });
  await insertRows(client, 'org_crews', crewRows);
  const updatedAt = now.toISOString();
  await insertRows(client, 'org_versions', [
    { version, updated_at: updatedAt, group_name: org.groupName, body: JSON.stringify(org) },
  ]);
  return { version, updatedAt, org };
}
