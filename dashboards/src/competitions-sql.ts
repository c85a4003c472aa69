import { sql } from './clickhouse-query.ts';

/**
 * Each competition's current version: the one made current last, as the catalog decides it
 * (services/competition/version-history.ts). A version saved without draft was current from its
 * save, a publication from then on; at the same instant a publication comes after a save.
 * Drafts never count, so a competition with only drafts has no row: outside the organisers'
 * own views only published versions are shown.
 */
export const CURRENT_VERSIONS = sql`
  SELECT competition_id, argMax(version, (at, publication, version)) AS version
  FROM (
    SELECT competition_id, version, saved_at AS at, 0 AS publication FROM competitions WHERE draft = 0
    UNION ALL
    SELECT competition_id, version, published_at, 1 FROM competition_publications
  )
  GROUP BY competition_id`;

/** The current (published) version of every competition, one row each. */
export const CURRENT_COMPETITIONS = sql`
  SELECT competition_id, version, name_zh, kind, period_start, period_end, definition
  FROM competitions
  WHERE (competition_id, version) IN (
    ${CURRENT_VERSIONS}
  )`;

/** Competitions of a kind, by their published version. */
export const competitionsOfKind = (kind: 'labour' | 'ankang'): string =>
  sql`
    SELECT competition_id FROM (
      ${CURRENT_COMPETITIONS}
    )
    WHERE kind = '${kind}'`;
