import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE, sql, tableQuery } from './clickhouse-query.ts';
import { CURRENT_COMPETITIONS } from './competitions-sql.ts';
import { branchFilter, v, ZONE } from './variables.ts';

/** An incident severity in Chinese, for annotation and table texts. */
export const severityZh = (column: string): string =>
  `transform(${column}, ['near_miss', 'minor_injury', 'serious_injury', 'fatality'], ['未遂事件', '轻伤', '重伤', '死亡'], ${column})`;

/** The current registry's crews with their unit and branch. */
export const REGISTRY_CREWS = sql`
  SELECT crew_id, crew_name, unit_id, unit_name, unit_type, branch_id, branch_name, headcount
  FROM org_crews
  WHERE version = (SELECT max(version) FROM org_versions)`;

/** Which competitions an annotation covers: the chosen one, or every competition (the pipeline). */
type Scope = 'competition' | 'all';

const ofCompetition = (scope: Scope, column = 'competition_id'): string =>
  scope === 'competition' ? `${column} = ${v.competition}` : '1 = 1';

/** The competition's name before a text, when an annotation covers every competition. */
const named = (scope: Scope): string => (scope === 'competition' ? "''" : "concat(n.name_zh, ' · ')");
const withNames = (scope: Scope, alias: string): string =>
  scope === 'competition'
    ? ''
    : `\n${sql`
        LEFT JOIN (
          ${CURRENT_COMPETITIONS}
        ) AS n ON n.competition_id = ${alias}.competition_id`}`;

/**
 * The day a crew was first vetoed in the competition (by each day's final standings), when that
 * day is in the time range: 一票否决 (disqualified) or 单项否决 (an indicator zeroed), with why.
 */
const vetoes = sql`
  SELECT
    toDateTime(day, '${ZONE}') AS time,
    concat(if(disqualified = 1, '一票否决', '单项否决'), ' · ', crew_name, '（', branch_name, '）：', reasons) AS text,
    concat('一票否决,', crew_id) AS tags
  FROM (
    SELECT
      crew_id,
      min(as_of) AS day,
      argMin(crew_name, as_of) AS crew_name,
      argMin(branch_name, as_of) AS branch_name,
      argMin(disqualified, as_of) AS disqualified,
      arrayStringConcat(argMin(veto_reasons, as_of), '；') AS reasons
    FROM standings
    WHERE competition_id = ${v.competition} AND vetoed = 1 AND ${branchFilter()}
      AND (as_of, computed_at) IN (
        SELECT as_of, max(computed_at) FROM standings_runs WHERE competition_id = ${v.competition} GROUP BY as_of
      )
    GROUP BY crew_id
  )
  WHERE time >= $__fromTime AND time <= $__toTime
  ORDER BY time, crew_id`;

/** Serious injuries and fatalities, the usual 一票否决 triggers, of the selected branches' crews. */
const seriousIncidents = (scope: Scope) => sql`
  SELECT
    e.occurred_at AS time,
    concat(${severityZh('e.severity')}, ' · ', c.crew_name, ' · ', c.unit_name, ' · ', c.branch_name,
      if(e.note = '', '', concat('：', e.note))) AS text,
    concat('事故,', e.severity) AS tags
  FROM events AS e
  INNER JOIN (
    ${REGISTRY_CREWS}
  ) AS c ON c.crew_id = e.crew_id
  WHERE e.type = 'incident' AND e.severity IN ('serious_injury', 'fatality') AND $__timeFilter(e.occurred_at)
    ${scope === 'competition' ? `AND ${branchFilter('c.branch_id')}` : ''}
  ORDER BY time, e.event_id`;

/** Every moment a rules version became current: a version saved published, or a publication. */
const publications = (scope: Scope) => sql`
  SELECT
    p.at AS time,
    concat(${named(scope)}, '规则第 ', toString(p.version), ' 版生效', if(p.note = '', '', concat('：', p.note)),
      if(p.by = '', '', concat('（', p.by, '）'))) AS text,
    '规则发布' AS tags
  FROM (
    SELECT competition_id, version, saved_at AS at, note, author AS by FROM competitions
    WHERE ${ofCompetition(scope)} AND draft = 0
    UNION ALL
    SELECT competition_id, version, published_at, note, published_by FROM competition_publications
    WHERE ${ofCompetition(scope)}
  ) AS p${withNames(scope, 'p')}
  WHERE $__timeFilter(p.at)
  ORDER BY time, p.competition_id, p.version`;

/** Period closures (a period closes once: its first closure counts, as the API reads them). */
const closures = (scope: Scope) => sql`
  SELECT
    c.closed_at AS time,
    concat(${named(scope)}, '阶段结算 ', c.period_id, '（', toString(c.period_start), ' 至 ', toString(c.period_end), '）· ',
      toString(c.crews), ' 个班组', if(c.closed_by = '', '', concat(' · ', c.closed_by))) AS text,
    '阶段结算' AS tags
  FROM (
    SELECT competition_id, period_id, period_start, period_end, closed_at, closed_by, crews
    FROM period_closures
    WHERE ${ofCompetition(scope)}
    ORDER BY competition_id, period_id, closed_at
    LIMIT 1 BY competition_id, period_id
  ) AS c${withNames(scope, 'c')}
  WHERE $__timeFilter(c.closed_at)
  ORDER BY time, c.competition_id, c.period_id`;

export const annotationSql = { vetoes, seriousIncidents, publications, closures };

function annotation(name: string, color: string, query: string): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name(name)
    .datasource(CLICKHOUSE_DATASOURCE)
    .enable(true)
    .iconColor(color)
    .target(tableQuery(query).refId('Anno'));
}

/**
 * The events HQ reads every trend against, on every time series of a dashboard: vetoes, serious
 * incidents, rule publications and period closures, of the chosen competition or of all.
 */
export function leaderboardAnnotations(scope: Scope): AnnotationQueryBuilder[] {
  return [
    ...(scope === 'competition' ? [annotation('一票否决', 'red', vetoes)] : []),
    annotation('重伤及以上事故', 'dark-red', seriousIncidents(scope)),
    annotation('规则发布', 'blue', publications(scope)),
    annotation('阶段结算', 'green', closures(scope)),
  ];
}
