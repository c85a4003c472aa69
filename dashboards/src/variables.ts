import {
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
  type VariableModel,
  type VariableOption,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE, sql } from './clickhouse-query.ts';
import { CURRENT_COMPETITIONS } from './competitions-sql.ts';

/**
 * How panels refer to the template variables. `:singlequote` makes Grafana quote and escape
 * every value (the plugin's default join does not escape); `$__conditionalAll` needs the plain
 * `$name` form as its second argument.
 */
export const v = {
  competition: '${competition:singlequote}',
  period: '${period:singlequote}',
  branch: '${branch:singlequote}',
  crew: '${crew:singlequote}',
  unit: '${unit:singlequote}',
  closure: '${closure:singlequote}',
  entrants: '${entrants:singlequote}',
  zone: '${zone:singlequote}',
} as const;

/** Calendar days of standings are days in the competitions' zone (all UTC+08:00, see schemas). */
export const ZONE = 'Asia/Shanghai';

/**
 * Standings days within the time range, by Beijing calendar day. Not the plugin's $__dateFilter:
 * it takes the dates of the range's instants in the plugin process's zone (UTC), which puts the
 * day before a Beijing-midnight range start inside it.
 */
export const dayFilter = (column: string): string =>
  `${column} >= toDate($__fromTime, '${ZONE}') AND ${column} <= toDate($__toTime, '${ZONE}')`;

/** Only crews of the selected branches; every branch when the variable is All. */
export const branchFilter = (column = 'branch_id'): string => `$__conditionalAll(${column} IN (${v.branch}), $branch)`;

/** Only crews of the selected units; every unit when the variable is All. */
export const unitFilter = (column = 'unit_id'): string => `$__conditionalAll(${column} IN (${v.unit}), $unit)`;

const option = (text: string, value: string): VariableOption => ({ text, value, selected: true });

/**
 * A variable whose options a SQL query lists (first column value, second text), in the query's
 * order. Only listed values: a typed one would reach the SQL unchecked. Every variable refreshes
 * when the time range changes (and on load): a screen left open picks up new competitions,
 * branches, units and crews with its next refresh instead of never.
 */
export function sqlVariable(name: string, label: string, description: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .query(query)
    .definition(query)
    .allowCustomValue(false)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.Disabled);
}

/** Which competitions a dashboard's 竞赛 lists, and which it offers first. */
export interface CompetitionChoice {
  /** Only Ankang Cups (the Ankang dashboard); every kind otherwise. */
  kind?: 'ankang';
  /** Labour competitions first (default), Ankang Cups first, or those with closed periods first. */
  first?: 'labour' | 'ankang' | 'closed';
}

/**
 * 竞赛: published competitions only (a draft neither adds a competition nor renames one), those
 * running at the end of the time range first, then by the newest period. Value: id; text: name.
 */
export function competitionVariable(choice: CompetitionChoice = {}): QueryVariableBuilder {
  const first =
    choice.first === 'closed'
      ? 'competition_id IN (SELECT competition_id FROM period_closures) DESC'
      : `kind = '${choice.first === 'ankang' ? 'labour' : 'ankang'}'`;
  const query = sql`
    SELECT competition_id, concat(name_zh, ' · ', competition_id) AS text
    FROM (
      ${CURRENT_COMPETITIONS}
    )
    ${choice.kind === undefined ? 'WHERE 1 = 1' : `WHERE kind = '${choice.kind}'`}
    ORDER BY
      ${first},
      toDate($__toTime, '${ZONE}') BETWEEN period_start AND period_end DESC,
      period_end DESC,
      competition_id`;
  return sqlVariable('competition', '竞赛', choice.kind === 'ankang' ? 'Ankang Cup competition' : 'Competition', query);
}

/** The current registry's crews. */
export const CURRENT_CREWS = 'org_crews WHERE version = (SELECT max(version) FROM org_versions)';

/** 分公司: multi-select with All, from the current registry version. */
export function branchVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT branch_id, any(branch_name) AS branch_name
    FROM ${CURRENT_CREWS}
    GROUP BY branch_id
    ORDER BY branch_id`;
  return sqlVariable('branch', '分公司', 'Branch companies (multi-select; All = every branch)', query)
    .multi(true)
    .includeAll(true)
    .current(option('All', '$__all'));
}

/** 单位: the units (stations, mines, workshops) of the selected branches; multi-select with All. */
export function unitVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT unit_id, concat(any(unit_name), ' · ', any(branch_name)) AS text
    FROM ${CURRENT_CREWS} AND ${branchFilter()}
    GROUP BY unit_id
    ORDER BY any(branch_id), unit_id`;
  return sqlVariable('unit', '单位', 'Units of the selected branches (multi-select; All = every unit)', query)
    .multi(true)
    .includeAll(true)
    .current(option('All', '$__all'));
}

/**
 * 统计日: "latest" (the newest standings up to the end of the time range, so a screen left
 * open moves to the new day by itself), or a day that has standings within the time range.
 */
export function periodVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT value, text FROM (
      SELECT 'latest' AS value, '最新 · latest' AS text, 0 AS latest_first
      UNION ALL
      SELECT DISTINCT toString(as_of), toString(as_of), 1
      FROM standings_runs
      WHERE competition_id = ${v.competition} AND ${dayFilter('as_of')}
    )
    ORDER BY latest_first, value DESC`;
  return sqlVariable(
    'period',
    '统计日',
    'Standings day: latest up to the end of the time range, or a day in it',
    query,
  ).current(option('最新 · latest', 'latest'));
}

/** 班组: crews of the selected branches (the standings table links here with the crew set). */
export function crewVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT crew_id, concat(crew_name, ' · ', unit_name, ' · ', branch_name) AS text
    FROM ${CURRENT_CREWS} AND ${branchFilter()}
    ORDER BY branch_id, unit_id, crew_id`;
  return sqlVariable('crew', '班组', 'Crew', query);
}

/** 参赛对象 of a stored definition (JSON): crew when the definition predates the field. */
export const entrantLevelOf = (definition: string): string =>
  `if(JSONExtractString(${definition}, 'entrants') IN ('unit', 'branch', 'person'), JSONExtractString(${definition}, 'entrants'), 'crew')`;

/** The heading of each entrant level's column (the big screen and console say the same). */
export const ENTRANT_HEADINGS = { crew: '班组', person: '人员', unit: '单位', branch: '分公司' } as const;

/** A variable Grafana neither shows nor takes from the URL: a stale var-entrants in a shared link would be kept. */
function derived(variable: QueryVariableBuilder): { build(): VariableModel } {
  return { build: () => ({ ...variable.hide(VariableHide.HideVariable).build(), skipUrlSync: true }) };
}

/**
 * 参赛对象 (hidden): the entrant level of the chosen competition, value crew/person/unit/branch,
 * text its heading. Panels head the entrant column and their titles with `${entrants:text}`
 * (Grafana expands variables in display names and titles) and link rows to 班组详情 only when it
 * is crew. `levelQuery` answers a column `level` (no row: crew, as a definition before the field).
 */
export function entrantsVariable(levelQuery: string): { build(): VariableModel } {
  const levels = Object.keys(ENTRANT_HEADINGS);
  const query = sql`
    SELECT level, transform(level, ['${levels.join("', '")}'], ['${Object.values(ENTRANT_HEADINGS).join("', '")}'], '${ENTRANT_HEADINGS.crew}') AS heading
    FROM (
      SELECT level, 0 AS fallback FROM (
        ${levelQuery}
      )
      UNION ALL
      SELECT 'crew', 1
    )
    ORDER BY fallback
    LIMIT 1`;
  return derived(sqlVariable('entrants', '参赛对象', 'Entrant level of the chosen competition (hidden)', query));
}

/** 参赛对象 of the chosen competition's published version. */
export function currentEntrantsVariable(): { build(): VariableModel } {
  return entrantsVariable(sql`
    SELECT ${entrantLevelOf('definition')} AS level
    FROM (
      ${CURRENT_COMPETITIONS}
    )
    WHERE competition_id = ${v.competition}`);
}

/**
 * 时区 (hidden): the time zone of `zoneQuery`'s one row (column `zone`), Asia/Shanghai for a
 * definition without one, so days and times are the competition's own.
 */
export function zoneVariable(zoneQuery: string): { build(): VariableModel } {
  const query = sql`
    SELECT zone FROM (
      SELECT zone, 0 AS fallback FROM (
        ${zoneQuery}
      ) WHERE zone != ''
      UNION ALL
      SELECT '${ZONE}', 1
    )
    ORDER BY fallback
    LIMIT 1`;
  return derived(sqlVariable('zone', '时区', 'Time zone of the chosen competition (hidden)', query));
}

/**
 * Events of the entrants whose ids `ids` (a subquery) lists, by the chosen competition's level: a
 * crew's by crew, a person's by the person it names, a unit's or branch's by its crews in the
 * current registry.
 */
export const eventsOfEntrants = (ids: string): string => sql`
  multiIf(
    ${v.entrants} = 'person', person_id IN (${ids}),
    ${v.entrants} = 'unit', crew_id IN (SELECT crew_id FROM ${CURRENT_CREWS} AND unit_id IN (${ids})),
    ${v.entrants} = 'branch', crew_id IN (SELECT crew_id FROM ${CURRENT_CREWS} AND branch_id IN (${ids})),
    crew_id IN (${ids}))`;
