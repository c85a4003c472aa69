import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { scoreCrew } from '../../services/scoring/engine/score-crew.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import type { CrewFacts, CrewProfile } from '../../services/scoring/engine/types.ts';
import { evaluateVetoes } from '../../services/scoring/engine/vetoes.ts';

const competition = Competition.parse({
  name: { zh: '安康杯', en: 'Ankang Cup' },
  kind: 'ankang',
  period: { start: '2026-11-01', end: '2026-11-30' },
  indicators: [
    {
      id: 'sales',
      name: { zh: '销量', en: 'Sales' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
    {
      id: 'safety',
      name: { zh: '安全天数', en: 'Safe days' },
      weight: 0.5,
      rule: { kind: 'safety_days', pointsPerDay: 1 },
    },
  ],
  vetoes: [
    // severities default to serious_injury + fatality, minCount to 1
    {
      id: 'v-serious',
      name: { zh: '重大事故否决', en: 'Serious accident veto' },
      when: { kind: 'incident' },
      effect: { kind: 'disqualify' },
    },
    {
      id: 'v-minor',
      name: { zh: '轻伤否决', en: 'Minor injury veto' },
      when: { kind: 'incident', severities: ['minor_injury'], minCount: 2 },
      effect: { kind: 'zero_indicator', indicatorId: 'safety' },
    },
    {
      id: 'v-3wei',
      name: { zh: '三违否决', en: 'Violations veto' },
      when: { kind: 'violations', minPersons: 3 },
      effect: { kind: 'zero_indicator', indicatorId: 'safety' },
    },
  ],
});

type Metrics = Record<string, number>;

function facts(partial: Partial<CrewFacts>): CrewFacts {
  return { ...EMPTY_FACTS, ...partial };
}

describe('evaluateVetoes', () => {
  it.each<{ name: string; metrics: Metrics; expected: unknown[] }>([
    { name: 'nothing happened', metrics: {}, expected: [] },
    {
      name: 'one serious injury disqualifies',
      metrics: { 'incident.serious_injury': 1 },
      expected: [
        {
          vetoId: 'v-serious',
          effect: 'disqualify',
          reason: { zh: '重伤 1 起', en: '1 serious injury' },
        },
      ],
    },
    {
      name: 'fatalities (plural)',
      metrics: { 'incident.fatality': 2 },
      expected: [
        {
          vetoId: 'v-serious',
          effect: 'disqualify',
          reason: { zh: '死亡 2 起', en: '2 fatalities' },
        },
      ],
    },
    // minCount 2: one minor injury is below the threshold; near misses never count here
    { name: 'below minCount', metrics: { 'incident.minor_injury': 1, 'incident.near_miss': 9 }, expected: [] },
    {
      name: 'minCount reached',
      metrics: { 'incident.minor_injury': 2 },
      expected: [{ vetoId: 'v-minor', effect: 'zero_indicator', reason: { zh: '轻伤 2 起', en: '2 minor injuries' } }],
    },
    // persons 1 + 2 = 3 >= 3
    {
      name: 'violation persons reach minPersons',
      metrics: { 'violation.command.persons': 1, 'violation.discipline.persons': 2 },
      expected: [
        {
          vetoId: 'v-3wei',
          effect: 'zero_indicator',
          reason: { zh: '三违 3 人次（阈值 3）', en: '3 violation person-times (threshold 3)' },
        },
      ],
    },
    // persons 2 < 3; events are not persons
    {
      name: 'violations below minPersons',
      metrics: { 'violation.operation.persons': 2, 'violation.operation.events': 5 },
      expected: [],
    },
  ])('$name', ({ metrics, expected }) => {
    const out = evaluateVetoes(competition, facts({ metrics }));
    expect(out.map(({ vetoId, effect, reason }) => ({ vetoId, effect, reason }))).toEqual(expected);
  });

  it('copies the veto name for display', () => {
    const [result] = evaluateVetoes(competition, facts({ metrics: { 'incident.fatality': 1 } }));
    expect(result?.name).toEqual({ zh: '重大事故否决', en: 'Serious accident veto' });
  });
});

describe('scoreCrew with vetoes', () => {
  const crew: CrewProfile = {
    crewId: 'c1',
    crewName: '一班',
    unitId: 'u1',
    unitName: '一站',
    unitType: 'station',
    branchId: 'b1',
    branchName: '一分公司',
    headcount: 5,
  };
  const asOf = '2026-11-10';
  const score = (f: CrewFacts) => scoreCrew(competition, crew, f, new Map(), asOf);

  it('applies weights and rounds per indicator', () => {
    // sales 1001 × 0.01 = 10.01; safety 10 days × 1 × 0.5 = 5; total 15.01
    const out = score(facts({ metrics: { 'sales.volume_litres': 1001 } }));
    expect(out.indicators).toEqual([
      { indicatorId: 'sales', value: 1001, points: 10.01 },
      { indicatorId: 'safety', value: 10, points: 5 },
    ]);
    expect(out.score).toBe(15.01);
    expect(out.disqualified).toBe(false);
  });

  it.each<{
    name: string;
    metrics: Metrics;
    lastIncidentDay: CrewFacts['lastIncidentDay'];
    zeroedBy: string;
    safetyValue: number;
    score: number;
  }>([
    // sales 1234 × 0.01 = 12.34; safety is zeroed by v-minor, so score = 12.34 + 0.
    // Safe days are still reported: last minor injury 11-03 -> 11-04..11-10 = 7
    {
      name: 'minor injuries zero the safety indicator',
      metrics: { 'sales.volume_litres': 1234, 'incident.minor_injury': 2 },
      lastIncidentDay: { minor_injury: '2026-11-03' },
      zeroedBy: 'v-minor',
      safetyValue: 7,
      score: 12.34,
    },
    // v-minor and v-3wei both zero 'safety'; the first in the competition wins. 12.34 + 0 = 12.34
    {
      name: 'first zeroing veto is recorded',
      metrics: { 'sales.volume_litres': 1234, 'incident.minor_injury': 2, 'violation.operation.persons': 4 },
      lastIncidentDay: { minor_injury: '2026-11-03' },
      zeroedBy: 'v-minor',
      safetyValue: 7,
      score: 12.34,
    },
    // only v-3wei: safety would be 10 × 0.5 = 5 but is zeroed; 12.34 + 0
    {
      name: 'violations zero the safety indicator',
      metrics: { 'sales.volume_litres': 1234, 'violation.operation.persons': 3 },
      lastIncidentDay: {},
      zeroedBy: 'v-3wei',
      safetyValue: 10,
      score: 12.34,
    },
  ])('$name', ({ metrics, lastIncidentDay, zeroedBy, safetyValue, score: expected }) => {
    const out = score(facts({ metrics, lastIncidentDay }));
    expect(out.indicators[1]).toEqual({ indicatorId: 'safety', value: safetyValue, points: 0, zeroedBy });
    expect(out.score).toBe(expected);
    expect(out.disqualified).toBe(false);
  });

  it('disqualifies with score 0 but keeps the breakdown', () => {
    // sales 1234 × 0.01 = 12.34; serious injury on 11-06 -> safe 11-07..11-10 = 4 days × 0.5 = 2; score forced to 0
    const out = score(
      facts({
        metrics: { 'sales.volume_litres': 1234, 'incident.serious_injury': 1 },
        lastIncidentDay: { serious_injury: '2026-11-06' },
      }),
    );
    expect(out.disqualified).toBe(true);
    expect(out.score).toBe(0);
    expect(out.indicators).toEqual([
      { indicatorId: 'sales', value: 1234, points: 12.34 },
      { indicatorId: 'safety', value: 4, points: 2 },
    ]);
    expect(out.vetoes.map((v) => v.vetoId)).toEqual(['v-serious']);
  });
});
