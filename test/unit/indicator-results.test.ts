import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { indicatorResult } from '../../services/scoring/engine/indicator-results.ts';
import { scoreCrew } from '../../services/scoring/engine/score-crew.ts';
import { EMPTY_FACTS, type CrewProfile } from '../../services/scoring/engine/types.ts';

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

  it('gives crews summarised alike one summary and one empty veto list, and a crew with a target its own', () => {
    const competition = Competition.parse({
      name: { zh: '劳动竞赛', en: 'Labour competition' },
      kind: 'labour',
      period: { start: '2026-11-01', end: '2026-11-30' },
      indicators: [
        {
          id: 'sales',
          name: { zh: '销量', en: 'Sales' },
          rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 10 },
        },
      ],
      vetoes: [
        {
          id: 'injury',
          name: { zh: '重伤否决', en: 'Serious injury' },
          when: { kind: 'incident', severities: ['serious_injury'], minCount: 1 },
          effect: { kind: 'disqualify' },
        },
      ],
    });
    const targets = new Map([['C3', new Map([['sales.volume_litres', 1000]])]]);
    const score = (crewId: string, litres: number, injured = false) =>
      scoreCrew(
        competition,
        crew(crewId),
        {
          ...EMPTY_FACTS,
          metrics: { 'sales.volume_litres': litres, ...(injured ? { 'incident.serious_injury': 1 } : {}) },
          lastIncidentDay: injured ? { serious_injury: '2026-11-05' } : {},
        },
        targets,
        '2026-11-10',
      );
    const [a, b, c, d] = [score('C1', 100), score('C2', 300), score('C3', 500), score('C4', 100, true)];
    expect(a.facts).toBe(b.facts);
    expect(a.vetoes).toBe(b.vetoes);
    expect(a.vetoes).toEqual([]);
    // A target is the crew's own: its progress is not shared.
    expect(c.facts).not.toBe(a.facts);
    expect(c.facts.targets).toEqual([{ metric: 'sales.volume_litres', actual: 500, target: 1000 }]);
    expect(c.facts).toEqual({ ...a.facts, targets: c.facts.targets });
    // Different safe days: a summary of its own, and a veto of its own.
    expect(d.facts).not.toBe(a.facts);
    expect(d.facts.safetyDays).not.toBe(a.facts.safetyDays);
    expect(d.vetoes.map((v) => v.vetoId)).toEqual(['injury']);
    expect(d.disqualified).toBe(true);
    // The shared empty lists cannot be changed through one crew.
    expect(() => (a.facts.targets as unknown[]).push(1)).toThrow(TypeError);
    expect(() => (a.vetoes as unknown[]).push(1)).toThrow(TypeError);
  });
});
