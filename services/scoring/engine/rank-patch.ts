import { round2 } from './round.ts';
import type { RankColumn, TieMode } from './rank.ts';
import type { CrewScore } from './types.ts';

/** A group's display order and ranks, as rankIndices gives them (rank.ts). */
export interface GroupOrder {
  /** Entrant indices: the ranked ones by score descending then index, then the unranked by index. */
  order: RankColumn;
  /** The rank at each position of `order`; 0 for unranked (disqualified). */
  ranks: RankColumn;
  /** The rounded score ranked at each position; 0 for unranked. */
  keys: RankColumn;
  /** How many of `order` are ranked (they come first). */
  rankedCount: number;
}

/** Display order of two ranked entrants: rounded score descending, then index (crewId order). */
function before(keyA: number, a: number, keyB: number, b: number): boolean {
  return keyA > keyB || (keyA === keyB && a < b);
}

/**
 * A group's order after a few of its members' scores changed, from the previous order: the
 * unchanged members keep their relative order (their scores are the same), so the changed ones
 * are taken out and put back in at their places (found by binary search over the previous
 * order's rounded scores), and the runs between are copied whole. What rankIndices gives from
 * scratch, in time linear in the group and without sorting it: a refresh of today after a burst
 * touching a few crews re-sorted every group of every competition (issue 19: ranking was 44 % of a
 * refresh cycle of 40 competitions over 10,000 crews).
 *
 * The order and the rounded scores are made here, each an array of the group's final size; the
 * ranks are counted from the rounded scores when first read (a page, a write, the next day's
 * movement), which most refreshes of most competitions never do. A patch runs for every
 * competition after every burst: with the three arrays grown as they were filled, 300
 * competitions' patches allocated 450 MB per refresh cycle, and collecting it was a third of the
 * cycle (issue 19). (Counting the ranks from the score records instead of the rounded scores'
 * array saves that array, but reads 100,000 persons' records out of order: 10 ms a refresh.)
 *
 * `changed` lists the members (entrant indices) whose score object is not the previous one, and
 * `isChanged` flags them by entrant index. The result carries `label`'s fields (a group's
 * name) beside its own.
 */
export function patchGroupOrder<L extends object>(
  label: L,
  previous: GroupOrder,
  scores: readonly CrewScore[],
  tieMode: TieMode,
  changed: readonly number[],
  isChanged: Uint8Array,
): L & GroupOrder {
  const n = previous.order.length;
  const movedRanked: { index: number; key: number }[] = [];
  const movedUnranked: number[] = [];
  for (const index of changed) {
    const s = scores[index] as CrewScore;
    if (s.disqualified) movedUnranked.push(index);
    else movedRanked.push({ index, key: round2(s.score) });
  }
  movedRanked.sort((a, b) => (before(a.key, a.index, b.key, b.index) ? -1 : 1));
  movedUnranked.sort((a, b) => a - b);

  // Plain arrays (rank.ts RankColumn says why not typed ones) of their final length: grown as
  // they were filled, each was copied several times over.
  const order = new Array<number>(n);
  const keys = new Array<number>(n);
  const prevOrder = previous.order;
  const prevKeys = previous.keys;
  const rankedEnd = previous.rankedCount;
  // Where each moved member goes among the previous ranked members (they are sorted, the changed
  // ones still at their old places: taken out below), found by binary search; and the places of
  // the changed ones. Then the runs between are copied whole: a burst
  // moves a few members of a group of 10,000, and a merge element by element was a fifth of a
  // refresh cycle of 300 competitions (issue 19).
  const inserts = movedRanked.map(({ index, key }) => {
    let lo = 0;
    let hi = rankedEnd;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(prevKeys[mid] as number, prevOrder[mid] as number, key, index)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  const holes: number[] = [];
  for (let k = 0; k < rankedEnd; k++) if (isChanged[prevOrder[k] as number] === 1) holes.push(k);
  let out = 0;
  let from = 0;
  const copyTo = (end: number): void => {
    for (; from < end; from++, out++) {
      order[out] = prevOrder[from] as number;
      keys[out] = prevKeys[from] as number;
    }
  };
  let m = 0;
  let h = 0;
  while (m < inserts.length || h < holes.length) {
    // A moved member placed before previous position p goes out before the member at p.
    if (m < inserts.length && (h >= holes.length || (inserts[m] as number) <= (holes[h] as number))) {
      copyTo(inserts[m] as number);
      const moved = movedRanked[m] as { index: number; key: number };
      order[out] = moved.index;
      keys[out] = moved.key;
      out += 1;
      m += 1;
    } else {
      copyTo(holes[h] as number);
      from += 1;
      h += 1;
    }
  }
  copyTo(rankedEnd);
  const rankedCount = out;
  let u = 0;
  for (let k = rankedEnd; k < n; k++) {
    const index = prevOrder[k] as number;
    if (isChanged[index] === 1) continue;
    for (; u < movedUnranked.length && (movedUnranked[u] as number) < index; u++)
      order[out++] = movedUnranked[u] as number;
    order[out++] = index;
  }
  for (; u < movedUnranked.length; u++) order[out++] = movedUnranked[u] as number;
  // The unranked have key 0.
  for (let q = rankedCount; q < n; q++) keys[q] = 0;
  let ranks: RankColumn | undefined;
  return {
    ...label,
    order,
    keys,
    rankedCount,
    get ranks(): RankColumn {
      return (ranks ??= countRanks(keys, rankedCount, tieMode));
    },
  };
}

/**
 * The rank at each position from the rounded scores in display order: competition ranks (1224) or
 * dense (1223) over the ranked part, 0 for the unranked after it.
 */
function countRanks(keys: RankColumn, rankedCount: number, tieMode: TieMode): RankColumn {
  const ranks = new Array<number>(keys.length);
  let rank = 0;
  let distinct = 0;
  let last = NaN;
  for (let k = 0; k < rankedCount; k++) {
    const key = keys[k] as number;
    if (key !== last) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : k + 1;
      last = key;
    }
    ranks[k] = rank;
  }
  for (let k = rankedCount; k < keys.length; k++) ranks[k] = 0;
  return ranks;
}
