import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { indicatorResult } from '../../services/scoring/engine/indicator-results.ts';
import { scoreCrew } from '../../services/scoring/engine/score-crew.ts';
import { EMPTY_FACTS, type CrewProfile } from '../../services/scoring/engine/types.ts';

/** Equal indicator results are one object (indicator-results.ts): what 300 competitions' standings hold. */
describe('indicatorResult', () => {
  it('is one object for equal results and tells different ones apart', () => {
    const a = indicatorResult('safety', 12, 6);
    expect(indicatorResult('safety', 12, 6)).toBe(a);
    expect(a).toEqual({ indicatorId: 'safety', value: 12, points: 6 });
    expect(indicatorResult('safety', 12, 6.01)).toEqual({ indicatorId: 'safety', value: 12, points: 6.01 });
    expect(indicatorResult('safety', 13, 6)).toEqual({ indicatorId: 'safety', value: 13, points: 6 });
    expect(indicatorResult('volume', 12, 6)).toEqual({ indicatorId: 'volume', value: 12, points: 6 });
    // No target: a value that cannot be measured is not a measured 0.
    expect(indicatorResult('volume', null, 0)).toEqual({ indicatorId: 'volume', value: null, points: 0 });
    expect(indicatorResult('volume', 0, 0)).toEqual({ indicatorId: 'volume', value: 0, points: 0 });
  });

  it('gives right results after its table starts afresh', () => {
    const early = indicatorResult('sales', -1, -1);
    // More distinct results than the table keeps (all different, like sums of sales).
    for (let i = 0; i < 150_000; i++) expect(indicatorResult('sales', i, i / 100).value).toBe(i);
    expect(early).toEqual({ indicatorId: 'sales', value: -1, points: -1 });
    expect(indicatorResult('sales', -1, -1)).toEqual(early);
    expect(indicatorResult('sales', 149_999, 1499.99)).toEqual({
      indicatorId: 'sales',
      value: 149_999,
      points: 1499.99,
    });
  });

  it('is shared by crews whose indicator measured the same', () => {
    const competition = Competition.parse({
      name: { zh: '安康杯', en: 'Ankang Cup' },
      kind: 'ankang',
      period: { start: '2026-11-01', end: '2026-11-30' },
      indicators: [
        {
          id: 'violations',
          name: { zh: '三违', en: 'Violations' },
          rule: { kind: 'count', event: 'violation', measure: 'events', pointsEach: -5 },
        },
        {
          id: 'sales',
          name: { zh: '销量', en: 'Sales' },
          rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
        },
      ],
    });
    const crew = (crewId: string): CrewProfile => ({
      crewId,
      crewName: crewId,
      unitId: 'U1',
      unitName: '一站',
      unitType: 'station',
      branchId: 'B1',
      branchName: '一分公司',
      headcount: 5,
    });
    const score = (crewId: string, litres: number) =>
      scoreCrew(
        competition,
        crew(crewId),
        { ...EMPTY_FACTS, metrics: { 'sales.volume_litres': litres } },
        new Map(),
        '2026-11-10',
      );
    const [a, b] = [score('C1', 100), score('C2', 300)];
    expect(a.indicators[0]).toBe(b.indicators[0]);
    expect(a.indicators[1]).not.toBe(b.indicators[1]);
    expect(a.indicators.map((r) => r.points)).toEqual([0, 1]);
    expect(b.indicators.map((r) => r.points)).toEqual([0, 3]);
  });
});
