import type { ClickHouseClient } from '@clickhouse/client';
import { Competition } from '../../schemas/competition.schema.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredCompetition {
  id: string;
  version: number;
  savedAt: string;
  definition: Competition;
}

interface CompetitionRow {
  competition_id: string;
  version: number | string;
  saved_at: string;
  definition: string;
}

function fromRow(row: CompetitionRow): StoredCompetition {
  return {
    id: row.competition_id,
    version: Number(row.version),
    savedAt: row.saved_at,
    definition: Competition.parse(JSON.parse(row.definition)),
  };
}

/** The current (highest) version of every competition. */
export async function loadCurrentCompetitions(client: ClickHouseClient): Promise<StoredCompetition[]> {
  const result = await client.query({
    query: `SELECT competition_id, version, saved_at, definition FROM competitions
            ORDER BY competition_id, version DESC LIMIT 1 BY competition_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<CompetitionRow>()).map(fromRow);
}

export async function saveCompetitionVersion(
  client: ClickHouseClient,
  id: string,
  definition: Competition,
  version: number,
  now: Date,
): Promise<StoredCompetition> {
  const savedAt = now.toISOString();
  await insertRows(client, 'competitions', [
    {
      competition_id: id,
      version,
      saved_at: savedAt,
      name_zh: definition.name.zh,
      name_en: definition.name.en,
      kind: definition.kind,
      period_start: definition.period.start,
      period_end: definition.period.end,
      time_zone: definition.timeZone,
      definition: JSON.stringify(definition),
    },
  ]);
  return { id, version, savedAt, definition };
}
