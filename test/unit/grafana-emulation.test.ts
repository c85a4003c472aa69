import { describe, expect, it } from 'vitest';
import { variableOptions } from '../support/grafana-clickhouse.ts';
import { framesFor, longToWide, tableFrame, type Frame } from '../support/grafana-frames.ts';
import { ALL, applyTemplateVariables, interpolate, type VariableState } from '../support/grafana-interpolate.ts';
import { expandBackendMacros, formatInterval } from '../support/grafana-macros.ts';

// The emulation of Grafana and the ClickHouse plugin the dashboard tests run every query
// through, checked against the plugin's own test cases (pkg/macros/macros_test.go,
// src/data/CHDatasource.test.ts at v4.13.0) and the SDK's conversions it relies on.

const from = new Date('2014-11-12T11:45:26.123Z');
const to = new Date('2015-11-12T11:45:26.456Z');
const backend = (sql: string, intervalMs = 1000) => expandBackendMacros(sql, { from, to, intervalMs });

describe('backend macros, as the plugin and the SQL plugin SDK expand them', () => {
  it.each([
    [
      'select * from foo where $__timeFilter(cast(sth as timestamp))',
      'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
    ],
    [
      'select * from foo where $__timeFilter(cast(sth as timestamp) )',
      'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
    ],
    [
      'select * from foo where $__timeFilter_ms(cast(sth as timestamp))',
      'select * from foo where cast(sth as timestamp) >= fromUnixTimestamp64Milli(1415792726123) AND cast(sth as timestamp) <= fromUnixTimestamp64Milli(1447328726456)',
    ],
    [
      'select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100',
      'select * from foo where ( date >= toDateTime(1415792726) and date <= toDateTime(1447328726) ) limit 100',
    ],
    [
      'select * from foo where ( date >= $__fromTime_ms ) and ( date <= $__toTime_ms ) limit 100',
      'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) ) and ( date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100',
    ],
    ['$__dateFilter(dateCol)', "dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')"],
    [
      '$__dt(dateCol, timeCol)',
      "(dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')) AND (timeCol >= toDateTime(1415792726) AND timeCol <= toDateTime(1447328726))",
    ],
  ])('%s', (input, output) => {
    expect(backend(input)).toBe(output);
  });

  it('intervals: whole seconds (at least one) for $__timeInterval and $__interval_s, milliseconds kept by $__timeInterval_ms', () => {
    expect(backend('$__timeInterval(col)', 20_000)).toBe('toStartOfInterval(toDateTime(col), INTERVAL 20 second)');
    expect(backend('$__timeInterval_ms(col)', 20_000)).toBe(
      'toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond)',
    );
    expect(backend('$__timeInterval(col)', 1500)).toBe('toStartOfInterval(toDateTime(col), INTERVAL 1 second)');
    expect(backend('$__timeInterval_ms(col)', 1500)).toBe(
      'toStartOfInterval(toDateTime64(col, 3), INTERVAL 1500 millisecond)',
    );
    expect(backend('$__interval_s', 500)).toBe('1');
  });

  it('the SDK’s default macros the plugin does not override', () => {
    expect(backend('$__timeFrom(t) AND $__timeTo(t)')).toBe(
      "t >= '2014-11-12T11:45:26Z' AND t <= '2015-11-12T11:45:26Z'",
    );
    expect(backend('$__interval / $__interval_ms', 3_600_000)).toBe('1h / 3600000');
    expect(formatInterval(90_000_000)).toBe('1d');
    expect(backend('[$__table][$__column]')).toBe('[][]');
  });

  it('fails where ClickHouse would: an unknown macro, a missing argument, an open bracket', () => {
    expect(() => backend('SELECT $__nope')).toThrow(/\$__nope/);
    expect(() => backend('$__timeFilter')).toThrow(/expected 1/);
    expect(() => backend('$__timeFilter(a')).toThrow(/close bracket/);
  });
});

const variable = (name: string, current: string | string[], values: string[], multi = false): VariableState => ({
  name,
  current,
  values,
  options: values.map((v) => ({ text: `text of ${v}`, value: v })),
  multi,
});
const frontend = (variables: VariableState[], intervalMs?: number) => ({
  variables: new Map(variables.map((v) => [v.name, v])),
  from,
  to,
  timeZone: 'Asia/Shanghai',
  ...(intervalMs === undefined ? {} : { intervalMs }),
});

describe('the front end: $__conditionalAll, then Grafana’s interpolation with the plugin’s format', () => {
  it('$__conditionalAll is 1=1 for All, the condition otherwise (the plugin’s test cases)', () => {
    const sql =
      'select stuff from table where $__conditionalAll(fieldVal in ($fieldVal), $fieldVal) and $__conditionalAll(fieldVal in ($fieldVal2), $fieldVal2);';
    const vars = [
      variable('fieldVal', ['val1', 'val2'], ['val1', 'val2'], true),
      variable('fieldVal2', ALL, ['a', 'b'], true),
    ];
    expect(applyTemplateVariables(sql, frontend(vars))).toBe(
      "select stuff from table where fieldVal in ('val1','val2') and 1=1;",
    );
  });

  it('quotes with :singlequote (escaping quotes), joins arrays unescaped without a format, leaves backend macros', () => {
    const vars = [variable('b', ['a', "o'k"], ['a', "o'k"], true), variable('c', 'x', ['x'])];
    expect(interpolate('IN (${b:singlequote}) AND $c = ${c} AND [[c]] AND $__timeFilter(t)', frontend(vars))).toBe(
      "IN ('a','o\\'k') AND x = x AND x AND $__timeFilter(t)",
    );
    expect(interpolate('IN ($b)', frontend(vars))).toBe("IN ('a','o'k')");
    expect(
      interpolate('${b:queryparam}&${all:queryparam}', frontend([...vars, variable('all', ALL, ['p'], true)])),
    ).toBe('var-b=a&var-b=o%27k&var-all=%24__all');
    expect(interpolate('${c:text}', frontend(vars))).toBe('text of x');
  });

  it('Scenes’ macros: $__from and $__to in ms (and date formats), $__timezone, $__interval of the request', () => {
    expect(interpolate('$__from ${__to:date:seconds} ${__from:date:iso} $__timezone', frontend([]))).toBe(
      `${from.getTime()} ${Math.round(to.getTime() / 1000)} ${from.toISOString()} Asia/Shanghai`,
    );
    expect(interpolate('$__interval $__interval_ms', frontend([], 60_000))).toBe('1m 60000');
    // A variable query's request has no interval: the macro waits for the backend (1 s there).
    expect(interpolate('$__interval', frontend([]))).toBe('$__interval');
    expect(applyTemplateVariables("SETTINGS $__adHocFilters('events')", frontend([]))).toBe(
      'SETTINGS additional_table_filters={}',
    );
  });
});

const column = (name: string, type: string) => ({ name, type });
const options = { userZone: 'Asia/Shanghai', serverZone: 'UTC' };

describe('the backend’s frames', () => {
  it('a Date is midnight in the dashboard’s zone; DateTime columns are read in their own zone', () => {
    const frame = tableFrame(
      [
        column('day', 'Date'),
        column('at', "DateTime64(3, 'UTC')"),
        column('local', "DateTime('Asia/Shanghai')"),
        column('n', 'UInt64'),
      ],
      [['2026-11-24', '2026-11-24 01:02:03.456', '2026-11-24 09:02:03', '5']],
      options,
    );
    expect(frame.fields.map((f) => [f.name, f.type, f.values[0]])).toEqual([
      ['day', 'time', Date.parse('2026-11-24T00:00:00+08:00')],
      ['at', 'time', Date.parse('2026-11-24T01:02:03.456Z')],
      ['local', 'time', Date.parse('2026-11-24T01:02:03Z')],
      ['n', 'number', 5],
    ]);
  });

  const long = (times: string[]): Frame =>
    tableFrame(
      [column('time', "DateTime('Asia/Shanghai')"), column('branch', 'String'), column('v', 'Float64')],
      times.map((t, i) => [t, i % 2 === 0 ? 'b' : 'a', i]),
      options,
    );

  it('a long time series becomes one labelled field per value and label, sorted by label', () => {
    const wide = longToWide(long(['2026-11-01 00:00:00', '2026-11-01 00:00:00', '2026-11-02 00:00:00']));
    expect(wide.fields.map((f) => [f.name, f.labels, f.values])).toEqual([
      ['time', undefined, [Date.parse('2026-11-01T00:00:00+08:00'), Date.parse('2026-11-02T00:00:00+08:00')]],
      ['v', { branch: 'a' }, [1, null]],
      ['v', { branch: 'b' }, [0, 2]],
    ]);
  });

  it('fails on a long series out of time order; a time series without rows is no frame; a table is kept', () => {
    expect(() => longToWide(long(['2026-11-02 00:00:00', '2026-11-01 00:00:00']))).toThrow(/sorted ascending/);
    expect(framesFor(long([]), 0)).toEqual([]);
    expect(framesFor(long([]), undefined)).toEqual([]);
    expect(framesFor(long([]), 1)).toHaveLength(1);
    expect(framesFor(long(['2026-11-01 00:00:00']), 1)[0]?.fields.map((f) => f.name)).toEqual(['time', 'branch', 'v']);
  });
});

describe('variable options, as Scenes makes them', () => {
  it('the first of a value wins, text falls back to the value, numbers become text, then the sort', () => {
    const found = [
      { value: 'b', text: 'B' },
      { value: 'a', text: null },
      { value: 'b', text: 'B again' },
      { value: 1_764_000_000_000, text: 'a time' },
    ];
    expect(variableOptions(found, 0)).toEqual([
      { value: 'b', text: 'B' },
      { value: 'a', text: 'a' },
      { value: '1764000000000', text: 'a time' },
    ]);
    expect(variableOptions(found, 1).map((o) => o.text)).toEqual(['B', 'a', 'a time']);
    expect(variableOptions(found, 5).map((o) => o.text)).toEqual(['a', 'a time', 'B']);
  });
});
