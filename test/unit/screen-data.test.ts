import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { ScreenSet } from '../../schemas/screen.schema.ts';
import { defaultScreenFor, leadingIndicators } from '../../services/screen/default-screen.ts';
import { aroundRows, groupTitle, rankInnovations } from '../../services/screen/screen-data.ts';
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
    const picked = aroundRows(ordered, crew, top, around);
    expect(picked?.rows.map((r) => r.crewId).join('')).toBe(rows);
    expect(picked?.gapsBefore).toEqual(gaps);
  });

  it('is null for a crew not in the ranking', () => {
    expect(aroundRows(ordered, 'Z', 3, 3)).toBeNull();
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
