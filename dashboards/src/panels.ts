import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  TimePickerBuilder,
  type DynamicConfigValue,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { CLICKHOUSE_DATASOURCE, tableQuery, timeSeriesQuery } from './clickhouse-query.ts';
import { v } from './variables.ts';

/** Tag every dashboard of ours carries: the dashboards' link bar lists them by it. */
export const TAG = 'leaderboard';

export const DASHBOARD_UIDS = {
  standings: 'll-standings',
  ankang: 'll-ankang',
  branches: 'll-branches',
  crew: 'll-crew',
  results: 'll-results',
  improving: 'll-improving',
  safety: 'll-safety',
  pipeline: 'll-pipeline',
} as const;

/** How one result column looks in a panel: a Chinese header (the SQL names stay ASCII for links and tests). */
export interface ColumnLook {
  zh: string;
  unit?: string;
  decimals?: number;
  width?: number;
  hidden?: boolean;
  links?: { title: string; url: string }[];
  cell?: Record<string, unknown>;
  mappings?: unknown[];
  min?: number;
  max?: number;
  thresholds?: Threshold[];
  /** Any further field properties (an axis, a transform). */
  more?: DynamicConfigValue[];
}

/**
 * One neutral colour for every panel: Grafana's default thresholds (red from 80) would paint a
 * good score red, and a green-for-everything default would say nothing.
 */
export const neutral = (): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'blue' }]);

/** A percentage where more is better (整改率, 目标完成率): a 0–100 gauge, red below 60, green from 90. */
export const PERCENT: Pick<ColumnLook, 'unit' | 'min' | 'max' | 'thresholds' | 'cell'> = {
  unit: 'percent',
  min: 0,
  max: 100,
  cell: { type: 'gauge', mode: 'basic' },
  thresholds: [
    { value: null, color: 'red' },
    { value: 60, color: 'orange' },
    { value: 90, color: 'green' },
  ],
};

/** PERCENT's colours for a whole panel (a stat of a rate). */
export const percentColours = (): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(PERCENT.thresholds ?? []);

interface Overridable {
  overrideByName(name: string, properties: DynamicConfigValue[]): unknown;
}

/** Applies column looks as field overrides by name. */
export function columns<P extends Overridable>(panel: P, looks: Record<string, ColumnLook>): P {
  for (const [name, look] of Object.entries(looks)) {
    const props: DynamicConfigValue[] = [{ id: 'displayName', value: look.zh }];
    if (look.unit !== undefined) props.push({ id: 'unit', value: look.unit });
    if (look.decimals !== undefined) props.push({ id: 'decimals', value: look.decimals });
    if (look.width !== undefined) props.push({ id: 'custom.width', value: look.width });
    if (look.hidden === true) props.push({ id: 'custom.hidden', value: true });
    if (look.links !== undefined) props.push({ id: 'links', value: look.links });
    if (look.cell !== undefined) props.push({ id: 'custom.cellOptions', value: look.cell });
    if (look.mappings !== undefined) props.push({ id: 'mappings', value: look.mappings });
    if (look.min !== undefined) props.push({ id: 'min', value: look.min });
    if (look.max !== undefined) props.push({ id: 'max', value: look.max });
    if (look.thresholds !== undefined)
      props.push({ id: 'thresholds', value: { mode: ThresholdsMode.Absolute, steps: look.thresholds } });
    if (look.more !== undefined) props.push(...look.more);
    panel.overrideByName(name, props);
  }
  return panel;
}

/** Rank movement colours: up green, down red (the text is ↑n / ↓n / — from the SQL). */
export const MOVEMENT_LOOK: ColumnLook = {
  zh: '升降',
  width: 70,
  cell: { type: 'color-text' },
  mappings: [
    { type: 'regex', options: { pattern: '^↑.*', result: { color: 'green', index: 0 } } },
    { type: 'regex', options: { pattern: '^↓.*', result: { color: 'red', index: 1 } } },
    { type: 'value', options: { '—': { color: 'text', index: 2 } } },
  ],
};

/** The entrant column's heading: the chosen competition's level (班组, 人员, 单位, 分公司; variables.ts). */
export const ENTRANT = '${entrants:text}';

/**
 * Row → 班组详情, for a crew-level competition's rows only. The whole URL comes from the row's
 * `crew_detail` (crewDetailUrl in its SQL): Grafana's table keeps only data links that come out
 * with an href (TableNG getCellLinks), so rows of persons, units and branches get no link, never
 * one that hands their id to the crew dashboard. `:raw`, as data links URI-encode by default.
 */
export const CREW_DETAIL_LINK = { title: '班组详情 · crew detail', url: '${__data.fields.crew_detail:raw}' };

/**
 * SQL of a row's 班组详情 URL: the crew dashboard with the competition, the day (`withPeriod`),
 * the crew and the time range; '' unless the competition's entrants are crews. The crew
 * dashboard lists every kind of competition, so the competition is always one of its options.
 */
export const crewDetailUrl = (o: { withPeriod: boolean }, crewId = 'crew_id'): string =>
  `if(${v.entrants} = 'crew', concat('/d/${DASHBOARD_UIDS.crew}?\${competition:queryparam}${o.withPeriod ? '&${period:queryparam}' : ''}&var-crew=', encodeURLComponent(${crewId}), '&\${__url_time_range}'), '')`;

/**
 * A value that signals a problem from `from` on: green below, then orange and red steps.
 * Stats of the pipeline use it, so stale standings or dead letters turn the panel red.
 */
export const alarm = (steps: readonly { from: number; color: 'orange' | 'red' }[]): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...steps.map((s) => ({ value: s.from, color: s.color }))]);

/**
 * A rank drawn so that up is better: the series is plotted negated (Grafana's negative-Y
 * transform), so a crew climbing from 5th to 1st draws a rising line; the axis, which would
 * read -1 … -5, is hidden, while tooltip and legend show the rank itself.
 */
export const RANK_AXIS: DynamicConfigValue[] = [
  { id: 'custom.transform', value: 'negative-Y' },
  { id: 'custom.axisPlacement', value: 'hidden' },
];

/** What every dashboard shares: tags, Beijing time, auto-refresh (links to the others: links.ts). */
export function leaderboardDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([TAG, '劳动竞赛'])
    .timezone('Asia/Shanghai')
    .refresh('30s')
    .time({ from: 'now-30d', to: 'now' })
    .timepicker(new TimePickerBuilder().refreshIntervals(['10s', '30s', '1m', '5m', '15m']))
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
}

/** A big number: one column of a one-row query. */
export function statPanel(o: {
  title: string;
  description: string;
  query: string;
  field: string;
  span: number;
  unit?: string;
  /** Colours that flag a problem (the background turns orange or red); one neutral colour otherwise. */
  alarm?: ThresholdsConfigBuilder;
}): StatPanel {
  const panel = new StatPanel()
    .title(o.title)
    .description(o.description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .withTarget(tableQuery(o.query))
    .reduceOptions(new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields(`/^${o.field}$/`))
    .thresholds(o.alarm ?? neutral())
    .colorMode(o.alarm ? BigValueColorMode.Background : BigValueColorMode.Value)
    .height(4)
    .span(o.span);
  return o.unit === undefined ? panel : panel.unit(o.unit);
}

/**
 * One horizontal bar per row, in the query's order (Grafana cannot sort bars itself, so the SQL
 * does). The query returns exactly a text column, which names each bar, and the value: a
 * displayName in the panel would rename the value field itself, and the reduce options would
 * then find no field to show.
 */
export function barsPanel(o: {
  title: string;
  description: string;
  query: string;
  value: string;
  span: number;
  height: number;
}): BarGaugePanel {
  return new BarGaugePanel()
    .title(o.title)
    .description(o.description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .withTarget(tableQuery(o.query))
    .reduceOptions(new ReduceDataOptionsBuilder().values(true).calcs([]).fields(`/^${o.value}$/`))
    .thresholds(neutral())
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .decimals(2)
    .height(o.height)
    .span(o.span);
}

/** Which line is which (a branch, an event type): the SDK's default hides the legend. */
export const legend = (): VizLegendOptionsBuilder =>
  new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom);

/** A table of a query's rows, in neutral colours; `columns` gives its headers and looks. */
export function tablePanel(o: {
  title: string;
  description: string;
  query: string;
  span: number;
  height: number;
}): TablePanel {
  return new TablePanel()
    .title(o.title)
    .description(o.description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .withTarget(tableQuery(o.query))
    .thresholds(neutral())
    .height(o.height)
    .span(o.span);
}

/** Lines over time, one per label column value, with the legend telling them apart. */
export function timeSeriesPanel(o: {
  title: string;
  description: string;
  query: string;
  span: number;
  height: number;
}): TimeSeriesPanel {
  return new TimeSeriesPanel()
    .legend(legend())
    .title(o.title)
    .description(o.description)
    .datasource(CLICKHOUSE_DATASOURCE)
    .withTarget(timeSeriesQuery(o.query))
    .thresholds(neutral())
    .height(o.height)
    .span(o.span);
}

/** The columns every standings table shares, with their Chinese headers. */
export const STANDINGS_LOOKS: Record<string, ColumnLook> = {
  rank: { zh: '名次', width: 60 },
  movement: MOVEMENT_LOOK,
  crew_name: { zh: ENTRANT, links: [CREW_DETAIL_LINK] },
  unit_name: { zh: '单位' },
  branch_name: { zh: '分公司' },
  score: { zh: '得分', decimals: 2 },
  crew_id: { zh: '编号', hidden: true },
  crew_detail: { zh: '班组详情', hidden: true },
};
