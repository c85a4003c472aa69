import type { RankingGroup } from '../../../schemas/competition.schema.ts';
import { summaryRules } from './fact-summary.ts';
import { rankPositions } from './rank.ts';
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

/**
 * Score every participating crew once, then rank within each ranking group. Rows come out
 * grouped in competition.rankingGroups order, group keys ascending, display order within a group.
 */
export function computeStandings(input: ScoringInput, memo?: ScoreMemo): StandingsRow[] {
  const { competition, asOf } = input;
  const { crews, facts, targets } =
    competition.entrants === 'person' ? personEntrants(input) : rollUpEntrants(competition.entrants, input);
  const rules = summaryRules(competition);
  // With a memo (the service keeps one per competition), entrants whose facts did not change keep their score.
  // In crewId order once, so ranking each group needs no string comparisons (rankPositions).
  const scores = scoreWithMemo(
    memo,
    { competition, asOf, targets },
    entrantsInIdOrder(memo, crews),
    (id) => facts.get(id) ?? EMPTY_FACTS,
    (crew, f) => scoreCrew(competition, crew, f, targets, asOf, rules),
  );
  gradeEntrants(competition, scores);

  const rows: StandingsRow[] = [];
  // A repeated group in the definition would otherwise emit every row twice.
  for (const groupBy of new Set(competition.rankingGroups)) {
    const groups = new Map<string, CrewScore[]>();
    for (const score of scores) {
      const key = groupKeyOf(groupBy, score.crew);
      const members = groups.get(key);
      if (members === undefined) groups.set(key, [score]);
      else members.push(score);
    }
    const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const groupKey of keys) {
      for (const { row, rank } of rankPositions(groups.get(groupKey) ?? [], competition.tieMode, true)) {
        // Explicit fields rather than a spread: this runs for every crew in every group.
        rows.push({
          crew: row.crew,
          score: row.score,
          disqualified: row.disqualified,
          vetoes: row.vetoes,
          indicators: row.indicators,
          facts: row.facts,
          sheet: row.sheet,
          rank,
          groupBy,
          groupKey,
        });
      }
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
