import type { Competition } from '../../../schemas/competition.schema.ts';
import { round2 } from './round.ts';
import type { CrewScore } from './types.ts';

export type TieMode = Competition['tieMode'];
export type Ranked<T> = T & { rank: number | null };

/** Plain code-unit order: deterministic across locales, unlike localeCompare. */
export function byCrewId(a: CrewScore, b: CrewScore): number {
  const x = a.crew.crewId;
  const y = b.crew.crewId;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function inCrewIdOrder(scores: readonly CrewScore[]): boolean {
  for (let i = 1; i < scores.length; i++)
    if (byCrewId(scores[i - 1] as CrewScore, scores[i] as CrewScore) > 0) return false;
  return true;
}

/**
 * Rank scores in display order: score desc then crewId asc; equal rounded scores share a rank
 * (competition 1,1,3 or dense 1,1,2); disqualified crews follow with rank null, by crewId.
 *
 * Scores already in crewId order (computeStandings sorts them once for every group) are sorted
 * by their rounded score alone: the sort is stable, so equal scores keep crewId order. Comparing
 * crew ids as strings inside the sort cost most of the ranking time at 10,000 crews and more.
 */
export function assignRanks<T extends CrewScore>(scores: readonly T[], tieMode: TieMode): Ranked<T>[] {
  return rankPositions(scores, tieMode).map(({ row, rank }) => ({ ...row, rank }));
}

/**
 * assignRanks without copying the rows: each row with its rank, in display order. A spread copy
 * per row cost more than the sort at 50,000 crews.
 */
export function rankPositions<T extends CrewScore>(
  scores: readonly T[],
  tieMode: TieMode,
  /** The caller knows the scores are in crewId order (computeStandings sorts them once for every group). */
  inIdOrder = inCrewIdOrder(scores),
): { row: T; rank: number | null }[] {
  const ordered = inIdOrder ? scores : [...scores].sort(byCrewId);
  const eligible = ordered.filter((s) => !s.disqualified);
  const keys = new Float64Array(eligible.length);
  for (let i = 0; i < eligible.length; i++) keys[i] = round2((eligible[i] as T).score);
  const order = displayOrder(keys);

  const rows: { row: T; rank: number | null }[] = [];
  let rank = 0;
  let distinct = 0;
  let previous: number | undefined;
  for (let index = 0; index < order.length; index++) {
    const i = order[index] as number;
    const key = keys[i] as number;
    if (key !== previous) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : index + 1;
      previous = key;
    }
    rows.push({ row: eligible[i] as T, rank });
  }
  for (const row of ordered) if (row.disqualified) rows.push({ row, rank: null });
  return rows;
}

/**
 * Indices of keys by key descending, ties by index. Rounded scores are whole cents, so each
 * (key, index) fits one exact number, -cents × n + index, and a typed array sorts those natively,
 * without calling a comparator per comparison. Scores too large for that (beyond about 10^9 at
 * 50,000 crews) take the comparator.
 */
export function displayOrder(keys: Float64Array): number[] {
  const n = keys.length;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cents = Math.round((keys[i] as number) * 100);
    const value = -cents * n + i;
    if (!Number.isSafeInteger(value) || !Number.isSafeInteger(cents * n)) return byComparator(keys);
    packed[i] = value;
  }
  packed.sort();
  const order: number[] = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = (((packed[k] as number) % n) + n) % n;
  return order;
}

function byComparator(keys: Float64Array): number[] {
  const order = Array.from(keys, (_, i) => i);
  return order.sort((a, b) => (keys[b] as number) - (keys[a] as number) || a - b);
}
