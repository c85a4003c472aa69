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
  const { order, ranks } = rankIndices(ordered, tieMode);
  return Array.from(order, (i, k) => ({ row: ordered[i] as T, rank: (ranks[k] as number) || null }));
}

/**
 * A ranked group's positions, ranks or rounded scores: typed arrays from rankIndices, plain arrays
 * from a patch (rank-patch.ts). A patch runs after every burst for every competition, and typed
 * arrays' memory lies outside V8's heap, which starts a full collection after every 64 MB of
 * it: 300 competitions' patches allocated 77 MB per refresh cycle, and each cycle marked the
 * whole heap once or twice (issue 19).
 */
export type RankColumn = Readonly<ArrayLike<number>> & Iterable<number>;

/**
 * rankPositions as typed arrays and no object per row (100,000 persons' standings ranked after
 * every burst): `order` holds indices into `scores` (in crewId order) in display order, `ranks`
 * the rank at each position, 0 for unranked (disqualified; ranks start at 1), `keys` the rounded
 * score ranked at each position (0 for unranked), which rank-patch.ts merges by, and
 * `rankedCount` how many of `order` are ranked.
 */
export function rankIndices(
  scores: readonly CrewScore[],
  tieMode: TieMode,
  /** Which of `scores` to rank (ascending indices, so crewId order); all by default. */
  members?: ArrayLike<number>,
): { order: Int32Array; ranks: Int32Array; keys: Float64Array; rankedCount: number } {
  const n = members === undefined ? scores.length : members.length;
  const at = (k: number): number => (members === undefined ? k : (members[k] as number));
  let eligibleCount = 0;
  for (let k = 0; k < n; k++) if (!(scores[at(k)] as CrewScore).disqualified) eligibleCount += 1;
  const eligible = new Int32Array(eligibleCount);
  const keys = new Float64Array(eligibleCount);
  for (let k = 0, e = 0; k < n; k++) {
    const s = scores[at(k)] as CrewScore;
    if (s.disqualified) continue;
    eligible[e] = at(k);
    keys[e] = round2(s.score);
    e += 1;
  }
  const positions = displayOrder(keys);
  const order = new Int32Array(n);
  const ranks = new Int32Array(n);
  const keyAt = new Float64Array(n);
  let rank = 0;
  let distinct = 0;
  let previous: number | undefined;
  for (let index = 0; index < positions.length; index++) {
    const e = positions[index] as number;
    const key = keys[e] as number;
    if (key !== previous) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : index + 1;
      previous = key;
    }
    order[index] = eligible[e] as number;
    ranks[index] = rank;
    keyAt[index] = key;
  }
  let index = eligibleCount;
  for (let k = 0; k < n; k++) if ((scores[at(k)] as CrewScore).disqualified) order[index++] = at(k);
  return { order, ranks, keys: keyAt, rankedCount: eligibleCount };
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
