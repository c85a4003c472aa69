import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { Org } from '../../schemas/org.schema.ts';
import { diffDefinitions } from '../../services/competition/definition-diff.ts';
import { comparePlacings } from '../../services/competition/preview.ts';
import { validateDefinition } from '../../services/competition/validate-definition.ts';
import {
  currentVersion,
  latestDraft,
  versionRecords,
  type CompetitionHistory,
} from '../../services/competition/version-history.ts';
import type { SnapshotCrew } from '../../services/scoring/standings.store.ts';
import type { Publication, StoredCompetition } from '../../services/storage/competitions.store.ts';
import { InvalidInputError } from '../../services/shared/errors.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';

const base = Competition.parse(labourCompetition);

describe('diffDefinitions', () => {
  const withIndicators = (f: (i: typeof base.indicators) => typeof base.indicators) => ({
    ...base,
    indicators: f(base.indicators),
  });
  const [volume, innovation, violations] = base.indicators as [
    (typeof base.indicators)[0],
    (typeof base.indicators)[0],
    (typeof base.indicators)[0],
  ];
  it.each([
    { name: 'no change', after: base, changes: [] },
    {
      name: 'a weight',
      after: withIndicators(() => [{ ...volume, weight: 1.5 }, innovation, violations]),
      changes: [{ path: 'indicators[0].weight', op: 'changed', before: 1, after: 1.5 }],
    },
    {
      name: 'an indicator inserted first is one addition, matched by id',
      after: withIndicators((list) => [{ ...volume, id: 'new' }, ...list]),
      changes: [{ path: 'indicators[0]', op: 'added', after: { ...volume, id: 'new' } }],
    },
    {
      name: 'an indicator removed',
      after: withIndicators(() => [volume, violations]),
      changes: [{ path: 'indicators[1]', op: 'removed', before: innovation }],
    },
    {
      name: 'a rule whose kind changed is one change',
      after: withIndicators(() => [
        volume,
        innovation,
        { ...violations, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit: 1, perCapita: false } },
      ]),
      changes: [{ path: 'indicators[2].rule', op: 'changed', before: violations.rule, after: expect.anything() }],
    },
    {
      name: 'an optional field added',
      after: { ...base, weightTotal: 3 },
      changes: [{ path: 'weightTotal', op: 'added', after: 3 }],
    },
    {
      name: 'a list without ids, by position',
      after: { ...base, rankingGroups: ['overall'] as const },
      changes: [
        { path: 'rankingGroups[1]', op: 'removed', before: 'branch' },
        { path: 'rankingGroups[2]', op: 'removed', before: 'unit_type' },
      ],
    },
  ])('$name', ({ after, changes }) => {
    expect(diffDefinitions(base, after)).toEqual(changes);
  });
});

describe('version history', () => {
  const version = (n: number, savedAt: string, draft: boolean): StoredCompetition => ({
    id: 'c',
    version: n,
    savedAt,
    author: `a${n}`,
    note: `n${n}`,
    draft,
    deleted: false,
    definition: base,
  });
  const publication = (n: number, at: string): Publication => ({
    competitionId: 'c',
    version: n,
    publishedAt: at,
    publishedBy: 'p',
    note: `published ${n} at ${at}`,
  });
  it.each([
    {
      name: 'a draft only',
      history: { versions: [version(1, 't1', true)], publications: [] },
      current: undefined,
      statuses: ['draft'],
      draft: 1,
    },
    {
      name: 'versions saved before drafts existed are current when saved',
      history: { versions: [version(1, 't1', false), version(2, 't2', false)], publications: [] },
      current: 2,
      statuses: ['current', 'superseded'],
      draft: undefined,
    },
    {
      name: 'a draft after the current version',
      history: { versions: [version(1, 't1', false), version(2, 't2', true)], publications: [] },
      current: 1,
      statuses: ['draft', 'current'],
      draft: 2,
    },
    {
      name: 'the draft published',
      history: {
        versions: [version(1, 't1', false), version(2, 't2', true)],
        publications: [publication(2, 't3')],
      },
      current: 2,
      statuses: ['current', 'superseded'],
      draft: undefined,
    },
    {
      name: 'a rollback: the newer version is superseded, not a draft',
      history: {
        versions: [version(1, 't1', true), version(2, 't2', true)],
        publications: [publication(1, 't3'), publication(2, 't4'), publication(1, 't5')],
      },
      current: 1,
      statuses: ['superseded', 'current'],
      draft: undefined,
    },
  ] satisfies {
    name: string;
    history: CompetitionHistory;
    current: number | undefined;
    statuses: string[];
    draft: number | undefined;
  }[])('$name', ({ history, current, statuses, draft }) => {
    expect(currentVersion(history)).toBe(current);
    expect(versionRecords(history).map((r) => r.status)).toEqual(statuses);
    expect(latestDraft(history)?.version).toBe(draft);
  });

  it('records who published each version last, when and why', () => {
    const records = versionRecords({
      versions: [version(1, 't1', false), version(2, 't2', true), version(3, 't4', true)],
      publications: [publication(2, 't3')],
    });
    expect(records[1]).toMatchObject({
      version: 2,
      author: 'a2',
      note: 'n2',
      publishedAt: 't3',
      publishedBy: 'p',
      publishedNote: 'published 2 at t3',
    });
    // Saved current (before drafts existed): published by its author, with its own note.
    expect(records[2]).toMatchObject({ version: 1, publishedAt: 't1', publishedBy: 'a1', publishedNote: 'n1' });
    expect(records[0]).toMatchObject({ version: 3, status: 'draft', publishedNote: null });
  });
});

describe('comparePlacings', () => {
  const crew = (crewId: string, rank: number | null, score: number): SnapshotCrew => ({
    crew: {
      crewId,
      crewName: crewId,
      unitId: 'U',
      unitName: 'U',
      unitType: 'station',
      branchId: 'B',
      branchName: 'B',
      headcount: 1,
    },
    score,
    disqualified: rank === null,
    vetoes: [],
    indicators: [],
    facts: {} as SnapshotCrew['facts'],
    sheet: null,
    ranks: { overall: { rank, prevRank: null, rankChange: null } },
  });

  it('orders by draft rank, counts who moved, entered and left', () => {
    const { summary, rows } = comparePlacings(
      [crew('A', 1, 10), crew('B', 2, 8), crew('C', 3, 5), crew('D', null, 0), crew('GONE', 4, 1)],
      [crew('B', 1, 12), crew('A', 2, 10), crew('C', 3, 5), crew('D', 4, 2), crew('NEW', null, 0)],
    );
    expect(rows.map((r) => [r.crewId, r.rankChange, r.scoreChange])).toEqual([
      ['B', 1, 4],
      ['A', -1, 0],
      ['C', 0, 0],
      ['D', null, 2],
      ['NEW', null, null],
      ['GONE', null, null],
    ]);
    expect(summary).toEqual({ crews: 6, up: 2, down: 1, same: 1, entered: 1, left: 1 });
  });
});

describe('validateDefinition', () => {
  const org = Org.parse(smallOrg);
  const problems = (raw: unknown): { path: string; message: string }[] => {
    try {
      validateDefinition(raw, org);
      return [];
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return err.details as { path: string; message: string }[];
    }
  };
  it.each([
    { name: 'valid', raw: labourCompetition, paths: [] },
    {
      name: 'participants the registry lacks',
      raw: { ...labourCompetition, participants: { scope: 'selected', unitIds: ['U1', 'U9'], crewIds: ['C0'] } },
      paths: ['participants.unitIds[1]', 'participants.crewIds[0]'],
    },
    {
      name: 'weights that do not add up to weightTotal',
      raw: { ...labourCompetition, weightTotal: 100 },
      paths: ['indicators'],
    },
    {
      name: 'weights of 0.1 + 0.2 + 0.7 add up to 1',
      raw: {
        ...labourCompetition,
        weightTotal: 1,
        indicators: base.indicators.map((i, n) => ({ ...i, weight: [0.1, 0.2, 0.7][n] })),
      },
      paths: [],
    },
    {
      name: 'stages that overlap, leave the period, end before they start, or share an id',
      raw: {
        ...labourCompetition,
        stages: [
          { id: 's1', name: { zh: '一', en: '1' }, start: '2026-03-01', end: '2026-03-10' },
          { id: 's2', name: { zh: '二', en: '2' }, start: '2026-03-10', end: '2026-03-20' },
          { id: 's3', name: { zh: '三', en: '3' }, start: '2026-03-25', end: '2026-04-02' },
          { id: 's3', name: { zh: '四', en: '4' }, start: '2026-03-30', end: '2026-03-28' },
          { id: 'final', name: { zh: '全', en: 'all' }, start: '2026-03-21', end: '2026-03-22' },
        ],
      },
      paths: ['stages[4].id', 'stages[3].id', 'stages[2]', 'stages[3].end', 'stages[1]'],
    },
    {
      name: 'schema and registry problems together',
      raw: {
        ...labourCompetition,
        indicators: [{ ...base.indicators[0], rule: { kind: 'sum', metric: 'nope', pointsPerUnit: 1 } }],
        participants: { scope: 'selected', branchIds: ['B7'] },
      },
      paths: ['indicators[0].rule.metric', 'participants.branchIds[0]'],
    },
  ])('$name', ({ raw, paths }) => {
    expect(
      problems(raw)
        .map((p) => p.path)
        .sort(),
    ).toEqual([...paths].sort());
  });
});
