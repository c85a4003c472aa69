import { CLICKHOUSE_DATASOURCE, PLUGIN_VERSION, QueryFormat, sql } from './clickhouse-query.ts';
import { LATE, PARTITION_PROGRESS, STANDINGS_BEHIND } from './pipeline-sql.ts';
import { ZONE } from './variables.ts';

/**
 * Grafana alert rules as code, written to infra/grafana/provisioning/alerting/ in the file
 * provisioning format (Grafana's AlertRuleGroupV1: pkg/services/provisioning/alerting/
 * rules_types.go). Alerts are evaluated by Grafana's backend alone: the SQL goes straight to the
 * plugin's backend (its macros, no dashboard variables), and each query returns one numeric
 * column with string label columns, which Grafana turns into one alert instance per row.
 * The contact point and notification policy are the operator's (docs/operations.md, "告警").
 */

/** The numbers an operator tunes, in one place (docs/operations.md lists them). */
export const ALERT_SETTINGS = {
  /** Minutes the oldest stored event may wait for its competition's standings. */
  standingsBehindMinutes: 10,
  /** Dead letters in the last 10 minutes above which the rule fires (0: any). */
  deadLetters: 0,
  /** Beijing hours [from, to) in which events are expected; none for 30 minutes alarms. */
  workingHours: [8, 20] as const,
  /** Minutes a Kafka partition may be stuck or left behind by its topic. */
  partitionStalledMinutes: 15,
  /** Late events (received after their day closed) in an hour above which the rule fires. */
  lateEventsPerHour: 50,
} as const;

export const ALERT_FOLDER = '劳动竞赛告警 Leaderboard alerts';
export const ALERT_GROUP = 'leaderboard';

interface RuleSpec {
  uid: string;
  title: string;
  /** The alert query: one numeric column, the other columns strings (the alert's labels). */
  sql: string;
  /** Seconds of history the query reads ($__timeFilter and friends), ending now. */
  lookBackSeconds: number;
  threshold: { type: 'gt' | 'lt'; value: number };
  /** No row means all is well (no stale competition, no dead letter), or outside working hours. */
  noDataState: 'OK' | 'NoData' | 'Alerting';
  for: string;
  severity: 'warning' | 'critical';
  summary: string;
  description: string;
}

const s = ALERT_SETTINGS;

export const ALERT_RULES: readonly RuleSpec[] = [
  {
    uid: 'll-standings-behind',
    title: '排行榜未更新 · Standings behind events',
    sql: sql`
      SELECT competition_id, waiting_seconds / 60 AS waiting_minutes
      FROM (
        ${STANDINGS_BEHIND}
      )`,
    lookBackSeconds: 600,
    threshold: { type: 'gt', value: s.standingsBehindMinutes },
    noDataState: 'OK',
    for: '2m',
    severity: 'critical',
    summary: '竞赛 {{ $labels.competition_id }} 的排行榜已 {{ $values.A.Value }} 分钟未计入新事件',
    description:
      'Standings of {{ $labels.competition_id }} do not reflect events stored {{ $values.A.Value }} minutes ago: the scoring service may be down or failing. Check its /readyz and logs.',
  },
  {
    uid: 'll-dead-letters',
    title: '出现死信 · Dead letters',
    sql: sql`
      SELECT code, count() AS dead_letters
      FROM dead_letters
      WHERE $__timeFilter(failed_at)
      GROUP BY code`,
    lookBackSeconds: 600,
    threshold: { type: 'gt', value: s.deadLetters },
    noDataState: 'OK',
    for: '0s',
    severity: 'warning',
    summary: '最近 10 分钟出现 {{ $values.A.Value }} 条死信（{{ $labels.code }}）',
    description:
      'The scoring consumer sent {{ $values.A.Value }} messages with reason {{ $labels.code }} to the dead-letter topic in the last 10 minutes: fix and replay them (数据管道 dashboard, 最近死信).',
  },
  {
    uid: 'll-no-events',
    title: '工作时间无事件 · No events during working hours',
    sql: sql`
      SELECT count() AS events
      FROM events
      WHERE $__timeFilter(received_at)
      HAVING toHour($__toTime, '${ZONE}') >= ${s.workingHours[0]} AND toHour($__toTime, '${ZONE}') < ${s.workingHours[1]}`,
    lookBackSeconds: 1800,
    threshold: { type: 'lt', value: 1 },
    noDataState: 'OK',
    for: '5m',
    severity: 'critical',
    summary: `工作时间（${s.workingHours[0]}:00–${s.workingHours[1]}:00）已 30 分钟没有收到事件`,
    description:
      'No event was stored in the last 30 minutes during working hours: reporters, the ingest service, Kafka or the scoring consumer may be down.',
  },
  {
    uid: 'll-partition-stalled',
    title: '消费分区停滞 · Consumer partition not progressing',
    sql: sql`
      SELECT topic, partition, stalled_seconds / 60 AS stalled_minutes
      FROM (
        ${PARTITION_PROGRESS}
      )`,
    lookBackSeconds: 600,
    threshold: { type: 'gt', value: s.partitionStalledMinutes },
    noDataState: 'OK',
    for: '5m',
    severity: 'critical',
    summary: 'Kafka 分区 {{ $labels.topic }}/{{ $labels.partition }} 已 {{ $values.A.Value }} 分钟没有进展',
    description:
      'Partition {{ $labels.partition }} of {{ $labels.topic }} has a batch waiting for its insert, or stored nothing while the topic’s other partitions moved on, for {{ $values.A.Value }} minutes. Check the scoring service’s /readyz.',
  },
  {
    uid: 'll-late-events',
    title: '迟到事件激增 · Late events spiking',
    sql: sql`
      SELECT count() AS late_events
      FROM events
      WHERE $__timeFilter(received_at) AND ${LATE}`,
    lookBackSeconds: 3600,
    threshold: { type: 'gt', value: s.lateEventsPerHour },
    noDataState: 'OK',
    for: '0s',
    severity: 'warning',
    summary: '最近一小时收到 {{ $values.A.Value }} 条迟到事件',
    description:
      '{{ $values.A.Value }} events received in the last hour belong to days already closed: closed days’ standings are being rewritten and closed periods collect late events. Check for a reporter or import sending old data.',
  },
];

/** One rule in Grafana's provisioning file format (AlertRuleV1). */
function provisionedRule(rule: RuleSpec) {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: rule.lookBackSeconds, to: 0 },
        datasourceUid: CLICKHOUSE_DATASOURCE.uid,
        model: {
          refId: 'A',
          datasource: CLICKHOUSE_DATASOURCE,
          editorType: 'sql',
          rawSql: rule.sql,
          format: QueryFormat.table,
          queryType: 'table',
          pluginVersion: PLUGIN_VERSION,
          intervalMs: 1000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'C',
        datasourceUid: '__expr__',
        model: {
          refId: 'C',
          datasource: { type: '__expr__', uid: '__expr__' },
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: rule.threshold.type, params: [rule.threshold.value] } }],
        },
      },
    ],
    noDataState: rule.noDataState,
    execErrState: 'Error',
    for: rule.for,
    annotations: { summary: rule.summary, description: rule.description },
    labels: { team: 'leaderboard', severity: rule.severity },
    isPaused: false,
  };
}

/** The provisioning file: one group of every rule, evaluated each minute. */
export function alertRulesFile() {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: ALERT_GROUP,
        folder: ALERT_FOLDER,
        interval: '1m',
        rules: ALERT_RULES.map(provisionedRule),
      },
    ],
  };
}
