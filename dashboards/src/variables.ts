import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type VariableOption,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE, sql } from './clickhouse-query.ts';

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
  /** Raw values, for URLs of links. */
  competitionRaw: '${competition}',
  periodRaw: '${period}',
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

const option = (text: string, value: string): VariableOption => ({ text, value, selected: true });

/**
 * A variable whose options a SQL query lists (first column value, second text), in the query's
 * order. Only listed values: a typed one would reach the SQL unchecked.
 */
function sqlVariable(
  name: string,
  label: string,
  description: string,
  query: string,
  refresh: VariableRefresh,
): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .query(query)
    .definition(query)
    .allowCustomValue(false)
    .refresh(refresh)
    .sort(VariableSort.Disabled);
}

/**
 * 竞赛: labour competitions first, those running today first, then by the newest period.
 * Value: id; text: Chinese name.
 */
export function competitionVariable(kind?: 'labour' | 'ankang'): QueryVariableBuilder {
  const query = sql`
    SELECT competition_id, concat(argMax(name_zh, version), ' · ', competition_id) AS text
    FROM competitions
    ${kind === undefined ? 'WHERE 1 = 1' : `WHERE kind = '${kind}'`}
    GROUP BY competition_id
    ORDER BY
      any(kind) = 'ankang',
      toDate(now(), '${ZONE}') BETWEEN argMax(period_start, version) AND argMax(period_end, version) DESC,
      argMax(period_end, version) DESC,
      competition_id`;
  return sqlVariable(
    'competition',
    '竞赛',
    kind === 'ankang' ? 'Ankang Cup competition' : 'Competition',
    query,
    VariableRefresh.OnDashboardLoad,
  );
}

/** 分公司: multi-select with All, from the current registry version. */
export function branchVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT DISTINCT branch_id, branch_name
    FROM org_crews
    WHERE version = (SELECT max(version) FROM org_versions)
    ORDER BY branch_id`;
  return sqlVariable(
    'branch',
    '分公司',
    'Branch companies (multi-select; All = every branch)',
    query,
    VariableRefresh.OnDashboardLoad,
  )
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
    VariableRefresh.OnTimeRangeChanged,
  ).current(option('最新 · latest', 'latest'));
}

/** 班组: crews of the selected branches (the standings table links here with the crew set). */
export function crewVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT crew_id, concat(crew_name, ' · ', unit_name, ' · ', branch_name) AS text
    FROM org_crews
    WHERE version = (SELECT max(version) FROM org_versions) AND ${branchFilter()}
    ORDER BY branch_id, unit_id, crew_id`;
  return sqlVariable('crew', '班组', 'Crew', query, VariableRefresh.OnDashboardLoad);
}
