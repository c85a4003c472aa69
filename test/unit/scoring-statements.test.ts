import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { computeStandings } from '../../services/scoring/engine/compute-standings.ts';
import { scoreCrew } from '../../services/scoring/engine/score-crew.ts';
import { EMPTY_FACTS, type CrewFacts, type CrewProfile } from '../../services/scoring/engine/types.ts';

/**
 * The scoring statements of docs/scoring-rules.md (计分细则 · Scoring details) that the
 * engine alone decides, one test per statement, named as docs/scoring-rules.md names it.
 */
const crew = (crewId: string): CrewProfile => ({
  crewId,
  crewName: crewId,
  unitId: 'U1',
  unitName: 'U1',
  unitType: 'station',
  branchId: 'B1',
  branchName: 'B1',
  headcount: 1,
});

const facts = (partial: Partial<CrewFacts>): CrewFacts => ({ ...EMPTY_FACTS, ...partial });

function competition(indicators: CompetitionInput['indicators'], extra: Partial<CompetitionInput> = {}): Competition {
  return Competition.parse({
    name: { zh: '竞赛', en: 'Competition' },
    kind: 'labour',
    period: { start: '2026-03-01', end: '2026-03-31' },
    indicators,
    ...extra,
  });
}

const score = (c: Competition, f: CrewFacts, asOf = '2026-03-10') => scoreCrew(c, crew('C1'), f, new Map(), asOf);

describe('scoring rules: rounding', () => {
  const sum = (pointsPerUnit: number, weight: number) =>
    competition([
      { id: 'x', name: { zh: '量', en: 'X' }, weight, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit } },
    ]);

  it('rounds each indicator to 2 decimals after the weight, half away from zero, on the decimal value', () => {
    // 0.335 × 3 = 1.005: rounding before the weight would give 0.34 × 3 = 1.02.
    expect(score(sum(0.335, 3), facts({ metrics: { 'metric.x': 1 } })).indicators[0]?.points).toBe(1.01);
    expect(score(sum(-0.335, 3), facts({ metrics: { 'metric.x': 1 } })).indicators[0]?.points).toBe(-1.01);
    // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary; the decimal meant rounds up.
    expect(score(sum(1, 1), facts({ metrics: { 'metric.x': 2.675 } })).indicators[0]?.points).toBe(2.68);
    expect(score(sum(1, 1), facts({ metrics: { 'metric.x': 2.674 } })).indicators[0]?.points).toBe(2.67);
  });

  it('adds up the rounded indicator points into the score', () => {
    const two = competition([
      { id: 'a', name: { zh: 'A', en: 'A' }, rule: { kind: 'sum', metric: 'metric.a', pointsPerUnit: 1 } },
      { id: 'b', name: { zh: 'B', en: 'B' }, rule: { kind: 'sum', metric: 'metric.b', pointsPerUnit: 1 } },
    ]);
    // 0.005 + 0.005 = 0.01 unrounded; each rounds to 0.01 first, so the score is 0.02.
    expect(score(two, facts({ metrics: { 'metric.a': 0.005, 'metric.b': 0.005 } })).score).toBe(0.02);
  });
});

describe('scoring rules: what value means', () => {
  const innovation = competition([
    {
      id: 'five',
      name: { zh: '五小', en: 'Innovation' },
      rule: {
        kind: 'innovation',
        categories: ['invention', 'design'],
        points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } },
      },
    },
  ]);
  const rate = competition([
    { id: 'rate', name: { zh: '整改率', en: 'Rectified' }, rule: { kind: 'rectification_rate', pointsAtFullRate: 10 } },
  ]);

  it('innovation: the number of innovations of its categories, each at its current status', () => {
    const result = score(
      innovation,
      facts({
        innovations: [
          { category: 'invention', status: 'submitted', awardLevel: 0, count: 2 },
          { category: 'design', status: 'awarded', awardLevel: 3, count: 1 },
          { category: 'suggestion', status: 'adopted', awardLevel: 0, count: 4 },
        ],
      }),
    );
    expect(result.indicators[0]).toMatchObject({ value: 3, points: 7 });
  });

  it('rectification_rate: the percentage of the period’s hazards rectified, null when none was found', () => {
    expect(score(rate, facts({ hazards: { found: 3, rectified: 2 } })).indicators[0]).toMatchObject({
      value: 66.67,
      points: 6.67,
    });
    expect(score(rate, facts({ hazards: { found: 0, rectified: 0 } })).indicators[0]).toMatchObject({
      value: null,
      points: 10,
    });
  });
});

describe('scoring rules: disqualified crews', () => {
  it('keep their indicator points, score 0, and are listed last by crew id', () => {
    const c = competition(
      [{ id: 'x', name: { zh: '量', en: 'X' }, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit: 1 } }],
      {
        vetoes: [
          {
            id: 'serious',
            name: { zh: '重伤', en: 'Serious' },
            when: { kind: 'incident', severities: ['serious_injury'] },
            effect: { kind: 'disqualify' },
          },
        ],
      },
    );
    const vetoed = (x: number) =>
      facts({
        metrics: { 'metric.x': x, 'incident.serious_injury': 1 },
        lastIncidentDay: { serious_injury: '2026-03-02' },
      });
    const rows = computeStandings({
      competition: c,
      asOf: '2026-03-10',
      crews: ['Z-low', 'B-out', 'A-out', 'M-mid'].map(crew),
      facts: new Map([
        ['Z-low', facts({ metrics: { 'metric.x': 1 } })],
        ['B-out', vetoed(500)],
        ['A-out', vetoed(100)],
        ['M-mid', facts({ metrics: { 'metric.x': 5 } })],
      ]),
      targets: new Map(),
    });
    expect(rows.map((r) => [r.crew.crewId, r.rank, r.score, r.disqualified, r.indicators[0]?.points])).toEqual([
      ['M-mid', 1, 5, false, 5],
      ['Z-low', 2, 1, false, 1],
      ['A-out', null, 0, true, 100],
      ['B-out', null, 0, true, 500],
    ]);
  });
});

describe('scoring rules: safe days', () => {
  const days = competition([
    { id: 'safe', name: { zh: '安全天数', en: 'Safe days' }, rule: { kind: 'safety_days', pointsPerDay: 1 } },
  ]);
  const safeDays = (asOf: string, lastMinorInjury?: string) =>
    score(
      days,
      facts(lastMinorInjury === undefined ? {} : { lastIncidentDay: { minor_injury: lastMinorInjury } }),
      asOf,
    ).indicators[0]?.value;

  it('count both ends: the period’s first day is one safe day, an incident’s day none, the next day one', () => {
    expect(safeDays('2026-03-01')).toBe(1);
    expect(safeDays('2026-03-10')).toBe(10);
    expect(safeDays('2026-03-10', '2026-03-10')).toBe(0);
    expect(safeDays('2026-03-11', '2026-03-10')).toBe(1);
    expect(safeDays('2026-03-10', '2026-03-05')).toBe(5);
  });
});
