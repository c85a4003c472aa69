import type { RankingGroup } from '../../../schemas/competition.schema.ts';
import { summaryRules } from './fact-summary.ts';
import { rankIndices, type RankColumn } from './rank.ts';
import { patchGroupOrder } from './rank-patch.ts';
import { judges, scoreCrew } from './score-crew.ts';
import { EMPTY_FACTS } from './types.ts';
import { rollUpEntrants } from './entrants.ts';
import { personEntrants } from './person-entrants.ts';
import { assignGrades } from './grades.ts';
import { entrantsInIdOrder, scoreWithMemo, type ScoreMemo } from './score-memo.ts';
import type { CrewProfile, CrewScore, ScoringInput, StandingsRow } from './types.ts';

/** The key a crew falls under for one ranking group; overall has a single group ''. */
function groupKeyOf(groupBy: RankingGroup, crew: CrewProfile): string {
  switch (groupBy) {
    case 'overall':
      return '';
    case 'branch':
      return crew.branchId;
    case 'unit_type':
      return crew.unitType;
  }
}

/** One ranking group of a computation: positions into RankedStandings.scores (rankIndices). */
export interface RankedGroup {
  groupBy: RankingGroup;
  groupKey: string;
  /** Indices into `scores` in display order. */
  order: RankColumn;
  /** The rank at each position of `order`; 0 for unranked. Counted when first read after a patch (rank-patch.ts). */
  readonly ranks: RankColumn;
  /** The rounded score at each position of `order` (rank-patch.ts); 0 for unranked. */
  keys: RankColumn;
  /** How many of `order` are ranked (they come first). */
  rankedCount: number;
}

export interface RankedStandings {
  /** The entrants in crewId order; the same array while the same entrants come (score-memo.ts). */
  entrants: readonly CrewProfile[];
  /** Each entrant's score, aligned with `entrants`. */
  scores: readonly CrewScore[];
  /** In competition.rankingGroups order, group keys ascending. */
  groups: RankedGroup[];
}

/** Which entrants fall in which group of one groupBy: group keys ascending, members in entrant order. */
interface Membership {
  keys: readonly string[];
  members: readonly Int32Array[];
  /** Each entrant's group, as an index into `keys`. */
  groupOf: Int32Array;
}

/**
 * Membership depends on the entrants' profiles alone, so it is found once per entrant array
 * (kept while the registry and the participants do not change: score-memo.ts entrantsInIdOrder),
 * not on every refresh.
 */
const memberships = new WeakMap<readonly CrewProfile[], Map<RankingGroup, Membership>>();

function membershipOf(entrants: readonly CrewProfile[], groupBy: RankingGroup): Membership {
  let byGroupBy = memberships.get(entrants);
  if (byGroupBy === undefined) memberships.set(entrants, (byGroupBy = new Map<RankingGroup, Membership>()));
  const kept = byGroupBy.get(groupBy);
  if (kept !== undefined) return kept;
  const lists = new Map<string, number[]>();
  for (let i = 0; i < entrants.length; i++) {
    const key = groupKeyOf(groupBy, entrants[i] as CrewProfile);
    const list = lists.get(key);
    if (list === undefined) lists.set(key, [i]);
    else list.push(i);
  }
  const keys = [...lists.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groupOf = new Int32Array(entrants.length);
  const members = keys.map((key, g) => {
    const list = lists.get(key) ?? [];
    for (const i of list) groupOf[i] = g;
    return Int32Array.from(list);
  });
  const membership = { keys, members, groupOf };
  byGroupBy.set(groupBy, membership);
  return membership;
}

/**
 * Score every participating crew once, then rank within each ranking group, as index arrays
 * (no object per entrant and group: 100,000 persons are ranked after every burst of events).
 * With a memo, the groups are patched from the previous computation's where the entrants are the
 * same (rank-patch.ts): a group none of whose members' scores changed is the previous group.
 */
export function rankStandings(input: ScoringInput, memo?: ScoreMemo): RankedStandings {
  const { competition, asOf } = input;
  const { crews, facts, targets } =
    competition.entrants === 'person' ? personEntrants(input) : rollUpEntrants(competition.entrants, input);
  const rules = summaryRules(competition);
  // With a memo (the service keeps one per competition), entrants whose facts did not change keep their score.
  // In crewId order once, so ranking each group needs no string comparisons (rankIndices).
  const entrants = entrantsInIdOrder(memo, crews);
  const scored = scoreWithMemo(
    memo,
    { competition, asOf, targets },
    entrants,
    (id) => facts.get(id) ?? EMPTY_FACTS,
    (crew, f) => scoreCrew(competition, crew, f, targets, asOf, rules),
    facts.changes,
  );
  const scores = gradeEntrants(competition, scored);

  const kept = memo?.ranked;
  const previous =
    kept?.competition === competition && kept.standings.entrants === entrants ? kept.standings : undefined;
  const ranked =
    previous === undefined ? rankAll(competition, entrants, scores) : patchRanks(competition, previous, scores);
  if (memo !== undefined) memo.ranked = { competition, standings: ranked };
  return ranked;
}

function rankAll(
  competition: ScoringInput['competition'],
  entrants: readonly CrewProfile[],
  scores: readonly CrewScore[],
): RankedStandings {
  const groups: RankedGroup[] = [];
  // A repeated group in the definition would otherwise emit every row twice.
  for (const groupBy of new Set(competition.rankingGroups)) {
    const { keys, members } = membershipOf(entrants, groupBy);
    keys.forEach((groupKey, g) => {
      groups.push({ groupBy, groupKey, ...rankIndices(scores, competition.tieMode, members[g]) });
    });
  }
  return { entrants, scores, groups };
}

/**
 * The previous standings with the groups of the entrants whose score changed patched; the very
 * same standings when no score changed (snapshot-table.ts rankTable then keeps the previous table).
 */
function patchRanks(
  competition: ScoringInput['competition'],
  previous: RankedStandings,
  scores: readonly CrewScore[],
): RankedStandings {
  const changed: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] !== previous.scores[i]) changed.push(i);
  if (changed.length === 0) return previous;
  // Many changes (a new day, a rule's targets): sorting afresh is quicker than merging each in.
  if (changed.length * 8 > scores.length) return rankAll(competition, previous.entrants, scores);
  const isChanged = changedFlags(scores.length);
  for (const i of changed) isChanged[i] = 1;
  const groups: RankedGroup[] = [];
  try {
    let at = 0;
    for (const groupBy of new Set(competition.rankingGroups)) {
      const { keys, groupOf } = membershipOf(previous.entrants, groupBy);
      const changedIn = keys.map((): number[] => []);
      for (const i of changed) changedIn[groupOf[i] as number]?.push(i);
      for (let g = 0; g < keys.length; g++) {
        const group = previous.groups[at++] as RankedGroup;
        const moved = changedIn[g] as number[];
        groups.push(
          moved.length === 0
            ? group
            : patchGroupOrder(
                { groupBy, groupKey: group.groupKey },
                group,
                scores,
                competition.tieMode,
                moved,
                isChanged,
              ),
        );
      }
    }
  } finally {
    for (const i of changed) isChanged[i] = 0;
  }
  return { entrants: previous.entrants, scores, groups };
}

/**
 * One zeroed flag per entrant, reused by every patch (and zeroed again after it): a new array per
 * competition and refresh added to the memory outside the heap that starts the collector.
 */
let flags = new Uint8Array(0);

function changedFlags(n: number): Uint8Array {
  if (flags.length < n) flags = new Uint8Array(n);
  return flags;
}

/**
 * Every crew's row in every ranking group: rows come out grouped in competition.rankingGroups
 * order, group keys ascending, display order within a group.
 */
export function computeStandings(input: ScoringInput, memo?: ScoreMemo): StandingsRow[] {
  const { scores, groups } = rankStandings(input, memo);
  const rows: StandingsRow[] = [];
  for (const { groupBy, groupKey, order, ranks } of groups) {
    for (let k = 0; k < order.length; k++) {
      const row = scores[order[k] as number] as CrewScore;
      // Explicit fields rather than a spread: this runs for every crew in every group.
      rows.push({
        crew: row.crew,
        score: row.score,
        disqualified: row.disqualified,
        vetoes: row.vetoes,
        indicators: row.indicators,
        facts: row.facts,
        sheet: row.sheet,
        rank: (ranks[k] as number) || null,
        groupBy,
        groupKey,
      });
    }
  }
  return rows;
}

/**
 * 评定等级 over every entrant (not per ranking group): a grade is the competition's verdict. The
 * scores with their grades, in a new array where any entrant is judged (the memo keeps the
 * ungraded ones, score-memo.ts); the same array otherwise.
 */
function gradeEntrants(competition: ScoringInput['competition'], scores: readonly CrewScore[]): readonly CrewScore[] {
  // Most competitions judge no entrant, and this runs on every refresh of every competition: asked
  // of the rules, not of each score record (10,000 records' loads per refresh, 300 competitions).
  if (!judges(competition) || scores.length === 0) return scores;
  const judged = scores.filter((s) => s.sheet !== null);
  const grades = assignGrades(
    competition.grades,
    judged.map((s) => ({ entrantId: s.crew.crewId, total: s.score, eligible: s.sheet?.eligible === true })),
    competition.tieMode,
  );
  // New score records: a kept score (score-memo.ts) is shared with the previous computation. Its
  // graded record is kept too while its grade is the same, so the ranks are patched only where
  // something changed (rank-patch.ts), not re-sorted for every entrant of a graded competition.
  return scores.map((s) => {
    const outcome = s.sheet === null ? undefined : grades.get(s.crew.crewId);
    if (!s.sheet || !outcome) return s;
    const kept = gradedRecords.get(s);
    if (
      kept?.sheet != null &&
      (kept.sheet.grade?.id ?? null) === (outcome.grade?.id ?? null) &&
      kept.sheet.gradeRank === outcome.gradeRank
    )
      return kept;
    const graded = { ...s, sheet: { ...s.sheet, ...outcome } };
    gradedRecords.set(s, graded);
    return graded;
  });
}

/** The graded record last made from each (ungraded) score record; gone with the score record. */
const gradedRecords = new WeakMap<CrewScore, CrewScore>();

/** Places gained since the previous standings (positive = moved up); null when either side is unranked. */
export function rankMovement(currentRank: number | null, previousRank: number | null): number | null {
  return currentRank === null || previousRank === null ? null : previousRank - currentRank;
}
