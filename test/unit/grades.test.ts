import { describe, expect, it } from 'vitest';
import type { GradeRule } from '../../schemas/sheet.schema.ts';
import { assignGrades, type Gradable } from '../../services/scoring/engine/grades.ts';

const level = (id: string) => ({ id, name: { zh: id, en: id } });
const entrants = (totals: number[], ineligible: string[] = []): Gradable[] =>
  totals.map((total, i) => ({
    entrantId: `E${String(i + 1).padStart(2, '0')}`,
    total,
    eligible: !ineligible.includes(`E${String(i + 1).padStart(2, '0')}`),
  }));
const gradesOf = (rule: GradeRule, list: Gradable[], tieMode: 'competition' | 'dense' = 'competition') => {
  const out = assignGrades(rule, list, tieMode);
  return list.map((e) => [
    e.entrantId,
    out.get(e.entrantId)?.grade?.id ?? null,
    out.get(e.entrantId)?.gradeRank ?? null,
  ]);
};

describe('grades', () => {
  it('places: 一等奖 1 名, 二等奖 2 名 by rank among the eligible; a tie on the boundary shares the better grade', () => {
    const rule: GradeRule = {
      kind: 'places',
      levels: [
        { ...level('first'), count: 1 },
        { ...level('second'), count: 2 },
      ],
    };
    // E02 (ineligible) is skipped; E03 and E04 tie for 2nd and both get 二等奖; E05 is 4th → none.
    expect(gradesOf(rule, entrants([99, 98, 90, 90, 80], ['E02']))).toEqual([
      ['E01', 'first', 1],
      ['E02', null, null],
      ['E03', 'second', 1],
      ['E04', 'second', 1],
      ['E05', null, null],
    ]);
  });

  it('share: 前 10 % of 25 eligible is floor(2.5) = 2 places, then the next 20 % (5)', () => {
    const rule: GradeRule = {
      kind: 'share',
      levels: [
        { ...level('top'), percent: 10 },
        { ...level('next'), percent: 20 },
      ],
    };
    const list = entrants(Array.from({ length: 25 }, (_, i) => 100 - i));
    const got = gradesOf(rule, list);
    expect(got.filter(([, g]) => g === 'top').map(([id]) => id)).toEqual(['E01', 'E02']);
    expect(got.filter(([, g]) => g === 'next').map(([id]) => id)).toEqual(['E03', 'E04', 'E05', 'E06', 'E07']);
    expect(got.filter(([, g]) => g === null)).toHaveLength(18);
  });

  it('thresholds: ≥ 98, ≥ 95, else 未达标; ranks inside a grade follow the tie rule', () => {
    const rule: GradeRule = {
      kind: 'thresholds',
      levels: [
        { ...level('advanced'), minTotal: 98 },
        { ...level('winner'), minTotal: 95 },
      ],
      otherwise: level('fail'),
    };
    const list = entrants([99, 97.999, 96, 96, 95, 94.994]);
    // 97.999 rounds to 98.00 (points are shown to 2 decimals), 94.994 to 94.99.
    expect(gradesOf(rule, list)).toEqual([
      ['E01', 'advanced', 1],
      ['E02', 'advanced', 2],
      ['E03', 'winner', 1],
      ['E04', 'winner', 1],
      ['E05', 'winner', 3],
      ['E06', 'fail', 1],
    ]);
    expect(gradesOf(rule, list, 'dense')[4]).toEqual(['E05', 'winner', 2]);
  });
});
