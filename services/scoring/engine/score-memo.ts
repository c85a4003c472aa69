import type { Competition } from '../../../schemas/competition.schema.ts';
import type { CrewFacts, CrewProfile, CrewScore, InnovationTally, ScoringInput } from './types.ts';

/**
 * Scores of the previous computation of one competition, so the next one re-scores only the
 * entrants whose facts changed (issue 16: a refresh of 100,000 persons' standings after a burst
 * that touched a few hundred of them). scoreCrew is a pure function of the definition, the day,
 * the targets, the entrant's profile and its facts: a kept score is reused only when the first
 * three are the same objects and the profile is the same object with facts of equal value.
 * Anything else (a new rule version, a registry change, the day turning) scores afresh.
 */
export interface ScoreMemo {
  competition?: Competition;
  asOf?: string;
  targets?: ScoringInput['targets'];
  /** Keyed by the entrant's profile object (the registry keeps them while it does not change). */
  entries: Map<CrewProfile, { facts: CrewFacts; score: CrewScore }>;
  /** The entrants as given last time, and in crewId order (see entrantsInIdOrder). */
  order?: { given: readonly CrewProfile[]; byId: readonly CrewProfile[] };
}

export function createScoreMemo(): ScoreMemo {
  return { entries: new Map() };
}

function sameRecord(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (!Object.is(a[key], b[key])) return false;
    count += 1;
  }
  return Object.keys(b).length === count;
}

function sameInnovations(a: readonly InnovationTally[], b: readonly InnovationTally[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    return (
      y !== undefined &&
      x.category === y.category &&
      x.status === y.status &&
      x.awardLevel === y.awardLevel &&
      x.count === y.count
    );
  });
}

/** Facts of equal value: every number and day the rules read. */
export function sameFacts(a: CrewFacts, b: CrewFacts): boolean {
  return (
    a === b ||
    (sameRecord(a.metrics, b.metrics) &&
      sameRecord(a.lastIncidentDay, b.lastIncidentDay) &&
      a.hazards.found === b.hazards.found &&
      a.hazards.rectified === b.hazards.rectified &&
      sameInnovations(a.innovations, b.innovations) &&
      (a.overdueHazards === b.overdueHazards ||
        (a.overdueHazards !== undefined &&
          b.overdueHazards !== undefined &&
          sameRecord(a.overdueHazards, b.overdueHazards))))
  );
}

const byCrewId = (a: CrewProfile, b: CrewProfile): number => (a.crewId < b.crewId ? -1 : a.crewId > b.crewId ? 1 : 0);

/**
 * The entrants in crewId order (ranking needs it, rank.ts). Persons come in registry order, which
 * is not id order; sorting 100,000 ids by string comparison took a third of a refresh, so the
 * order is kept while the same profiles come in the same order.
 */
export function entrantsInIdOrder(memo: ScoreMemo | undefined, given: readonly CrewProfile[]): readonly CrewProfile[] {
  const kept = memo?.order;
  if (kept !== undefined && kept.given.length === given.length && kept.given.every((c, i) => c === given[i]))
    return kept.byId;
  const byId = [...given].sort(byCrewId);
  if (memo !== undefined) memo.order = { given, byId };
  return byId;
}

/**
 * Scores every entrant, reusing the memo's scores where nothing they depend on changed, and
 * leaves this computation's scores in the memo for the next one.
 */
export function scoreWithMemo(
  memo: ScoreMemo | undefined,
  input: Pick<ScoringInput, 'competition' | 'asOf' | 'targets'>,
  entrants: readonly CrewProfile[],
  factsOf: (crewId: string) => CrewFacts,
  score: (crew: CrewProfile, facts: CrewFacts) => CrewScore,
): CrewScore[] {
  if (memo === undefined) return entrants.map((crew) => score(crew, factsOf(crew.crewId)));
  const same = memo.competition === input.competition && memo.asOf === input.asOf && memo.targets === input.targets;
  const previous = same ? memo.entries : new Map<CrewProfile, never>();
  const next: ScoreMemo['entries'] = new Map();
  const scores = entrants.map((crew) => {
    const facts = factsOf(crew.crewId);
    const kept = previous.get(crew);
    const s = kept !== undefined && sameFacts(kept.facts, facts) ? kept.score : score(crew, facts);
    next.set(crew, { facts, score: s });
    return s;
  });
  memo.competition = input.competition;
  memo.asOf = input.asOf;
  memo.targets = input.targets;
  memo.entries = next;
  return scores;
}
