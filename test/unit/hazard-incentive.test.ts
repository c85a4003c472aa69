import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { TEMPLATES } from '../../services/console/web/model/templates.ts';
import { buildDemoCompetitions, ANKANG_COMPETITION_ID } from '../../services/demo/demo-competitions.ts';
import { computeStandings } from '../../services/scoring/engine/compute-standings.ts';
import type { CrewFacts, CrewProfile } from '../../services/scoring/engine/types.ts';

/**
 * The incentive to report hazards (issue 16): with a rectification rate that gives full points to
 * a crew reporting no hazard, the crew that reported one and was still fixing it fell to last in
 * the demo. The shipped Ankang definitions must rank, all else equal:
 * found and fixed > found, within its deadline > reported nothing > left past its deadline.
 */
const TODAY = '2026-11-20';

function crew(crewId: string): CrewProfile {
  return {
    crewId,
    crewName: crewId,
    unitId: 'u1',
    unitName: 'u1',
    unitType: 'station',
    branchId: 'b1',
    branchName: 'b1',
    headcount: 6,
  };
}

function hazards(found: number, rectified: number, overdue: number): CrewFacts {
  return {
    metrics: { 'hazard.found': found, 'hazard.rectified': rectified },
    lastIncidentDay: {},
    hazards: { found, rectified },
    innovations: [],
    overdueHazards: { 7: overdue },
  };
}

const SCENARIOS = {
  fixed: hazards(1, 1, 0),
  fixing: hazards(1, 0, 0),
  silent: hazards(0, 0, 0),
  overdue: hazards(1, 0, 1),
};

function scores(definition: CompetitionInput): Record<keyof typeof SCENARIOS, number> {
  const competition = Competition.parse(definition);
  const rows = computeStandings({
    competition,
    asOf: TODAY,
    crews: Object.keys(SCENARIOS).map(crew),
    facts: new Map(Object.entries(SCENARIOS)),
    targets: new Map(),
  }).filter((r) => r.groupBy === 'overall');
  const score = (id: string) => rows.find((r) => r.crew.crewId === id)?.score ?? NaN;
  return { fixed: score('fixed'), fixing: score('fixing'), silent: score('silent'), overdue: score('overdue') };
}

const march = { start: '2026-03-01', end: '2026-03-31' };
const demoAnkang = buildDemoCompetitions(TODAY).find((c) => c.id === ANKANG_COMPETITION_ID)?.definition;
const ankangTemplate = TEMPLATES.find((t) => t.key === 'ankang')?.build(march);
const DEFINITIONS: [string, CompetitionInput | undefined][] = [
  ['the demo’s Ankang Cup', demoAnkang],
  ['the console’s Ankang template', ankangTemplate],
];

describe('hazard reporting pays', () => {
  it.each(DEFINITIONS)('%s: fixed > reported and fixing > reported nothing > overdue', (_name, definition) => {
    expect(definition).toBeDefined();
    if (!definition) return;
    const s = scores(definition);
    expect(s.fixed, JSON.stringify(s)).toBeGreaterThan(s.fixing);
    expect(s.fixing, JSON.stringify(s)).toBeGreaterThan(s.silent);
    expect(s.silent, JSON.stringify(s)).toBeGreaterThan(s.overdue);
  });
});
