import { describe, expect, it } from 'vitest';
import { Competition, type Indicator } from '../../schemas/competition.schema.ts';
import { ScreenSet } from '../../schemas/screen.schema.ts';
import { defaultScreenFor, leadingIndicators } from '../../services/screen/default-screen.ts';
import type { StoredRow } from '../../services/scoring/standings.store.ts';
import {
  aroundRows,
  columnFormat,
  columnName,
  groupTitle,
  ownRows,
  rankInnovations,
  toScreenRow,
} from '../../services/screen/screen-data.ts';
import { ankangCompetition, labourCompetition } from '../support/fixtures.ts';

const ordered = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((crewId) => ({ crewId }));

describe('aroundRows', () => {
  it.each([
    // crew, top, around -> rows, gaps
    ['E', 3, 1, 'ABCDEF', []],
    ['H', 3, 1, 'ABCGHI', [3]],
    ['H', 2, 2, 'ABFGHIJ', [2]],
    ['J', 3, 2, 'ABCHIJ', [3]],
    ['A', 3, 2, 'ABC', []],
    ['B', 0, 1, 'ABC', []],
    ['I', 0, 1, 'HIJ', []],
    ['D', 3, 0, 'ABCD', []],
  ])('crew %s, top %i, around %i: %s', (crew, top, around, rows, gaps) => {
    const picked = aroundRows(ordered, new Set([crew]), top, around);
    expect(picked?.rows.map((r) => r.crewId).join('')).toBe(rows);
    expect(picked?.gapsBefore).toEqual(gaps);
  });

  it('is null for a crew not in the ranking', () => {
    expect(aroundRows(ordered, new Set(['Z']), 3, 3)).toBeNull();
  });

  it.each([
    // own rows, top, around -> rows, gaps
    ['EH', 2, 0, 'ABEH', [2, 3]],
    ['CDI', 2, 0, 'ABCDI', [4]],
    ['EH', 2, 1, 'ABDEFGHI', [2]],
    ['AB', 3, 0, 'ABC', []],
  ])('several own rows %s, top %i, around %i: %s', (own, top, around, rows, gaps) => {
    const picked = aroundRows(ordered, new Set(own.split('')), top, around);
    expect(picked?.rows.map((r) => r.crewId).join('')).toBe(rows);
    expect(picked?.gapsBefore).toEqual(gaps);
  });
});

describe('ownRows', () => {
  const crew = { crewId: 'C1', unitId: 'U1', branchId: 'B1' };
  const person = (id: string, crewId: string) => ({
    crewId: id,
    person: { id, name: id, job: null, crewId, crewName: crewId },
  });
  it.each([
    ['crew', [{ crewId: 'C1', person: null }], ['C1'], true],
    ['unit', [{ crewId: 'U1', person: null }], ['U1'], true],
    ['branch', [{ crewId: 'B1', person: null }], ['B1'], true],
    // 个人赛: the crew's persons, wherever they rank; no neighbours.
    ['person', [person('P3', 'C2'), person('P1', 'C1'), person('P2', 'C1')], ['P1', 'P2'], false],
  ] as const)('%s level', (level, rows, ids, neighbours) => {
    const own = ownRows(rows, level, crew);
    expect([...own.ids]).toEqual(ids);
    expect(own.neighbours).toBe(neighbours);
  });
});

describe('leadingIndicators', () => {
  const base = Competition.parse(labourCompetition);
  it.each([
    ['definition order when weights are equal', [1, 1, 1], ['volume', 'innovation', 'violations']],
    ['heaviest first', [1, 3, 2], ['innovation', 'violations', 'volume']],
    ['ties keep definition order', [2, 1, 2], ['volume', 'violations', 'innovation']],
  ])('%s', (_, weights, expected) => {
    const def = { ...base, indicators: base.indicators.map((i, n) => ({ ...i, weight: weights[n] ?? 1 })) };
    expect(leadingIndicators(def).map((i) => i.id)).toEqual(expected);
  });

  it('shows at most the asked number', () => {
    expect(leadingIndicators(base, 2)).toHaveLength(2);
  });
});

describe('defaultScreenFor', () => {
  const stored = (id: string, definition: unknown) => ({
    id,
    version: 1,
    savedAt: '',
    author: '',
    note: '',
    draft: false,
    deleted: false,
    definition: Competition.parse(definition),
  });

  it.each([
    [
      'labour ranked by branch, scoring innovations',
      stored('l', labourCompetition),
      ['ranking', 'branch_tops', 'around', 'innovations'],
    ],
    ['ankang without innovations', stored('a', ankangCompetition), ['ranking', 'branch_tops', 'around']],
    ['overall only', stored('o', { ...ankangCompetition, rankingGroups: ['overall'] }), ['ranking', 'around']],
  ])('%s', (_, competition, kinds) => {
    const screen = defaultScreenFor(competition);
    expect(screen.views.map((v) => v.kind)).toEqual(kinds);
    expect(screen.views.every((v) => v.competitionId === competition.id)).toBe(true);
    // A valid screen set by the same schema organisers' screens must pass.
    expect(ScreenSet.safeParse(screen).success).toBe(true);
    // Every entrant of each ranking, page by page: nobody's crew falls off the end of a top 20.
    for (const v of screen.views) if ('limit' in v && v.kind !== 'innovations') expect(v.limit).toBeUndefined();
  });

  it('leaves a saved ranking view unlimited unless the organiser limits it', () => {
    const parsed = ScreenSet.parse({ name: { zh: 's', en: 's' }, views: [{ kind: 'ranking', competitionId: 'c' }] });
    expect(parsed.views[0]).not.toHaveProperty('limit');
  });
});

describe('what an indicator column shows', () => {
  const indicator = (rule: Record<string, unknown>, name = { zh: '指标', en: 'Indicator' }) =>
    Competition.parse({ ...labourCompetition, indicators: [{ id: 'x', name, rule }] }).indicators[0] as Indicator;
  it.each([
    [
      'a penalty: its points, not the persons counted',
      { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
      'points',
    ],
    ['hazards found: how many', { kind: 'count', event: 'hazard_found', pointsEach: 1 }, 'count'],
    [
      'a count per head: a fraction, not rounded to 0',
      { kind: 'count', event: 'hazard_found', pointsEach: 1, perCapita: true },
      'number',
    ],
    ['sales amount: money', { kind: 'sum', metric: 'sales.amount_cny', pointsPerUnit: 0.001 }, 'currency'],
    [
      'sales amount per head: a number',
      { kind: 'sum', metric: 'sales.amount_cny', pointsPerUnit: 0.001, perCapita: true },
      'number',
    ],
    ['a target: its completion', { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40 }, 'percent'],
    ['safe days: days', { kind: 'safety_days', pointsPerDay: 1 }, 'days'],
  ])('%s', (_, rule, format) => {
    expect(columnFormat(indicator(rule))).toBe(format);
  });

  it.each([
    [
      { zh: '"三违"扣分', en: 'Violations (三违) penalty' },
      { zh: '"三违"扣分', en: 'Violations (三违) penalty' },
    ],
    [
      { zh: '三违', en: 'Violations' },
      { zh: '三违（分）', en: 'Violations (points)' },
    ],
  ])('a points column’s header says points: %j', (name, header) => {
    const penalty = indicator({ kind: 'count', event: 'violation', pointsEach: -5 }, name);
    expect(columnName(penalty, 'points')).toEqual(header);
    expect(columnName(penalty, 'count')).toEqual(name);
  });

  it('fills a points column with the indicator’s points and a value column with its value', () => {
    const stored = {
      indicators: [
        { indicatorId: 'violations', value: 1, points: -2.5 },
        { indicatorId: 'hazards', value: 4, points: 4 },
      ],
    } as unknown as StoredRow;
    const columns = [
      { id: 'violations', name: { zh: '三违扣分', en: 'p' }, format: 'points' as const },
      { id: 'hazards', name: { zh: '隐患排查', en: 'h' }, format: 'count' as const },
      { id: 'missing', name: { zh: '无', en: 'm' }, format: 'count' as const },
    ];
    expect(toScreenRow({ ...stored, vetoes: [], sheet: null }, columns).cells).toEqual([-2.5, 4, null]);
  });
});

describe('rankInnovations', () => {
  const tally = (crewId: string, awards: [number, number, number], adopted = 0, submitted = 0) => ({
    crewId,
    awards,
    adopted,
    submitted,
  });
  it.each([
    [
      '一等奖 beats any number of 二等奖',
      [tally('A', [0, 5, 0]), tally('B', [1, 0, 0])],
      [
        ['B', 1],
        ['A', 2],
      ],
    ],
    [
      'awards beat adoptions',
      [tally('A', [0, 0, 0], 9), tally('B', [0, 0, 1])],
      [
        ['B', 1],
        ['A', 2],
      ],
    ],
    [
      'adoptions beat submissions',
      [tally('A', [0, 0, 0], 0, 9), tally('B', [0, 0, 0], 1)],
      [
        ['B', 1],
        ['A', 2],
      ],
    ],
    [
      'equal tallies share a rank, listed by crew id, and the next rank skips',
      [tally('C', [1, 0, 0]), tally('A', [1, 0, 0]), tally('B', [0, 1, 0])],
      [
        ['A', 1],
        ['C', 1],
        ['B', 3],
      ],
    ],
  ])('%s', (_, tallies, expected) => {
    expect(rankInnovations(tallies).map((r) => [r.tally.crewId, r.rank])).toEqual(expected);
  });

  it('gives the cells in column order: 一/二/三等奖, adopted, submitted', () => {
    expect(rankInnovations([tally('A', [1, 2, 3], 4, 5)])[0]?.cells).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('groupTitle', () => {
  const org = {
    branches: [
      { id: 'B-HZ', name: '杭州分公司', nameEn: 'Hangzhou Branch' },
      { id: 'B-X', name: '某分公司' },
    ],
  };
  it.each([
    ['overall', '总排名', 'Overall'],
    ['branch:B-HZ', '杭州分公司排名', 'Hangzhou Branch ranking'],
    ['branch:B-X', '某分公司排名', '某分公司 ranking'],
    // A unit type is a key of the registry, not words for a TV: "station排名" read as a bug.
    ['unit_type:station', '加油站排名', 'Stations ranking'],
    ['unit_type:depot', '油库排名', 'Depots ranking'],
  ])('%s', (group, zh, en) => {
    expect(groupTitle(org, group)).toEqual({ zh, en });
  });
});
