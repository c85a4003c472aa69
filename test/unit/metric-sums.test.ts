import { describe, expect, it } from 'vitest';
import { addMetricSums, type MetricSums } from '../../services/scoring/facts.query.ts';
import { tabSeparatedRows } from '../../services/scoring/metric-sums.query.ts';

const sums = (entries: [string, Record<string, number>, Record<string, string>?][]): MetricSums =>
  new Map(entries.map(([crew, metrics, last = {}]) => [crew, { metrics, lastIncidentDay: last }]));

describe('addMetricSums (closed days + today)', () => {
  it.each([
    {
      name: 'adds the metrics of a crew present in both',
      earlier: sums([['C1', { 'sales.volume_litres': 100, 'hazard.found': 1 }]]),
      later: sums([['C1', { 'sales.volume_litres': 50 }]]),
      expected: sums([['C1', { 'sales.volume_litres': 150, 'hazard.found': 1 }]]),
    },
    {
      name: 'keeps crews present on one side only',
      earlier: sums([['C1', { 'sales.amount_cny': 8 }]]),
      later: sums([['C2', { 'incident.near_miss': 1 }, { near_miss: '2026-03-10' }]]),
      expected: sums([
        ['C1', { 'sales.amount_cny': 8 }],
        ['C2', { 'incident.near_miss': 1 }, { near_miss: '2026-03-10' }],
      ]),
    },
    {
      name: 'takes the later day of an incident severity seen on both sides',
      earlier: sums([['C1', { 'incident.minor_injury': 1 }, { minor_injury: '2026-03-02' }]]),
      later: sums([['C1', { 'incident.minor_injury': 1 }, { minor_injury: '2026-03-10' }]]),
      expected: sums([['C1', { 'incident.minor_injury': 2 }, { minor_injury: '2026-03-10' }]]),
    },
  ])('$name', ({ earlier, later, expected }) => {
    const before = structuredClone(earlier);
    expect(addMetricSums(earlier, later)).toEqual(expected);
    // The kept sums of closed days must not change under it.
    expect(earlier).toEqual(before);
  });
});

describe('tabSeparatedRows (how the sums come back from ClickHouse)', () => {
  it('splits rows and fields and undoes ClickHouse escaping', () => {
    expect(tabSeparatedRows('C1\tsales.amount_cny\t12.500000\nC\\\\2\tmetric.a\\tb\t-3\n')).toEqual([
      ['C1', 'sales.amount_cny', '12.500000'],
      ['C\\2', 'metric.a\tb', '-3'],
    ]);
  });

  it('reads an empty answer as no rows', () => {
    expect(tabSeparatedRows('')).toEqual([]);
  });
});

describe('addMetricSums shares what it does not add', () => {
  it('a crew on one side only is the same entry, not a copy', () => {
    const earlier = sums([['C1', { 'sales.amount_cny': 8 }]]);
    const later = sums([['C2', { 'sales.amount_cny': 1 }]]);
    const out = addMetricSums(earlier, later);
    expect(out.get('C1')).toBe(earlier.get('C1'));
    expect(out.get('C2')).toBe(later.get('C2'));
  });
});
