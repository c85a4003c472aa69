import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { rankStandings } from '../../services/scoring/engine/compute-standings.ts';
import { rankIndices } from '../../services/scoring/engine/rank.ts';
import { patchGroupOrder, type GroupOrder } from '../../services/scoring/engine/rank-patch.ts';
import { createScoreMemo } from '../../services/scoring/engine/score-memo.ts';
import { EMPTY_FACTS, type CrewFacts, type CrewProfile, type CrewScore } from '../../services/scoring/engine/types.ts';
import { mulberry32 } from '../../services/demo/prng.ts';

/**
 * Today's ranks are patched from the previous computation's (rank-patch.ts): after any change of
 * any members' scores they must be exactly what ranking from scratch gives, ties and unranked
 * (disqualified) entrants included.
 */
const score = (i: number, points: number, disqualified: boolean): CrewScore =>
  ({ crew: { crewId: `C${String(i).padStart(4, '0')}` }, score: points, disqualified }) as unknown as CrewScore;

describe('patchGroupOrder', () => {
  for (const tieMode of ['competition', 'dense'] as const) {
    it(`gives rankIndices' order and ranks after random changes (${tieMode} ties)`, () => {
      const next = mulberry32(7);
      const n = 300;
      // Few distinct scores, so ties are everywhere; now and then a crew is disqualified or reinstated.
      const draw = (i: number): CrewScore => score(i, Math.floor(next() * 20) / 4 - 1, next() < 0.08);
      let scores = Array.from({ length: n }, (_, i) => draw(i));
      // Every other entrant is a member, as a branch's crews are of the overall list.
      const members = Int32Array.from({ length: n / 2 }, (_, k) => 2 * k);
      let group: GroupOrder = rankIndices(scores, tieMode, members);
      for (let step = 0; step < 200; step++) {
        const nextScores = scores.slice();
        const changed: number[] = [];
        const isChanged = new Uint8Array(n);
        // From one member to all of them; a changed score object may keep its points.
        const count = step % 50 === 49 ? members.length : 1 + Math.floor(next() * 6);
        for (let c = 0; c < count; c++) {
          const i = members[Math.floor(next() * members.length)] as number;
          if (isChanged[i] === 1) continue;
          nextScores[i] = next() < 0.2 ? { ...(scores[i] as CrewScore) } : draw(i);
          isChanged[i] = 1;
          changed.push(i);
        }
        const patched = patchGroupOrder({}, group, nextScores, tieMode, changed, isChanged);
        const fresh = rankIndices(nextScores, tieMode, members);
        expect([...patched.order]).toEqual([...fresh.order]);
        expect(patched.rankedCount).toBe(fresh.rankedCount);
        expect([...patched.keys]).toEqual([...fresh.keys]);
        // Ranks are counted when first read, from the scores the order was patched with.
        if (step % 3 !== 2) expect([...patched.ranks]).toEqual([...fresh.ranks]);
        scores = nextScores;
        group = patched;
      }
    });
  }

  it('leaves the previous order as it was', () => {
    const scores = [score(0, 3, false), score(1, 2, false), score(2, 1, false)];
    const group = rankIndices(scores, 'competition');
    const before = [...group.order];
    const isChanged = new Uint8Array(3);
    isChanged[2] = 1;
    const nextScores = [...scores.slice(0, 2), score(2, 9, false)];
    const patched = patchGroupOrder({ groupKey: 'x' }, group, nextScores, 'competition', [2], isChanged);
    expect([...patched.order]).toEqual([2, 0, 1]);
    expect(patched.groupKey).toBe('x');
    expect([...group.order]).toEqual(before);
    expect([...patched.ranks]).toEqual([1, 2, 3]);
  });
});

describe('rankStandings with a memo (patched ranks)', () => {
  const crew = (i: number): CrewProfile => ({
    crewId: `C${String(i).padStart(3, '0')}`,
    crewName: `${i} 班`,
    unitId: `U${i % 7}`,
    unitName: `${i % 7} 站`,
    unitType: i % 3 === 0 ? 'station' : 'depot',
    branchId: `B${i % 4}`,
    branchName: `${i % 4} 分公司`,
    headcount: 5,
  });
  const crews = Array.from({ length: 120 }, (_, i) => crew(i));
  const competition = Competition.parse({
    name: { zh: '劳动竞赛', en: 'Labour competition' },
    kind: 'labour',
    period: { start: '2026-11-01', end: '2026-11-30' },
    rankingGroups: ['overall', 'branch', 'unit_type'],
    indicators: [
      {
        id: 'sales',
        name: { zh: '销量', en: 'Sales' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
    ],
    vetoes: [
      {
        id: 'serious',
        name: { zh: '重大事故否决', en: 'Serious accident' },
        when: { kind: 'incident', severities: ['serious_injury'] },
        effect: { kind: 'disqualify' },
      },
    ],
  });
  const facts = (litres: number, vetoed: boolean): CrewFacts => ({
    ...EMPTY_FACTS,
    metrics: { 'sales.volume_litres': litres, ...(vetoed ? { 'incident.serious_injury': 1 } : {}) },
    lastIncidentDay: vetoed ? { serious_injury: '2026-11-02' } : {},
  });

  // Graded (评定等级 and a gate): a kept score keeps its graded record while its grade stays.
  const graded = Competition.parse({
    ...competition,
    gates: [{ id: 'zero-violations', name: { zh: '零三违', en: 'No violations' }, rule: { kind: 'no_violations' } }],
    grades: { kind: 'places', levels: [{ id: 'star', name: { zh: '明星班组', en: 'Star crew' }, count: 10 }] },
  });
  for (const [label, definition] of [
    ['plain', competition],
    ['graded', graded],
  ] as const)
    it(`equals ranking from scratch over a random stream of small and large changes (${label})`, () => {
      const next = mulberry32(3);
      const memo = createScoreMemo();
      // The same targets every time: new ones would score every crew afresh.
      const targets = new Map<string, ReadonlyMap<string, number>>();
      let byCrew = new Map(crews.map((c, i) => [c.crewId, facts((i % 9) * 100, false)]));
      let last: ReturnType<typeof rankStandings> | undefined;
      for (let step = 0; step < 60; step++) {
        byCrew = new Map(byCrew);
        // Mostly a few crews; every tenth step most of them (sorted afresh); some steps none.
        const count = step % 10 === 9 ? 100 : step % 7 === 3 ? 0 : 1 + Math.floor(next() * 4);
        for (let c = 0; c < count; c++) {
          const id = (crews[Math.floor(next() * crews.length)] as CrewProfile).crewId;
          byCrew.set(id, facts(Math.floor(next() * 9) * 100, next() < 0.1));
        }
        const input = { competition: definition, asOf: '2026-11-10', crews, facts: byCrew, targets };
        const patched = rankStandings(input, memo);
        const fresh = rankStandings(input);
        expect(patched.scores).toEqual(fresh.scores);
        const plain = (g: (typeof patched.groups)[number]) => ({
          ...g,
          order: [...g.order],
          ranks: [...g.ranks],
          keys: [...g.keys],
        });
        expect(patched.groups.map(plain)).toEqual(fresh.groups.map(plain));
        // Nothing changed: the very same standings (snapshotCrews keeps every record).
        if (count === 0 && last !== undefined) expect(patched).toBe(last);
        last = patched;
      }
    });
});
