import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FACT_KEYS } from '../../services/scoring/snapshot-facts.ts';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  DASHBOARD_UIDS,
  leaderboardDashboard,
  PERCENT,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { chosenRun, dailyRuns, inChosenRun, runIndicators } from './standings-sql.ts';
import { ZONE, branchFilter, branchVariable, competitionVariable, dayFilter, periodVariable, v } from './variables.ts';

/**
 * The metric of the competition's first target indicator (销量目标): branch completion is
 * Σ actual ÷ Σ target over its crews that have a target, read from the snapshot's facts.
 */
const targetMetric = sql`
  (SELECT JSONExtractString(
      arrayFirst(x -> JSONExtractString(x, 'rule', 'kind') = 'target', JSONExtractArrayRaw(any(definition), 'indicators')),
      'rule', 'metric')
    FROM competitions WHERE competition_id = competition AND version = definition_version) AS target_metric`;
const completion = `round(100 * sum(facts[concat('${FACT_KEYS.targetActual}', target_metric)]) / nullIf(sum(facts[concat('${FACT_KEYS.targetValue}', target_metric)]), 0), 2)`;

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
    ${completion} AS target_completion,
    countIf(disqualified = 1) AS disqualified
  FROM standings
  WHERE ${inChosenRun} AND ${branchFilter()}
  GROUP BY branch_id
  ORDER BY avg_score DESC, branch_id`;

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
    WITH
      ${v.competition} AS competition,
      (SELECT max(version) FROM competitions WHERE competition_id = competition) AS definition_version,
      ${targetMetric}
    SELECT toDateTime(as_of, '${ZONE}') AS time, branch_name, ${completion} AS target_completion
    FROM standings
    WHERE competition_id = competition AND ${dayFilter('as_of')} AND ${dailyRuns}
      AND ${branchFilter()}
    GROUP BY time, branch_id, branch_name
    HAVING target_completion IS NOT NULL
    ORDER BY time, branch_id`,
};
export function branchesDashboard(): Dashboard {
  const table = columns(
    tablePanel({
      title: '分公司对比',
      description:
        'Per branch on the chosen day: crews, average and median score (disqualified crews count with 0), crews in the overall top 10 %, and completion of the competition’s first sales target (Σ actual ÷ Σ target).',
      query: branchesSql.table,
      height: 10,
      span: 16,
    }),
    {
      branch_id: { zh: '分公司编号', hidden: true },
      branch_name: { zh: '分公司' },
      crews: { zh: '班组数' },
      avg_score: { zh: '平均分', decimals: 2 },
      median_score: { zh: '中位数', decimals: 2 },
      top10_crews: { zh: '前10%班组' },
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
    description: 'Sales target completion per branch over the period (Σ actual ÷ Σ target).',
    query: branchesSql.completionTrend,
    height: 10,
    span: 12,
  })
    .displayName('${__field.labels.branch_name}')
    .unit('percent')
    .decimals(1);

  return leaderboardDashboard(
    DASHBOARD_UIDS.branches,
    '分公司对比',
    'HQ branch comparison: average and median score, top-10 % crews, target completion and trends per branch.',
  )
    .withVariable(competitionVariable())
    .withVariable(branchVariable())
    .withVariable(periodVariable())
    .withPanel(table)
    .withPanel(bars)
    .withPanel(trend)
    .withPanel(completionTrend)
    .build();
}
