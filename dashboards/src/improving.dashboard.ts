import { AxisPlacement, GraphTransform } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { leaderboardAnnotations } from './annotations.ts';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  CREW_DETAIL_LINK,
  crewDetailUrl,
  DASHBOARD_UIDS,
  ENTRANT,
  leaderboardDashboard,
  legend,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { dailyRuns } from './standings-sql.ts';
import {
  branchFilter,
  branchVariable,
  competitionVariable,
  currentEntrantsVariable,
  dayFilter,
  unitFilter,
  unitVariable,
  v,
  ZONE,
} from './variables.ts';

/**
 * WITH items naming the two standings compared: the first and the last day with standings in the
 * time range (`from_day`, `to_day`), or for the week the last day and the newest day at least a
 * week before it; each with its final run.
 */
const comparedDays = (span: 'range' | 'week') => sql`
  ${v.competition} AS competition,
  (SELECT maxOrNull(as_of) FROM standings_runs WHERE competition_id = competition AND ${dayFilter('as_of')}) AS to_day,
  ${
    span === 'range'
      ? `(SELECT minOrNull(as_of) FROM standings_runs WHERE competition_id = competition AND ${dayFilter('as_of')}) AS from_day`
      : '(SELECT maxOrNull(as_of) FROM standings_runs WHERE competition_id = competition AND as_of <= to_day - 7) AS from_day'
  },
  (SELECT maxOrNull(computed_at) FROM standings_runs WHERE competition_id = competition AND as_of = from_day) AS from_run,
  (SELECT maxOrNull(computed_at) FROM standings_runs WHERE competition_id = competition AND as_of = to_day) AS to_run`;

/** Every crew ranked on both days: places gained (positive: moved up) and score gained. */
const movers = (span: 'range' | 'week') => sql`
  WITH
    ${comparedDays(span)}
  SELECT
    b.crew_id AS crew_id,
    b.crew_name AS crew_name,
    ${crewDetailUrl({ withPeriod: false }, 'b.crew_id')} AS crew_detail,
    b.unit_name AS unit_name,
    b.branch_name AS branch_name,
    a.rank AS rank_from,
    b.rank AS rank_to,
    toInt64(a.rank) - toInt64(b.rank) AS rank_gain,
    a.score AS score_from,
    b.score AS score_to,
    round(b.score - a.score, 2) AS score_gain
  FROM (
    SELECT crew_id, crew_name, unit_name, branch_name, rank, score
    FROM standings
    WHERE competition_id = competition AND as_of = to_day AND computed_at = to_run
      AND ${branchFilter()} AND ${unitFilter()}
  ) AS b
  INNER JOIN (
    SELECT crew_id, rank, score
    FROM standings
    WHERE competition_id = competition AND as_of = from_day AND computed_at = from_run
  ) AS a ON a.crew_id = b.crew_id
  WHERE a.rank IS NOT NULL AND b.rank IS NOT NULL AND to_day > from_day`;

/** The week's ten biggest movers one way, named "crew (rank then → now)". */
const weekMovers = (value: string, which: string, order: string): string => sql`
  SELECT concat(crew_name, '（', toString(rank_from), ' → ', toString(rank_to), '）') AS crew, ${value}
  FROM (
    ${movers('week')}
  )
  WHERE ${which}
  ORDER BY ${order}, crew_id
  LIMIT 10`;

export const improvingSql = {
  crews: sql`
    ${movers('range')}
    ORDER BY rank_gain DESC, score_gain DESC, crew_id`,
  topImprovers: sql`
    SELECT concat(crew_name, '（', branch_name, '）') AS crew, rank_gain
    FROM (
      ${movers('range')}
    )
    WHERE rank_gain > 0
    ORDER BY rank_gain DESC, score_gain DESC, crew_id
    LIMIT 10`,
  weekRisers: weekMovers('rank_gain', 'rank_gain > 0', 'rank_gain DESC, score_gain DESC'),
  weekFallers: weekMovers('-rank_gain AS places_lost', 'rank_gain < 0', 'places_lost DESC, score_gain'),
  branches: sql`
    WITH
      ${comparedDays('range')}
    SELECT
      b.branch_id AS branch_id,
      any(b.branch_name) AS branch_name,
      count() AS crews,
      round(avg(a.score), 2) AS avg_score_from,
      round(avg(b.score), 2) AS avg_score_to,
      round(avg_score_to - avg_score_from, 2) AS avg_score_gain,
      round(avgIf(toInt64(a.rank) - toInt64(b.rank), a.rank IS NOT NULL AND b.rank IS NOT NULL), 2) AS avg_rank_gain
    FROM (
      SELECT crew_id, branch_id, branch_name, rank, score
      FROM standings
      WHERE competition_id = competition AND as_of = to_day AND computed_at = to_run
        AND ${branchFilter()} AND ${unitFilter()}
    ) AS b
    INNER JOIN (
      SELECT crew_id, rank, score
      FROM standings
      WHERE competition_id = competition AND as_of = from_day AND computed_at = from_run
    ) AS a ON a.crew_id = b.crew_id
    WHERE to_day > from_day
    GROUP BY b.branch_id
    ORDER BY avg_score_gain DESC, branch_id`,
  /** Daily rank of the five most improved crews over the time range. */
  trend: sql`
    SELECT toDateTime(as_of, '${ZONE}') AS time, crew_name, rank
    FROM standings
    WHERE competition_id = ${v.competition} AND ${dayFilter('as_of')} AND ${dailyRuns}
      AND crew_id IN (
        SELECT crew_id FROM (
          ${movers('range')}
        )
        WHERE rank_gain > 0
        ORDER BY rank_gain DESC, score_gain DESC, crew_id
        LIMIT 5
      )
    ORDER BY time, crew_id`,
};

const GAIN = {
  cell: { type: 'color-text' },
  thresholds: [
    { value: null, color: 'red' },
    { value: 0, color: 'text' },
    { value: 1, color: 'green' },
  ],
};

export function improvingDashboard(): Dashboard {
  const crews = columns(
    tablePanel({
      title: `${ENTRANT}进步榜`,
      description:
        'Every crew ranked on both the first and the last day with standings in the time range: its overall rank and score then and now, places gained (positive: moved up) and score gained; most improved first.',
      query: improvingSql.crews,
      height: 14,
      span: 14,
    }),
    {
      crew_id: { zh: '编号', hidden: true },
      crew_name: { zh: ENTRANT, links: [CREW_DETAIL_LINK] },
      crew_detail: { zh: '班组详情', hidden: true },
      unit_name: { zh: '单位' },
      branch_name: { zh: '分公司' },
      rank_from: { zh: '期初名次' },
      rank_to: { zh: '期末名次' },
      rank_gain: { zh: '名次提升', ...GAIN },
      score_from: { zh: '期初得分', decimals: 2 },
      score_to: { zh: '期末得分', decimals: 2 },
      score_gain: { zh: '得分增加', decimals: 2 },
    },
  );
  const top = barsPanel({
    title: '进步最快',
    description: 'The ten crews that gained the most places over the time range.',
    query: improvingSql.topImprovers,
    value: 'rank_gain',
    span: 10,
    height: 14,
  }).decimals(0);
  const risers = barsPanel({
    title: '本周上升',
    description: 'Places gained over the last week of the time range (its last standings day against a week before).',
    query: improvingSql.weekRisers,
    value: 'rank_gain',
    span: 12,
    height: 9,
  }).decimals(0);
  const fallers = barsPanel({
    title: '本周下降',
    description: 'Places lost over the last week of the time range.',
    query: improvingSql.weekFallers,
    value: 'places_lost',
    span: 12,
    height: 9,
  }).decimals(0);
  const branches = columns(
    tablePanel({
      title: '分公司进步',
      description:
        'Per branch, over the time range: average score on the first and last standings day and its change, and the average places its ranked crews gained.',
      query: improvingSql.branches,
      height: 8,
      span: 24,
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: '班组数' },
      avg_score_from: { zh: '期初平均分', decimals: 2 },
      avg_score_to: { zh: '期末平均分', decimals: 2 },
      avg_score_gain: { zh: '平均分变化', decimals: 2, ...GAIN },
      avg_rank_gain: { zh: '平均名次提升', decimals: 2 },
    },
  );
  const trend = timeSeriesPanel({
    title: '进步最快班组名次走势',
    description:
      'Daily overall rank of the five most improved crews (drawn so that up is better; the rank is in the tooltip and legend).',
    query: improvingSql.trend,
    height: 10,
    span: 24,
  })
    .displayName('${__field.labels.crew_name}')
    .decimals(0)
    // Every line is a rank: up is better (see RANK_AXIS), the axis with its negated ticks hidden.
    .transform(GraphTransform.NegativeY)
    .axisPlacement(AxisPlacement.Hidden)
    .legend(legend().calcs(['lastNotNull']));

  return leaderboardDashboard(
    DASHBOARD_UIDS.improving,
    '进步榜',
    'Who is improving: most improved crews and branches over the chosen time range (rank and score change), and the week’s movers.',
  )
    .withVariable(competitionVariable())
    .withVariable(branchVariable())
    .withVariable(unitVariable())
    .withVariable(currentEntrantsVariable())
    .annotations(leaderboardAnnotations('competition'))
    .withPanel(crews)
    .withPanel(top)
    .withPanel(risers)
    .withPanel(fallers)
    .withPanel(branches)
    .withPanel(trend)
    .build();
}
