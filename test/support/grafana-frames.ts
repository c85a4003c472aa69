/**
 * What the plugin's backend makes of a result before Grafana's front end sees it: the column
 * converters (grafana/clickhouse-datasource v4.13.0 pkg/converters, read through clickhouse-go
 * v2.42 with the dashboard's time zone as the user location) and the format handling of
 * sqlds v5.0.3 (getFrames: table as it is; time series: no frame for no rows, a long frame
 * widened by data.LongToWide of grafana-plugin-sdk-go v0.284.0).
 */

import { zoneOffsetMinutes } from '../../services/shared/calendar.ts';

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface Field {
  name: string;
  type: FieldType;
  nullable: boolean;
  /** The ClickHouse type the column had. */
  clickhouseType: string;
  /** Times as epoch milliseconds, as the front end holds them. */
  values: unknown[];
  labels?: Record<string, string>;
}

export interface Frame {
  fields: Field[];
}

/** The plugin's query formats (sqlutil.FormatQueryOption). A missing format is 0. */
export const Format = { timeSeries: 0, table: 1, logs: 2, trace: 3, multi: 4 } as const;

interface ColumnType {
  type: FieldType;
  nullable: boolean;
  /** Date and Date32: no time of day, read as midnight in the user location. */
  dateOnly: boolean;
  /** DateTime with a zone in its type; otherwise the server's zone. */
  zone?: string;
}

/** Maps a ClickHouse type to the field type its converter produces. */
export function columnType(chType: string): ColumnType {
  let t = chType;
  let nullable = false;
  const lowCardinality = /^LowCardinality\((.*)\)$/.exec(t);
  if (lowCardinality?.[1]) t = lowCardinality[1];
  const nullableOf = /^Nullable\((.*)\)$/.exec(t);
  if (nullableOf?.[1]) {
    t = nullableOf[1];
    nullable = true;
  }
  if (/^Date(32)?$/.test(t)) return { type: 'time', nullable, dateOnly: true };
  const dateTime = /^DateTime(64)?(\((?:\d+)?(?:,\s*)?(?:'([^']+)')?\))?$/.exec(t);
  if (dateTime) {
    const zone = dateTime[3];
    return { type: 'time', nullable, dateOnly: false, ...(zone ? { zone } : {}) };
  }
  if (/^(U?Int\d+|Float\d+|Decimal)/.test(t)) return { type: 'number', nullable, dateOnly: false };
  if (t === 'Bool') return { type: 'boolean', nullable, dateOnly: false };
  if (/^(String|FixedString|Enum(8|16)|UUID|IPv[46])/.test(t)) return { type: 'string', nullable, dateOnly: false };
  return { type: 'other', nullable, dateOnly: false };
}

/** Epoch milliseconds of a wall-clock "YYYY-MM-DD[ HH:MM:SS[.fff]]" in a zone. */
export function wallClockToEpoch(text: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/.exec(text);
  if (!m) throw new Error(`not a ClickHouse date or time: ${text}`);
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const asUtc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
  );
  // Two passes settle the offset on either side of a zone change.
  const offsetMs = (at: number) => zoneOffsetMinutes(new Date(at), zone) * 60_000;
  return asUtc - offsetMs(asUtc - offsetMs(asUtc));
}

export interface ConvertOptions {
  /** The dashboard's time zone, which the plugin sends as the user location. */
  userZone: string;
  /** The ClickHouse server's zone, for DateTime columns without one. */
  serverZone: string;
}

/** One field per column, as the converters read the rows. */
export function tableFrame(
  columns: readonly { name: string; type: string }[],
  rows: readonly unknown[][],
  options: ConvertOptions,
): Frame {
  return {
    fields: columns.map((column, i) => {
      const ct = columnType(column.type);
      const values = rows.map((row) => convertValue(row[i], ct, options));
      return { name: column.name, type: ct.type, nullable: ct.nullable, clickhouseType: column.type, values };
    }),
  };
}

function convertValue(raw: unknown, ct: ColumnType, options: ConvertOptions): unknown {
  if (raw === null || raw === undefined) return null;
  switch (ct.type) {
    case 'time':
      // clickhouse-go reads a Date as midnight in the user location (lib/column/date.go).
      if (typeof raw !== 'string') throw new Error(`a time arrives as text, got ${JSON.stringify(raw)}`);
      return wallClockToEpoch(raw, ct.dateOnly ? options.userZone : (ct.zone ?? options.serverZone));
    case 'number':
      return Number(raw);
    case 'boolean':
      return raw === true || raw === 1 || raw === '1' || raw === 'true';
    default:
      return raw;
  }
}

/** data.Frame.TimeSeriesSchema. */
function timeSeriesSchema(frame: Frame) {
  const timeIndex = frame.fields.findIndex((f) => f.type === 'time');
  if (timeIndex === -1) return { type: 'not' as const, timeIndex, factors: [], values: [] };
  const factors: number[] = [];
  const values: number[] = [];
  frame.fields.forEach((f, i) => {
    if (i === timeIndex) return;
    if (f.type === 'string' || f.type === 'boolean') factors.push(i);
    else values.push(i);
  });
  if (values.length === 0) return { type: 'not' as const, timeIndex, factors, values };
  return { type: factors.length === 0 ? ('wide' as const) : ('long' as const), timeIndex, factors, values };
}

/** data.LongToWide with FillModeNull (the plugin's fill mode), then SortWideFrameFields. */
export function longToWide(frame: Frame): Frame {
  const schema = timeSeriesSchema(frame);
  if (schema.type !== 'long') throw new Error(`can not convert to wide series, got ${schema.type} series`);
  const timeField = frame.fields[schema.timeIndex];
  if (!timeField) throw new Error('no time field');
  const rows = timeField.values.length;
  const wide: Field[] = [{ ...timeField, values: [] }];
  const byKey = new Map<string, number[]>();
  let last = -Infinity;
  let row = -1;
  for (let i = 0; i < rows; i++) {
    const t = timeField.values[i];
    if (typeof t !== 'number') throw new Error('time index has null values');
    if (t < last) throw new Error('long series must be sorted ascending by time to be converted');
    if (t > last) {
      last = t;
      row++;
      for (const f of wide) f.values.push(f === wide[0] ? t : null);
    }
    const labels: Record<string, string> = {};
    for (const idx of schema.factors) {
      const f = frame.fields[idx];
      const v = f?.values[i];
      if (typeof v === 'string') labels[f?.name ?? ''] = v;
      else if (typeof v === 'boolean') labels[f?.name ?? ''] = v ? 'true' : 'false';
      else throw new Error(`unexpected type, want a string or bool but got ${String(v)} for '${f?.name ?? ''}'`);
    }
    const key = JSON.stringify(schema.factors.map((idx) => labels[frame.fields[idx]?.name ?? '']));
    let targets = byKey.get(key);
    if (!targets) {
      targets = schema.values.map((idx) => {
        const source = frame.fields[idx];
        if (!source) throw new Error('no value field');
        wide.push({ ...source, nullable: true, labels: { ...labels }, values: new Array<unknown>(row + 1).fill(null) });
        return wide.length - 1;
      });
      byKey.set(key, targets);
    }
    schema.values.forEach((idx, n) => {
      const target = wide[targets[n] ?? -1];
      if (target) target.values[row] = frame.fields[idx]?.values[i] ?? null;
    });
  }
  const keys = schema.factors.map((idx) => frame.fields[idx]?.name ?? '');
  const [time, ...rest] = wide;
  rest.sort((a, b) => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    for (const k of keys) {
      const av = a.labels?.[k] ?? '';
      const bv = b.labels?.[k] ?? '';
      if (av !== bv) return av < bv ? -1 : 1;
    }
    return 0;
  });
  return { fields: time ? [time, ...rest] : rest };
}

/** sqlds getFrames: what a query in `format` returns (no frame when a time series has no rows). */
export function framesFor(table: Frame, format: number | undefined): Frame[] {
  switch (format ?? Format.timeSeries) {
    case Format.table:
    case Format.logs:
    case Format.trace:
      return [table];
    case Format.multi:
      throw new Error('the multi-frame time series format is not modelled');
    default: {
      if ((table.fields[0]?.values.length ?? 0) === 0) return [];
      return timeSeriesSchema(table).type === 'long' ? [longToWide(table)] : [table];
    }
  }
}
