import { BarGaugeDisplayMode, TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FACT_KEYS } from '../../services/scoring/snapshot-facts.ts';
import { leaderboardAnnotations } from './annotations.ts';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  ENTRANT,
  DASHBOARD_UIDS,
  leaderboardDashboard,
  PERCENT,
  percentColours,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { chosenRun, dailyRuns, inChosenRun, runIndicators, runSheetCategories } from './standings-sql.ts';
import {
  ZONE,
  branchFilter,
  branchVariable,
  competitionVariable,
  currentEntrantsVariable,
  dayFilter,
  periodVariable,
  v,
} from './variables.ts';

/** The metric of a definition's first target indicator (销量目标), '' when it has none. */
const TARGET_METRIC_OF_DEFINITION = `JSONExtractString(
      arrayFirst(x -> JSONExtractString(x, 'rule', 'kind') = 'target', JSONExtractArrayRaw(definition, 'indicators')),
      'rule', 'metric')`;

/**
 * The target metric of the definition the chosen run was computed with (not the newest version,
 * which may be a draft): branch completion is Σ actual ÷ Σ target over its crews, from the facts.
 */
const targetMetric = sql`
  (SELECT any(${TARGET_METRIC_OF_DEFINITION})
    FROM competitions WHERE competition_id = competition AND version = definition_version) AS target_metric`;
const completionOf = (metric: string, facts = 'facts') =>
  `round(100 * sum(${facts}[concat('${FACT_KEYS.targetActual}', ${metric})]) / nullIf(sum(${facts}[concat('${FACT_KEYS.targetValue}', ${metric})]), 0), 2)`;
const fact = (key: string) => `facts['${key}']`;

/** Per branch on the chosen day. */
const branchTable = sql`
  WITH
    ${chosenRun},
    ${runIndicators},
    ${targetMetric},
    (SELECT count() FROM standings WHERE ${inChosenRun} AND rank IS NOT NULL) AS ranked,
    ceil(ranked * 0.1) AS top_cut
  SELECT
    branch_id,
    any(branch_name) AS branch_name,
    count() AS crews,
    round(avg(score), 2) AS avg_score,
    round(quantileExactInclusive(0.5)(score), 2) AS median_score,
    countIf(rank IS NOT NULL AND rank <= top_cut) AS top10_crews,
    round(100 * top10_crews / crews, 1) AS top10_share,
    ${completionOf('target_metric')} AS target_completion,
    countIf(disqualified = 1) AS disqualified
  FROM standings
  WHERE ${inChosenRun} AND ${branchFilter()}
  GROUP BY branch_id
  ORDER BY avg_score DESC, branch_id`;

/** Each day's final run in the time range with the target metric of the rules it was computed with. */
const dailyRunsWithTarget = sql`
  SELECT runs.as_of AS as_of, runs.last_run AS computed_at, defs.target_metric AS target_metric
  FROM (
    SELECT as_of, max(computed_at) AS last_run, argMax(definition_version, computed_at) AS definition_version
    FROM standings_runs
    WHERE competition_id = ${v.competition} AND ${dayFilter('as_of')}
    GROUP BY as_of
  ) AS runs
  INNER JOIN (
    SELECT version, ${TARGET_METRIC_OF_DEFINITION} AS target_metric
    FROM competitions
    WHERE competition_id = ${v.competition}
  ) AS defs ON defs.version = runs.definition_version
  WHERE defs.target_metric != ''`;

/**
 * A category's column: its Chinese name, with its id when another category has the same name
 * (two equal keys in the JSON would leave Grafana one column).
 */
const COLUMN_OF_CATEGORY = `if(countEqual(arrayMap(x -> x.name.zh, categories), c.name.zh) > 1, concat(c.name.zh, ' · ', c.id), c.name.zh)`;

export const branchesSql = {
  table: branchTable,
  bars: sql`
    SELECT branch_name, avg_score
    FROM (
      ${branchTable}
    )
    ORDER BY avg_score DESC, branch_id`,
  trend: sql`
    SELECT toDateTime(as_of, '${ZONE}') AS time, branch_name, round(avg(score), 2) AS avg_score
    FROM standings
    WHERE competition_id = ${v.competition} AND ${dayFilter('as_of')} AND ${dailyRuns}
      AND ${branchFilter()}
    GROUP BY time, branch_id, branch_name
    ORDER BY time, branch_id`,
  completionTrend: sql`
    SELECT
      toDateTime(s.as_of, '${ZONE}') AS time,
      s.branch_name AS branch_name,
      ${completionOf('r.target_metric', 's.facts')} AS target_completion
    FROM standings AS s
    INNER JOIN (
      ${dailyRunsWithTarget}
    ) AS r ON r.as_of = s.as_of AND r.computed_at = s.computed_at
    WHERE s.competition_id = ${v.competition} AND ${dayFilter('s.as_of')} AND ${branchFilter('s.branch_id')}
    GROUP BY time, s.branch_id, branch_name
    HAVING target_completion IS NOT NULL
    ORDER BY time, s.branch_id`,
  /** Average points of each indicator per branch, in the definition's order, as one JSON object. */
  indicators: sql`
    WITH
      ${chosenRun},
      ${runIndicators}
    SELECT
      branch_id,
      any(branch_name) AS branch_name,
      count() AS crews,
      toJSONString(mapFromArrays(
        arrayMap(i -> i.name.zh, indicators),
        arrayMap(x -> round(x, 2), avgForEach(arrayMap(i -> indicator_points[i.id], indicators))))) AS indicator_points
    FROM standings
    WHERE ${inChosenRun} AND ${branchFilter()}
    GROUP BY branch_id
    ORDER BY branch_id`,
  /**
   * 考核细则: each category's average rate (points ÷ maxPoints, %) over the entrants of each branch,
   * in the sheet's order, as one JSON object. No rows when the run's rules have no sheet.
   */
  categoryRates: sql`
    WITH
      ${chosenRun},
      ${runSheetCategories},
      JSONExtract(sheet, 'categories', 'Array(Tuple(categoryId String, points Float64, maxPoints Float64))') AS outcome
    SELECT
      branch_id,
      any(branch_name) AS branch_name,
      count() AS entrants,
      toJSONString(mapFromArrays(
        arrayMap(c -> ${COLUMN_OF_CATEGORY}, categories),
        arrayMap(x -> round(x, 2), avgForEach(arrayMap(
          c -> 100 * arrayFirst(o -> o.categoryId = c.id, outcome).points
            / nullIf(arrayFirst(o -> o.categoryId = c.id, outcome).maxPoints, 0),
          categories))))) AS category_rates
    FROM standings
    WHERE ${inChosenRun} AND notEmpty(categories) AND sheet != '' AND ${branchFilter()}
    GROUP BY branch_id
    ORDER BY branch_id`,
  /** Branches of different sizes compared per person. */
  perHead: sql`
    WITH
      ${chosenRun},
      ${runIndicators},
      ${targetMetric}
    SELECT
      branch_id,
      any(branch_name) AS branch_name,
      count() AS crews,
      sum(headcount) AS people,
      round(sum(score) / nullIf(people, 0), 3) AS score_per_head,
      round(sum(facts[concat('${FACT_KEYS.targetActual}', target_metric)]) / nullIf(sum(headcount), 0), 1) AS target_actual_per_head,
      round(100 * sum(${fact(FACT_KEYS.hazardsFound)}) / nullIf(sum(headcount), 0), 2) AS hazards_per_100,
      round(100 * sum(${fact(FACT_KEYS.violationPersons)}) / nullIf(sum(headcount), 0), 2) AS violations_per_100
    FROM standings
    WHERE ${inChosenRun} AND ${branchFilter()}
    GROUP BY branch_id
    ORDER BY branch_id`,
  units: sql`
    WITH
      ${chosenRun}
    SELECT
      unit_id,
      any(unit_name) AS unit_name,
      any(unit_type) AS unit_type,
      any(branch_name) AS branch_name,
      count() AS crews,
      round(avg(score), 2) AS avg_score,
      min(rank) AS best_rank,
      countIf(disqualified = 1) AS disqualified
    FROM standings
    WHERE ${inChosenRun} AND ${branchFilter()}
    GROUP BY unit_id
    ORDER BY avg_score DESC, unit_id`,
  unitTypes: sql`
    WITH
      ${chosenRun}
    SELECT
      unit_type,
      count() AS crews,
      round(avg(score), 2) AS avg_score,
      arrayStringConcat(arraySort(groupArrayIf(crew_name, unit_type_rank = 1)), '、') AS leaders,
      maxIf(score, unit_type_rank = 1) AS leader_score
    FROM standings
    WHERE ${inChosenRun} AND ${branchFilter()}
    GROUP BY unit_type
    ORDER BY unit_type`,
  safety: sql`
    WITH
      ${chosenRun}
    SELECT
      branch_id,
      any(branch_name) AS branch_name,
      count() AS crews,
      round(avg(${fact(FACT_KEYS.safetyDays)}), 1) AS avg_safety_days,
      sum(${fact(FACT_KEYS.hazardsFound)}) AS hazards_found,
      sum(${fact(FACT_KEYS.hazardsRectified)}) AS hazards_rectified,
      round(100 * hazards_rectified / nullIf(hazards_found, 0), 1) AS rectification_rate,
      sum(${fact(FACT_KEYS.violationPersons)}) AS violation_persons,
      countIf(vetoed = 1) AS vetoed
    FROM standings
    WHERE ${inChosenRun} AND ${branchFilter()}
    GROUP BY branch_id
    ORDER BY branch_id`,
};

export const CATEGORY_RATES_TITLE = '各类别得分率（按分公司）';
/** What the category rates panel says instead of Grafana's "No data". */
export const NO_SHEET =
  '本竞赛没有考核细则，或所选统计日还没有排名 / This competition has no 考核细则, or no standings on the chosen day';

const UNIT_TYPE_ZH = [
  {
    type: 'value',
    options: {
      station: { text: '加油站', index: 0 },
      mine: { text: '矿', index: 1 },
      workshop: { text: '车间', index: 2 },
      district: { text: '区队', index: 3 },
      depot: { text: '油库', index: 4 },
      other: { text: '其他', index: 5 },
    },
  },
];

export function branchesDashboard(): Dashboard {
  const table = columns(
    tablePanel({
      title: '分公司对比',
      description:
        'Per branch on the chosen day: crews, average and median score (disqualified crews count with 0), crews in the overall top 10 %, and completion of the first sales target of the rules that day’s standings were computed with (Σ actual ÷ Σ target).',
      query: branchesSql.table,
      height: 10,
      span: 16,
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: `${ENTRANT}数` },
      avg_score: { zh: '平均分', decimals: 2 },
      median_score: { zh: '中位数', decimals: 2 },
      top10_crews: { zh: `前10%${ENTRANT}` },
      top10_share: { zh: '前10%占比', unit: 'percent', decimals: 1 },
      target_completion: { ...PERCENT, zh: '目标完成率', decimals: 1 },
      disqualified: { zh: '一票否决' },
    },
  );
  const bars = barsPanel({
    title: '平均分排名',
    description: 'Branches by average score, sorted in SQL.',
    query: branchesSql.bars,
    value: 'avg_score',
    span: 8,
    height: 10,
  });

  const trend = timeSeriesPanel({
    title: '平均分趋势',
    description: 'Average score per branch, from each day’s final standings in the time range.',
    query: branchesSql.trend,
    height: 10,
    span: 12,
  })
    .displayName('${__field.labels.branch_name}')
    .decimals(2);
  const completionTrend = timeSeriesPanel({
    title: '目标完成率趋势',
    description:
      'Sales target completion per branch (Σ actual ÷ Σ target), each day by the target of the rules that day’s standings were computed with.',
    query: branchesSql.completionTrend,
    height: 10,
    span: 12,
  })
    .displayName('${__field.labels.branch_name}')
    .unit('percent')
    .decimals(1);

  const indicators = columns(
    tablePanel({
      title: '各项指标平均得分',
      description:
        'Average points per crew of every indicator, per branch: where each branch earns and loses its points. One column per indicator of the rules the day’s standings were computed with.',
      query: branchesSql.indicators,
      height: 8,
      span: 24,
    }).withTransformation({
      id: 'extractFields',
      options: { source: 'indicator_points', format: 'json', replace: false, keepTime: false },
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: `${ENTRANT}数` },
      indicator_points: { zh: '各项平均分 (JSON)', hidden: true },
    },
  );
  const categoryRates = columns(
    tablePanel({
      title: CATEGORY_RATES_TITLE,
      description:
        'Category rates by branch: for a competition with a 考核细则, each category’s average rate (points ÷ the category’s maximum, %) over the branch’s entrants (crews, units or the branch itself) in the chosen day’s standings, one column per category in the sheet’s order. Empty for a competition without a sheet.',
      query: branchesSql.categoryRates,
      height: 8,
      span: 24,
    })
      .withTransformation({
        id: 'extractFields',
        options: { source: 'category_rates', format: 'json', replace: false, keepTime: false },
      })
      // Every extracted category column is a rate; the fixed columns below say otherwise.
      .unit(PERCENT.unit ?? 'percent')
      .min(0)
      .max(100)
      .decimals(1)
      .thresholds(percentColours())
      .cellOptions({ type: TableCellDisplayMode.Gauge, mode: BarGaugeDisplayMode.Basic })
      .noValue(NO_SHEET),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司', cell: { type: 'auto' } },
      entrants: { zh: '参评数', unit: 'none', decimals: 0, cell: { type: 'auto' } },
      category_rates: { zh: '各类别得分率 (JSON)', hidden: true },
    },
  );
  const perHead = columns(
    tablePanel({
      title: '人均对比',
      description:
        'Branches of different sizes compared per person: people, score per head, sales of the first target’s metric per head, hazards found and 三违 person-times per 100 people.',
      query: branchesSql.perHead,
      height: 9,
      span: 12,
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: `${ENTRANT}数` },
      people: { zh: '人数' },
      score_per_head: { zh: '人均得分', decimals: 3 },
      target_actual_per_head: { zh: '人均销量', decimals: 1 },
      hazards_per_100: { zh: '每百人发现隐患', decimals: 2 },
      violations_per_100: { zh: '每百人三违', decimals: 2 },
    },
  );
  const safety = columns(
    tablePanel({
      title: '安全指标（按分公司）',
      description:
        'The Ankang figures by branch, as the scoring engine measured them: average safe days, hazards found and rectified with the rate, 三违 person-times, crews with a veto.',
      query: branchesSql.safety,
      height: 9,
      span: 12,
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: `${ENTRANT}数` },
      avg_safety_days: { zh: '平均安全天数', decimals: 1 },
      hazards_found: { zh: '发现隐患', decimals: 0 },
      hazards_rectified: { zh: '已整改', decimals: 0 },
      rectification_rate: { ...PERCENT, zh: '整改率', decimals: 1 },
      violation_persons: { zh: '三违人次', decimals: 0 },
      vetoed: { zh: `否决${ENTRANT}` },
    },
  );
  const units = columns(
    tablePanel({
      title: '单位对比',
      description:
        'Per unit (station, mine, workshop) of the selected branches: crews, average score, the best overall rank among its crews, disqualified crews.',
      query: branchesSql.units,
      height: 10,
      span: 14,
    }),
    {
      unit_id: { zh: '单位编号', hidden: true },
      unit_name: { zh: '单位' },
      unit_type: { zh: '类型', mappings: UNIT_TYPE_ZH },
      branch_name: { zh: '分公司' },
      crews: { zh: `${ENTRANT}数` },
      avg_score: { zh: '平均分', decimals: 2 },
      best_rank: { zh: '最好名次' },
      disqualified: { zh: '一票否决' },
    },
  );
  const unitTypes = columns(
    tablePanel({
      title: '单位类型对比',
      description:
        'Per unit type: crews and average score, and the crews ranked first within their type (unit_type_rank, when the competition ranks by unit type).',
      query: branchesSql.unitTypes,
      height: 10,
      span: 10,
    }),
    {
      unit_type: { zh: '单位类型', mappings: UNIT_TYPE_ZH },
      crews: { zh: `${ENTRANT}数` },
      avg_score: { zh: '平均分', decimals: 2 },
      leaders: { zh: '类型第一' },
      leader_score: { zh: '第一得分', decimals: 2 },
    },
  );

  return leaderboardDashboard(
    DASHBOARD_UIDS.branches,
    '分公司对比',
    'HQ branch comparison: average and median score, top-10 % crews, target completion and trends per branch; points by indicator, per-head figures, units and unit types, and the Ankang safety figures by branch.',
  )
    .withVariable(competitionVariable())
    .withVariable(branchVariable())
    .withVariable(periodVariable())
    .withVariable(currentEntrantsVariable())
    .annotations(leaderboardAnnotations('competition'))
    .withPanel(table)
    .withPanel(bars)
    .withPanel(trend)
    .withPanel(completionTrend)
    .withPanel(indicators)
    .withPanel(categoryRates)
    .withPanel(perHead)
    .withPanel(safety)
    .withPanel(units)
    .withPanel(unitTypes)
    .build();
}
