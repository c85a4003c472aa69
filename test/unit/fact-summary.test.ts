import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { summarizeFacts, summaryRules, type FactSummary } from '../../services/scoring/engine/fact-summary.ts';
import { EMPTY_FACTS, type CrewFacts } from '../../services/scoring/engine/types.ts';
import { factsFromMap, factsToMap } from '../../services/scoring/snapshot-facts.ts';
import { noFacts } from '../support/fixtures.ts';

const base: CompetitionInput = {
  name: { zh: '安康杯', en: 'Ankang Cup' },
  kind: 'ankang',
  period: { start: '2026-11-01', end: '2026-11-30' },
  indicators: [
    { id: 'v', name: { zh: '三违', en: 'Violations' }, rule: { kind: 'count', event: 'violation', pointsEach: -5 } },
  ],
};

function competition(extra: Partial<CompetitionInput> = {}) {
  return Competition.parse({ ...base, ...extra, indicators: [...base.indicators, ...(extra.indicators ?? [])] });
}

const withVolumeTarget = competition({
  indicators: [
    {
      id: 't',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40 },
    },
  ],
});

const facts = (f: Partial<CrewFacts>): CrewFacts => ({ ...EMPTY_FACTS, ...f });
const targets = new Map([['c1', new Map([['sales.volume_litres', 8000]])]]);

function summary(comp: Competition, f: CrewFacts, crewId = 'c1'): FactSummary {
  return summarizeFacts(summaryRules(comp), {
    crewId,
    headcount: 4,
    facts: f,
    targets,
    period: comp.period,
    asOf: '2026-11-10',
  });
}

describe('summarizeFacts: what a score stands on, measured by the indicator rules', () => {
  it.each<{ name: string; comp: Competition; facts: CrewFacts; crewId?: string; expected: Partial<FactSummary> }>([
    {
      name: 'nothing happened: 10 safe days, no hazards (rate unknown), no violations',
      comp: competition(),
      facts: EMPTY_FACTS,
      expected: { safetyDays: 10, hazardsFound: 0, rectificationRate: null, violationPersons: 0, targets: [] },
    },
    {
      name: 'default breaking severities: a minor injury on the 6th leaves 4 safe days',
      comp: competition(),
      facts: facts({ lastIncidentDay: { minor_injury: '2026-11-06', near_miss: '2026-11-09' } }),
      expected: { safetyDays: 4 },
    },
    {
      name: 'the competition’s own safety_days rule decides which incidents break the run',
      comp: competition({
        indicators: [
          {
            id: 's',
            name: { zh: '安全天数', en: 'Safe days' },
            rule: { kind: 'safety_days', breakingSeverities: ['fatality'], pointsPerDay: 1 },
          },
        ],
      }),
      facts: facts({ lastIncidentDay: { minor_injury: '2026-11-06' } }),
      expected: { safetyDays: 10 },
    },
    {
      name: 'hazards: 3 of 4 rectified is 75 %',
      comp: competition(),
      facts: facts({ hazards: { found: 4, rectified: 3 } }),
      expected: { hazardsFound: 4, hazardsRectified: 3, rectificationRate: 75 },
    },
    {
      name: '三违 across all three kinds, as events and person-times',
      comp: competition(),
      facts: facts({
        metrics: {
          'violation.command.events': 1,
          'violation.command.persons': 1,
          'violation.operation.events': 2,
          'violation.operation.persons': 5,
          'violation.discipline.events': 1,
          'violation.discipline.persons': 2,
        },
      }),
      expected: { violationEvents: 4, violationPersons: 8 },
    },
    {
      name: 'target progress for each metric a target indicator judges, when the crew has a target',
      comp: withVolumeTarget,
      facts: facts({ metrics: { 'sales.volume_litres': 6000 } }),
      expected: { targets: [{ metric: 'sales.volume_litres', actual: 6000, target: 8000 }] },
    },
    {
      name: 'no target set for the crew: no progress entry',
      comp: withVolumeTarget,
      facts: facts({ metrics: { 'sales.volume_litres': 6000 } }),
      crewId: 'c2',
      expected: { targets: [] },
    },
  ])('$name', ({ comp, facts: f, crewId, expected }) => {
    expect(summary(comp, f, crewId)).toMatchObject(expected);
  });
});

describe('snapshot facts map', () => {
  it.each<FactSummary>([
    {
      safetyDays: 3,
      hazardsFound: 2,
      hazardsRectified: 1,
      rectificationRate: 50,
      violationPersons: 4,
      violationEvents: 2,
      targets: [
        { metric: 'metric.skill', actual: 1, target: 2 },
        { metric: 'sales.volume_litres', actual: 6000, target: 8000 },
      ],
    },
    noFacts(),
  ])('round-trips %#', (f) => {
    expect(factsFromMap(factsToMap(f))).toEqual(f);
  });

  it('reads an empty map (a snapshot from before facts were kept) as unknown', () => {
    expect(factsFromMap({})).toBeNull();
  });
});
