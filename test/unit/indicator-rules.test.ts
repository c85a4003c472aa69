import { describe, expect, it } from 'vitest';
import { IndicatorRule } from '../../schemas/competition.schema.ts';
import { evaluateRule } from '../../services/scoring/engine/indicator-rules.ts';
import type { RuleContext } from '../../services/scoring/engine/indicator-rules.ts';
import { round2 } from '../../services/scoring/engine/round.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import type { CrewFacts } from '../../services/scoring/engine/types.ts';

// Shared context: crew c1 with 4 people, November 2026 competition judged on 2026-11-10 (day 10).
function ctx(facts: Partial<CrewFacts> = {}, overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    crewId: 'c1',
    headcount: 4,
    facts: { ...EMPTY_FACTS, ...facts },
    targets: new Map([
      [
        'c1',
        new Map([
          ['sales.volume_litres', 1000],
          ['metric.skill', 3],
        ]),
      ],
    ]),
    period: { start: '2026-11-01', end: '2026-11-30' },
    asOf: '2026-11-10',
    ...overrides,
  };
}

interface Case {
  name: string;
  rule: unknown;
  ctx: RuleContext;
  value: number | null;
  points: number;
}

// Parse so schema defaults (perCapita false, measure events, ...) apply exactly as in production.
function run(rule: unknown, context: RuleContext) {
  return evaluateRule(IndicatorRule.parse(rule), context);
}

function check({ rule, ctx: context, value, points }: Case): void {
  const out = run(rule, context);
  expect(out.value).toBe(value);
  // Rule points are unrounded (weight comes later), so compare to 9 decimals.
  expect(out.points).toBeCloseTo(points, 9);
}

describe('round2', () => {
  it.each([
    [1.005, 1.01], // 1.005 * 100 = 100.49999999999999 in binary; must still round up
    [1.255, 1.26],
    [8.345, 8.35],
    [2.675, 2.68],
    [-1.005, -1.01], // half away from zero, symmetric with 1.005
    [0.1 + 0.2, 0.3],
    [1.004999, 1],
    [123456.785, 123456.79],
    [12, 12],
    [5.005, 5.01],
  ])('round2(%d) = %d', (x, expected) => {
    expect(round2(x)).toBe(expected);
  });

  it.each([-0.001, -0, -0.004])('never returns -0 (%d)', (x) => {
    expect(Object.is(round2(x), 0)).toBe(true);
  });
});

describe('sum rule', () => {
  const litres = 'sales.volume_litres';
  it.each<Case>([
    // 1234 L × 0.01 = 12.34
    {
      name: 'plain sum',
      rule: { kind: 'sum', metric: litres, pointsPerUnit: 0.01 },
      ctx: ctx({ metrics: { [litres]: 1234 } }),
      value: 1234,
      points: 12.34,
    },
    // 5000 × 0.01 = 50, capped at 30
    {
      name: 'cap',
      rule: { kind: 'sum', metric: litres, pointsPerUnit: 0.01, cap: 30 },
      ctx: ctx({ metrics: { [litres]: 5000 } }),
      value: 5000,
      points: 30,
    },
    // -50 × 1 = -50, floored at -20
    {
      name: 'floor',
      rule: { kind: 'sum', metric: 'metric.quiz', pointsPerUnit: 1, floor: -20 },
      ctx: ctx({ metrics: { 'metric.quiz': -50 } }),
      value: -50,
      points: -20,
    },
    // 1000 L / 4 people = 250 L per person; 250 × 0.1 = 25
    {
      name: 'perCapita',
      rule: { kind: 'sum', metric: litres, pointsPerUnit: 0.1, perCapita: true },
      ctx: ctx({ metrics: { [litres]: 1000 } }),
      value: 250,
      points: 25,
    },
    // missing key means 0
    {
      name: 'missing metric',
      rule: { kind: 'sum', metric: litres, pointsPerUnit: 0.01 },
      ctx: ctx(),
      value: 0,
      points: 0,
    },
  ])('$name', check);
});

describe('target rule', () => {
  const litres = 'sales.volume_litres';
  it.each<Case>([
    // target 1000: 800/1000 = 0.8 -> 80 %; 40 × 0.8 = 32, no bonus
    {
      name: 'under target',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40, pointsPerPercentOver: 2 },
      ctx: ctx({ metrics: { [litres]: 800 } }),
      value: 80,
      points: 32,
    },
    // 1100/1000 = 1.1 -> 110 %; 40 × 1 + 10 % × 2 = 60
    {
      name: 'over target',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40, pointsPerPercentOver: 2 },
      ctx: ctx({ metrics: { [litres]: 1100 } }),
      value: 110,
      points: 60,
    },
    // 1500/1000 = 1.5 -> 150 %; bonus 50 × 2 = 100 capped at 20; 40 + 20 = 60
    {
      name: 'bonus cap',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40, pointsPerPercentOver: 2, bonusCap: 20 },
      ctx: ctx({ metrics: { [litres]: 1500 } }),
      value: 150,
      points: 60,
    },
    // pointsPerPercentOver defaults to 0: 150 % still earns only 40
    {
      name: 'no bonus by default',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40 },
      ctx: ctx({ metrics: { [litres]: 1500 } }),
      value: 150,
      points: 40,
    },
    // target 3: 2/3 = 66.666.. % -> 66.67; 30 × 2/3 = 20
    {
      name: 'fractional completion',
      rule: { kind: 'target', metric: 'metric.skill', pointsAtTarget: 30 },
      ctx: ctx({ metrics: { 'metric.skill': 2 } }),
      value: 66.67,
      points: 20,
    },
    // Returns netted against sales: -200/1000 = -20 %. Completion is reported as it is, but
    // points are floored at 0 by default (before the fix: 40 × -0.2 = -8 points).
    {
      name: 'completion below zero floored at 0',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40, pointsPerPercentOver: 2 },
      ctx: ctx({ metrics: { [litres]: -200 } }),
      value: -20,
      points: 0,
    },
    // The organiser may choose to let returns cost points: 40 × -0.2 = -8
    {
      name: 'completion below zero with allowNegative',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40, allowNegative: true },
      ctx: ctx({ metrics: { [litres]: -200 } }),
      value: -20,
      points: -8,
    },
    // c1 has no target for tonnes -> cannot measure
    {
      name: 'missing target (metric)',
      rule: { kind: 'target', metric: 'sales.volume_tonnes', pointsAtTarget: 40 },
      ctx: ctx({ metrics: { 'sales.volume_tonnes': 9 } }),
      value: null,
      points: 0,
    },
    // crew c2 has no targets at all
    {
      name: 'missing target (crew)',
      rule: { kind: 'target', metric: litres, pointsAtTarget: 40 },
      ctx: ctx({ metrics: { [litres]: 900 } }, { crewId: 'c2' }),
      value: null,
      points: 0,
    },
  ])('$name', check);
});

describe('count rule', () => {
  it.each<Case>([
    // default severities = all four: 2 near miss + 1 minor = 3; 3 × -2 = -6
    {
      name: 'incident, all severities',
      rule: { kind: 'count', event: 'incident', pointsEach: -2 },
      ctx: ctx({ metrics: { 'incident.near_miss': 2, 'incident.minor_injury': 1 } }),
      value: 3,
      points: -6,
    },
    // only minor + serious count: 1 + 1 = 2 (near miss ignored); 2 × -10 = -20, floor -15
    {
      name: 'incident, chosen severities, floor',
      rule: {
        kind: 'count',
        event: 'incident',
        severities: ['minor_injury', 'serious_injury'],
        pointsEach: -10,
        floor: -15,
      },
      ctx: ctx({ metrics: { 'incident.near_miss': 5, 'incident.minor_injury': 1, 'incident.serious_injury': 1 } }),
      value: 2,
      points: -15,
    },
    // persons across all kinds: 1 + 3 + 2 = 6 person-times; 6 × -5 = -30, floor -20
    {
      name: 'violation persons, floor',
      rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 },
      ctx: ctx({
        metrics: {
          'violation.command.persons': 1,
          'violation.operation.persons': 3,
          'violation.discipline.persons': 2,
          'violation.operation.events': 1,
        },
      }),
      value: 6,
      points: -20,
    },
    // events (default measure) of operation only: 1 × -5 = -5 (persons 3 and command 4 ignored)
    {
      name: 'violation events, chosen kind',
      rule: { kind: 'count', event: 'violation', violationKinds: ['operation'], pointsEach: -5 },
      ctx: ctx({
        metrics: { 'violation.operation.events': 1, 'violation.operation.persons': 3, 'violation.command.events': 4 },
      }),
      value: 1,
      points: -5,
    },
    // 7 found × 1 = 7, capped at 5
    {
      name: 'hazard_found, cap',
      rule: { kind: 'count', event: 'hazard_found', pointsEach: 1, cap: 5 },
      ctx: ctx({ metrics: { 'hazard.found': 7, 'hazard.rectified': 2 } }),
      value: 7,
      points: 5,
    },
    // 6 rectified / 4 people = 1.5; 1.5 × 2 = 3
    {
      name: 'hazard_rectified, perCapita',
      rule: { kind: 'count', event: 'hazard_rectified', pointsEach: 2, perCapita: true },
      ctx: ctx({ metrics: { 'hazard.found': 9, 'hazard.rectified': 6 } }),
      value: 1.5,
      points: 3,
    },
    // Overdue hazards are read per deadline: this rule allows 7 days, so 2 overdue × -3 = -6
    // (the 3-day count of another rule and the found/rectified sums do not count here).
    {
      name: 'hazard_overdue, its own deadline',
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 7, pointsEach: -3 },
      ctx: ctx({ metrics: { 'hazard.found': 9, 'hazard.rectified': 1 }, overdueHazards: { 3: 5, 7: 2 } }),
      value: 2,
      points: -6,
    },
    // 6 overdue × -3 = -18, floored at -15
    {
      name: 'hazard_overdue, floor',
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 3, pointsEach: -3, floor: -15 },
      ctx: ctx({ overdueHazards: { 3: 6 } }),
      value: 6,
      points: -15,
    },
    // A competition without overdue facts for this deadline: nothing overdue
    {
      name: 'hazard_overdue, none',
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 1, pointsEach: -3 },
      ctx: ctx({ metrics: { 'hazard.found': 4 } }),
      value: 0,
      points: 0,
    },
    {
      name: 'nothing happened',
      rule: { kind: 'count', event: 'incident', pointsEach: -10 },
      ctx: ctx(),
      value: 0,
      points: 0,
    },
  ])('$name', check);
});

describe('safety_days rule', () => {
  const rule = { kind: 'safety_days', pointsPerDay: 1 };
  it.each<Case>([
    // 11-01..11-10 inclusive = 10 days
    { name: 'no incident', rule, ctx: ctx(), value: 10, points: 10 },
    // minor injury (breaks by default) on 11-04: count 11-05..11-10 = 6
    {
      name: 'breaking incident inside the period',
      rule,
      ctx: ctx({ lastIncidentDay: { minor_injury: '2026-11-04' } }),
      value: 6,
      points: 6,
    },
    // incident on 10-20 is before the period: start stays 11-01 -> 10 days
    {
      name: 'incident before the period',
      rule,
      ctx: ctx({ lastIncidentDay: { serious_injury: '2026-10-20' } }),
      value: 10,
      points: 10,
    },
    // near miss does not break by default -> still 10
    {
      name: 'non-breaking severity',
      rule,
      ctx: ctx({ lastIncidentDay: { near_miss: '2026-11-08' } }),
      value: 10,
      points: 10,
    },
    // near miss made breaking: 11-09..11-10 = 2
    {
      name: 'configured breaking severity',
      rule: { ...rule, breakingSeverities: ['near_miss', 'fatality'] },
      ctx: ctx({ lastIncidentDay: { near_miss: '2026-11-08', minor_injury: '2026-11-09' } }),
      value: 2,
      points: 2,
    },
    // latest of minor 11-03 and serious 11-06 is 11-06: 11-07..11-10 = 4
    {
      name: 'latest over severities',
      rule,
      ctx: ctx({ lastIncidentDay: { minor_injury: '2026-11-03', serious_injury: '2026-11-06' } }),
      value: 4,
      points: 4,
    },
    // incident on asOf itself: next safe day is 11-11 > asOf -> 0
    { name: 'incident on asOf', rule, ctx: ctx({ lastIncidentDay: { fatality: '2026-11-10' } }), value: 0, points: 0 },
    // incident on asOf - 1: only 11-10 counts -> 1
    {
      name: 'incident the day before asOf',
      rule,
      ctx: ctx({ lastIncidentDay: { minor_injury: '2026-11-09' } }),
      value: 1,
      points: 1,
    },
    // 10 days × 2 = 20, capped at 15
    { name: 'cap', rule: { ...rule, pointsPerDay: 2, cap: 15 }, ctx: ctx(), value: 10, points: 15 },
    // across a month end: 10-20..10-31 = 12, 11-01..11-02 = 2 -> 14
    {
      name: 'month boundary',
      rule,
      ctx: ctx({}, { period: { start: '2026-10-20', end: '2026-11-30' }, asOf: '2026-11-02' }),
      value: 14,
      points: 14,
    },
    // across a leap day: 2028-02-27, 28, 29, 03-01 = 4
    {
      name: 'leap year',
      rule,
      ctx: ctx({}, { period: { start: '2028-02-27', end: '2028-03-31' }, asOf: '2028-03-01' }),
      value: 4,
      points: 4,
    },
  ])('$name', check);
});

describe('innovation rule', () => {
  const rule = { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } };
  it.each<Case>([
    // 4 submitted × 1 + 2 adopted × 3 + 1 third prize × 5 = 4 + 6 + 5 = 15; 4 + 2 + 1 = 7 innovations
    {
      name: 'mixed statuses and award level',
      rule,
      ctx: ctx({
        innovations: [
          { category: 'suggestion', status: 'submitted', awardLevel: 0, count: 4 },
          { category: 'renovation', status: 'adopted', awardLevel: 0, count: 2 },
          { category: 'invention', status: 'awarded', awardLevel: 3, count: 1 },
        ],
      }),
      value: 7,
      points: 15,
    },
    // one idea submitted -> adopted -> second prize is tallied once at its latest status: 10, not 1 + 3 + 10
    {
      name: 'superseded status counts once',
      rule,
      ctx: ctx({ innovations: [{ category: 'design', status: 'awarded', awardLevel: 2, count: 1 }] }),
      value: 1,
      points: 10,
    },
    // only invention + creation: first prize 20 + adopted 3 = 23 (4 suggestions ignored); 2 innovations
    {
      name: 'category filter',
      rule: { ...rule, categories: ['invention', 'creation'] },
      ctx: ctx({
        innovations: [
          { category: 'suggestion', status: 'submitted', awardLevel: 0, count: 4 },
          { category: 'invention', status: 'awarded', awardLevel: 1, count: 1 },
          { category: 'creation', status: 'adopted', awardLevel: 0, count: 1 },
        ],
      }),
      value: 2,
      points: 23,
    },
    // 2 first prizes × 20 = 40, capped at 30
    {
      name: 'cap',
      rule: { ...rule, cap: 30 },
      ctx: ctx({ innovations: [{ category: 'invention', status: 'awarded', awardLevel: 1, count: 2 }] }),
      value: 2,
      points: 30,
    },
    { name: 'none', rule, ctx: ctx(), value: 0, points: 0 },
  ])('$name', check);
});

describe('rectification_rate rule', () => {
  const rule = { kind: 'rectification_rate', pointsAtFullRate: 10 };
  it.each<Case>([
    // nothing found: default whenNoHazards 'full' -> 10
    { name: 'no hazards, full (default)', rule, ctx: ctx(), value: null, points: 10 },
    { name: 'no hazards, zero', rule: { ...rule, whenNoHazards: 'zero' }, ctx: ctx(), value: null, points: 0 },
    // 6/8 = 0.75 -> 75 %; 0.75 × 10 = 7.5
    { name: 'partial', rule, ctx: ctx({ hazards: { found: 8, rectified: 6 } }), value: 75, points: 7.5 },
    // 2/3 -> 66.67 %; 10 × 2/3 = 6.666..
    { name: 'fractional', rule, ctx: ctx({ hazards: { found: 3, rectified: 2 } }), value: 66.67, points: 10 * (2 / 3) },
    // 5/4 is clamped to 1 -> 100 %, 10
    {
      name: 'rate above 1 is clamped',
      rule,
      ctx: ctx({ hazards: { found: 4, rectified: 5 } }),
      value: 100,
      points: 10,
    },
  ])('$name', check);
});

describe('hazard_overdue needs its deadline', () => {
  it.each([
    [{ kind: 'count', event: 'hazard_overdue', pointsEach: -1 }, 'hazard_overdue needs rectifyWithinDays'],
    [
      { kind: 'count', event: 'hazard_found', rectifyWithinDays: 3, pointsEach: 1 },
      'rectifyWithinDays applies to event "hazard_overdue" only',
    ],
    [{ kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 1.5, pointsEach: -1 }, 'whole number'],
  ])('%j is refused', (rule, message) => {
    const result = IndicatorRule.safeParse(rule);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain(message);
    expect(result.error?.issues[0]?.path).toEqual(['rectifyWithinDays']);
  });
});
