import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { UnitType } from '../../schemas/org.schema.ts';
import { computeStandings, rankMovement } from '../../services/scoring/engine/compute-standings.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import type { CrewFacts, CrewProfile, StandingsRow } from '../../services/scoring/engine/types.ts';

function crew(crewId: string, branchId: string, unitType: UnitType): CrewProfile {
  const unitId = `${branchId}-${unitType}`;
  return {
    crewId,
    crewName: crewId,
    unitId,
    unitName: unitId,
    unitType,
    branchId,
    branchName: branchId,
    headcount: 10,
  };
}

function facts(partial: Partial<CrewFacts>): CrewFacts {
  return { ...EMPTY_FACTS, ...partial };
}

function litres(n: number, more: Partial<CrewFacts> = {}): CrewFacts {
  return facts({ ...more, metrics: { 'sales.volume_litres': n, ...more.metrics } });
}

function competition(extra: Partial<CompetitionInput>): Competition {
  return Competition.parse({
    name: { zh: '劳动竞赛', en: 'Labour competition' },
    kind: 'labour',
    period: { start: '2026-11-01', end: '2026-11-30' },
    indicators: [
      {
        id: 'sales',
        name: { zh: '销量', en: 'Sales' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
    ],
    vetoes: [
      {
        id: 'v-serious',
        name: { zh: '重伤否决', en: 'Serious veto' },
        when: { kind: 'incident' },
        effect: { kind: 'disqualify' },
      },
    ],
    ...extra,
  });
}

type Row = [groupBy: string, groupKey: string, crewId: string, rank: number | null, score: number];
const compact = (rows: StandingsRow[]): Row[] =>
  rows.map((r) => [r.groupBy, r.groupKey, r.crew.crewId, r.rank, r.score]);

describe('computeStandings with branch and unit_type groups', () => {
  const crews = [
    crew('c1', 'b1', 'station'),
    crew('c2', 'b1', 'mine'),
    crew('c3', 'b2', 'station'),
    crew('c4', 'b2', 'mine'),
    crew('c5', 'b2', 'station'),
    crew('c6', 'b1', 'mine'),
  ];
  // Points = litres × 0.01: c1 30, c2 20, c3 30, c4 10, c5 no facts -> 0, c6 50 but a serious injury disqualifies it.
  const allFacts = new Map<string, CrewFacts>([
    ['c1', litres(3000)],
    ['c2', litres(2000)],
    ['c3', litres(3000)],
    ['c4', litres(1000)],
    [
      'c6',
      litres(5000, { metrics: { 'incident.serious_injury': 1 }, lastIncidentDay: { serious_injury: '2026-11-02' } }),
    ],
  ]);
  const run = (tieMode: 'competition' | 'dense') =>
    computeStandings({
      competition: competition({ rankingGroups: ['overall', 'branch', 'unit_type'], tieMode }),
      asOf: '2026-11-10',
      crews,
      facts: allFacts,
      targets: new Map(),
    });

  it.each<{ tieMode: 'competition' | 'dense'; expected: Row[] }>([
    {
      tieMode: 'competition',
      expected: [
        // overall: 30, 30 | 20 | 10 | 0 -> 1, 1, 3, 4, 5; c6 disqualified last
        ['overall', '', 'c1', 1, 30],
        ['overall', '', 'c3', 1, 30],
        ['overall', '', 'c2', 3, 20],
        ['overall', '', 'c4', 4, 10],
        ['overall', '', 'c5', 5, 0],
        ['overall', '', 'c6', null, 0],
        // branch b1: c1 30, c2 20, c6 out; b2: c3 30, c4 10, c5 0
        ['branch', 'b1', 'c1', 1, 30],
        ['branch', 'b1', 'c2', 2, 20],
        ['branch', 'b1', 'c6', null, 0],
        ['branch', 'b2', 'c3', 1, 30],
        ['branch', 'b2', 'c4', 2, 10],
        ['branch', 'b2', 'c5', 3, 0],
        // unit types in key order: mine (c2 20, c4 10, c6 out), station (c1 30, c3 30, c5 0 -> 1, 1, 3)
        ['unit_type', 'mine', 'c2', 1, 20],
        ['unit_type', 'mine', 'c4', 2, 10],
        ['unit_type', 'mine', 'c6', null, 0],
        ['unit_type', 'station', 'c1', 1, 30],
        ['unit_type', 'station', 'c3', 1, 30],
        ['unit_type', 'station', 'c5', 3, 0],
      ],
    },
    {
      tieMode: 'dense',
      expected: [
        // overall dense: 30, 30 | 20 | 10 | 0 -> 1, 1, 2, 3, 4
        ['overall', '', 'c1', 1, 30],
        ['overall', '', 'c3', 1, 30],
        ['overall', '', 'c2', 2, 20],
        ['overall', '', 'c4', 3, 10],
        ['overall', '', 'c5', 4, 0],
        ['overall', '', 'c6', null, 0],
        ['branch', 'b1', 'c1', 1, 30],
        ['branch', 'b1', 'c2', 2, 20],
        ['branch', 'b1', 'c6', null, 0],
        ['branch', 'b2', 'c3', 1, 30],
        ['branch', 'b2', 'c4', 2, 10],
        ['branch', 'b2', 'c5', 3, 0],
        ['unit_type', 'mine', 'c2', 1, 20],
        ['unit_type', 'mine', 'c4', 2, 10],
        ['unit_type', 'mine', 'c6', null, 0],
        // station dense: 30, 30 | 0 -> 1, 1, 2
        ['unit_type', 'station', 'c1', 1, 30],
        ['unit_type', 'station', 'c3', 1, 30],
        ['unit_type', 'station', 'c5', 2, 0],
      ],
    },
  ])('$tieMode ties', ({ tieMode, expected }) => {
    expect(compact(run(tieMode))).toEqual(expected);
  });

  it('scores a crew without facts as EMPTY_FACTS and keeps the disqualified breakdown', () => {
    const rows = run('competition').filter((r) => r.groupBy === 'overall');
    expect(rows.find((r) => r.crew.crewId === 'c5')?.indicators).toEqual([
      { indicatorId: 'sales', value: 0, points: 0 },
    ]);
    // 5000 × 0.01 = 50 is shown even though the crew is disqualified
    const c6 = rows.find((r) => r.crew.crewId === 'c6');
    expect(c6?.indicators).toEqual([{ indicatorId: 'sales', value: 5000, points: 50 }]);
    expect(c6?.vetoes.map((v) => v.reason.en)).toEqual(['1 serious injury']);
  });

  it('defaults to the overall group only', () => {
    const rows = computeStandings({
      competition: competition({}),
      asOf: '2026-11-10',
      crews: crews.slice(0, 2),
      facts: allFacts,
      targets: new Map(),
    });
    expect(compact(rows)).toEqual([
      ['overall', '', 'c1', 1, 30],
      ['overall', '', 'c2', 2, 20],
    ]);
  });
});

describe('rankMovement', () => {
  it.each([
    [1, 3, 2], // up two places
    [3, 1, -2], // down two places
    [2, 2, 0],
    [null, 1, null], // now disqualified
    [1, null, null], // new or previously disqualified
    [null, null, null],
  ])('current %s, previous %s -> %s', (current, previous, expected) => {
    expect(rankMovement(current, previous)).toBe(expected);
  });
});

describe('late event: an earlier day is re-scored when its facts change', () => {
  // Ankang indicators: sales 0.01 / litre, plus 1 point per safe day (minor injury breaks the run).
  const ankang = competition({
    kind: 'ankang',
    indicators: [
      {
        id: 'sales',
        name: { zh: '销量', en: 'Sales' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
      { id: 'safety', name: { zh: '安全天数', en: 'Safe days' }, rule: { kind: 'safety_days', pointsPerDay: 1 } },
    ],
  });
  const crews = [crew('A', 'b1', 'station'), crew('B', 'b1', 'station')];
  const standings = (asOf: string, f: Map<string, CrewFacts>): Row[] =>
    compact(computeStandings({ competition: ankang, asOf, crews, facts: f, targets: new Map() }));

  // Day 1 = 2026-11-05 as first published: A 1000 L -> 10 + 5 safe days (11-01..11-05) = 15;
  // B 1200 L -> 12 + 5 = 17. B leads.
  const day1Published = new Map([
    ['A', litres(1000)],
    ['B', litres(1200)],
  ]);
  // On 11-06 a minor injury of B that occurred on 11-04 arrives late. Day 1 re-scored:
  // B safe days restart 11-05..11-05 = 1 -> 12 + 1 = 13; A still 15. A now leads day 1.
  const lateIncident = { metrics: { 'incident.minor_injury': 1 }, lastIncidentDay: { minor_injury: '2026-11-04' } };
  const day1Corrected = new Map([
    ['A', litres(1000)],
    ['B', litres(1200, lateIncident)],
  ]);
  // Day 2 = 2026-11-06: A 1500 L -> 15 + 6 (11-01..11-06) = 21; B 1800 L -> 18 + 2 (11-05..11-06) = 20.
  const day2 = new Map([
    ['A', litres(1500)],
    ['B', litres(1800, lateIncident)],
  ]);

  it.each<{ name: string; asOf: string; facts: Map<string, CrewFacts>; expected: Row[] }>([
    {
      name: 'day 1 as published',
      asOf: '2026-11-05',
      facts: day1Published,
      expected: [
        ['overall', '', 'B', 1, 17],
        ['overall', '', 'A', 2, 15],
      ],
    },
    {
      name: 'day 1 with the late event',
      asOf: '2026-11-05',
      facts: day1Corrected,
      expected: [
        ['overall', '', 'A', 1, 15],
        ['overall', '', 'B', 2, 13],
      ],
    },
    {
      name: 'day 2',
      asOf: '2026-11-06',
      facts: day2,
      expected: [
        ['overall', '', 'A', 1, 21],
        ['overall', '', 'B', 2, 20],
      ],
    },
  ])('$name', ({ asOf, facts: f, expected }) => {
    expect(standings(asOf, f)).toEqual(expected);
  });

  it('rank movement into day 2 must compare with the corrected day 1', () => {
    const rankOf = (rows: Row[], id: string) => rows.find((r) => r[2] === id)?.[3] ?? null;
    const d1Stale = standings('2026-11-05', day1Published);
    const d1 = standings('2026-11-05', day1Corrected);
    const d2 = standings('2026-11-06', day2);
    // Against stale day 1 A would look like it overtook B (2 -> 1 = +1); corrected, nobody moved.
    expect([
      rankMovement(rankOf(d2, 'A'), rankOf(d1Stale, 'A')),
      rankMovement(rankOf(d2, 'B'), rankOf(d1Stale, 'B')),
    ]).toEqual([1, -1]);
    expect([rankMovement(rankOf(d2, 'A'), rankOf(d1, 'A')), rankMovement(rankOf(d2, 'B'), rankOf(d1, 'B'))]).toEqual([
      0, 0,
    ]);
  });
});
