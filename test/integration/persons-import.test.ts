import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';
import { ROSTER_HEADER, readBack, workbookOf, xlsxBytes } from '../support/workbooks.ts';

/**
 * 人员名单 through the API on the real embedded engine, with access control on: a workbook with a
 * roster and a persons sheet imported at once (dry run, then one registry version), a persons CSV
 * with errors refused whole, and the registry download's 人员 sheet imported back unchanged, then
 * edited in Excel and imported again.
 */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'p'.repeat(43)}`;
let lb: Leaderboard;

const post = (url: string, body: Buffer | string, type = XLSX) =>
  lb.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': type, authorization: `Bearer ${ADMIN}` },
    payload: body,
  });

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  const res = await lb.app.inject({
    method: 'PUT',
    url: '/v1/org',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { ...smallOrg, targets: [] },
  });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('POST /v1/org/import with persons', () => {
  /** A new crew C8 on the roster sheet, and persons of it and of a known crew on the persons sheet. */
  const workbook = () =>
    workbookOf({
      花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C8', '西湖丁班', 3]],
      人员名单: [
        ['2026年参赛人员'],
        ['员工编号', '姓名', '班组编号', '工种', '工号'],
        [10001, '张三', 'C8', '加油员', '00123'],
        ['P2', '李四', 'C1', null, null],
      ],
    });

  it('shows on a dry run what a roster and persons workbook would change, and saves both in one version', async () => {
    const before = lb.catalog.orgVersion();
    const dry = await post('/v1/org/import?dryRun=true', await workbook());
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toEqual({
      dryRun: true,
      sheet: 'roster',
      rows: 3,
      sheets: [
        { name: '花名册', kind: 'roster', rows: 1 },
        { name: '人员名单', kind: 'persons', rows: 2 },
      ],
      version: null,
      branches: { created: 0, updated: 0, unchanged: 1 },
      units: { created: 0, updated: 0, unchanged: 1 },
      crews: { created: 1, updated: 0, unchanged: 0 },
      persons: { created: 2, updated: 0, unchanged: 0 },
      targets: { created: 0, updated: 0, unchanged: 0 },
    });
    expect(lb.catalog.orgVersion()).toBe(before);
    expect(lb.catalog.org().persons).toEqual([]);

    const real = await post('/v1/org/import', await workbook());
    expect(real.statusCode).toBe(200);
    expect(real.json().version).toBe(before + 1);
    expect(lb.catalog.orgVersion()).toBe(before + 1);
    expect(lb.catalog.org().persons).toEqual([
      { id: '10001', crewId: 'C8', name: '张三', job: '加油员', employeeNumber: '00123' },
      { id: 'P2', crewId: 'C1', name: '李四' },
    ]);
    const served = await lb.app.inject({
      method: 'GET',
      url: '/v1/org',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(served.json().persons).toEqual(lb.catalog.org().persons);
  });

  it('refuses a persons CSV with an unknown crew and a repeated id, naming rows and columns, and saves nothing', async () => {
    const before = lb.catalog.orgVersion();
    const csv = ['人员编号,姓名,所在班组编号,岗位', 'P3,王五,C2,', 'P4,赵六,C99,', 'P3,王五,C2,'].join('\r\n');
    for (const url of ['/v1/org/import?dryRun=true', '/v1/org/import']) {
      const res = await post(url, csv, 'text/csv');
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toEqual({
        code: 'invalid_rows',
        message: '2 处错误，未保存任何内容 / 2 error(s) in the sheet; nothing was saved',
        details: [
          {
            row: 3,
            column: '所在班组编号',
            cell: 'C3',
            message:
              '组织架构中没有班组 C99，请先导入组织架构（或把组织架构表放在同一工作簿中）/ unknown crew C99: import it with the roster first (or in the same workbook)',
          },
          {
            row: 4,
            column: '人员编号',
            cell: 'A4',
            message:
              '人员编号 P3 在第 2 行和第 4 行重复，每人只能有一行 / person id P3 is on rows 2 and 4: one row per person',
          },
        ],
      });
    }
    expect(lb.catalog.orgVersion()).toBe(before);
    expect(lb.catalog.org().persons.map((p) => p.id)).toEqual(['10001', 'P2']);
  });
});

describe('GET /v1/org/export.xlsx with persons', () => {
  it('has a 人员 sheet that imports back unchanged, and takes back a job edited in Excel', async () => {
    const download = await lb.app.inject({ method: 'GET', url: '/v1/org/export.xlsx' });
    expect(download.statusCode).toBe(200);
    const workbook = await readBack(download.rawPayload);
    const sheet = workbook.getWorksheet('人员');
    if (!sheet) throw new Error('no 人员 sheet');
    expect(sheet.getRow(2).values).toEqual([undefined, '人员编号', '姓名', '所在班组编号', '岗位', '工号']);
    expect(sheet.getRow(3).values).toEqual([undefined, '10001', '张三', 'C8', '加油员', '00123']);
    expect(sheet.getRow(4).values).toEqual([undefined, 'P2', '李四', 'C1', '', '']);

    const version = lb.catalog.orgVersion();
    const back = await post('/v1/org/import', download.rawPayload);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      version: null,
      persons: { created: 0, updated: 0, unchanged: 2 },
      crews: { created: 0, updated: 0, unchanged: 6 },
    });
    expect(lb.catalog.orgVersion()).toBe(version);

    sheet.getCell('D4').value = '收银员';
    const edited = await post('/v1/org/import', await xlsxBytes(workbook));
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: version + 1, persons: { created: 0, updated: 1, unchanged: 1 } });
    expect(lb.catalog.org().persons[1]).toEqual({ id: 'P2', crewId: 'C1', name: '李四', job: '收银员' });
  });
});
