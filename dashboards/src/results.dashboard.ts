import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { QueryVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { sql } from './clickhouse-query.ts';
import {
  alarm,
  columns,
  CREW_DETAIL_LINK,
  crewDetailUrl,
  DASHBOARD_UIDS,
  ENTRANT,
  leaderboardDashboard,
  STANDINGS_LOOKS,
  statPanel,
  tablePanel,
} from './panels.ts';
import { STANDINGS_ORDER } from './standings-sql.ts';
import {
  branchFilter,
  branchVariable,
  competitionVariable,
  entrantLevelOf,
  entrantsVariable,
  sqlVariable,
  unitFilter,
  unitVariable,
  v,
  zoneVariable,
} from './variables.ts';

/**
 * Each closed period of the chosen competition: its latest closure counts (as the API reads
 * closures: a 复核 after an upheld objection freezes the period again), with the stage name of the
 * rules it closed under.
 */
const CLOSURES = sql`
  SELECT
    c.period_id AS period_id,
    if(c.period_id = 'final', '全程',
      ifNull(nullIf(JSONExtractString(
        arrayFirst(x -> JSONExtractString(x, 'id') = c.period_id, JSONExtractArrayRaw(d.definition, 'stages')),
        'name', 'zh'), ''), c.period_id)) AS period_name,
    c.period_start AS period_start,
    c.period_end AS period_end,
    c.closed_at AS closed_at,
    c.closed_by AS closed_by,
    c.note AS note,
    c.definition_version AS definition_version,
    c.crews AS crews,
    -- 参赛对象 and time zone of the rules it closed under (crew when a definition predates the field).
    ${entrantLevelOf('d.definition')} AS entrant_level,
    JSONExtractString(d.definition, 'timeZone') AS time_zone
  FROM (
    SELECT period_id, period_start, period_end, closed_at, closed_by, note, definition_version, crews
    FROM period_closures
    WHERE competition_id = ${v.competition}
    ORDER BY period_id, closed_at DESC
    LIMIT 1 BY period_id
  ) AS c
  LEFT JOIN (
    SELECT version, definition FROM competitions WHERE competition_id = ${v.competition}
  ) AS d ON d.version = c.definition_version`;

/** 结算期: the closed periods of the chosen competition, the newest first. */
function closureVariable(): QueryVariableBuilder {
  const query = sql`
    SELECT period_id, concat(period_name, ' · ', toString(period_start), ' 至 ', toString(period_end)) AS text
    FROM (
      ${CLOSURES}
    )
    ORDER BY period_end DESC, period_id`;
  return sqlVariable(
    'closure',
    '结算期',
    'A closed period (stage, or 全程 for the whole competition) of the chosen competition',
    query,
  );
}

/** The chosen closure (one row, or none), for the variables that follow from it. */
const chosenClosureRow = (column: string) => sql`
  SELECT ${column} FROM (
    ${CLOSURES}
  ) WHERE period_id = ${v.closure}`;

/** WITH items naming the chosen closure: its period, instant, dates and rules version. */
const chosenClosure = sql`
  ${v.competition} AS competition,
  ${v.closure} AS period,
  (SELECT maxOrNull(closed_at) FROM period_closures WHERE competition_id = competition AND period_id = period) AS closed,
  (SELECT any(period_start) FROM period_closures
    WHERE competition_id = competition AND period_id = period AND closed_at = closed) AS period_start,
  (SELECT any(period_end) FROM period_closures
    WHERE competition_id = competition AND period_id = period AND closed_at = closed) AS period_end,
  (SELECT any(definition_version) FROM period_closures
    WHERE competition_id = competition AND period_id = period AND closed_at = closed) AS definition_version`;

/** The frozen rows of the chosen closure, of the selected branches and units. */
const FINAL_ROWS = `competition_id = competition AND period_id = period AND closed_at = closed AND ${branchFilter()} AND ${unitFilter()}`;

/** The frozen rows' ids of the chosen closure, of the selected branches and units. */
const FINAL_IDS = `SELECT crew_id FROM final_standings WHERE ${FINAL_ROWS}`;

/** Changes stored no earlier than the competition's first closing: no later one can be late. */
const SINCE_FIRST_CLOSING =
  'stored_at >= (SELECT min(closed_at) FROM period_closures WHERE competition_id = competition)';

/**
 * The late changes of these closures (columns of CLOSURES), exactly as the API counts and lists
 * them (services/storage/closures.store.ts): events for a period's days stored from its closing on,
 * and corrections of its events made since (a correction carries the corrected event's day, crew
 * and person), each on the frozen row it would have changed by the period's entrant level: a crew
 * level's by crew id; a unit or branch level's through the crews it summed at the closing
 * (final_standing_crews, migration 0029); a person level's by the event's person (an event naming
 * nobody is late for no person). Each change is matched by a "crew:" and a "person:" key, each
 * period's members by the one its level uses.
 */
const lateChanges = (closures: string) => sql`
  SELECT
    k.period_id AS period_id,
    k.entrant_id AS entrant_id,
    c.event_id AS event_id,
    c.crew_id AS crew_id,
    c.person_id AS person_id,
    c.type AS type,
    c.occurred_at AS occurred_at,
    c.received_at AS received_at,
    c.stored_at AS stored_at,
    c.correction_id AS correction_id,
    c.action AS action,
    c.reason AS reason
  FROM (
    SELECT *, arrayJoin([concat('crew:', crew_id), concat('person:', person_id)]) AS member
    FROM (
      SELECT event_id, crew_id, person_id, type, occurred_at, received_at, stored_at,
             '' AS correction_id, '' AS action, '' AS reason
      FROM events WHERE ${SINCE_FIRST_CLOSING}
      UNION ALL
      SELECT event_id, crew_id, person_id, type, occurred_at, requested_at, stored_at, correction_id, action, reason
      FROM event_corrections WHERE ${SINCE_FIRST_CLOSING}
    )
  ) AS c
  INNER JOIN (
    SELECT p.period_id AS period_id, p.period_start AS period_start, p.period_end AS period_end,
           p.closed_at AS closed_at, m.entrant_id AS entrant_id,
           concat(if(p.entrant_level = 'person', 'person:', 'crew:'), m.member) AS member
    FROM (
      ${closures}
    ) AS p
    INNER JOIN (
      SELECT period_id, closed_at, crew_id AS member, crew_id AS entrant_id, 1 AS frozen_row
      FROM final_standings WHERE competition_id = competition
      UNION ALL
      SELECT period_id, closed_at, crew_id, entrant_id, 0
      FROM final_standing_crews WHERE competition_id = competition
    ) AS m ON m.period_id = p.period_id AND m.closed_at = p.closed_at
    WHERE m.frozen_row = (p.entrant_level IN ('crew', 'person'))
  ) AS k ON k.member = c.member
  WHERE c.occurred_at >= toDateTime(k.period_start, ${v.zone}) AND c.occurred_at < toDateTime(k.period_end + 1, ${v.zone})
    AND c.stored_at >= k.closed_at`;

/** The late changes of the chosen closure on its frozen rows of the selected branches and units. */
const LATE_OF_CLOSURE = sql`
  SELECT * FROM (
    ${lateChanges(sql`
      SELECT * FROM (
        ${CLOSURES}
      ) WHERE period_id = period`)}
  ) WHERE entrant_id IN (${FINAL_IDS})`;

/**
 * An instant as the competition's wall-clock time: text, as Grafana would show a time column in
 * the dashboard's zone (Asia/Shanghai), not in a competition's own.
 */
const inZone = (column: string) => `formatDateTime(${column}, '%Y-%m-%d %H:%i:%S', ${v.zone})`;

export const resultsSql = {
  closures: CLOSURES,
  summary: sql`
    WITH
      ${chosenClosure}
    SELECT
      (SELECT count() FROM final_standings WHERE ${FINAL_ROWS}) AS crews,
      formatDateTime(closed, '%Y-%m-%d %H:%i', ${v.zone}) AS closed_at,
      definition_version,
      (SELECT count() FROM (
        ${LATE_OF_CLOSURE}
      )) AS late_events
    WHERE closed IS NOT NULL`,
  table: sql`
    WITH
      ${chosenClosure},
      (SELECT JSONExtract(any(definition), 'indicators', 'Array(Tuple(id String, name Tuple(zh String, en String)))')
        FROM competitions WHERE competition_id = competition AND version = definition_version) AS indicators
    SELECT
      f.rank AS rank,
      f.crew_name AS crew_name,
      f.unit_name AS unit_name,
      f.branch_name AS branch_name,
      f.branch_rank AS branch_rank,
      f.score AS score,
      toJSONString(mapFromArrays(
        arrayMap(i -> i.name.zh, indicators),
        arrayMap(i -> f.points[i.id], indicators))) AS indicator_points,
      multiIf(f.disqualified = 1, '一票否决', length(f.vetoes) > 0, '单项否决', '') AS veto_state,
      arrayStringConcat(arrayMap(x -> concat(x.name.zh, '：', x.reason.zh), f.vetoes), '；') AS veto_reasons,
      l.late_events AS late_events,
      f.crew_id AS crew_id,
      ${crewDetailUrl({ withPeriod: false }, 'f.crew_id')} AS crew_detail
    FROM (
      SELECT
        rank, crew_id, crew_name, unit_name, branch_name, branch_rank, score, disqualified,
        CAST(JSONExtract(detail, 'indicators', 'Array(Tuple(indicatorId String, points Float64))'), 'Map(String, Float64)') AS points,
        JSONExtract(detail, 'vetoes', 'Array(Tuple(name Tuple(zh String, en String), reason Tuple(zh String, en String)))') AS vetoes
      FROM final_standings
      WHERE ${FINAL_ROWS}
    ) AS f
    LEFT JOIN (
      SELECT entrant_id, count() AS late_events
      FROM (
        ${LATE_OF_CLOSURE}
      )
      GROUP BY entrant_id
    ) AS l ON l.entrant_id = f.crew_id
    ORDER BY ${STANDINGS_ORDER}`,
  list: sql`
    WITH ${v.competition} AS competition
    SELECT
      c.period_id AS period_id,
      c.period_name AS period_name,
      toString(c.period_start) AS period_start,
      toString(c.period_end) AS period_end,
      ${inZone('c.closed_at')} AS closed_at,
      c.closed_by AS closed_by,
      c.note AS note,
      c.definition_version AS definition_version,
      c.crews AS crews,
      -- 公示 (migration 0034): until when, and whether the organiser confirmed the results final.
      multiIf(
        n.confirmed_at IS NOT NULL, concat('正式结果（', ${inZone('n.confirmed_at')}, ' 确认）'),
        n.ends_on != '', concat('公示至 ', n.ends_on, '，未确认'),
        '已结算（无公示）') AS notice_status,
      l.late_events AS late_events
    FROM (
      ${CLOSURES}
    ) AS c
    LEFT JOIN (
      SELECT
        period_id,
        anyIf(JSONExtractString(detail, 'endsOn'), action = 'opened') AS ends_on,
        minIf(at, action = 'confirmed') AS first_confirmed,
        if(countIf(action = 'confirmed') > 0, first_confirmed, NULL) AS confirmed_at
      FROM (SELECT * FROM period_notice_actions FINAL WHERE competition_id = competition)
      GROUP BY period_id
    ) AS n ON n.period_id = c.period_id
    LEFT JOIN (
      SELECT period_id, count() AS late_events
      FROM (
        ${lateChanges(CLOSURES)}
      )
      GROUP BY period_id
    ) AS l ON l.period_id = c.period_id
    ORDER BY c.period_end DESC, c.period_id`,
  late: sql`
    WITH
      ${chosenClosure}
    SELECT
      ${inZone('l.stored_at')} AS stored_at,
      ${inZone('l.occurred_at')} AS occurred_at,
      ${inZone('l.received_at')} AS received_at,
      f.crew_name AS entrant_name,
      l.entrant_id AS entrant_id,
      l.crew_id AS crew_id,
      l.person_id AS person_id,
      l.type AS type,
      multiIf(l.action = 'withdraw', '撤回', l.action = 'correct', '更正', '') AS correction,
      l.reason AS correction_reason,
      l.event_id AS event_id
    FROM (
      ${LATE_OF_CLOSURE}
    ) AS l
    INNER JOIN (SELECT crew_id, crew_name FROM final_standings WHERE ${FINAL_ROWS}) AS f ON f.crew_id = l.entrant_id
    ORDER BY l.stored_at, l.crew_id, l.event_id, l.correction_id
    LIMIT 1000`,
};

/** The chosen closure's time zone, as headings and titles name it. */
const ZONE_TEXT = '${zone}';

const stat = (title: string, description: string, field: string, unit?: string) =>
  statPanel({ title, description, query: resultsSql.summary, field, span: 6, ...(unit ? { unit } : {}) });

export function resultsDashboard(): Dashboard {
  const table = columns(
    tablePanel({
      title: '正式排名',
      description:
        'The frozen final standings of the chosen closed period, exactly as they were when it closed (rules and registry of that moment): awards are decided on these, never on live standings. Late changes (events for its days stored after the closing, and corrections of its events made since) are counted on the entrant they would have changed (crew, unit, branch or person, as the API counts them); they are not in the standings. Whether the results are confirmed final (公示) is in 结算记录.',
      query: resultsSql.table,
      height: 18,
      span: 24,
    }).withTransformation({
      id: 'extractFields',
      options: { source: 'indicator_points', format: 'json', replace: false, keepTime: false },
    }),
    {
      // Frozen standings keep no rank movement.
      ...Object.fromEntries(Object.entries(STANDINGS_LOOKS).filter(([name]) => name !== 'movement')),
      // A crew's detail in the same competition (its live standings; the frozen ones are here).
      crew_name: { zh: ENTRANT, links: [CREW_DETAIL_LINK] },
      branch_rank: { zh: '分公司内名次', width: 100 },
      indicator_points: { zh: '各项得分 (JSON)', hidden: true },
      veto_state: { zh: '否决' },
      veto_reasons: { zh: '否决原因' },
      late_events: {
        zh: '迟到事件',
        cell: { type: 'color-text' },
        thresholds: [
          { value: null, color: 'text' },
          { value: 1, color: 'orange' },
        ],
      },
    },
  );
  const list = columns(
    tablePanel({
      title: '结算记录',
      description:
        'Every closed period of the competition: its days, when and by whom it closed (or was last re-checked after an upheld objection), under which rules version, how many entrants, its 公示 (until when; 正式结果 once the organiser confirmed), and the late changes stored since (as the API’s lateEvents).',
      query: resultsSql.list,
      height: 8,
      span: 24,
    }),
    {
      period_id: { zh: '阶段编号' },
      period_name: { zh: '阶段' },
      period_start: { zh: '开始' },
      period_end: { zh: '结束' },
      closed_at: { zh: `结算时间（${ZONE_TEXT}）` },
      closed_by: { zh: '结算人' },
      note: { zh: '说明' },
      definition_version: { zh: '规则版本' },
      crews: { zh: `${ENTRANT}数` },
      notice_status: { zh: '公示/确认' },
      late_events: { zh: '迟到事件' },
    },
  );
  const late = columns(
    tablePanel({
      title: '迟到事件',
      description:
        'Events for the chosen period’s days stored after it closed, and corrections of its events made since, each with the entrant (参赛对象: crew, unit, branch or person) whose frozen row it would have changed: recorded, not applied to its final standings (the first 1,000, in the order they were stored).',
      query: resultsSql.late,
      height: 8,
      span: 24,
    }),
    {
      stored_at: { zh: `入库时间（${ZONE_TEXT}）` },
      occurred_at: { zh: `发生时间（${ZONE_TEXT}）` },
      received_at: { zh: `接收时间（${ZONE_TEXT}）` },
      entrant_name: { zh: ENTRANT },
      entrant_id: { zh: `${ENTRANT}编号` },
      crew_id: { zh: '班组编号' },
      person_id: { zh: '人员编号' },
      type: { zh: '类型' },
      correction: { zh: '更正' },
      correction_reason: { zh: '更正原因' },
      event_id: { zh: '事件编号' },
    },
  );

  return leaderboardDashboard(
    DASHBOARD_UIDS.results,
    '正式结果',
    'Official results: the frozen final standings of closed periods (stages and whole competitions), per competition and period, with late events noted. Awards are decided on these.',
  )
    .withVariable(competitionVariable({ first: 'closed' }))
    .withVariable(closureVariable())
    .withVariable(entrantsVariable(chosenClosureRow('entrant_level AS level')))
    .withVariable(zoneVariable(chosenClosureRow('time_zone AS zone')))
    .withVariable(branchVariable())
    .withVariable(unitVariable())
    .withPanel(stat(`参赛${ENTRANT}`, 'Entrants in the final standings (selected branches and units)', 'crews'))
    .withPanel(
      stat(
        `结算时间（${ZONE_TEXT}）`,
        'When the period was closed, in the time zone of the rules it closed under',
        'closed_at',
      ),
    )
    .withPanel(stat('规则版本', 'The rules version the period closed under', 'definition_version'))
    .withPanel(
      statPanel({
        title: '迟到事件',
        description:
          'Late changes: events for this period’s days stored after the closing and corrections of its events made since, on its frozen entrants (as the API’s lateEvents): not applied (orange when any)',
        query: resultsSql.summary,
        field: 'late_events',
        span: 6,
        alarm: alarm([{ from: 1, color: 'orange' }]),
      }),
    )
    .withPanel(table)
    .withPanel(list)
    .withPanel(late)
    .build();
}
