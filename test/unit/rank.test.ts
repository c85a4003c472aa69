import { describe, expect, it } from 'vitest';
import { assignRanks, displayOrder } from '../../services/scoring/engine/rank.ts';
import type { CrewScore } from '../../services/scoring/engine/types.ts';
import { noFacts } from '../support/fixtures.ts';

/** Minimal CrewScore: ranking only looks at crewId, score and disqualified. */
function s(crewId: string, score: number, disqualified = false): CrewScore {
  const crew = {
    crewId,
    crewName: crewId,
    unitId: 'u',
    unitName: 'u',
    unitType: 'station',
    branchId: 'b',
    branchName: 'b',
    headcount: 1,
  } as const;
  return { crew, score, disqualified, vetoes: [], indicators: [], facts: noFacts(), sheet: null };
}

type Row = [crewId: string, rank: number | null];

describe('assignRanks', () => {
  it.each<{ name: string; scores: CrewScore[]; competition: Row[]; dense: Row[] }>([
    {
      // 90, 90, 80: two share first; competition skips to 3, dense continues with 2
      name: 'two-way tie at the top',
      scores: [s('c', 80), s('b', 90), s('a', 90)],
      competition: [
        ['a', 1],
        ['b', 1],
        ['c', 3],
      ],
      dense: [
        ['a', 1],
        ['b', 1],
        ['c', 2],
      ],
    },
    {
      // 95 | 90, 90 | 80: competition 1,2,2,4; dense 1,2,2,3
      name: 'tie in the middle',
      scores: [s('a', 90), s('b', 95), s('c', 90), s('d', 80)],
      competition: [
        ['b', 1],
        ['a', 2],
        ['c', 2],
        ['d', 4],
      ],
      dense: [
        ['b', 1],
        ['a', 2],
        ['c', 2],
        ['d', 3],
      ],
    },
    {
      // 90.004 rounds to 90.00, so it ties with 90; crewId orders the tie
      name: 'ties compare rounded scores',
      scores: [s('z', 90.004), s('y', 90), s('x', 89.99)],
      competition: [
        ['y', 1],
        ['z', 1],
        ['x', 3],
      ],
      dense: [
        ['y', 1],
        ['z', 1],
        ['x', 2],
      ],
    },
    {
      // disqualified crews (score 0) come last, by crewId, unranked; 'a' with 0 still ranks
      name: 'disqualified last with null rank',
      scores: [s('x', 0, true), s('b', 50), s('m', 0, true), s('a', 0)],
      competition: [
        ['b', 1],
        ['a', 2],
        ['m', null],
        ['x', null],
      ],
      dense: [
        ['b', 1],
        ['a', 2],
        ['m', null],
        ['x', null],
      ],
    },
    {
      name: 'everyone tied',
      scores: [s('c', 0), s('a', 0), s('b', 0)],
      competition: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ],
      dense: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ],
    },
    {
      // 3 way tie then one: competition 1,1,1,4; dense 1,1,1,2
      name: 'three-way tie',
      scores: [s('d', 10), s('a', 20), s('b', 20), s('c', 20)],
      competition: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
        ['d', 4],
      ],
      dense: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
        ['d', 2],
      ],
    },
    { name: 'empty', scores: [], competition: [], dense: [] },
  ])('$name', ({ scores, competition, dense }) => {
    const rows = (mode: 'competition' | 'dense'): Row[] =>
      assignRanks(scores, mode).map((r) => [r.crew.crewId, r.rank]);
    expect(rows('competition')).toEqual(competition);
    expect(rows('dense')).toEqual(dense);
  });

  it('does not reorder its input', () => {
    const scores = [s('b', 1), s('a', 2)];
    assignRanks(scores, 'competition');
    expect(scores.map((x) => x.crew.crewId)).toEqual(['b', 'a']);
  });
});

describe('displayOrder (the packed numeric sort behind the ranks)', () => {
  const byComparator = (keys: number[]) =>
    keys.map((_, i) => i).sort((a, b) => (keys[b] ?? 0) - (keys[a] ?? 0) || a - b);

  it('orders by key descending, ties by index, negative and fractional keys included', () => {
    const keys = [1.5, -2.25, 1.5, 0, 99.99, -2.25, 0.01, 0];
    expect(displayOrder(Float64Array.from(keys))).toEqual(byComparator(keys));
  });

  it('keys too large to pack with their index still come out in order', () => {
    const keys = [1e15, 3, 1e15, -1e14, 7.5];
    expect(displayOrder(Float64Array.from(keys))).toEqual([0, 2, 4, 1, 3]);
  });

  it('matches the comparator on many random keys with ties', () => {
    let seed = 7;
    const keys = Array.from({ length: 5000 }, () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return Math.round((seed / 4294967296) * 400 - 200) / 4;
    });
    expect(displayOrder(Float64Array.from(keys))).toEqual(byComparator(keys));
  });
});
