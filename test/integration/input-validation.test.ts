import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { ROSTER_HEADER, workbookOf } from '../support/workbooks.ts';

/**
 * What storage cannot hold and what a screen or a spreadsheet would show wrongly is refused at
 * the door, with the field's path, and what was sent with it is not held up (issue 14).
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const sale = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  crewId: 'C1',
  type: 'sales',
  occurredAt: '2026-03-10T09:00:00+08:00',
  volume: 100,
  unit: 'litres',
  ...extra,
});

type Rejected = { index: number; errors: { path: string; message: string }[] };

async function post(payload: unknown) {
  return lb.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

/** The crew's litres as its standings say, once they show `expected` (they refresh after a debounce). */
async function expectLitres(crewId: string, expected: number): Promise<void> {
  await waitFor(async () => {
    const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/sums/crews/${crewId}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ crew: { indicators: { value: number | null }[] } }>().crew.indicators[0]?.value).toBe(expected);
  });
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const sums = {
    ...labourCompetition,
    indicators: [
      {
        id: 'litres',
        name: { zh: '销量', en: 'Litres' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
    ],
    vetoes: [],
  };
  const saved = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/sums', payload: sums });
  expect(saved.statusCode, saved.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('events storage cannot hold', () => {
  it('refuses a lone surrogate with its path, stores nothing of the batch, and takes the next batch', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800, as a station's system would.
    const res = await post([sale('sur-ok'), sale('sur-bad', { product: '92\ud800' })]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ rejected: Rejected[] }>().rejected).toEqual([
      { index: 1, eventId: 'sur-bad', errors: [{ path: 'product', message: expect.stringContaining('U+D800') }] },
    ]);
    const next = await post([sale('sur-ok'), sale('sur-fixed', { product: '92#' })]);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json()).toMatchObject({ accepted: 2 });
  });

  it.each([
    ['NUL', { type: 'incident', severity: 'near_miss', note: 'ok\u0000' }, 'note', 'U+0000'],
    ['another control character', { product: '92#\u001b[2J' }, 'product', 'U+001B'],
    ['a line break in a one-line field', { product: '92#\n95#' }, 'product', '换行符'],
    ['a bidirectional override', { type: 'incident', severity: 'near_miss', note: 'abc\u202edef' }, 'note', 'U+202E'],
  ])('refuses %s in free text, naming the character', async (_name, extra, path, says) => {
    const event = { ...sale('ctl'), ...extra };
    // An incident has no volume: those would be unknown fields of it.
    const res = await post([event.type === 'sales' ? event : { ...event, volume: undefined, unit: undefined }]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ rejected: Rejected[] }>().rejected[0]?.errors).toEqual([
      { path, message: expect.stringContaining(says) },
    ]);
  });

  it('keeps line breaks and tabs in notes, and a product grade starting with a minus', async () => {
    const res = await post([
      sale('text-ok-1', { product: '-10#' }),
      {
        ...sale('text-ok-2'),
        type: 'incident',
        severity: 'near_miss',
        note: '现场：\n\t1. 已整改',
        volume: undefined,
        unit: undefined,
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('numbers beyond the documented bounds', () => {
  it('refuses 1e308 litres, and the crew’s later events still count', async () => {
    await expectLitres('C4', 0);
    const huge = await post([sale('huge-1', { crewId: 'C4', volume: 1e308 })]);
    expect(huge.statusCode).toBe(422);
    expect(huge.json<{ rejected: Rejected[] }>().rejected[0]?.errors).toEqual([
      { path: 'volume', message: expect.stringContaining('at most 1,000,000') },
    ]);
    // JSON's 1e400 is Infinity to a parser: refused with the same bound.
    const infinite = await post(
      `[${JSON.stringify(sale('huge-2', { crewId: 'C4' })).replace('"volume":100', '"volume":1e400')}]`,
    );
    expect(infinite.json<{ rejected: Rejected[] }>().rejected[0]?.errors[0]?.message).toContain('at most 1,000,000');
    expect((await post([sale('after-1', { crewId: 'C4', volume: 4200.15 })])).statusCode).toBe(200);
    expect((await post([sale('after-2', { crewId: 'C4', volume: 0.29 })])).statusCode).toBe(200);
    // Summed exactly (a Float64 sum says 4200.4400000000005).
    await expectLitres('C4', 4200.44);
  });

  it.each([
    [{ amountCny: 10_000_000.01 }, 'amountCny'],
    [{ type: 'metric', name: 'drills', value: -10_000_001 }, 'value'],
    [{ type: 'violation', kind: 'operation', personCount: 10_001 }, 'personCount'],
    [
      { type: 'innovation', innovationId: 'I1', category: 'design', status: 'submitted', benefitCny: 2e9 },
      'benefitCny',
    ],
  ])('refuses %j beyond its bound', async (extra, path) => {
    const event = { ...sale('bound'), volume: undefined, unit: undefined, ...extra };
    if (event.type === 'sales') Object.assign(event, { volume: 1, unit: 'litres' });
    const res = await post([event]);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ rejected: Rejected[] }>().rejected[0]?.errors.map((e) => e.path)).toEqual([path]);
  });
});

describe('unknown fields', () => {
  it('refuses a misspelt field instead of storing its default, and names the field meant', async () => {
    const res = await post([
      { ...sale('typo-1'), type: 'violation', kind: 'operation', personcount: 7, volume: undefined, unit: undefined },
      sale('typo-2', { amountCNY: 33180 }),
      sale('typo-3', { colour: 'red' }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    const rejected = res.json<{ rejected: Rejected[] }>().rejected;
    expect(rejected.map((r) => r.errors)).toEqual([
      [{ path: 'personcount', message: expect.stringContaining('did you mean "personCount"?') }],
      [{ path: 'amountCNY', message: expect.stringContaining('did you mean "amountCny"?') }],
      [{ path: 'colour', message: expect.stringContaining('the fields are eventId, crewId') }],
    ]);
    expect(rejected[0]?.errors[0]?.message).toMatch(/^未知字段 "personcount"，是否应为 "personCount"？/);
  });

  it('refuses unknown fields of the registry at their path', async () => {
    const org = structuredClone(smallOrg);
    Object.assign(org.crews[0] ?? {}, { headCount: 6 });
    Object.assign(org, { branchs: [] });
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'body.crews.0.headCount', message: expect.stringContaining('did you mean "headcount"?') },
      { path: 'body.branchs', message: expect.stringContaining('did you mean "branches"?') },
    ]);
  });

  it('refuses unknown fields of a competition and of a screen at their path', async () => {
    const definition = structuredClone(labourCompetition);
    Object.assign(definition.indicators[2]?.rule ?? {}, { pointEach: -5 });
    const competition = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/typo', payload: definition });
    expect(competition.statusCode, competition.body).toBe(422);
    expect(competition.json().error.details).toEqual([
      { path: 'indicators[2].rule.pointEach', message: expect.stringContaining('did you mean "pointsEach"?') },
    ]);
    const screen = await lb.app.inject({
      method: 'PUT',
      url: '/v1/screens/typo',
      payload: { name: { zh: '大屏', en: 'Screen' }, views: [{ kind: 'ranking', competitionId: 'sums', limt: 10 }] },
    });
    expect(screen.statusCode, screen.body).toBe(400);
    expect(screen.json().error.details).toEqual([
      { path: 'body.views.0.limt', message: expect.stringContaining('did you mean "limit"?') },
    ]);
  });

  it('names a __proto__ key as the unknown field it is', async () => {
    const res = await post(`[${JSON.stringify(sale('proto-1')).replace('{', '{"__proto__":{"admin":true},')}]`);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ rejected: Rejected[] }>().rejected[0]?.errors).toEqual([
      { path: '__proto__', message: expect.stringContaining('unknown field "__proto__"') },
    ]);
  });
});

describe('names that screens and spreadsheets would show wrongly', () => {
  it.each([
    ['=HYPERLINK("http://x","点我")', '公式'],
    ['+1 班', '公式'],
    ['-甲班', '公式'],
    ['@SUM(A1)', '公式'],
    ['\t甲班', '制表符'],
    ['   ', '不可见'],
    ['\u200b\u200d\u3000', '不可见'],
    ['甲班\u202e乙', 'U+202E'],
    ['甲班\u0000', 'U+0000'],
  ])('refuses the crew name %j', async (name, says) => {
    const org = structuredClone(smallOrg);
    Object.assign(org.crews[1] ?? {}, { name });
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'body.crews.1.name', message: expect.stringContaining(says) }]);
  });

  it('refuses them in competition, indicator, screen and display-link names too', async () => {
    const definition = structuredClone(labourCompetition);
    Object.assign(definition.name, { en: '=cmd|"/c calc"!A1' });
    Object.assign(definition.indicators[0]?.name ?? {}, { zh: '\u2066销量' });
    const competition = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/formula', payload: definition });
    expect(competition.statusCode).toBe(422);
    expect(competition.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      'name.en',
      'indicators[0].name.zh',
    ]);
    const screen = await lb.app.inject({
      method: 'PUT',
      url: '/v1/screens/formula',
      payload: { name: { zh: '@大屏', en: 'Screen' }, views: [{ kind: 'ranking', competitionId: 'sums' }] },
    });
    expect(screen.json().error.details).toEqual([{ path: 'body.name.zh', message: expect.stringContaining('公式') }]);
    const link = await lb.app.inject({
      method: 'POST',
      url: '/v1/screens/competition.sums/links',
      payload: { label: '-营业厅' },
    });
    expect(link.statusCode).toBe(400);
    expect(link.json().error.details).toEqual([{ path: 'body.label', message: expect.stringContaining('公式') }]);
  });

  it('refuses them in a registry sheet, on the row and column of the cell', async () => {
    const csv =
      '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数\r\nB1,杭州分公司,U1,西湖加油站,加油站,C1,=1+2,4\r\n';
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/org/import?dryRun=true',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details).toEqual([
      { row: 2, column: '班组名称', cell: 'G2', message: expect.stringContaining('公式') },
    ]);
    // The same row typed into a workbook (a text cell, as Excel keeps '=1+2): its sheet and cell.
    const workbook = await workbookOf({
      花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '=1+2', 4]],
    });
    const fromXlsx = await lb.app.inject({
      method: 'POST',
      url: '/v1/org/import?dryRun=true',
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      payload: workbook,
    });
    expect(fromXlsx.statusCode, fromXlsx.body).toBe(422);
    expect(fromXlsx.json().error.details).toEqual([
      { sheet: '花名册', row: 2, column: '班组名称', cell: 'G2', message: expect.stringContaining('公式') },
    ]);
  });

  it('keeps ordinary names: Chinese, spaces inside, an emoji', async () => {
    const org = structuredClone(smallOrg);
    Object.assign(org.crews[1] ?? {}, { name: '西湖 乙班 🚒', nameEn: 'West Lake B (night)' });
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('occurredAt without an offset', () => {
  it('says to add the offset, with the corrected time', async () => {
    const res = await post([sale('no-offset', { occurredAt: '2026-03-10T09:00:00' })]);
    expect(res.json<{ rejected: Rejected[] }>().rejected[0]?.errors).toEqual([
      {
        path: 'occurredAt',
        message: expect.stringContaining('no offset: add one, e.g. 2026-03-10T09:00:00+08:00'),
      },
    ]);
  });
});
