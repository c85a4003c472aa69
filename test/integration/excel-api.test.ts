import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { OrgInput } from '../../schemas/org.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';
import { ROSTER_HEADER, TARGETS_HEADER, readBack, workbookOf, xlsxBytes } from '../support/workbooks.ts';

/**
 * Excel in and out through the API on the real embedded engine, with access control on: a roster
 * workbook imported (dry run, errors at their cells, a branch organiser's scope), the registry
 * downloaded and uploaded back unchanged, and standings and frozen final standings downloaded and
 * read back with exceljs to say exactly what the JSON API says.
 */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'b'.repeat(43)}`;
const env = { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN };
let lb: Leaderboard;
const tokens: Record<string, string> = {};

/** smallOrg and a crew whose name Excel would take for a date if typed (names like =1+1 are refused on input). */
const org: OrgInput = {
  ...smallOrg,
  crews: [...smallOrg.crews, { id: 'C7', unitId: 'U2', name: '3-1', nameEn: 'Date-like', headcount: 3 }],
};

const competition: CompetitionInput = {
  ...labourCompetition,
  stages: [
    { id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-07' },
    { id: 'w2', name: { zh: '第二周', en: 'Week 2' }, start: '2026-03-08', end: '2026-03-14' },
  ],
};

function headers(token: string | undefined, contentType?: string): Record<string, string> {
  return {
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
}

const post = (url: string, body: Buffer | string, token: string | undefined, type = XLSX) =>
  lb.app.inject({ method: 'POST', url, headers: headers(token, type), payload: body });
const get = (url: string, token?: string) => lb.app.inject({ method: 'GET', url, headers: headers(token) });

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, env);
  const put = (url: string, payload: object) =>
    lb.app.inject({ method: 'PUT', url, headers: headers(ADMIN), payload: payload as Record<string, unknown> });
  expect((await put('/v1/org', org)).statusCode).toBe(200);
  expect((await put('/v1/competitions/labour-m3', competition)).statusCode).toBe(200);
  for (const [key, body] of Object.entries({
    hq: { name: 'HQ 工会', role: 'organiser' },
    hz: { name: '杭州工会', role: 'organiser', branchIds: ['B1'] },
    viewer: { name: '查看', role: 'viewer' },
  })) {
    const res = await lb.app.inject({ method: 'POST', url: '/v1/tokens', headers: headers(ADMIN), payload: body });
    expect(res.statusCode).toBe(201);
    tokens[key] = res.json().token;
  }
  const events = await lb.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: headers(ADMIN),
    payload: marchEvents,
  });
  expect(events.statusCode).toBe(200);
  await lb.refresher.flush();
});
afterAll(async () => {
  await lb.close();
});

/** A roster as Chinese offices keep it: a title row over the header, a blank row, text numbers. */
function rosterWorkbook(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  return workbookOf({ 花名册: [['2026年班组花名册'], [], ROSTER_HEADER, ...rows] }, (wb) => {
    wb.getWorksheet('花名册')?.mergeCells('A1:H1');
  });
}

describe('POST /v1/org/import with an .xlsx workbook', () => {
  it('needs an organiser token', async () => {
    const bytes = await rosterWorkbook([['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4]]);
    expect((await post('/v1/org/import', bytes, undefined)).statusCode).toBe(401);
    expect((await post('/v1/org/import', bytes, tokens['viewer'])).statusCode).toBe(403);
  });

  it('counts on a dry run, saves on the real one, as the CSV path does', async () => {
    const bytes = await rosterWorkbook([
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', '4'],
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C2', '西湖乙班', '６'],
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C6', '西湖丙班', 3],
    ]);
    const before = lb.catalog.orgVersion();
    const dry = await post('/v1/org/import?dryRun=true', bytes, tokens['hq']);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toEqual({
      dryRun: true,
      sheet: 'roster',
      rows: 3,
      sheets: [{ name: '花名册', kind: 'roster', rows: 3 }],
      version: null,
      branches: { created: 0, updated: 0, unchanged: 1 },
      units: { created: 0, updated: 0, unchanged: 1 },
      crews: { created: 1, updated: 1, unchanged: 1 },
      persons: { created: 0, updated: 0, unchanged: 0 },
      targets: { created: 0, updated: 0, unchanged: 0 },
    });
    expect(lb.catalog.orgVersion()).toBe(before);
    expect(lb.catalog.crew('C6')).toBeUndefined();

    const real = await post('/v1/org/import', bytes, tokens['hq']);
    expect(real.statusCode).toBe(200);
    expect(real.json().version).toBeGreaterThan(before);
    expect(lb.catalog.crew('C6')?.crewName).toBe('西湖丙班');
    expect(lb.catalog.crew('C2')?.headcount).toBe(6);
  });

  it('answers every bad cell with its sheet, row, cell and column header, and saves nothing', async () => {
    const bytes = await rosterWorkbook([
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4],
      ['B1', '杭州分公司', 'U1', '西湖加油站', '商店', 'C8', '西湖丁班', 0],
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', new Date(Date.UTC(2026, 2, 1)), '西湖戊班', 5],
    ]);
    const before = lb.catalog.orgVersion();
    const res = await post('/v1/org/import', bytes, tokens['hq']);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_rows');
    expect(res.json().error.details).toEqual([
      { sheet: '花名册', row: 5, column: '单位类型', cell: 'E5', message: expect.stringContaining('商店') },
      { sheet: '花名册', row: 5, column: '人数', cell: 'H5', message: '不能小于 1 / headcount must be at least 1' },
      { sheet: '花名册', row: 6, column: '班组编号', cell: 'F6', message: expect.stringContaining('不能是日期') },
    ]);
    expect(lb.catalog.orgVersion()).toBe(before);
  });

  it('refuses what is no workbook, saying what it is; reads a workbook whatever it was labelled', async () => {
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
      Buffer.from('Workbook', 'utf16le'),
    ]);
    const old = await post('/v1/org/import', xls, tokens['hq'], 'application/vnd.ms-excel');
    expect(old.statusCode).toBe(422);
    expect(old.json().error.code).toBe('workbook_xls');
    expect(old.json().error.message).toContain('另存为');

    const csv = `${ROSTER_HEADER.join(',')}\r\nB1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4\r\n`;
    const disguised = await post('/v1/org/import', csv, tokens['hq']);
    expect(disguised.statusCode).toBe(422);
    expect(disguised.json().error).toMatchObject({ code: 'not_a_workbook' });
    expect(disguised.json().error.message).toContain('CSV');

    const labelledCsv = await rosterWorkbook([['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4]]);
    const read = await post('/v1/org/import?dryRun=true', labelledCsv, tokens['hq'], 'text/csv');
    expect(read.statusCode).toBe(200);
    expect(read.json().sheets).toEqual([{ name: '花名册', kind: 'roster', rows: 1 }]);
  });

  it('keeps a branch organiser to its branches, naming the sheet of each refused row', async () => {
    const theirs = await rosterWorkbook([
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4],
      ['B2', '宁波分公司', 'U3', '北仑加油站', '加油站', 'C4', '北仑甲班', 9],
    ]);
    const refused = await post('/v1/org/import', theirs, tokens['hz']);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details).toEqual([
      {
        sheet: '花名册',
        row: 5,
        column: '分公司编号',
        cell: 'A5',
        message: expect.stringContaining('只能修改分公司 B1'),
      },
    ]);
    expect(lb.catalog.crew('C4')?.headcount).toBe(4);

    const own = await rosterWorkbook([['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4]]);
    expect((await post('/v1/org/import', own, tokens['hz'])).statusCode).toBe(200);
  });
});

describe('GET /v1/org/export.xlsx', () => {
  it('downloads the registry with Chinese headers, in the layout the import reads back unchanged', async () => {
    const res = await get('/v1/org/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    const version = lb.catalog.orgVersion();
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="registry-v${version}.xlsx"; filename*=UTF-8''${encodeURIComponent(`测试集团-组织架构-第${version}版.xlsx`)}`,
    );
    const workbook = await readBack(res.rawPayload);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['组织架构', '人员', '目标']);
    const roster = workbook.getWorksheet('组织架构');
    expect(roster?.getCell('A1').text).toContain('测试集团 组织架构');
    expect(roster?.getRow(2).values).toEqual([
      undefined,
      ...['分公司编号', '分公司名称', '分公司英文名', '单位编号', '单位名称', '单位英文名', '单位类型'],
      ...['班组编号', '班组名称', '班组英文名', '人数'],
    ]);
    const crews = lb.catalog.org().crews;
    expect(roster?.actualRowCount).toBe(2 + crews.length);
    expect(roster?.getRow(3).values).toEqual([
      undefined,
      ...['B1', '杭州分公司', 'Hangzhou', 'U1', '西湖加油站', '', '加油站', 'C1', '西湖甲班', ''],
      4,
    ]);
    const dateLike = roster?.getRow(3 + crews.findIndex((c) => c.id === 'C7'));
    expect(dateLike?.getCell(9).value).toBe('3-1');
    expect(workbook.getWorksheet('目标')?.getRow(2).values).toEqual([undefined, ...TARGETS_HEADER]);
    expect(workbook.getWorksheet('目标')?.getRow(3).values).toEqual([undefined, 'labour-m3', 'C1', '销量(升)', 10_000]);

    const back = await post('/v1/org/import', res.rawPayload, tokens['hq']);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      version: null,
      sheets: [
        { name: '组织架构', kind: 'roster', rows: crews.length },
        { name: '人员', kind: 'persons', rows: 0 },
        { name: '目标', kind: 'targets', rows: lb.catalog.org().targets.length },
      ],
      crews: { created: 0, updated: 0, unchanged: crews.length },
      targets: { created: 0, updated: 0, unchanged: lb.catalog.org().targets.length },
    });
    expect(lb.catalog.orgVersion()).toBe(version);
  });

  it('takes back an edited download: a headcount and a target changed in Excel', async () => {
    const workbook = await readBack((await get('/v1/org/export.xlsx')).rawPayload);
    const roster = workbook.getWorksheet('组织架构');
    const targets = workbook.getWorksheet('目标');
    if (!roster || !targets) throw new Error('sheets missing');
    roster.getCell('K3').value = 11;
    targets.getCell('D3').value = 12_500;
    const res = await post('/v1/org/import', await xlsxBytes(workbook), tokens['hq']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ crews: { updated: 1 }, targets: { updated: 1 } });
    expect(lb.catalog.crew('C1')?.headcount).toBe(11);
    expect(lb.catalog.targets('labour-m3').get('C1')?.get('sales.volume_litres')).toBe(12_500);
  });
});

/** The data rows of a results workbook (below the 3 title and header rows), as the JSON API's fields. */
function sheetRows(sheet: ExcelJS.Worksheet, count: number, indicators: number) {
  return Array.from({ length: count }, (_, i) => {
    const row = sheet.getRow(4 + i);
    const value = (column: number) => row.getCell(column).value;
    return {
      rank: value(1) === '—' ? null : value(1),
      crewName: value(2),
      unitName: value(3),
      branchName: value(4),
      headcount: value(5),
      points: Array.from({ length: indicators }, (_, k) => value(6 + k)),
      score: value(6 + indicators),
    };
  });
}

function jsonRows(
  rows: {
    rank: number | null;
    crewName: string;
    unitName: string;
    branchName: string;
    headcount: number;
    score: number;
    indicators: { points: number }[];
  }[],
) {
  return rows.map((r) => ({
    rank: r.rank,
    crewName: r.crewName,
    unitName: r.unitName,
    branchName: r.branchName,
    headcount: r.headcount,
    points: r.indicators.map((i) => i.points),
    score: r.score,
  }));
}

describe('standings downloads', () => {
  it('downloads a day’s standings as a union office files them, saying what the JSON API says', async () => {
    await lb.refresher.flush();
    const json = (await get('/v1/competitions/labour-m3/standings?asOf=2026-03-10&limit=10000')).json();
    const res = await get('/v1/competitions/labour-m3/standings.xlsx?asOf=2026-03-10');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="standings-labour-m3-2026-03-10.xlsx"; filename*=UTF-8''${encodeURIComponent('三月劳动竞赛-排名-2026-03-10.xlsx')}`,
    );
    const workbook = await readBack(res.rawPayload);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.getCell('A1').value).toBe('测试集团 三月劳动竞赛');
    expect(sheet.getCell('A2').value).toBe(
      '排名（统计期间 2026-03-01 至 2026-03-10，统计日 2026-03-10）· 总排名 · 非最终结果',
    );
    expect(sheet.getRow(3).values).toEqual([
      undefined,
      ...['名次', '班组', '单位', '分公司', '人数', '销量完成率', '五小创新', '三违扣分', '总分', '否决/备注'],
    ]);
    expect(json.total).toBe(lb.catalog.org().crews.length);
    expect(sheetRows(sheet, json.total, 3)).toEqual(jsonRows(json.rows));
    const vetoed: number = json.rows.findIndex((r: { disqualified: boolean }) => r.disqualified);
    const total: number = json.total;
    expect(sheet.getCell(4 + vetoed, 10).value).toBe(
      `一票否决：重大事故一票否决（${json.rows[vetoed].vetoes[0].reason.zh}）`,
    );
    expect(sheet.getCell(4, 6).numFmt).toBe('0.00');
    expect(sheet.getCell(4, 9).numFmt).toBe('0.00');
    const footer = sheet.getRow(4 + total + 1);
    expect(footer.getCell(1).value).toBe('制表单位：测试集团工会');
    expect(footer.getCell(6).value).toBe('制表日期：2026-03-10');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 2 });
    expect(sheet.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:3',
    });
    expect(sheet.headerFooter.oddFooter).toContain('第 &P 页，共 &N 页');
    // Chinese text fits: the widest crew name's column is wider than the rank's.
    expect(sheet.getColumn(3).width).toBeGreaterThan(sheet.getColumn(1).width ?? 0);
  });

  it('writes every name as text, never as a formula or a date', async () => {
    const res = await get('/v1/competitions/labour-m3/standings.xlsx?asOf=2026-03-10');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const xml = (await zip.file('xl/worksheets/sheet1.xml')?.async('string')) ?? '';
    expect(xml).not.toContain('<f>');
    const sheet = (await readBack(res.rawPayload)).worksheets[0];
    const names: unknown[] = [];
    sheet?.eachRow((row) => names.push(row.getCell(2).value));
    expect(names).toContain('3-1');
  });

  it('keeps to a ranking group', async () => {
    const json = (await get('/v1/competitions/labour-m3/standings?asOf=2026-03-10&group=branch:B2')).json();
    const res = await get('/v1/competitions/labour-m3/standings.xlsx?asOf=2026-03-10&group=branch:B2');
    expect(res.headers['content-disposition']).toContain(
      encodeURIComponent('三月劳动竞赛-排名-宁波分公司-2026-03-10.xlsx'),
    );
    const sheet = (await readBack(res.rawPayload)).worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.getCell('A2').text).toContain('宁波分公司 排名');
    expect(sheetRows(sheet, json.total, 3)).toEqual(jsonRows(json.rows));
    expect(sheet.getCell(4 + Number(json.total), 1).value).toBeNull();
  });

  it('downloads a closed period’s frozen final standings, and answers 404 for one not closed', async () => {
    expect((await get('/v1/competitions/labour-m3/periods/w1/standings.xlsx')).statusCode).toBe(404);
    const closed = await lb.app.inject({
      method: 'POST',
      url: '/v1/competitions/labour-m3/periods/w1/close',
      headers: headers(tokens['hq']),
      payload: { note: '第一周结算' },
    });
    expect(closed.statusCode).toBe(200);
    const json = (await get('/v1/competitions/labour-m3/periods/w1/standings?limit=10000')).json();
    const res = await get('/v1/competitions/labour-m3/periods/w1/standings.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="final-standings-labour-m3-w1.xlsx"; filename*=UTF-8''${encodeURIComponent('三月劳动竞赛-第一周-结算排名.xlsx')}`,
    );
    const workbook = await readBack(res.rawPayload);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.name).toBe('结算排名');
    // Closed on 03-10: in its 公示 for 5 working days (03-11 … 03-17).
    expect(sheet.getCell('A2').value).toBe(
      '第一周结算排名（2026-03-01 至 2026-03-07）· 总排名 · 公示中（至 2026-03-17），非最终结果',
    );
    expect(sheetRows(sheet, json.total, 3)).toEqual(jsonRows(json.rows));
  });

  it('refuses an unknown competition and a bad group as the JSON routes do', async () => {
    expect((await get('/v1/competitions/nope/standings.xlsx')).statusCode).toBe(404);
    expect((await get('/v1/competitions/labour-m3/standings.xlsx?group=bogus')).statusCode).toBe(400);
    expect((await get('/v1/competitions/labour-m3/standings.xlsx?limit=5')).statusCode).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the downloads, the print pages and what the import takes', async () => {
    const doc = (await get('/docs/json')).json();
    for (const path of [
      '/v1/org/export.xlsx',
      '/v1/competitions/{id}/standings.xlsx',
      '/v1/competitions/{id}/periods/{periodId}/standings.xlsx',
    ]) {
      expect(Object.keys(doc.paths[path].get.responses['200'].content)).toEqual([XLSX]);
    }
    expect(Object.keys(doc.paths['/print/competitions/{id}/periods/{periodId}'].get.responses['200'].content)).toEqual([
      'text/html',
    ]);
    const query = doc.paths['/print/competitions/{id}/standings'].get.parameters.map((p: { name: string }) => p.name);
    expect(query).toEqual(expect.arrayContaining(['asOf', 'group', 'title', 'top']));
    expect(Object.keys(doc.paths['/v1/org/import'].post.requestBody.content)).toEqual([XLSX, 'text/csv']);
  });
});

describe('with reads limited to viewers', () => {
  beforeAll(async () => {
    await lb.close();
    lb = await startTestLeaderboard(clock, { ...env, STANDINGS_ACCESS: 'viewer' });
  });

  it.each([
    '/v1/org/export.xlsx',
    '/v1/competitions/labour-m3/standings.xlsx?asOf=2026-03-10',
    '/v1/competitions/labour-m3/periods/w1/standings.xlsx',
    '/print/competitions/labour-m3/standings?asOf=2026-03-10',
    '/print/competitions/labour-m3/periods/w1?title=commendation',
  ])('GET %s needs a viewer token', async (url) => {
    const anonymous = await get(url);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('token_required');
    expect((await get(url, tokens['viewer'])).statusCode).toBe(200);
  });

  it('serves the print page’s style without a token', async () => {
    const css = await get('/print/assets/print.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('@page');
  });
});
