import type { Competition } from '../../../schemas/competition.schema.ts';
import type { GradeRule } from '../../../schemas/sheet.schema.ts';
import { round2 } from './round.ts';

export interface Gradable {
  entrantId: string;
  total: number;
  /** Passed every gate and not disqualified. */
  eligible: boolean;
}

export interface GradeOutcome {
  grade: { id: string; name: { zh: string; en: string } } | null;
  gradeRank: number | null;
}

const byId = (a: Gradable, b: Gradable) => (a.entrantId < b.entrantId ? -1 : a.entrantId > b.entrantId ? 1 : 0);

/** Ranks by rounded total, desc, with the tie rule (competition 1,1,3; dense 1,1,2). */
function ranks(entrants: readonly Gradable[], tieMode: Competition['tieMode']): Map<string, number> {
  const sorted = [...entrants].sort((a, b) => round2(b.total) - round2(a.total) || byId(a, b));
  const out = new Map<string, number>();
  let rank = 0;
  let distinct = 0;
  let previous: number | undefined;
  sorted.forEach((e, index) => {
    const key = round2(e.total);
    if (key !== previous) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : index + 1;
      previous = key;
    }
    out.set(e.entrantId, rank);
  });
  return out;
}

/**
 * 评定等级 for every entrant: ineligible ones get none. thresholds: the first level whose minTotal
 * the total reaches, else `otherwise`. places / share: by rank among the eligible; a level covers
 * the ranks up to its cumulative count (a share of N eligible: floor(N × percent / 100)), so
 * entrants tied on a boundary share the better grade. Then the rank within each grade.
 */
export function assignGrades(
  rule: GradeRule | undefined,
  entrants: readonly Gradable[],
  tieMode: Competition['tieMode'],
): Map<string, GradeOutcome> {
  const eligible = entrants.filter((e) => e.eligible);
  const overall = ranks(eligible, tieMode);
  const grades = new Map<string, GradeOutcome['grade']>();
  for (const e of entrants)
    grades.set(e.entrantId, e.eligible && rule ? gradeOf(rule, e, overall, eligible.length) : null);

  const out = new Map<string, GradeOutcome>();
  const byGrade = new Map<string, Gradable[]>();
  for (const e of eligible) {
    const id = grades.get(e.entrantId)?.id;
    if (id === undefined) continue;
    byGrade.set(id, [...(byGrade.get(id) ?? []), e]);
  }
  const gradeRanks = new Map<string, number>();
  for (const members of byGrade.values()) for (const [id, r] of ranks(members, tieMode)) gradeRanks.set(id, r);
  for (const e of entrants) {
    const grade = grades.get(e.entrantId) ?? null;
    out.set(e.entrantId, { grade, gradeRank: grade === null ? null : (gradeRanks.get(e.entrantId) ?? null) });
  }
  return out;
}

function gradeOf(
  rule: GradeRule,
  e: Gradable,
  overall: ReadonlyMap<string, number>,
  eligibleCount: number,
): GradeOutcome['grade'] {
  const pick = (level: { id: string; name: { zh: string; en: string } }) => ({ id: level.id, name: { ...level.name } });
  if (rule.kind === 'thresholds') {
    const level = rule.levels.find((l) => round2(e.total) >= l.minTotal);
    if (level) return pick(level);
    return rule.otherwise ? pick(rule.otherwise) : null;
  }
  const rank = overall.get(e.entrantId) ?? Infinity;
  const sizes =
    rule.kind === 'places'
      ? rule.levels.map((l) => ({ level: l, size: l.count }))
      : rule.levels.map((l) => ({ level: l, size: Math.floor((eligibleCount * l.percent) / 100) }));
  let upTo = 0;
  for (const { level, size } of sizes) {
    upTo += size;
    if (rank <= upTo) return pick(level);
  }
  return null;
}
