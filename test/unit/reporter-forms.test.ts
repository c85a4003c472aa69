import { describe, expect, it } from 'vitest';
import { ReportCreate } from '../../schemas/report.schema.ts';
import { takesPart, type Org } from '../../services/reporter/web/org-scope.ts';
import { fitLongEdge } from '../../services/reporter/web/photo-size.ts';
import { randomUuid, reportBody, withOffset, type FormValues } from '../../services/reporter/web/report-forms.ts';

const base = { crewId: 'C1', occurredAt: '2026-03-10T09:30:00+08:00', personIds: [] };
const REPORT_ID = 'r-0b6f1c2e-4c1a-4d8e-9f3a-2a7b8c9d0e1f';
const EVIDENCE = `sha256:${'a'.repeat(64)}`;

/** What each phone form sends, read against review17's contract (schemas/report.schema.ts). */
const cases: [string, FormValues, Record<string, unknown>][] = [
  [
    'hazard found',
    { ...base, kind: 'hazard_found', values: { location: '3号加油机旁', description: '消防沙池缺沙' } },
    {
      event: { type: 'hazard_found', hazardId: `hz-${REPORT_ID}` },
      location: '3号加油机旁',
      description: '消防沙池缺沙',
    },
  ],
  [
    'rectification of an open hazard',
    { ...base, kind: 'hazard_rectified', values: { hazardId: 'hz-r-1', description: '已补沙 0.5 立方' } },
    { event: { type: 'hazard_rectified', hazardId: 'hz-r-1' }, description: '已补沙 0.5 立方' },
  ],
  [
    'violation of one person',
    { ...base, kind: 'violation', values: { kind: 'operation', description: '' }, personIds: ['P1'] },
    { event: { type: 'violation', kind: 'operation', personCount: 1, personId: 'P1' } },
  ],
  [
    'violation of three persons (person-times, no single personId)',
    { ...base, kind: 'violation', values: { kind: 'discipline' }, personIds: ['P1', 'P2', 'P3'] },
    { event: { type: 'violation', kind: 'discipline', personCount: 3 } },
  ],
  [
    'incident',
    {
      ...base,
      kind: 'incident',
      values: { severity: 'near_miss', location: '', description: '卸油时油管脱落，无人受伤' },
    },
    { event: { type: 'incident', severity: 'near_miss' }, description: '卸油时油管脱落，无人受伤' },
  ],
  [
    'innovation (title as the event note, benefit in yuan)',
    {
      ...base,
      kind: 'innovation',
      values: { title: '加油枪防滴漏托架', category: 'renovation', description: '用废料做托架', benefitCny: '12000' },
    },
    {
      event: {
        type: 'innovation',
        innovationId: `inv-${REPORT_ID}`,
        category: 'renovation',
        status: 'submitted',
        note: '加油枪防滴漏托架',
        benefitCny: 12000,
      },
      description: '用废料做托架',
    },
  ],
];

describe('the phone forms send what POST /v1/reports takes', () => {
  it.each(cases)('%s', (_name, form, expected) => {
    const body = { reportId: REPORT_ID, ...reportBody(form, REPORT_ID), evidence: [EVIDENCE] };
    expect(body).toMatchObject(expected);
    const parsed = ReportCreate.safeParse(body);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('leaves out what was not filled in rather than sending empty strings', () => {
    const body = reportBody(
      { ...base, kind: 'incident', values: { severity: 'minor_injury', location: '  ', description: '' } },
      REPORT_ID,
    );
    expect(body).not.toHaveProperty('location');
    expect(body).not.toHaveProperty('description');
  });
});

describe('photo and time helpers', () => {
  it.each([
    [4000, 3000, { width: 1600, height: 1200 }],
    [3000, 4000, { width: 1200, height: 1600 }],
    [1200, 800, { width: 1200, height: 800 }],
    [20000, 10, { width: 1600, height: 1 }],
  ])('fits %i×%i into a long edge of 1600 px, never enlarged', (width, height, fitted) => {
    expect(fitLongEdge(width, height, 1600)).toEqual(fitted);
  });

  it('writes the phone time with its offset', () => {
    const shown = withOffset(new Date('2026-03-10T01:30:00Z'));
    expect(new Date(shown).toISOString()).toBe('2026-03-10T01:30:00.000Z');
    expect(shown).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$/);
  });
});

describe('the 公示 a reporter may object to', () => {
  const org: Org = {
    branches: [
      { id: 'B1', name: '杭州' },
      { id: 'B2', name: '宁波' },
    ],
    units: [
      { id: 'U1', branchId: 'B1', name: '西湖加油站' },
      { id: 'U3', branchId: 'B2', name: '北仑加油站' },
    ],
    crews: [
      { id: 'C1', unitId: 'U1', name: '西湖甲班' },
      { id: 'C4', unitId: 'U3', name: '北仑甲班' },
    ],
    persons: [],
  };
  const west = org.crews.filter((c) => c.id === 'C1');
  const selected = (ids: { branchIds?: string[]; unitIds?: string[]; crewIds?: string[] }) => ({
    scope: 'selected' as const,
    branchIds: [],
    unitIds: [],
    crewIds: [],
    ...ids,
  });

  it('is one a crew of theirs takes part in, by branch, unit or crew', () => {
    expect(takesPart({ scope: 'all' }, west, org)).toBe(true);
    expect(takesPart(selected({ branchIds: ['B1'] }), west, org)).toBe(true);
    expect(takesPart(selected({ unitIds: ['U1'] }), west, org)).toBe(true);
    expect(takesPart(selected({ crewIds: ['C1'] }), west, org)).toBe(true);
  });

  it('is not one of another branch, nor any for a reporter without crews', () => {
    expect(takesPart(selected({ branchIds: ['B2'] }), west, org)).toBe(false);
    expect(takesPart(selected({ crewIds: ['C4'] }), west, org)).toBe(false);
    expect(takesPart({ scope: 'all' }, [], org)).toBe(false);
  });
});

describe('randomUuid', () => {
  it('makes version 4 UUIDs from random bytes where the page has no randomUUID (plain http)', () => {
    const insecure = { getRandomValues: (array: Uint8Array<ArrayBuffer>) => array.fill(0xff) };
    expect(randomUuid(insecure)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    const zeros = { getRandomValues: (array: Uint8Array<ArrayBuffer>) => array.fill(0) };
    expect(randomUuid(zeros)).toBe('00000000-0000-4000-8000-000000000000');
    const real = { getRandomValues: (array: Uint8Array<ArrayBuffer>) => crypto.getRandomValues(array) };
    const ids = new Set(Array.from({ length: 1000 }, () => randomUuid(real)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('uses the page’s randomUUID where there is one', () => {
    expect(randomUuid({ getRandomValues: (a) => a, randomUUID: () => 'from-the-page' })).toBe('from-the-page');
  });
});
