import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { sql } from './clickhouse-query.ts';
import {
  barsPanel,
  columns,
  crewDetailUrl,
  DASHBOARD_UIDS,
  ENTRANT,
  leaderboardDashboard,
  STANDINGS_LOOKS,
  statPanel,
  tablePanel,
} from './panels.ts';
import { chosenRun, inChosenRun, MOVEMENT, runIndicators, STANDINGS_ORDER, topTen } from './standings-sql.ts';
import {
  branchFilter,
  branchVariable,
  competitionVariable,
  currentEntrantsVariable,
  eventsOfEntrants,
  periodVariable,
  unitFilter,
  unitVariable,
  ZONE,
} from './variables.ts';

const inScope = `${inChosenRun} AND ${branchFilter()} AND ${unitFilter()}`;

export const standingsSql = {
  crews: sql`
    WITH
      ${chosenRun}
    SELECT count() AS crews
    FROM standings
    WHERE ${inScope}`,
  eventsOfDay: sql`
    WITH
      ${chosenRun}
    SELECT count() AS events
    FROM events
    WHERE occurred_at >= toDateTime(day, '${ZONE}') AND occurred_at < toDateTime(day + 1, '${ZONE}')
      AND ${eventsOfEntrants(`SELECT crew_id FROM standings WHERE ${inScope}`)}`,
  leader: sql`
    WITH
      ${chosenRun}
    SELECT arrayStringConcat(groupArray(crew_name), '、') AS leader, any(score) AS score
    FROM (
      SELECT crew_name, score FROM standings
      WHERE ${inScope} AND rank = (SELECT min(rank) FROM standings WHERE ${inScope})
      ORDER BY crew_id
    )
    HAVING count() > 0`,
  asOf: sql`
    WITH
      ${chosenRun}
    SELECT toString(day) AS standings_day, run AS computed_at
    WHERE day IS NOT NULL`,
  table: sql`
    WITH
      ${chosenRun},
      ${runIndicators}
    SELECT
      rank,
      ${MOVEMENT} AS movement,
      crew_name,
      unit_name,
      branch_name,
      branch_rank,
      score,
      toJSONString(mapFromArrays(
        arrayMap(i -> i.name.zh, indicators),
        arrayMap(i -> indicator_points[i.id], indicators))) AS indicator_points,
      if(disqualified = 1, arrayStringConcat(veto_reasons, '；'), '') AS veto,
      crew_id,
      ${crewDetailUrl({ withPeriod: true })} AS crew_detail,
      rank_change
    FROM standings
    WHERE ${inScope}
    ORDER BY ${STANDINGS_ORDER}`,
  topN: topTen(inScope),
};

const stat = (title: string, description: string, query: string, field: string) =>
  statPanel({ title, description, query, field, span: 6 });

export function standingsDashboard(): Dashboard {
  const table = columns(
    tablePanel({
      title: '排行榜',
      description:
        'Standings of the chosen day from the latest snapshot the scoring service wrote: rank (overall; branch rank beside it), movement since the previous day, score and every indicator’s points, per entrant (crew, person, unit or branch, as the competition’s entrants; the column is headed so). Ordered by rank, then id, so rows stay put on refresh. In a crew competition, click a crew for its detail.',
      query: standingsSql.table,
      height: 20,
      span: 16,
    })
      // Indicators differ per competition: their points arrive as one JSON object and become one column each.
      .withTransformation({
        id: 'extractFields',
        options: { source: 'indicator_points', format: 'json', replace: false, keepTime: false },
      }),
    {
      ...STANDINGS_LOOKS,
      branch_rank: { zh: '分公司内名次', width: 100 },
      indicator_points: { zh: '各项得分 (JSON)', hidden: true },
      veto: { zh: '一票否决' },
      rank_change: { zh: '名次变化', hidden: true },
    },
  );
  const topN = barsPanel({
    title: '前十名',
    description: 'Top 10 entrants by rank (sorted in SQL, so the bars keep the standings order).',
    query: standingsSql.topN,
    value: 'score',
    span: 8,
    height: 20,
  });

  return leaderboardDashboard(
    DASHBOARD_UIDS.standings,
    '劳动竞赛排行榜',
    'Competition standings: ranks, scores and indicator points per crew, from the scoring service’s snapshots.',
  )
    .withVariable(competitionVariable())
    .withVariable(branchVariable())
    .withVariable(unitVariable())
    .withVariable(periodVariable())
    .withVariable(currentEntrantsVariable())
    .withPanel(
      stat(`参赛${ENTRANT}`, 'Entrants in the standings (selected branches and units)', standingsSql.crews, 'crews'),
    )
    .withPanel(
      stat(
        '当日事件',
        'Events that occurred on the standings day, for these entrants’ crews',
        standingsSql.eventsOfDay,
        'events',
      ),
    )
    .withPanel(
      stat(
        `领先${ENTRANT}`,
        'The leading entrant, or those sharing first place (selected branches and units)',
        standingsSql.leader,
        'leader',
      ),
    )
    .withPanel(stat('统计日', 'The standings day shown (and when it was computed)', standingsSql.asOf, 'standings_day'))
    .withPanel(table)
    .withPanel(topN)
    .build();
}
