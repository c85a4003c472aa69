import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { leaderboardAnnotations, REGISTRY_CREWS, severityZh } from './annotations.ts';
import { sql } from './clickhouse-query.ts';
import {
  alarm,
  columns,
  DASHBOARD_UIDS,
  leaderboardDashboard,
  percentColours,
  statPanel,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { latestRun, STANDINGS_ORDER } from './standings-sql.ts';
import { branchFilter, branchVariable, competitionVariable, unitFilter, unitVariable, ZONE } from './variables.ts';

/**
 * The safety picture is the events' own, across competitions: hazards, 三违 and incidents of
 * the crews of the selected branches and units (by the current registry), over the time range.
 * Times are compared to the millisecond ($__toTime_ms), as the scoring engine compares them.
 */
const SELECTED = sql`
  SELECT crew_id, crew_name, unit_name, branch_id, branch_name
  FROM (
    ${REGISTRY_CREWS}
  )
  WHERE ${branchFilter()} AND ${unitFilter()}`;
const inRange = (column: string) => `${column} >= $__fromTime_ms AND ${column} <= $__toTime_ms`;
const day = (column: string) => `toDateTime(toDate(${column}, '${ZONE}'), '${ZONE}')`;

/**
 * Each hazard of a selected crew found up to the end of the time range: when it was found and
 * whether a rectification was reported by then (the scoring engine's rule, facts.query.ts).
 */
const HAZARDS = sql`
  SELECT
    crew_id,
    subject_id AS hazard_id,
    minIf(occurred_at, type = 'hazard_found') AS found_at,
    countIf(type = 'hazard_rectified') > 0 AS rectified
  FROM lifecycle_events
  WHERE type IN ('hazard_found', 'hazard_rectified') AND occurred_at <= $__toTime_ms
    AND crew_id IN (SELECT crew_id FROM (
      ${SELECTED}
    ))
  GROUP BY crew_id, subject_id
  HAVING countIf(type = 'hazard_found') > 0`;

/** Per day a hazard was found in the time range and branch: `value` over those hazards (alias h). */
const hazardsByDay = (value: string): string => sql`
  SELECT ${day('h.found_at')} AS time, c.branch_name AS branch_name, ${value}
  FROM (
    ${HAZARDS}
  ) AS h
  INNER JOIN (
    ${SELECTED}
  ) AS c ON c.crew_id = h.crew_id
  WHERE ${inRange('h.found_at')}
  GROUP BY time, c.branch_id, branch_name
  ORDER BY time, c.branch_id`;

export const safetySql = {
  summary: sql`
    SELECT
      (SELECT count() FROM (
        ${HAZARDS}
      ) WHERE ${inRange('found_at')}) AS hazards_found,
      (SELECT countIf(rectified) FROM (
        ${HAZARDS}
      ) WHERE ${inRange('found_at')}) AS hazards_rectified,
      round(100 * hazards_rectified / nullIf(hazards_found, 0), 1) AS rectification_rate,
      (SELECT countIf(NOT rectified) FROM (
        ${HAZARDS}
      )) AS open_hazards,
      (SELECT sum(person_count) FROM events
        WHERE type = 'violation' AND ${inRange('occurred_at')}
          AND crew_id IN (SELECT crew_id FROM (
            ${SELECTED}
          ))) AS violation_persons,
      (SELECT countIf(severity IN ('serious_injury', 'fatality')) FROM events
        WHERE type = 'incident' AND ${inRange('occurred_at')}
          AND crew_id IN (SELECT crew_id FROM (
            ${SELECTED}
          ))) AS serious_incidents`,
  hazardsTrend: hazardsByDay('count() AS hazards_found'),
  rectificationTrend: hazardsByDay('round(100 * countIf(h.rectified) / count(), 1) AS rectification_rate'),
  violationsTrend: sql`
    SELECT ${day('e.occurred_at')} AS time, c.branch_name AS branch_name, sum(e.person_count) AS violation_persons
    FROM events AS e
    INNER JOIN (
      ${SELECTED}
    ) AS c ON c.crew_id = e.crew_id
    WHERE e.type = 'violation' AND ${inRange('e.occurred_at')}
    GROUP BY time, c.branch_id, branch_name
    ORDER BY time, c.branch_id`,
  openHazards: sql`
    SELECT
      h.hazard_id AS hazard_id,
      c.crew_name AS crew_name,
      c.unit_name AS unit_name,
      c.branch_name AS branch_name,
      h.found_at AS found_at,
      round(dateDiff('minute', h.found_at, $__toTime_ms) / 1440, 1) AS age_days,
      h.crew_id AS crew_id
    FROM (
      ${HAZARDS}
    ) AS h
    INNER JOIN (
      ${SELECTED}
    ) AS c ON c.crew_id = h.crew_id
    WHERE NOT h.rectified
    ORDER BY h.found_at, h.crew_id, h.hazard_id
    LIMIT 500`,
  incidents: sql`
    SELECT
      e.occurred_at AS occurred_at,
      ${severityZh('e.severity')} AS severity,
      c.crew_name AS crew_name,
      c.unit_name AS unit_name,
      c.branch_name AS branch_name,
      e.note AS note,
      e.event_id AS event_id
    FROM events AS e
    INNER JOIN (
      ${SELECTED}
    ) AS c ON c.crew_id = e.crew_id
    WHERE e.type = 'incident' AND ${inRange('e.occurred_at')}
    ORDER BY e.occurred_at DESC, e.event_id
    LIMIT 500`,
  /** The chosen competition's vetoes in its newest standings up to the end of the time range. */
  vetoes: sql`
    WITH
      ${latestRun}
    SELECT
      rank,
      crew_name,
      unit_name,
      branch_name,
      score,
      if(disqualified = 1, '一票否决', '单项否决') AS veto_state,
      arrayStringConcat(veto_reasons, '；') AS veto_reasons,
      crew_id
    FROM standings
    WHERE competition_id = competition AND as_of = day AND computed_at = run AND vetoed = 1
      AND ${branchFilter()} AND ${unitFilter()}
    ORDER BY ${STANDINGS_ORDER}`,
};

const stat = (title: string, description: string, field: string, unit?: string, red?: boolean) =>
  statPanel({
    title,
    description,
    query: safetySql.summary,
    field,
    span: 4,
    ...(unit ? { unit } : {}),
    ...(red ? { alarm: alarm([{ from: 1, color: 'red' }]) } : {}),
  });

const byBranch = (title: string, description: string, query: string) =>
  timeSeriesPanel({ title, description, query, height: 9, span: 8 }).displayName('${__field.labels.branch_name}');

export function safetyDashboard(): Dashboard {
  const openHazards = columns(
    tablePanel({
      title: '未整改隐患',
      description:
        'Hazards found up to the end of the time range with no rectification reported by then, the oldest first, with their age in days.',
      query: safetySql.openHazards,
      height: 10,
      span: 12,
    }),
    {
      hazard_id: { zh: '隐患编号' },
      crew_name: { zh: '班组' },
      unit_name: { zh: '单位' },
      branch_name: { zh: '分公司' },
      found_at: { zh: '发现时间', unit: 'dateTimeAsIso' },
      age_days: {
        zh: '已过天数',
        decimals: 1,
        cell: { type: 'color-background' },
        thresholds: [
          { value: null, color: 'green' },
          { value: 7, color: 'orange' },
          { value: 30, color: 'red' },
        ],
      },
      crew_id: { zh: '班组编号', hidden: true },
    },
  );
  const incidents = columns(
    tablePanel({
      title: '事故列表',
      description: 'Incidents reported in the time range, the newest first: severity, crew, unit, branch and note.',
      query: safetySql.incidents,
      height: 10,
      span: 12,
    }),
    {
      occurred_at: { zh: '发生时间', unit: 'dateTimeAsIso' },
      severity: {
        zh: '严重程度',
        cell: { type: 'color-background' },
        mappings: [
          {
            type: 'value',
            options: {
              死亡: { color: 'dark-red', index: 0 },
              重伤: { color: 'red', index: 1 },
              轻伤: { color: 'orange', index: 2 },
              未遂事件: { color: 'yellow', index: 3 },
            },
          },
        ],
      },
      crew_name: { zh: '班组' },
      unit_name: { zh: '单位' },
      branch_name: { zh: '分公司' },
      note: { zh: '说明' },
      event_id: { zh: '事件编号' },
    },
  );
  const vetoes = columns(
    tablePanel({
      title: '一票否决',
      description:
        'Crews of the chosen competition with a veto in its newest standings up to the end of the time range: 一票否决 (disqualified) or 单项否决 (an indicator zeroed), with why.',
      query: safetySql.vetoes,
      height: 8,
      span: 24,
    }),
    {
      rank: { zh: '名次', width: 60 },
      crew_name: { zh: '班组' },
      unit_name: { zh: '单位' },
      branch_name: { zh: '分公司' },
      score: { zh: '得分', decimals: 2 },
      veto_state: { zh: '否决' },
      veto_reasons: { zh: '否决原因' },
      crew_id: { zh: '班组编号', hidden: true },
    },
  );

  return leaderboardDashboard(
    DASHBOARD_UIDS.safety,
    '安全态势',
    'The safety picture: hazards found and rectified, 三违 and incidents by branch over the time range, open hazards with their age, incidents, and the vetoes of the chosen competition.',
  )
    .withVariable(competitionVariable({ first: 'ankang' }))
    .withVariable(branchVariable())
    .withVariable(unitVariable())
    .annotations(leaderboardAnnotations('competition'))
    .withPanel(stat('发现隐患', 'Distinct hazards found in the time range', 'hazards_found'))
    .withPanel(stat('已整改', 'Of those, rectified by the end of the time range', 'hazards_rectified'))
    .withPanel(
      statPanel({
        title: '整改率',
        description: 'Rectified ÷ found, hazards found in the time range',
        query: safetySql.summary,
        field: 'rectification_rate',
        span: 4,
        unit: 'percent',
        alarm: percentColours(),
      }),
    )
    .withPanel(
      stat('未整改隐患', 'Hazards found so far and not rectified (red when any)', 'open_hazards', undefined, true),
    )
    .withPanel(stat('三违人次', 'Violation person-times (三违) in the time range', 'violation_persons'))
    .withPanel(
      stat(
        '重伤及以上',
        'Serious injuries and fatalities in the time range (red when any)',
        'serious_incidents',
        undefined,
        true,
      ),
    )
    .withPanel(byBranch('隐患发现趋势', 'Hazards found per day, by branch.', safetySql.hazardsTrend).decimals(0))
    .withPanel(
      byBranch(
        '整改率趋势',
        'Of the hazards found each day, the share rectified by the end of the time range, by branch.',
        safetySql.rectificationTrend,
      )
        .unit('percent')
        .decimals(1),
    )
    .withPanel(
      byBranch('三违趋势', 'Violation person-times (三违) per day, by branch.', safetySql.violationsTrend).decimals(0),
    )
    .withPanel(openHazards)
    .withPanel(incidents)
    .withPanel(vetoes)
    .build();
}
