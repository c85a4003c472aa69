import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FACT_KEYS } from '../../services/scoring/snapshot-facts.ts';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  crewDetailUrl,
  DASHBOARD_UIDS,
  ENTRANT,
  leaderboardDashboard,
  PERCENT,
  STANDINGS_LOOKS,
  statPanel,
  tablePanel,
} from './panels.ts';
import { chosenRun, inChosenRun, MOVEMENT, STANDINGS_ORDER, topTen } from './standings-sql.ts';
import { competitionsOfKind } from './competitions-sql.ts';
import {
  branchFilter,
  branchVariable,
  competitionVariable,
  currentEntrantsVariable,
  periodVariable,
  unitFilter,
  unitVariable,
} from './variables.ts';

/**
 * Only an Ankang Cup: a labour competition in a bookmarked URL must not appear as Ankang
 * standings (the dashboards' own links never carry one here).
 */
const inScope = sql`
  ${inChosenRun} AND ${branchFilter()} AND ${unitFilter()}
    AND competition IN (
      ${competitionsOfKind('ankang')}
    )`;
/** A fact as the scoring engine measured it; NULL where the snapshot has none (the rate without hazards). */
const fact = (key: string) => `if(mapContains(facts, '${key}'), facts['${key}'], NULL)`;

export const ankangSql = {
  summary: sql`
    WITH
      ${chosenRun}
    SELECT
      count() AS crews,
      countIf(vetoed = 1) AS vetoed,
      sum(${fact(FACT_KEYS.hazardsFound)}) AS hazards_found,
      sum(${fact(FACT_KEYS.hazardsRectified)}) AS hazards_rectified,
      round(100 * hazards_rectified / nullIf(hazards_found, 0), 2) AS rectification_rate,
      sum(${fact(FACT_KEYS.violationPersons)}) AS violation_persons
    FROM standings
    WHERE ${inScope}`,
  table: sql`
    WITH
      ${chosenRun}
    SELECT
      rank,
      ${MOVEMENT} AS movement,
      crew_name,
      unit_name,
      branch_name,
      score,
      ${fact(FACT_KEYS.safetyDays)} AS safety_days,
      ${fact(FACT_KEYS.hazardsFound)} AS hazards_found,
      ${fact(FACT_KEYS.hazardsRectified)} AS hazards_rectified,
      ${fact(FACT_KEYS.rectificationRate)} AS rectification_rate,
      ${fact(FACT_KEYS.violationPersons)} AS violation_persons,
      multiIf(disqualified = 1, '一票否决', vetoed = 1, '单项否决', '') AS veto_state,
      arrayStringConcat(veto_reasons, '；') AS veto_reasons,
      crew_id,
      ${crewDetailUrl({ withPeriod: true })} AS crew_detail
    FROM standings
    WHERE ${inScope}
    ORDER BY ${STANDINGS_ORDER}`,
  topN: topTen(inScope),
};

const stat = (title: string, description: string, field: string, unit?: string) =>
  statPanel({ title, description, query: ankangSql.summary, field, span: 4, ...(unit ? { unit } : {}) });

export function ankangDashboard(): Dashboard {
  const table = columns(
    tablePanel({
      title: '安康杯排名',
      description:
        'Ankang Cup standings of the chosen day: rank, safe days, hazards found and rectified with the rectification rate, 三违 person-times, and the one-vote veto (一票否决) with its reason — as the scoring engine measured them.',
      query: ankangSql.table,
      height: 20,
      span: 17,
    }),
    {
      ...STANDINGS_LOOKS,
      safety_days: { zh: '安全天数', decimals: 0 },
      hazards_found: { zh: '发现隐患', decimals: 0 },
      hazards_rectified: { zh: '已整改', decimals: 0 },
      rectification_rate: { ...PERCENT, zh: '整改率', decimals: 1 },
      violation_persons: { zh: '三违人次', decimals: 0 },
      veto_state: {
        zh: '否决',
        cell: { type: 'color-background' },
        mappings: [
          {
            type: 'value',
            options: {
              一票否决: { color: 'red', index: 0 },
              单项否决: { color: 'orange', index: 1 },
              '': { color: 'transparent', index: 2 },
            },
          },
        ],
      },
      veto_reasons: { zh: '否决原因' },
    },
  );
  const topN = barsPanel({
    title: '前十名',
    description: 'Top 10 crews of the Ankang Cup, sorted in SQL.',
    query: ankangSql.topN,
    value: 'score',
    span: 7,
    height: 20,
  });

  return leaderboardDashboard(
    DASHBOARD_UIDS.ankang,
    '安康杯排名',
    'Ankang Cup rankings: safety days, hazards, violations and vetoes per crew, from the scoring service’s snapshots.',
  )
    .withVariable(competitionVariable({ kind: 'ankang' }))
    .withVariable(branchVariable())
    .withVariable(unitVariable())
    .withVariable(periodVariable())
    .withVariable(currentEntrantsVariable())
    .withPanel(stat(`参赛${ENTRANT}`, 'Entrants in the standings (selected branches)', 'crews'))
    .withPanel(stat('一票否决', 'Crews with a veto applied (disqualified or an indicator zeroed)', 'vetoed'))
    .withPanel(stat('发现隐患', 'Hazards found in the period', 'hazards_found'))
    .withPanel(stat('已整改', 'Of those, rectified', 'hazards_rectified'))
    .withPanel(stat('整改率', 'Rectified ÷ found, all selected crews', 'rectification_rate', 'percent'))
    .withPanel(stat('三违人次', 'Violation person-times (三违)', 'violation_persons'))
    .withPanel(table)
    .withPanel(topN)
    .build();
}
