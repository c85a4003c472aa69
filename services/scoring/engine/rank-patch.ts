import { round2 } from './round.ts';
import type { TieMode } from './rank.ts';
import type { CrewScore } from './types.ts';

/** A group's display order and ranks, as rankIndices gives them (rank.ts). */
export interface GroupOrder {
  /** Entrant indices: the ranked ones by score descending then index, then the unranked by index. */
  order: Int32Array;
  /** The rank at each position of `order`; 0 for unranked (disqualified). */
  ranks: Int32Array;
  /** The rounded score ranked at each position; 0 for unranked. */
  keys: Float64Array;
}

/** Display order of two ranked entrants: rounded score descending, then index (crewId order). */
function before(keyA: number, a: number, keyB: number, b: number): boolean {
  return keyA > keyB || (keyA === keyB && a < b);
}

/**
 * A group's order and ranks after a few of its members' scores changed, from the previous order:
 * the unchanged members keep their relative order (their scores are the same), so the changed ones
 * are taken out and merged back in at their places, and ranks are counted again in one pass (the
unchanged members' rounded scores are read from `keys`, not from their score records). What
 * rankIndices gives from scratch, in time linear in the group and without sorting it: a refresh of
 * today after a burst touching a few crews re-sorted every group of every competition (issue 19:
 * ranking was 44 % of a refresh cycle of 40 competitions over 10,000 crews).
 *
 * `changed` lists the members (entrant indices) whose score object is not the previous one, and
 * `isChanged` flags them by entrant index.
 */
export function patchGroupOrder(
  previous: GroupOrder,
  scores: readonly CrewScore[],
  tieMode: TieMode,
  changed: readonly number[],
  isChanged: Uint8Array,
): GroupOrder {
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

  const order = new Int32Array(n);
  const ranks = new Int32Array(n);
  const keys = new Float64Array(n);
  let out = 0;
  let rank = 0;
  let distinct = 0;
  let last = NaN;
  const emitRanked = (index: number, key: number): void => {
    if (key !== last) {
      distinct += 1;
      rank = tieMode === 'dense' ? distinct : out + 1;
      last = key;
    }
    order[out] = index;
    ranks[out] = rank;
    keys[out] = key;
    out += 1;
  };
  // The previous order's ranked members first (rank > 0), then its unranked ones.
  let k = 0;
  let m = 0;
  for (; k < n && (previous.ranks[k] as number) > 0; k++) {
    const index = previous.order[k] as number;
    if (isChanged[index] === 1) continue;
    // An unchanged member's score is the same object as before: its key is the one kept.
    const key = previous.keys[k] as number;
    for (; m < movedRanked.length; m++) {
      const moved = movedRanked[m] as { index: number; key: number };
      if (!before(moved.key, moved.index, key, index)) break;
      emitRanked(moved.index, moved.key);
    }
    emitRanked(index, key);
  }
  for (; m < movedRanked.length; m++) {
    const moved = movedRanked[m] as { index: number; key: number };
    emitRanked(moved.index, moved.key);
  }
  let u = 0;
  for (; k < n; k++) {
    const index = previous.order[k] as number;
    if (isChanged[index] === 1) continue;
    for (; u < movedUnranked.length && (movedUnranked[u] as number) < index; u++)
      order[out++] = movedUnranked[u] as number;
    order[out++] = index;
  }
  for (; u < movedUnranked.length; u++) order[out++] = movedUnranked[u] as number;
  return { order, ranks, keys };
}
