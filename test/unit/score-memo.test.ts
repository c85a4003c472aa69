import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { computeStandings, rankStandings } from '../../services/scoring/engine/compute-standings.ts';
import {
  createScoreMemo,
  entrantsInIdOrder,
  idIndex,
  sameFacts,
  scoreWithMemo,
} from '../../services/scoring/engine/score-memo.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import type { CrewFacts, CrewProfile } from '../../services/scoring/engine/types.ts';
import { pageOf, snapshotCrews } from '../../services/scoring/standings.service.ts';
import {
  NO_PREVIOUS_RANKS,
  previousRanksFromRanked,
  previousRanksOf,
  rankTable,
  snapshotOf,
  type KeptTable,
  type PreviousRanks,
} from '../../services/scoring/snapshot-table.ts';
import type { Snapshot, SnapshotCrew } from '../../services/scoring/standings.store.ts';
import { mulberry32 } from '../../services/demo/prng.ts';
import { noFacts } from '../support/fixtures.ts';

/**
 * A refresh of 100,000 persons' standings re-scores only the entrants whose facts changed
 * (score-memo.ts) and pages from the engine's display order (pageOf): both must give exactly what
 * a computation from scratch and a sort of every entrant give.
 */
const crew = (crewId: string, branchId: string): CrewProfile => ({
  crewId,
  crewName: `${crewId} 班`,
  unitId: `U-${branchId}`,
  unitName: `${branchId} 站`,
  unitType: 'station',
  branchId,
  branchName: `${branchId} 分公司`,
  headcount: 5,
});
const crews = [crew('C1', 'B1'), crew('C2', 'B1'), crew('C3', 'B2'), crew('C4', 'B2')];
// Registry order is not id order (P10 sorts before P2), as with real registries.
const persons = Array.from({ length: 40 }, (_, i) => ({
  id: `P${(i * 7) % 40}`,
  name: `员工${i}`,
  crewId: `C${(i % 4) + 1}`,
}));

const competition = Competition.parse({
  name: { zh: '岗位明星', en: 'Post stars' },
  kind: 'labour',
  period: { start: '2026-11-01', end: '2026-11-30' },
  entrants: 'person',
  rankingGroups: ['overall', 'branch'],
  indicators: [
    {
      id: 'sales',
      name: { zh: '销量', en: 'Sales' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
    {
      id: 'violations',
      name: { zh: '三违', en: 'Violations' },
      rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
    },
    { id: 'safety', name: { zh: '安全天数', en: 'Safe days' }, rule: { kind: 'safety_days', pointsPerDay: 0.5 } },
  ],
  vetoes: [
    {
      id: 'serious',
      name: { zh: '重大事故否决', en: 'Serious accident' },
      when: { kind: 'incident', severities: ['serious_injury'] },
      effect: { kind: 'disqualify' },
    },
  ],
  gates: [{ id: 'zero-violations', name: { zh: '零三违', en: 'No violations' }, rule: { kind: 'no_violations' } }],
  grades: { kind: 'places', levels: [{ id: 'star', name: { zh: '岗位明星', en: 'Star' }, count: 3 }] },
});

describe('sameFacts', () => {
  const base: CrewFacts = { ...EMPTY_FACTS, metrics: { a: 1, b: 2 } };
  it.each([
    ['equal records', { ...base, metrics: { b: 2, a: 1 } }, true],
    ['another value', { ...base, metrics: { a: 1, b: 3 } }, false],
    ['a metric more', { ...base, metrics: { a: 1, b: 2, c: 0 } }, false],
    ['a metric less', { ...base, metrics: { a: 1 } }, false],
    ['an incident day', { ...base, lastIncidentDay: { near_miss: '2026-11-03' } }, false],
    ['hazards', { ...base, hazards: { found: 1, rectified: 0 } }, false],
    [
      'an innovation',
      { ...base, innovations: [{ category: 'suggestion', status: 'submitted', awardLevel: 0, count: 1 }] },
      false,
    ],
    ['overdue hazards', { ...base, overdueHazards: { 3: 1 } }, false],
  ] as [string, CrewFacts, boolean][])('%s', (_, other, same) => {
    expect(sameFacts(base, other)).toBe(same);
    expect(sameFacts(other, base)).toBe(same);
  });
});

describe('standings with kept scores', () => {
  it('equal standings computed from scratch over a random stream of changed facts and days', () => {
    const next = mulberry32(7);
    const memo = createScoreMemo();
    let facts = new Map<string, CrewFacts>();
    let asOf = '2026-11-10';
    for (let step = 0; step < 40; step++) {
      // A few persons' facts change per step; the others keep theirs (the same objects, as kept sums share them).
      facts = new Map(facts);
      for (let k = 0; k < 3; k++) {
        const id = persons[Math.floor(next() * persons.length)]?.id ?? '';
        const old = facts.get(id) ?? EMPTY_FACTS;
        facts.set(id, {
          ...old,
          metrics: {
            ...old.metrics,
            'sales.volume_litres': (old.metrics['sales.volume_litres'] ?? 0) + Math.floor(next() * 3) * 500,
            ...(next() < 0.2 ? { 'violation.operation.persons': 1 } : {}),
          },
          ...(next() < 0.05
            ? { metrics: { ...old.metrics, 'incident.serious_injury': 1 }, lastIncidentDay: { serious_injury: asOf } }
            : {}),
        });
      }
      // Equal values in new objects must be recognised too (facts read afresh).
      if (step % 5 === 0) facts = new Map([...facts].map(([id, f]) => [id, { ...f, metrics: { ...f.metrics } }]));
      if (step === 20) asOf = '2026-11-11';
      // A registry change: other entrants, the unchanged ones' kept scores found by their profile.
      const people =
        step >= 10 && step < 15
          ? persons.filter((_, i) => i % 9 !== 3)
          : step >= 25
            ? [{ id: 'P40', name: '新员工', crewId: 'C2' }, ...persons]
            : persons;
      const input = { competition, asOf, crews, facts, targets: new Map(), persons: people };
      expect(computeStandings(input, memo)).toEqual(computeStandings(input));
    }
  });
});

describe('standings with kept scores and facts that list what changed', () => {
  it('equal standings computed from scratch when only the listed entrants (this time and last) are looked at', () => {
    // As loadPersonFacts answers: a base (the kept closed sums) whose entrants get the same facts
    // object every time, and listed entrants laid over it (today's sums, innovations), a list
    // that grows and shrinks (a withdrawn innovation leaves it).
    const next = mulberry32(11);
    const memo = createScoreMemo();
    const sales = (litres: number): CrewFacts => ({ ...EMPTY_FACTS, metrics: { 'sales.volume_litres': litres } });
    let base = new Map(persons.map((p, i) => [p.id, sales(i * 100)] as const));
    let over = new Map<string, CrewFacts>();
    for (let step = 0; step < 60; step++) {
      over = new Map(over);
      for (let k = 0; k < 3; k++) {
        const id = persons[Math.floor(next() * persons.length)]?.id ?? '';
        const r = next();
        if (r < 0.3) over.delete(id);
        else {
          const old = over.get(id) ?? base.get(id) ?? EMPTY_FACTS;
          over.set(id, sales((old.metrics['sales.volume_litres'] ?? 0) + Math.floor(next() * 4) * 300));
        }
      }
      // Listed entrants whose facts did not change, in new objects (read afresh each refresh).
      over = new Map([...over].map(([id, f]) => [id, { ...f, metrics: { ...f.metrics } }]));
      // A late event: new closed sums, every entrant looked at again.
      if (step % 17 === 16) base = new Map([...base].map(([id, f]) => [id, next() < 0.2 ? sales(next() * 5000) : f]));
      const overlay = over;
      const kept = base;
      const facts = {
        get: (id: string) => overlay.get(id) ?? kept.get(id),
        changes: { base: kept, ids: [...overlay.keys()] },
      };
      const input = { competition, asOf: '2026-11-10', crews, facts, targets: new Map(), persons };
      expect(computeStandings(input, memo)).toEqual(computeStandings(input));
    }
  });
});

describe('a score that throws', () => {
  it('leaves the memo as it was: the next computation on the same facts scores what changed', () => {
    const memo = createScoreMemo();
    const input = { competition, asOf: '2026-11-10', targets: new Map() };
    const sales = (litres: number): CrewFacts => ({ ...EMPTY_FACTS, metrics: { 'sales.volume_litres': litres } });
    const score = (crew: CrewProfile, f: CrewFacts) => ({
      crew,
      score: f.metrics['sales.volume_litres'] ?? 0,
      disqualified: false,
      vetoes: [],
      indicators: [],
      facts: noFacts(),
      sheet: null,
    });
    const first = new Map(crews.map((c, i) => [c.crewId, sales(i)] as const));
    scoreWithMemo(memo, input, crews, (id) => first.get(id) ?? EMPTY_FACTS, score, { base: first, ids: [] });
    // A new base (a read of every crew) in which C2 changed; scoring it throws this once.
    const second = new Map(first).set('C2', sales(500));
    const changes = { base: second, ids: [] };
    expect(() =>
      scoreWithMemo(
        memo,
        input,
        crews,
        (id) => second.get(id) ?? EMPTY_FACTS,
        (crew, f) => {
          if (crew.crewId === 'C2') throw new Error('a rule that cannot be scored');
          return score(crew, f);
        },
        changes,
      ),
    ).toThrow();
    const scores = scoreWithMemo(memo, input, crews, (id) => second.get(id) ?? EMPTY_FACTS, score, changes);
    expect(scores.map((x) => x.score)).toEqual([0, 500, 2, 3]);
  });
});

describe('entrantsInIdOrder', () => {
  const profile = (crewId: string) => ({ crewId }) as CrewProfile;
  it('gives every memo given the same entrants the same ordered array, and so the same index by id', () => {
    const given = [profile('C3'), profile('C1'), profile('C2')];
    const a = entrantsInIdOrder(createScoreMemo(), given);
    const b = entrantsInIdOrder(createScoreMemo(), given);
    expect(a.map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3']);
    expect(b).toBe(a);
    expect(idIndex(b)).toBe(idIndex(a));
    // Other entrants (a registry change gives a new array) are ordered afresh.
    const changed = [profile('C4'), ...given];
    expect(entrantsInIdOrder(createScoreMemo(), changed).map((c) => c.crewId)).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect([...given]).toEqual([profile('C3'), profile('C1'), profile('C2')]);
  });
});

describe("today's standings kept in columns from the previous computation (rankTable)", () => {
  const plain = Competition.parse({ ...competition, gates: [], grades: undefined });
  const sales = (litres: number): CrewFacts => ({ ...EMPTY_FACTS, metrics: { 'sales.volume_litres': litres } });
  const meta = {
    competitionId: 'c',
    asOf: '2026-11-10',
    computedAt: '2026-11-10T08:00:00.000Z',
    definitionVersion: 1,
    orgVersion: 1,
    eventsStoredBefore: '2026-11-10T08:00:00.000Z',
  };
  const groups = [
    { groupBy: 'overall', groupKey: '' },
    { groupBy: 'branch', groupKey: 'B1' },
    { groupBy: 'branch', groupKey: 'B2' },
    { groupBy: 'branch', groupKey: 'B9' },
  ] as const;
  const pages = (snapshot: Pick<Snapshot, 'crews'>) =>
    groups.flatMap((group) => [
      pageOf(snapshot, group, undefined, 100, 0),
      pageOf(snapshot, group, undefined, 7, 5),
      pageOf(snapshot, group, 'P7', 10, 0),
      pageOf(snapshot, group, 'P7', 10, 1),
    ]);

  it('pages and records equal those built from scratch over a random stream, with the previous day’s ranks changing', () => {
    const next = mulberry32(11);
    const memo = createScoreMemo();
    let kept: KeptTable | undefined;
    let facts = new Map<string, CrewFacts>(persons.map((p, i) => [p.id, sales((i % 6) * 500)]));
    let previous: PreviousRanks = NO_PREVIOUS_RANKS;
    const targets = new Map<string, ReadonlyMap<string, number>>();
    for (let step = 0; step < 40; step++) {
      facts = new Map(facts);
      for (let k = 0; k < (step % 9 === 4 ? 0 : 2); k++) {
        const id = persons[Math.floor(next() * persons.length)]?.id ?? '';
        const old = facts.get(id) ?? EMPTY_FACTS;
        const litres = (old.metrics['sales.volume_litres'] ?? 0) + Math.floor(next() * 4) * 500;
        facts.set(id, next() < 0.1 ? { ...sales(litres), metrics: { 'incident.serious_injury': 1 } } : sales(litres));
      }
      // The day before's ranks change now and then (a stored run replaced): movement must follow.
      if (step % 7 === 3)
        previous = previousRanksOf(persons.map((p) => [p.id, { overall: Math.floor(next() * 40) + 1, branch: null }]));
      const input = { competition: plain, asOf: '2026-11-10', crews, facts, targets, persons };
      const built = rankTable(rankStandings(input, memo), previous, kept);
      const snapshot = snapshotOf(meta, built.table);
      const fresh = snapshotCrews(rankStandings(input), previous);
      expect(pages(snapshot)).toEqual(pages(fresh));
      expect(snapshot.crews).toEqual(fresh.crews);
      // Nothing changed: the very same table.
      if (step % 9 === 4 && step % 7 !== 3) expect(built).toBe(kept);
      kept = built;
    }
  });

  it('gives an entrant whose facts did not change a new rank and movement when others pass it', () => {
    const memo = createScoreMemo();
    const facts = new Map<string, CrewFacts>(persons.map((p, i) => [p.id, sales(100 * (i + 1))]));
    const previous = previousRanksOf(persons.map((p) => [p.id, { overall: 20, branch: 10 }]));
    const targets = new Map<string, ReadonlyMap<string, number>>();
    const input = { competition: plain, asOf: '2026-11-10', crews, facts, targets, persons };
    const first = rankTable(rankStandings(input, memo), previous);
    const before = snapshotOf(meta, first.table).crews;
    const byId = (list: readonly SnapshotCrew[], id: string) => list.find((c) => c.crew.crewId === id);
    const leader = before[0];
    const second = before[1];
    const eleventh = before[10];
    expect(leader?.ranks.overall?.rank).toBe(1);
    expect(second?.ranks.overall).toEqual({ rank: 2, prevRank: 20, rankChange: 18 });
    // The eleventh entrant jumps to the top; the leader and the second keep their facts.
    const jumper = eleventh?.crew.crewId ?? '';
    const after = snapshotOf(
      meta,
      rankTable(rankStandings({ ...input, facts: new Map(facts).set(jumper, sales(1_000_000)) }, memo), previous, first)
        .table,
    );
    expect(byId(after.crews, jumper)?.ranks.overall?.rank).toBe(1);
    const leaderAfter = byId(after.crews, leader?.crew.crewId ?? '');
    expect(leaderAfter?.ranks.overall).toEqual({ rank: 2, prevRank: 20, rankChange: 18 });
    expect(byId(after.crews, second?.crew.crewId ?? '')?.ranks.overall).toEqual({
      rank: 3,
      prevRank: 20,
      rankChange: 17,
    });
    expect(pageOf(after, { groupBy: 'overall', groupKey: '' }, undefined, 3, 0).rows.map((r) => r.rank)).toEqual([
      1, 2, 3,
    ]);
    // The entrants the jumper did not pass keep their places and movement.
    expect(after.crews.slice(11)).toEqual(before.slice(11));
    // The snapshot made before is as it was.
    expect(before[0]?.crew.crewId).toBe(leader?.crew.crewId);
  });

  it("measures the next day's movement against a computation's own ranks, in any entrant order", () => {
    // previousRanksFromRanked keeps a day's ranks in columns by entrant position; the next day's
    // entrants may come in another order or lack some (a crew left the registry).
    const facts = new Map<string, CrewFacts>(persons.map((p, i) => [p.id, sales(100 * ((i * 7) % 13))]));
    const day = rankStandings({ competition: plain, asOf: '2026-11-09', crews, facts, targets: new Map(), persons });
    const dayRecords = snapshotCrews(day, NO_PREVIOUS_RANKS).crews;
    const fromColumns = previousRanksFromRanked(day);
    const fromRecords = previousRanksOf(
      dayRecords.map((c) => [
        c.crew.crewId,
        { overall: c.ranks.overall?.rank ?? null, branch: c.ranks.branch?.rank ?? null },
      ]),
    );
    const nextFacts = new Map([...facts].map(([id, f], i) => [id, i % 3 === 0 ? sales(5000 - i) : f]));
    const fewer = crews.slice(0, -2).reverse();
    const input = {
      competition: plain,
      asOf: '2026-11-10',
      crews: fewer,
      facts: nextFacts,
      targets: new Map(),
      persons,
    };
    const byColumns = snapshotCrews(rankStandings(input), fromColumns).crews;
    expect(byColumns).toEqual(snapshotCrews(rankStandings(input), fromRecords).crews);
    const prevOf = new Map(dayRecords.map((c) => [c.crew.crewId, c.ranks]));
    for (const c of byColumns) {
      expect(c.ranks.overall?.prevRank).toBe(prevOf.get(c.crew.crewId)?.overall?.rank ?? null);
      expect(c.ranks.branch?.prevRank).toBe(prevOf.get(c.crew.crewId)?.branch?.rank ?? null);
    }
    expect(byColumns.some((c) => (c.ranks.overall?.rankChange ?? 0) !== 0)).toBe(true);
    // A day that ranked overall only keeps no branch column: the next day's branch ranks have no movement.
    const overallOnly = Competition.parse({ ...plain, rankingGroups: ['overall'] });
    const unbranched = previousRanksFromRanked(
      rankStandings({ competition: overallOnly, asOf: '2026-11-09', crews, facts, targets: new Map(), persons }),
    );
    expect(unbranched.columns.branch).toHaveLength(0);
    const next = snapshotCrews(rankStandings(input), unbranched).crews;
    expect(next.every((c) => c.ranks.branch?.prevRank === null && c.ranks.overall?.prevRank !== null)).toBe(true);
  });

  it('lists a group its rules did not rank, unranked, as the stored rows do', () => {
    // A new version adds branch groups; until its first computation the snapshot held is the old one's.
    const overallOnly = Competition.parse({ ...plain, rankingGroups: ['overall'] });
    const facts = new Map<string, CrewFacts>(persons.map((p, i) => [p.id, sales(100 * (i % 7))]));
    const input = { competition: overallOnly, asOf: '2026-11-10', crews, facts, targets: new Map(), persons };
    const ranked = rankStandings(input, createScoreMemo());
    const snapshot = snapshotOf(meta, rankTable(ranked, NO_PREVIOUS_RANKS).table);
    const page = pageOf(snapshot, { groupBy: 'branch', groupKey: 'B1' }, undefined, 100, 0);
    expect(page.total).toBe(20);
    expect(page.rows.every((r) => r.rank === null)).toBe(true);
    expect(page).toEqual(
      pageOf(
        { crews: snapshotCrews(ranked, NO_PREVIOUS_RANKS).crews },
        { groupBy: 'branch', groupKey: 'B1' },
        undefined,
        100,
        0,
      ),
    );
  });
});

describe('pageOf', () => {
  it('pages the engine’s display order as a sort by rank and id would', () => {
    // Ties (equal scores) and disqualified entrants, whose order is by id.
    const facts = new Map<string, CrewFacts>(
      persons.map((p, i) => [
        p.id,
        {
          ...EMPTY_FACTS,
          metrics: { 'sales.volume_litres': (i % 5) * 1000, ...(i % 9 === 0 ? { 'incident.serious_injury': 1 } : {}) },
          lastIncidentDay: i % 9 === 0 ? { serious_injury: '2026-11-02' } : {},
        },
      ]),
    );
    const input = { competition, asOf: '2026-11-10', crews, facts, targets: new Map(), persons };
    const merged = { crews: snapshotCrews(rankStandings(input), NO_PREVIOUS_RANKS).crews };
    // A copy of the array has no kept order: pageOf sorts it.
    const sorted = { crews: [...merged.crews] };
    for (const group of [
      { groupBy: 'overall', groupKey: '' },
      { groupBy: 'branch', groupKey: 'B1' },
      { groupBy: 'branch', groupKey: 'B2' },
    ] as const) {
      for (const [limit, offset] of [
        [100, 0],
        [7, 3],
        [5, 15],
      ] as const) {
        const fromEngine = pageOf(merged, group, undefined, limit, offset);
        expect(fromEngine).toEqual(pageOf(sorted, group, undefined, limit, offset));
        expect(fromEngine.rows.length).toBeGreaterThan(0);
      }
      expect(pageOf(merged, group, 'P14', 10, 0)).toEqual(pageOf(sorted, group, 'P14', 10, 0));
    }
    expect(pageOf(merged, { groupBy: 'overall', groupKey: '' }, undefined, 100, 0).rows.at(-1)?.rank).toBeNull();
  });
});
