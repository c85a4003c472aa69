import type { CrewProfile, ScoringInput } from './types.ts';

/**
 * 个人赛: every registry person of a participating crew is an entrant, in registry order, whether
 * or not any event names them (a person with no events scores like a crew with no events). The
 * entrant carries the person's id and name where a crew's carry the crew's, the unit and branch
 * of their crew (so ranking by branch or unit type works), headcount 1, and their crew beside.
 * Facts are per person (events with that personId, whichever crew reported them); crews' targets
 * are not shared out among their members, so target indicators have nothing to judge a person by.
 */
export function personEntrants(
  input: Pick<ScoringInput, 'crews' | 'persons' | 'facts'>,
): Pick<ScoringInput, 'crews' | 'facts' | 'targets'> {
  const crews = new Map(input.crews.map((c) => [c.crewId, c]));
  const entrants: CrewProfile[] = [];
  for (const person of input.persons ?? []) {
    const crew = crews.get(person.crewId);
    if (crew === undefined) continue;
    entrants.push({
      ...crew,
      crewId: person.id,
      crewName: person.name,
      headcount: 1,
      person: { crewId: crew.crewId, crewName: crew.crewName, job: person.job ?? null },
    });
  }
  return { crews: entrants, facts: input.facts, targets: new Map() };
}
