import type { CrewProfile, ScoringInput } from './types.ts';

type RegistryPerson = NonNullable<ScoringInput['persons']>[number];

/**
 * Each person's entrant profile, per (person, crew) record of the registry: the registry keeps
 * those records until it changes, so a refresh builds no new profiles and score-memo.ts can
 * tell an unchanged entrant by identity.
 */
const profiles = new WeakMap<RegistryPerson, { crew: CrewProfile; entrant: CrewProfile }>();

/** Persons are never given crews' targets: one empty map, the same every time (score-memo.ts). */
const NO_TARGETS: ScoringInput['targets'] = new Map();

function profileOf(person: RegistryPerson, crew: CrewProfile): CrewProfile {
  const kept = profiles.get(person);
  if (kept?.crew === crew) return kept.entrant;
  const entrant: CrewProfile = {
    ...crew,
    crewId: person.id,
    crewName: person.name,
    headcount: 1,
    person: { crewId: crew.crewId, crewName: crew.crewName, job: person.job ?? null },
  };
  profiles.set(person, { crew, entrant });
  return entrant;
}

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
    entrants.push(profileOf(person, crew));
  }
  return { crews: entrants, facts: input.facts, targets: NO_TARGETS };
}
