import type { RankingGroup } from '../../../schemas/competition.schema.ts';
import { summaryRules } from './fact-summary.ts';
import { rankIndices } from './rank.ts';
import { scoreCrew } from './score-crew.ts';
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
  order: Int32Array;
  /** The rank at each position of `order`; 0 for unranked. */
  ranks: Int32Array;
}

export interface RankedStandings {
  /** The entrants in crewId order; the same array while the same entrants come (score-memo.ts). */
  entrants: readonly CrewProfile[];
  /** Each entrant's score, aligned with `entrants`. */
  scores: CrewScore[];
  /** In competition.rankingGroups order, group keys ascending. */
  groups: RankedGroup[];
}

/**
 * Score every participating crew once, then rank within each ranking group, as index arrays
 * (no object per entrant and group: 100,000 persons are ranked after every burst of events).
 */
export function rankStandings(input: ScoringInput, memo?: ScoreMemo): RankedStandings {
  const { competition, asOf } = input;
  const { crews, facts, targets } =
    competition.entrants === 'person' ? personEntrants(input) : rollUpEntrants(competition.entrants, input);
  const rules = summaryRules(competition);
  // With a memo (the service keeps one per competition), entrants whose facts did not change keep their score.
  // In crewId order once, so ranking each group needs no string comparisons (rankIndices).
  const entrants = entrantsInIdOrder(memo, crews);
  const scores = scoreWithMemo(
    memo,
    { competition, asOf, targets },
    entrants,
    (id) => facts.get(id) ?? EMPTY_FACTS,
    (crew, f) => scoreCrew(competition, crew, f, targets, asOf, rules),
    facts.changes,
  );
  gradeEntrants(competition, scores);

  const groups: RankedGroup[] = [];
  // A repeated group in the definition would otherwise emit every row twice.
  for (const groupBy of new Set(competition.rankingGroups)) {
    const members = new Map<string, number[]>();
    for (let i = 0; i < scores.length; i++) {
      const key = groupKeyOf(groupBy, (scores[i] as CrewScore).crew);
      const list = members.get(key);
      if (list === undefined) members.set(key, [i]);
      else list.push(i);
    }
    const keys = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const groupKey of keys) {
      const { order, ranks } = rankIndices(scores, competition.tieMode, members.get(groupKey));
      groups.push({ groupBy, groupKey, order, ranks });
    }
  }
  return { entrants, scores, groups };
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

/** 评定等级 over every entrant (not per ranking group): a grade is the competition's verdict. */
function gradeEntrants(competition: ScoringInput['competition'], scores: CrewScore[]): void {
  const judged = scores.filter((s) => s.sheet !== null);
  if (judged.length === 0) return;
  const grades = assignGrades(
    competition.grades,
    judged.map((s) => ({ entrantId: s.crew.crewId, total: s.score, eligible: s.sheet?.eligible === true })),
    competition.tieMode,
  );
  // New score records: a kept score (score-memo.ts) is shared with the previous computation.
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as CrewScore;
    const outcome = s.sheet === null ? undefined : grades.get(s.crew.crewId);
    if (s.sheet && outcome) scores[i] = { ...s, sheet: { ...s.sheet, ...outcome } };
  }
}

/** Places gained since the previous standings (positive = moved up); null when either side is unranked. */
export function rankMovement(currentRank: number | null, previousRank: number | null): number | null {
  return currentRank === null || previousRank === null ? null : previousRank - currentRank;
}
