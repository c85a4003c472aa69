import type { Competition } from '../../../schemas/competition.schema.ts';
import { round2 } from './round.ts';
import type { CrewScore } from './types.ts';

export type TieMode = Competition['tieMode'];
export type Ranked<T> = T & { rank: number | null };

/** Plain code-unit order: deterministic across locales, unlike localeCompare. */
function byCrewId(a: CrewScore, b: CrewScore): number {
  const x = a.crew.crewId;
  const y = b.crew.crewId;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Rank scores in display order: score desc then crewId asc; equal rounded scores share a rank
 * (competition 1,1,3 or dense 1,1,2); disqualified crews follow with rank null, by crewId.
 */
export function assignRanks<T extends CrewScore>(scores: readonly T[], tieMode: TieMode): Ranked<T>[] {
  const ranked = scores
    .filter((s) => !s.disqualified)
    .map((s) => ({ row: s, key: round2(s.score) }))
    .sort((a, b) => b.key - a.key || byCrewId(a.row, b.row));

  const rows: Ranked<T>[] = [];
  let rank = 0;
  let distinct = 0;
  let previous: number | undefined;
  ranked.forEach(({ row, key }, index) => {
    if (key !== previous) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : index + 1;
      previous = key;
    }
    rows.push({ ...row, rank });
  });

  const out = scores.filter((s) => s.disqualified).sort(byCrewId);
  for (const row of out) rows.push({ ...row, rank: null });
  return rows;
}
