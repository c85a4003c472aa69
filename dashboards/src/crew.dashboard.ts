import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FACT_KEYS } from '../../services/scoring/snapshot-facts.ts';
import { leaderboardAnnotations } from './annotations.ts';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  DASHBOARD_UIDS,
  leaderboardDashboard,
  legend,
  RANK_AXIS,
  statPanel,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { chosenRun, dailyRuns, inChosenRun, runIndicators } from './standings-sql.ts';
import { ZONE, branchVariable, competitionVariable, crewVariable, dayFilter, periodVariable, v } from './variables.ts';

const ofCrew = `${inChosenRun} AND crew_id = ${v.crew}`;
const fact = (key: string) => `if(mapContains(facts, '${key}'), facts['${key}'], NULL)`;

/** One line per event type, in Chinese, with what matters of it. */
const EVENT_DETAIL = `multiIf(
  type = 'sales', concat(toString(volume), ' ', unit, if(product = '', '', concat(' ', product)), if(amount_cny = 0, '', concat(' · ¥', toString(amount_cny)))),
  type = 'incident', severity,
  type = 'hazard_found' OR type = 'hazard_rectified', hazard_id,
  type = 'violation', concat(violation_kind, ' × ', toString(person_count)),
  type = 'innovation', concat(innovation_id, ' ', category, ' ', status, if(award_level = 0, '', concat(' ', toString(award_level), '等奖'))),
  type = 'metric', concat(metric_name, ' = ', toString(value)),
  '')`;

/** Each indicator of the chosen run for the crew, in the definition's order. */
const indicatorRows = sql`
  WITH
    ${chosenRun},
    ${runIndicators}
  SELECT
    position,
    indicator.name.zh AS indicator,
    indicator_values[indicator.id] AS value,
    indicator_points[indicator.id] AS points,
    indicator_zeroed_by[indicator.id] AS zeroed_by
  FROM standings
  ARRAY JOIN indicators AS indicator, arrayEnumerate(indicators) AS position
  WHERE ${ofCrew}`;

export const crewSql = {
  summary: sql`
    WITH
      ${chosenRun},
      (SELECT count() FROM standings WHERE ${inChosenRun}) AS total
    SELECT
      if(rank IS NULL, '取消资格', concat(toString(rank), ' / ', toString(total))) AS rank_of_total,
      score,
      rank_change,
      ${fact(FACT_KEYS.safetyDays)} AS safety_days,
      ${fact(FACT_KEYS.rectificationRate)} AS rectification_rate,
      ${fact(FACT_KEYS.violationPersons)} AS violation_persons
    FROM standings
    WHERE ${ofCrew}`,
  breakdown: sql`
    SELECT indicator, value, points, zeroed_by
    FROM (
      ${indicatorRows}
    )
    ORDER BY position`,
  bars: sql`
    SELECT indicator, points
    FROM (
      ${indicatorRows}
    )
    ORDER BY position`,
  history: sql`
    SELECT toDateTime(as_of, '${ZONE}') AS time, rank, score
    FROM standings
    WHERE competition_id = ${v.competition} AND crew_id = ${v.crew} AND ${dayFilter('as_of')} AND ${dailyRuns}
    ORDER BY time`,
  events: sql`
    SELECT
      occurred_at,
      received_at,
      transform(type,
        ['sales', 'incident', 'hazard_found', 'hazard_rectified', 'violation', 'innovation', 'metric'],
        ['销量', '事故', '发现隐患', '隐患整改', '三违', '五小创新', '其他指标'], type) AS type,
      ${EVENT_DETAIL} AS detail,
      note,
      event_id
    FROM events
    WHERE crew_id = ${v.crew} AND $__timeFilter(occurred_at)
    ORDER BY occurred_at DESC, event_id
    LIMIT 200`,
};

const stat = (title: string, description: string, field: string, unit?: string) =>
  statPanel({ title, description, query: crewSql.summary, field, span: 4, ...(unit ? { unit } : {}) });

export function crewDashboard(): Dashboard {
  const breakdown = columns(
    tablePanel({
      title: '指标得分明细',
      description:
        'Where the points came from: each indicator’s measured value and points, and the veto that zeroed it if any.',
      query: crewSql.breakdown,
      height: 9,
      span: 12,
    }),
    {
      indicator: { zh: '指标' },
      value: { zh: '实际值', decimals: 2 },
      points: { zh: '得分', decimals: 2 },
      zeroed_by: { zh: '否决清零' },
    },
  );
  const bars = barsPanel({
    title: '各项得分',
    description: 'Points per indicator.',
    query: crewSql.bars,
    value: 'points',
    span: 12,
    height: 9,
  });

  const history = columns(
    timeSeriesPanel({
      title: '名次与得分走势',
      description:
        'Rank (drawn so that up is better: a crew climbing to 1st draws a rising line; the value is in the tooltip and legend) and score (right axis) from each day’s final standings.',
      query: crewSql.history,
      height: 9,
      span: 24,
    }).legend(legend().calcs(['lastNotNull'])),
    {
      rank: { zh: '名次', decimals: 0, more: RANK_AXIS },
      score: { zh: '得分', decimals: 2, more: [{ id: 'custom.axisPlacement', value: 'right' }] },
    },
  );
  const events = columns(
    tablePanel({
      title: '最近事件',
      description: 'The crew’s latest events in the time range (up to 200).',
      query: crewSql.events,
      height: 12,
      span: 24,
    }),
    {
      occurred_at: { zh: '发生时间', unit: 'dateTimeAsIso' },
      received_at: { zh: '接收时间', unit: 'dateTimeAsIso' },
      type: { zh: '类型' },
      detail: { zh: '内容' },
      note: { zh: '备注' },
      event_id: { zh: '事件编号' },
    },
  );

  return leaderboardDashboard(
    DASHBOARD_UIDS.crew,
    '班组详情',
    'Crew detail: rank and score, indicator breakdown, rank history and recent events of one crew.',
  )
    .withVariable(competitionVariable())
    .withVariable(branchVariable())
    .withVariable(crewVariable())
    .withVariable(periodVariable())
    .annotations(leaderboardAnnotations('competition'))
    .withPanel(stat('名次', 'Overall rank / crews in the standings (disqualified crews included)', 'rank_of_total'))
    .withPanel(stat('得分', 'Score', 'score'))
    .withPanel(stat('名次变化', 'Places gained since the previous day', 'rank_change'))
    .withPanel(stat('安全天数', 'Days without a breaking incident', 'safety_days'))
    .withPanel(stat('整改率', 'Hazard rectification rate', 'rectification_rate', 'percent'))
    .withPanel(stat('三违人次', 'Violation person-times', 'violation_persons'))
    .withPanel(breakdown)
    .withPanel(bars)
    .withPanel(history)
    .withPanel(events)
    .build();
}
