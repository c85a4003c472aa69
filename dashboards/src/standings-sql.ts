import { sql } from './clickhouse-query.ts';
import { dayFilter, v, ZONE } from './variables.ts';

/**
 * WITH items naming the standings snapshot a panel shows: `competition`, the standings `day`
 * (the newest day with standings up to `dayLimit`) and the `run` (the latest computation of
 * that day, as the API reads it); both NULL while the competition has no standings, so panels
 * show nothing rather than 1970. Panels never score: they read what the scoring service wrote.
 */
const runUpTo = (dayLimit: string): string => sql`
  ${v.competition} AS competition,
  (SELECT maxOrNull(as_of) FROM standings_runs
    WHERE competition_id = competition
      AND as_of <= ${dayLimit}) AS day,
  (SELECT maxOrNull(computed_at) FROM standings_runs WHERE competition_id = competition AND as_of = day) AS run`;

/** The run of the 统计日 variable: that day, or for "latest" the newest day up to the end of the time range. */
export const chosenRun = runUpTo(`ifNull(toDateOrNull(${v.period}), toDate($__toTime, '${ZONE}'))`);

/** The newest run up to the end of the time range, for dashboards without a 统计日. */
export const latestRun = runUpTo(`toDate($__toTime, '${ZONE}')`);

const runDefinitionVersion = sql`
  (SELECT any(definition_version) FROM standings_runs
    WHERE competition_id = competition AND as_of = day AND computed_at = run) AS definition_version`;

/** A list of (id, bilingual name) at `path` of the definition version the chosen run was computed with. */
const ofRunDefinition = (path: string, alias: string): string => sql`
  (SELECT JSONExtract(any(definition), ${path}, 'Array(Tuple(id String, name Tuple(zh String, en String)))')
    FROM competitions WHERE competition_id = competition AND version = definition_version) AS ${alias}`;

/** The chosen run's indicators (id and bilingual name), in the order of its definition version. */
export const runIndicators = sql`
  ${runDefinitionVersion},
  ${ofRunDefinition("'indicators'", 'indicators')}`;

/** The chosen run's 考核细则 categories (id and bilingual name) in the sheet's order; empty without a sheet. */
export const runSheetCategories = sql`
  ${runDefinitionVersion},
  ${ofRunDefinition("'sheet', 'categories'", 'categories')}`;

/** The rows of the chosen run. */
export const inChosenRun = 'competition_id = competition AND as_of = day AND computed_at = run';

/** Ranked first, in rank order; disqualified crews (no rank) last; crew id keeps ties still on refresh. */
export const STANDINGS_ORDER = 'rank IS NULL, rank, crew_id';

/** Every day's latest run of the competition within the dashboard's time range. */
export const dailyRuns = sql`
  (as_of, computed_at) IN (
    SELECT as_of, max(computed_at) FROM standings_runs
    WHERE competition_id = ${v.competition} AND ${dayFilter('as_of')}
    GROUP BY as_of
  )`;

/** Rank movement as screens show it: ↑2, ↓1, — (no change), blank when either day is unranked. */
export const MOVEMENT = `multiIf(rank_change IS NULL, '', rank_change > 0, concat('↑', toString(rank_change)), rank_change < 0, concat('↓', toString(-rank_change)), '—')`;

/** The first ten ranked crews of the chosen run within `scope`, named "rank. crew". */
export const topTen = (scope: string): string => sql`
  WITH
    ${chosenRun}
  SELECT concat(toString(rank), '. ', crew_name) AS crew, score
  FROM standings
  WHERE ${scope} AND rank IS NOT NULL
  ORDER BY ${STANDINGS_ORDER}
  LIMIT 10`;
