import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ThresholdsConfigBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { leaderboardAnnotations } from './annotations.ts';
import { sql } from './clickhouse-query.ts';
import { CURRENT_COMPETITIONS } from './competitions-sql.ts';
import {
  alarm,
  columns,
  DASHBOARD_UIDS,
  leaderboardDashboard,
  statPanel,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts';
import { LATE, STANDINGS_BEHIND } from './pipeline-sql.ts';

/** Seconds the oldest unreflected event may wait: orange from one minute, red from five. */
export const STANDINGS_BEHIND_ALARM = [
  { from: 60, color: 'orange' },
  { from: 300, color: 'red' },
] as const;
const DELAY_S = "dateDiff('second', occurred_at, received_at)";

export const pipelineSql = {
  summary: sql`
    SELECT
      count() AS events,
      countIf(${LATE}) AS late,
      round(count() * 60 / greatest(1, dateDiff('second', $__fromTime, $__toTime)), 2) AS per_minute,
      uniqExact(crew_id) AS crews
    FROM events
    WHERE $__timeFilter(received_at)`,
  perMinute: sql`
    SELECT $__timeInterval(received_at) AS time, type, count() * 60 / $__interval_s AS per_minute
    FROM events
    WHERE $__timeFilter(received_at)
    GROUP BY time, type
    ORDER BY time, type`,
  late: sql`
    SELECT
      $__timeInterval(received_at) AS time,
      countIf(${LATE}) AS late,
      round(quantile(0.95)(${DELAY_S}) / 60, 1) AS delay_p95_minutes
    FROM events
    WHERE $__timeFilter(received_at)
    GROUP BY time
    ORDER BY time`,
  byType: sql`
    SELECT
      type,
      count() AS events,
      countIf(${LATE}) AS late,
      round(quantile(0.5)(${DELAY_S}) / 60, 1) AS delay_p50_minutes,
      round(quantile(0.95)(${DELAY_S}) / 60, 1) AS delay_p95_minutes,
      max(received_at) AS last_received
    FROM events
    WHERE $__timeFilter(received_at)
    GROUP BY type
    ORDER BY events DESC, type`,
  consumer: sql`
    SELECT $__timeInterval(recorded_at) AS time, topic, sum(last_offset - first_offset + 1) * 60 / $__interval_s AS messages_per_minute
    FROM consumer_batches
    WHERE stored = 1 AND $__timeFilter(recorded_at)
    GROUP BY time, topic
    ORDER BY time, topic`,
  deadLetterCount: sql`
    SELECT count() AS dead_letters
    FROM dead_letters
    WHERE $__timeFilter(failed_at)`,
  standingsBehind: sql`
    SELECT ifNull(max(waiting_seconds), 0) AS standings_behind_seconds
    FROM (
      ${STANDINGS_BEHIND}
    )`,
  deadLetters: sql`
    SELECT $__timeInterval(failed_at) AS time, code, count() AS dead_letters
    FROM dead_letters
    WHERE $__timeFilter(failed_at)
    GROUP BY time, code
    ORDER BY time, code`,
  recentDeadLetters: sql`
    SELECT failed_at, code, message, key, topic, partition, offset, value_bytes, value_start
    FROM dead_letters
    WHERE $__timeFilter(failed_at)
    ORDER BY failed_at DESC, topic, partition, offset
    LIMIT 100`,
  freshness: sql`
    SELECT
      r.competition_id AS competition_id,
      c.name_zh AS competition,
      toString(r.as_of) AS standings_day,
      r.last_computed_at AS computed_at,
      dateDiff('second', r.last_computed_at, $__toTime) AS age_seconds,
      b.waiting_events AS waiting_events,
      b.waiting_seconds AS waiting_seconds,
      r.crews AS crews,
      r.definition_version AS definition_version
    FROM (
      SELECT competition_id, argMax(as_of, computed_at) AS as_of, max(computed_at) AS last_computed_at,
             argMax(crews, computed_at) AS crews, argMax(definition_version, computed_at) AS definition_version
      FROM standings_runs
      WHERE computed_at <= $__toTime
      GROUP BY competition_id
    ) AS r
    INNER JOIN (
      ${CURRENT_COMPETITIONS}
    ) AS c ON c.competition_id = r.competition_id
    LEFT JOIN (
      ${STANDINGS_BEHIND}
    ) AS b ON b.competition_id = r.competition_id
    ORDER BY competition_id`,
};

const stat = (
  title: string,
  description: string,
  field: string,
  query = pipelineSql.summary,
  alarmFrom?: ThresholdsConfigBuilder,
) => statPanel({ title, description, query, field, span: 4, ...(alarmFrom ? { alarm: alarmFrom } : {}) });

export function pipelineDashboard(): Dashboard {
  const perMinute = timeSeriesPanel({
    title: '每分钟事件数（按类型）',
    description: 'Events stored per minute by type, by the time they were received.',
    query: pipelineSql.perMinute,
    height: 9,
    span: 12,
  })
    .displayName('${__field.labels.type}')
    .unit('short');
  const late = columns(
    timeSeriesPanel({
      title: '迟到事件',
      description:
        'Events received after the day they happened on had closed (they rewrite closed days’ standings), and the 95th percentile delay from occurrence to receipt.',
      query: pipelineSql.late,
      height: 9,
      span: 12,
    }),
    { late: { zh: '迟到事件' }, delay_p95_minutes: { zh: '延迟 p95（分钟）' } },
  );
  late.overrideByName('delay_p95_minutes', [{ id: 'custom.axisPlacement', value: 'right' }]);
  const byType = columns(
    tablePanel({
      title: '按类型统计',
      description:
        'Per event type in the time range: events, late events, delay from occurrence to receipt, last received.',
      query: pipelineSql.byType,
      height: 8,
      span: 12,
    }),
    {
      type: { zh: '类型' },
      events: { zh: '事件数' },
      late: { zh: '迟到' },
      delay_p50_minutes: { zh: '延迟 p50（分钟）' },
      delay_p95_minutes: { zh: '延迟 p95（分钟）' },
      last_received: { zh: '最近接收', unit: 'dateTimeAsIso' },
    },
  );
  const consumer = timeSeriesPanel({
    title: 'Kafka 消费速率',
    description:
      'Messages per minute the scoring consumer stored, from its batch ledger (Kafka mode only; empty when events go straight to ClickHouse).',
    query: pipelineSql.consumer,
    height: 8,
    span: 12,
  }).displayName('${__field.labels.topic}');
  const deadLetters = timeSeriesPanel({
    title: '死信',
    description:
      'Messages the scoring consumer could not use (malformed JSON, invalid event, key not the crew), by reason; they are in the dead-letter topic to fix and replay.',
    query: pipelineSql.deadLetters,
    height: 8,
    span: 12,
  }).displayName('${__field.labels.code}');
  const recentDeadLetters = columns(
    tablePanel({
      title: '最近死信',
      description:
        'The latest dead letters: reason, origin (topic, partition, offset), key and the start of the value.',
      query: pipelineSql.recentDeadLetters,
      height: 8,
      span: 12,
    }),
    {
      failed_at: { zh: '时间', unit: 'dateTimeAsIso' },
      code: { zh: '原因' },
      message: { zh: '说明' },
      key: { zh: '键（班组）' },
      topic: { zh: '主题' },
      partition: { zh: '分区' },
      offset: { zh: '位点' },
      value_bytes: { zh: '大小', unit: 'bytes' },
      value_start: { zh: '内容开头' },
    },
  );
  const freshness = columns(
    tablePanel({
      title: '排行榜更新',
      description:
        'The newest standings run per published competition: its day, when it was computed and how long ago, and the stored events it does not reflect yet (how many, and how long the oldest has waited).',
      query: pipelineSql.freshness,
      height: 7,
      span: 24,
    }),
    {
      competition_id: { zh: '竞赛编号' },
      competition: { zh: '竞赛' },
      standings_day: { zh: '统计日' },
      computed_at: { zh: '计算时间', unit: 'dateTimeAsIso' },
      age_seconds: { zh: '距今', unit: 's' },
      waiting_events: { zh: '待计入事件' },
      waiting_seconds: {
        zh: '最久等待',
        unit: 's',
        cell: { type: 'color-background' },
        thresholds: [
          { value: null, color: 'green' },
          ...STANDINGS_BEHIND_ALARM.map((a) => ({ value: a.from, color: a.color })),
        ],
      },
      crews: { zh: '班组数' },
      definition_version: { zh: '规则版本' },
    },
  );

  return leaderboardDashboard(
    DASHBOARD_UIDS.pipeline,
    '数据管道',
    'Pipeline health from what ClickHouse knows: events per minute by type, late events and delays, the Kafka consumer’s rate, dead letters, standings freshness.',
  )
    .time({ from: 'now-6h', to: 'now' })
    .annotations(leaderboardAnnotations('all'))
    .withPanel(stat('事件数', 'Events received in the time range', 'events'))
    .withPanel(
      stat(
        '迟到事件',
        'Received after their day had closed (orange: closed days were rewritten)',
        'late',
        pipelineSql.summary,
        alarm([{ from: 1, color: 'orange' }]),
      ),
    )
    .withPanel(stat('每分钟事件', 'Average events per minute over the time range', 'per_minute'))
    .withPanel(stat('上报班组', 'Crews that reported in the time range', 'crews'))
    .withPanel(
      stat(
        '死信',
        'Dead letters in the time range (red: messages wait in the dead-letter topic to be fixed and replayed)',
        'dead_letters',
        pipelineSql.deadLetterCount,
        alarm([{ from: 1, color: 'red' }]),
      ),
    )
    .withPanel(
      stat(
        '排行榜延迟',
        'How long the oldest stored event not yet in its competition’s standings has waited (0: every standings is current; orange from 1 minute, red from 5)',
        'standings_behind_seconds',
        pipelineSql.standingsBehind,
        alarm(STANDINGS_BEHIND_ALARM),
      ).unit('s'),
    )
    .withPanel(perMinute)
    .withPanel(late)
    .withPanel(byType)
    .withPanel(consumer)
    .withPanel(deadLetters)
    .withPanel(recentDeadLetters)
    .withPanel(freshness)
    .build();
}
