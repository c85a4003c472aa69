import type { ClickHouseClient } from '@clickhouse/client';
import { Competition } from '../../schemas/competition.schema.ts';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export interface StoredCompetition {
  id: string;
  version: number;
  savedAt: string;
  /** The token name that saved it ('' for versions saved before access control). */
  author: string;
  note: string;
  /** Saved as a draft: not used by standings until published. */
  draft: boolean;
  /**
   * Marks the deletion of a never-published competition (migration 0014): this version and the
   * ones before it are history only; a later save starts the id anew.
   */
  deleted: boolean;
  definition: Competition;
}

/** A version made current (publishing a draft, or rolling back to an earlier version). */
export interface Publication {
  competitionId: string;
  version: number;
  publishedAt: string;
  publishedBy: string;
  note: string;
}

interface CompetitionRow {
  competition_id: string;
  version: number | string;
  saved_at: string;
  author: string;
  note: string;
  draft: number | string;
  deleted: number | string;
  definition: string;
}

/** Every version of every competition, oldest first. History is small: a few hundred versions a year. */
export async function loadCompetitionVersions(client: ClickHouseClient): Promise<StoredCompetition[]> {
  const result = await client.query({
    query: `SELECT competition_id, version, saved_at, author, note, draft, deleted, definition FROM competitions
            ORDER BY competition_id, version`,
    format: 'JSONEachRow',
  });
  return (await result.json<CompetitionRow>()).map((row) => ({
    id: row.competition_id,
    version: Number(row.version),
    savedAt: fromClickHouseTime(row.saved_at),
    author: row.author,
    note: row.note,
    draft: Number(row.draft) === 1,
    deleted: Number(row.deleted) === 1,
    // Parsed again: definitions stored before a field existed get its default.
    definition: Competition.parse(JSON.parse(row.definition)),
  }));
}

export async function loadPublications(client: ClickHouseClient): Promise<Publication[]> {
  const result = await client.query({
    query: `SELECT competition_id, version, published_at, published_by, note FROM competition_publications
            ORDER BY competition_id, published_at`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    competition_id: string;
    version: number | string;
    published_at: string;
    published_by: string;
    note: string;
  }>();
  return rows.map((row) => ({
    competitionId: row.competition_id,
    version: Number(row.version),
    publishedAt: fromClickHouseTime(row.published_at),
    publishedBy: row.published_by,
    note: row.note,
  }));
}

export async function saveCompetitionVersion(client: ClickHouseClient, stored: StoredCompetition): Promise<void> {
  const { definition } = stored;
  await insertRows(client, 'competitions', [
    {
      competition_id: stored.id,
      version: stored.version,
      saved_at: stored.savedAt,
      name_zh: definition.name.zh,
      name_en: definition.name.en,
      kind: definition.kind,
      period_start: definition.period.start,
      period_end: definition.period.end,
      time_zone: definition.timeZone,
      definition: JSON.stringify(definition),
      author: stored.author,
      note: stored.note,
      draft: stored.draft ? 1 : 0,
      deleted: stored.deleted ? 1 : 0,
    },
  ]);
}

export async function savePublication(client: ClickHouseClient, publication: Publication): Promise<void> {
  await insertRows(client, 'competition_publications', [
    {
      competition_id: publication.competitionId,
      version: publication.version,
      published_at: publication.publishedAt,
      published_by: publication.publishedBy,
      note: publication.note,
    },
  ]);
}
