import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { computeStandings } from '../../services/scoring/engine/compute-standings.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import type { CrewFacts, CrewProfile } from '../../services/scoring/engine/types.ts';

/** 个人赛 in the pure engine: persons of participating crews are the entrants, scored by their own facts. */
const crew = (crewId: string, branchId: string, headcount: number): CrewProfile => ({
  crewId,
  crewName: `${crewId} 班`,
  unitId: `U-${branchId}`,
  unitName: `${branchId} 站`,
  unitType: 'station',
  branchId,
  branchName: `${branchId} 分公司`,
  headcount,
});
const litres = (n: number): CrewFacts => ({ ...EMPTY_FACTS, metrics: { 'sales.volume_litres': n } });

const competition = Competition.parse({
  name: { zh: '岗位明星', en: 'Post stars' },
  kind: 'labour',
  period: { start: '2026-11-01', end: '2026-11-30' },
  entrants: 'person',
  rankingGroups: ['overall', 'branch'],
  indicators: [
    {
      id: 'sales',
      name: { zh: '人均销量', en: 'Sales' },
      // Per capita: a person is a crew of one, so their own litres count in full.
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01, perCapita: true },
    },
  ],
  grades: { kind: 'places', levels: [{ id: 'star', name: { zh: '岗位明星', en: 'Star' }, count: 1 }] },
});

describe('computeStandings for persons', () => {
  const crews = [crew('C1', 'B1', 5), crew('C2', 'B2', 8)];
  const persons = [
    { id: 'P1', name: '张三', crewId: 'C1', job: '加油员' },
    { id: 'P2', name: '李四', crewId: 'C2' },
    { id: 'P3', name: '王五', crewId: 'C1' },
    // Their crew does not take part: not an entrant.
    { id: 'P4', name: '赵六', crewId: 'C9' },
  ];
  // Crew facts under a crew id must not reach a person: facts are keyed by person id.
  const facts = new Map([
    ['P1', litres(1200)],
    ['P2', litres(3000)],
    ['C1', litres(99_999)],
  ]);
  const rows = computeStandings({ competition, asOf: '2026-11-10', crews, facts, targets: new Map(), persons });

  it('ranks every person of the participating crews, those without facts at 0', () => {
    expect(
      rows
        .filter((r) => r.groupBy === 'overall')
        .map((r) => [r.crew.crewId, r.rank, r.score, r.sheet?.grade?.id ?? null]),
    ).toEqual([
      ['P2', 1, 30, 'star'],
      ['P1', 2, 12, null],
      ['P3', 3, 0, null],
    ]);
  });

  it('carries each person’s crew, unit and branch, and groups by branch', () => {
    expect(rows.find((r) => r.crew.crewId === 'P1')?.crew).toEqual({
      crewId: 'P1',
      crewName: '张三',
      unitId: 'U-B1',
      unitName: 'B1 站',
      unitType: 'station',
      branchId: 'B1',
      branchName: 'B1 分公司',
      headcount: 1,
      person: { crewId: 'C1', crewName: 'C1 班', job: '加油员' },
    });
    expect(rows.filter((r) => r.groupBy === 'branch').map((r) => [r.groupKey, r.crew.crewId, r.rank])).toEqual([
      ['B1', 'P1', 1],
      ['B1', 'P3', 2],
      ['B2', 'P2', 1],
    ]);
  });

  it('has no entrant when the registry lists no person', () => {
    expect(computeStandings({ competition, asOf: '2026-11-10', crews, facts, targets: new Map() })).toEqual([]);
  });
});
