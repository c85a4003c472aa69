import type { Competition } from '../../../schemas/competition.schema.ts';
import type { RankedStandings } from './compute-standings.ts';
import type { CrewFacts, CrewProfile, CrewScore, FactsChanges, InnovationTally, ScoringInput } from './types.ts';

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
  /**
   * The previous computation's entrants with their facts and scores at the same index. Arrays,
   * not a map keyed by profile: a refresh usually scores the very same entrant array (kept by
   * entrantsInIdOrder), and a new 100,000-entry map per refresh was most of the scoring time.
   */
  entrants: readonly CrewProfile[];
  facts: readonly CrewFacts[];
  scores: readonly CrewScore[];
  /** What the previous facts said could differ from their base (types.ts FactsSource). */
  changes?: FactsChanges;
  /** The previous computation's ranking, patched by the next one (compute-standings.ts rankStandings). */
  ranked?: { competition: Competition; standings: RankedStandings };
  /** The entrants as given last time, and in crewId order (see entrantsInIdOrder). */
  order?: { given: readonly CrewProfile[]; byId: readonly CrewProfile[] };
}

export function createScoreMemo(): ScoreMemo {
  return { entrants: [], facts: [], scores: [] };
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
  if (
    kept !== undefined &&
    (kept.given === given || (kept.given.length === given.length && kept.given.every((c, i) => c === given[i])))
  )
    return kept.byId;
  let byId = sortedById.get(given);
  if (byId === undefined) sortedById.set(given, (byId = [...given].sort(byCrewId)));
  if (memo !== undefined) memo.order = { given, byId };
  return byId;
}

/**
 * The crewId order of each entrant array, shared by the memos of every competition given that
 * array (the catalog gives competitions over the same participants the same one), so they share
 * the index by id and the groups' members kept per entrant array too.
 */
const sortedById = new WeakMap<readonly CrewProfile[], readonly CrewProfile[]>();

/** Each entrant's index by id, per entrant array (kept while the registry does not change). */
const idIndexes = new WeakMap<readonly CrewProfile[], Map<string, number>>();

export function idIndex(entrants: readonly CrewProfile[]): ReadonlyMap<string, number> {
  let index = idIndexes.get(entrants);
  if (index === undefined) idIndexes.set(entrants, (index = new Map(entrants.map((c, i) => [c.crewId, i] as const))));
  return index;
}

/**
 * Scores every entrant, reusing the memo's scores where nothing they depend on changed, and
 * leaves this computation's scores in the memo for the next one. The array returned is the one
 * kept: callers must not change it. When the facts say which
 * entrants can differ from a base the previous facts shared (`changes`), only those entrants and
 * the previous ones' are looked at: every other entrant has the very same facts as before.
 */
export function scoreWithMemo(
  memo: ScoreMemo | undefined,
  input: Pick<ScoringInput, 'competition' | 'asOf' | 'targets'>,
  entrants: readonly CrewProfile[],
  factsOf: (crewId: string) => CrewFacts,
  score: (crew: CrewProfile, facts: CrewFacts) => CrewScore,
  changes?: FactsChanges,
): readonly CrewScore[] {
  if (memo === undefined) return entrants.map((crew) => score(crew, factsOf(crew.crewId)));
  const same = memo.competition === input.competition && memo.asOf === input.asOf && memo.targets === input.targets;
  const before = memo.changes;
  // memo.changes is set with the facts and scores it describes, once scoring succeeded: set
  // before, a score that threw would leave the new base with the old scores, and the next
  // computation on that base would keep scores its unlisted entrants had before the base.
  if (same && memo.entrants === entrants && changes !== undefined && before?.base === changes.base) {
    const index = idIndex(entrants);
    // Copied on the first change only: a refresh in which none of a competition's entrants
    // changed (300 competitions over the same crews) allocates nothing here.
    const keptFacts = memo.facts;
    const keptScores = memo.scores;
    let facts: CrewFacts[] | undefined;
    let scores: CrewScore[] | undefined;
    const look = (id: string): void => {
      const i = index.get(id);
      if (i === undefined) return;
      const f = factsOf(id);
      const kept = keptFacts[i] as CrewFacts;
      if (f !== kept) (facts ??= keptFacts.slice())[i] = f;
      const s = sameFacts(kept, f) ? (keptScores[i] as CrewScore) : score(entrants[i] as CrewProfile, f);
      if (s !== (scores ?? keptScores)[i]) (scores ??= keptScores.slice())[i] = s;
    };
    for (const id of before.ids) look(id);
    for (const id of changes.ids) look(id);
    memo.facts = facts ?? keptFacts;
    memo.scores = scores ?? keptScores;
    memo.changes = changes;
    return memo.scores;
  }
  // Where the entrants changed (a registry version), each kept score is found by its profile.
  const indexOf =
    same && memo.entrants !== entrants ? new Map(memo.entrants.map((crew, i) => [crew, i] as const)) : undefined;
  const facts = new Array<CrewFacts>(entrants.length);
  const scores = new Array<CrewScore>(entrants.length);
  for (let i = 0; i < entrants.length; i++) {
    const crew = entrants[i] as CrewProfile;
    const f = factsOf(crew.crewId);
    const k = !same ? undefined : indexOf === undefined ? i : indexOf.get(crew);
    const keptFacts = k === undefined ? undefined : memo.facts[k];
    facts[i] = f;
    scores[i] =
      keptFacts !== undefined && sameFacts(keptFacts, f) ? (memo.scores[k as number] as CrewScore) : score(crew, f);
  }
  memo.competition = input.competition;
  memo.asOf = input.asOf;
  memo.targets = input.targets;
  memo.entrants = entrants;
  memo.facts = facts;
  // The caller does not change the array (compute-standings.ts grades into a new one).
  memo.scores = scores;
  memo.changes = changes;
  return scores;
}
