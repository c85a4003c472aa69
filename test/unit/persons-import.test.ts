import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { Org } from '../../schemas/org.schema.ts';
import { registryWorkbook } from '../../services/excel/registry-export.ts';
import { planWorkbookImport, readRegistryWorkbook } from '../../services/excel/registry-workbook.ts';
import { readRegistrySheet, type PersonRow, type RegistrySheet } from '../../services/registry/org-csv.ts';
import { planOrgImport } from '../../services/registry/plan-org-import.ts';
import { PERSONS_TEMPLATE } from '../../services/console/web/model/csv-templates.ts';
import { smallOrg } from '../support/fixtures.ts';
import { ROSTER_HEADER, TARGETS_HEADER, workbookOf, xlsxBytes } from '../support/workbooks.ts';

/**
 * 人员名单: persons in the registry import (CSV and .xlsx) and in the registry workbook, read the
 * way real union sheets head their columns (人员编号 / 员工编号 / 工号, 姓名, 所在班组编号 / 班组编号,
 * 岗位 / 工种).
 */
const current = Org.parse(smallOrg);
const PERSONS_HEADER = '人员编号,姓名,所在班组编号,岗位';

function persons(sheet: RegistrySheet): readonly PersonRow[] {
  expect(sheet.errors).toEqual([]);
  expect(sheet.kind).toBe('persons');
  return sheet.kind === 'persons' ? sheet.rows : [];
}

const csv = (header: string, ...rows: string[]) => [header, ...rows].join('\r\n');

describe('readRegistrySheet: a persons sheet', () => {
  it('reads a row into a person, with full-width codes and trimmed names', () => {
    const rows = persons(readRegistrySheet(csv(PERSONS_HEADER, 'P1, 张三 ,Ｃ１,加油员', 'P2,李四,C1,')));
    expect(rows).toEqual([
      { row: 2, person: { id: 'P1', name: '张三', crewId: 'C1', job: '加油员' } },
      { row: 3, person: { id: 'P2', name: '李四', crewId: 'C1' } },
    ]);
  });

  it.each([
    { header: '员工编号,姓名,班组编号,工种', name: '员工编号, 班组编号 and 工种' },
    { header: 'person_id,person_name,crew_id,job', name: 'the English headers' },
    { header: '工号,姓名,所在班组编号,岗位', name: '工号 alone as the id' },
  ])('knows $name', ({ header }) => {
    expect(persons(readRegistrySheet(csv(header, 'E01,张三,C1,加油员')))).toEqual([
      { row: 2, person: { id: 'E01', name: '张三', crewId: 'C1', job: '加油员' } },
    ]);
  });

  it('keeps 人员编号 as the id and 工号 as the employee number when a sheet has both', () => {
    expect(persons(readRegistrySheet(csv('工号,人员编号,姓名,班组编号', '００１２３,P1,张三,C1')))).toEqual([
      { row: 2, person: { id: 'P1', name: '张三', crewId: 'C1', employeeNumber: '00123' } },
    ]);
  });

  it('names the row and column of each bad cell, in Chinese and English', () => {
    const sheet = readRegistrySheet(csv(PERSONS_HEADER, 'P 1,张三,C1,加油员', 'P2,,C1,'));
    expect(sheet.kind).toBe('persons');
    expect(sheet.errors).toEqual([
      { row: 2, column: '人员编号', message: expect.stringMatching(/^“P 1”格式不对.* \/ person_id "P 1"/) },
      { row: 3, column: '姓名', message: '不能为空 / person_name is required' },
    ]);
  });

  it('says which columns a persons sheet lacks', () => {
    const sheet = readRegistrySheet(csv('人员编号,所在班组编号', 'P1,C1'));
    expect(sheet.kind).toBe('persons');
    expect(sheet.errors).toEqual([
      { row: 1, column: null, message: '人员名单缺少列：姓名 / a persons sheet needs the columns person_name (姓名)' },
    ]);
  });

  it('reads the console’s persons template (CSV) as a persons sheet that imports into a registry with C1', () => {
    expect(persons(readRegistrySheet(PERSONS_TEMPLATE))).toHaveLength(1);
    expect(planOrgImport(current, PERSONS_TEMPLATE).errors).toEqual([]);
  });

  it('lists the persons sheet among the kinds when the header is none of them', () => {
    const message = readRegistrySheet('甲,乙\r\n1,2\r\n').errors[0]?.message ?? '';
    expect(message).toContain('人员名单需要列 人员编号、姓名、所在班组编号');
    expect(message).toContain('a persons sheet needs person_id, person_name, crew_id');
  });
});

describe('planOrgImport: persons', () => {
  const withPersons = Org.parse({
    ...smallOrg,
    persons: [
      { id: 'P1', crewId: 'C1', name: '张三', job: '加油员', employeeNumber: '0001' },
      { id: 'P9', crewId: 'C4', name: '钱九' },
    ],
  });

  it('adds, updates and keeps persons by id; a person left out of the sheet stays', () => {
    const plan = planOrgImport(
      withPersons,
      csv(PERSONS_HEADER, 'P1,张三,C2,加油员', 'P2,李四,C1,收银员', 'P9,钱九,C4,'),
    );
    expect(plan.errors).toEqual([]);
    expect(plan.sheet).toBe('persons');
    expect(plan.counts.persons).toEqual({ created: 1, updated: 1, unchanged: 1 });
    expect(plan.counts.crews).toEqual({ created: 0, updated: 0, unchanged: 0 });
    // No 工号 column: P1's employee number is kept; P1 moves to C2.
    expect(plan.org?.persons).toEqual([
      { id: 'P1', crewId: 'C2', name: '张三', job: '加油员', employeeNumber: '0001' },
      { id: 'P9', crewId: 'C4', name: '钱九' },
      { id: 'P2', crewId: 'C1', name: '李四', job: '收银员' },
    ]);
    expect(plan.changed).toBe(true);
  });

  it('changes nothing when the whole list is uploaded again', () => {
    const once = planOrgImport(current, csv(PERSONS_HEADER, 'P1,张三,C1,加油员', 'P2,李四,C3,'));
    expect(once.org).not.toBeNull();
    const again = planOrgImport(once.org ?? current, csv(PERSONS_HEADER, 'P1,张三,C1,加油员', 'P2,李四,C3,'));
    expect(again.counts.persons).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(again.changed).toBe(false);
  });

  it('clears a job under a 岗位 column left blank', () => {
    const plan = planOrgImport(withPersons, csv(PERSONS_HEADER, 'P1,张三,C1,'));
    expect(plan.org?.persons[0]).toEqual({ id: 'P1', crewId: 'C1', name: '张三', employeeNumber: '0001' });
  });

  it('refuses a person id on two rows, naming both, and saves nothing', () => {
    const plan = planOrgImport(current, csv(PERSONS_HEADER, 'P1,张三,C1,', 'P2,李四,C1,', 'P1,张三,C1,'));
    expect(plan.errors).toEqual([
      {
        row: 4,
        column: '人员编号',
        cell: 'A4',
        message:
          '人员编号 P1 在第 2 行和第 4 行重复，每人只能有一行 / person id P1 is on rows 2 and 4: one row per person',
      },
    ]);
    expect(plan.org).toBeNull();
  });

  it('refuses a crew the registry does not have, naming the row and column', () => {
    const plan = planOrgImport(current, csv(PERSONS_HEADER, 'P1,张三,C1,', 'P2,李四,C77,'));
    expect(plan.errors).toEqual([
      {
        row: 3,
        column: '所在班组编号',
        cell: 'C3',
        message:
          '组织架构中没有班组 C77，请先导入组织架构（或把组织架构表放在同一工作簿中）/ unknown crew C77: import it with the roster first (or in the same workbook)',
      },
    ]);
    expect(plan.org).toBeNull();
  });

  it('keeps a branch-limited organiser to persons of their branches, both where they go and where they are', () => {
    const onlyB1 = { allowedBranchIds: new Set(['B1']) };
    const plan = planOrgImport(withPersons, csv(PERSONS_HEADER, 'P2,李四,C4,', 'P9,钱九,C1,', 'P3,王五,C2,'), onlyB1);
    expect(plan.errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: '所在班组编号',
        message: expect.stringContaining('班组 C4 属于分公司 B2'),
      }),
      expect.objectContaining({
        row: 3,
        column: '人员编号',
        message: expect.stringContaining('人员 P9 目前属于分公司 B2'),
      }),
    ]);
  });
});

describe('planOrgImport: persons of retired crews and shared 工号', () => {
  // C4 is retired (撤销); P9 was in it before it was.
  const retiredC4 = Org.parse({
    ...smallOrg,
    crews: smallOrg.crews.map((c) => (c.id === 'C4' ? { ...c, retired: true } : c)),
    persons: [
      { id: 'P1', crewId: 'C1', name: '张三', employeeNumber: '0001' },
      { id: 'P9', crewId: 'C4', name: '钱九', employeeNumber: '0009' },
    ],
  });
  const HEADER = '人员编号,姓名,所在班组编号,工号';

  it('refuses a person added to or moved into a retired crew, naming the cell; one already there stays', () => {
    const plan = planOrgImport(retiredC4, csv(HEADER, 'P9,钱九,C4,0009', 'P2,李四,C4,0002', 'P1,张三,C4,0001'));
    const message = (id: string) =>
      `班组 ${id} 已撤销，不能再加入人员；请填写其现在所在的班组 / crew ${id} is retired: a person cannot join it; give their current crew`;
    expect(plan.errors).toEqual([
      { row: 3, column: '所在班组编号', cell: 'C3', message: message('C4') },
      { row: 4, column: '所在班组编号', cell: 'C4', message: message('C4') },
    ]);
    expect(plan.org).toBeNull();
    // The registry's own list, uploaded again, passes: P9 stays in the retired crew.
    const again = planOrgImport(retiredC4, csv(HEADER, 'P1,张三,C1,0001', 'P9,钱九,C4,0009'));
    expect(again.errors).toEqual([]);
    expect(again.changed).toBe(false);
  });

  it('refuses one 工号 on two persons, in the sheet or against the registry, and saves nothing', () => {
    const inSheet = planOrgImport(retiredC4, csv(HEADER, 'P2,李四,C1,0002', 'P3,王五,C2,0002'));
    expect(inSheet.errors).toEqual([
      {
        row: 2,
        column: '工号',
        cell: 'D2',
        message:
          "工号 0002 同时属于人员 P2 和 P3（第 3 行），每个工号只能属于一人 / employee number 0002 is both P2's and P3 (row 3): one person per number",
      },
      {
        row: 3,
        column: '工号',
        cell: 'D3',
        message:
          "工号 0002 同时属于人员 P3 和 P2（第 2 行），每个工号只能属于一人 / employee number 0002 is both P3's and P2 (row 2): one person per number",
      },
    ]);
    expect(inSheet.org).toBeNull();
    const againstRegistry = planOrgImport(retiredC4, csv(HEADER, 'P2,李四,C1,0001'));
    expect(againstRegistry.errors).toEqual([
      expect.objectContaining({
        row: 2,
        message: expect.stringContaining('工号 0001 同时属于人员 P2 和 P1（名单中已有）'),
      }),
    ]);
  });

  it('takes two persons swapping their 工号 in one upload', () => {
    const plan = planOrgImport(retiredC4, csv(HEADER, 'P1,张三,C1,0009', 'P9,钱九,C4,0001'));
    expect(plan.errors).toEqual([]);
    expect(plan.org?.persons.map((p) => [p.id, p.employeeNumber])).toEqual([
      ['P1', '0009'],
      ['P9', '0001'],
    ]);
  });
});

describe('persons in .xlsx workbooks', () => {
  it('reads a merged header and a numeric id stored as a number, as the same rows in CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('人员名单');
    sheet.getCell('A1').value = '2026年岗位明星参赛人员';
    sheet.mergeCells('A1:D1');
    // "人员" merged over 编号 and 姓名; 所在班组编号 and 岗位 merged down both header rows.
    sheet.getRow(2).values = ['人员', null, '所在班组编号', '岗位'];
    sheet.getRow(3).values = ['编号', '姓名', null, null];
    sheet.mergeCells('A2:B2');
    sheet.mergeCells('C2:C3');
    sheet.mergeCells('D2:D3');
    sheet.getRow(4).values = [10001, '张三', 'C1', '加油员'];
    sheet.getRow(5).values = ['１０００２', '李四', 'C3', null];
    const read = await readRegistryWorkbook(await xlsxBytes(workbook));
    const plan = planWorkbookImport(current, read);
    const same = planOrgImport(current, csv(PERSONS_HEADER, '10001,张三,C1,加油员', '10002,李四,C3,'));
    expect(plan.errors).toEqual([]);
    expect(plan.sheets).toEqual([{ name: '人员名单', kind: 'persons', rows: 2 }]);
    expect(plan.org).toEqual(same.org);
    expect(plan.counts.persons).toEqual({ created: 2, updated: 0, unchanged: 0 });
  });

  it('imports a roster and the persons of its new crews from one workbook, in one plan', async () => {
    const bytes = await workbookOf({
      花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C9', '西湖丙班', 3]],
      人员: [
        ['人员编号', '姓名', '班组编号', '工种'],
        ['P1', '张三', 'C9', '加油员'],
        ['P2', '李四', 'C1', '收银员'],
      ],
      目标: [TARGETS_HEADER, ['labour-m3', 'C9', 'sales.volume_litres', 500]],
    });
    const plan = planWorkbookImport(current, await readRegistryWorkbook(bytes));
    expect(plan.errors).toEqual([]);
    expect(plan.sheets).toEqual([
      { name: '花名册', kind: 'roster', rows: 1 },
      { name: '人员', kind: 'persons', rows: 2 },
      { name: '目标', kind: 'targets', rows: 1 },
    ]);
    expect(plan.counts.crews.created).toBe(1);
    expect(plan.counts.persons.created).toBe(2);
    expect(plan.counts.targets.created).toBe(1);
    expect(plan.org?.persons.map((p) => p.crewId)).toEqual(['C9', 'C1']);
  });

  it('names the sheet, cell and column of a person whose crew is unknown, and of a repeated id', async () => {
    const bytes = await workbookOf({
      人员: [
        ['人员编号', '姓名', '所在班组编号'],
        ['P1', '张三', 'C1'],
        ['P2', '李四', 'C404'],
        [1, '王五', 'C2'],
        ['1', '赵六', 'C2'],
      ],
    });
    const plan = planWorkbookImport(current, await readRegistryWorkbook(bytes));
    expect(plan.errors).toEqual([
      { sheet: '人员', row: 3, column: '所在班组编号', cell: 'C3', message: expect.stringContaining('没有班组 C404') },
      {
        sheet: '人员',
        row: 5,
        column: '人员编号',
        cell: 'A5',
        message: expect.stringContaining('人员编号 1 在第 4 行和第 5 行重复'),
      },
    ]);
    expect(plan.org).toBeNull();
  });

  it('refuses two persons sheets in one workbook', async () => {
    const header = ['人员编号', '姓名', '所在班组编号'];
    const bytes = await workbookOf({ 一队: [header, ['P1', '张三', 'C1']], 二队: [header, ['P2', '李四', 'C1']] });
    await expect(readRegistryWorkbook(bytes)).rejects.toMatchObject({
      code: 'workbook_ambiguous',
      message: expect.stringContaining('工作簿中有两张人员名单：“一队”和“二队”'),
    });
  });
});

describe('the registry workbook', () => {
  const org = Org.parse({
    ...smallOrg,
    persons: [
      { id: 'P1', crewId: 'C1', name: '张三', job: '加油员', employeeNumber: '00123' },
      { id: '10002', crewId: 'C4', name: '王五' },
    ],
  });

  it('has a 人员 sheet with the persons, every cell text (工号 keeps its zeros)', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await registryWorkbook(org, { version: 4, exportedOn: '2026-03-10' })) as unknown as ArrayBuffer,
    );
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['组织架构', '人员', '目标']);
    const sheet = workbook.getWorksheet('人员');
    expect(sheet?.getRow(2).values).toEqual([undefined, '人员编号', '姓名', '所在班组编号', '岗位', '工号']);
    expect(sheet?.getRow(3).values).toEqual([undefined, 'P1', '张三', 'C1', '加油员', '00123']);
    expect(sheet?.getCell('A4').value).toBe('10002');
    expect(sheet?.getCell('B4').value).toBe('王五');
  });

  it('imports back unchanged, persons included', async () => {
    const bytes = await registryWorkbook(org, { version: 4, exportedOn: '2026-03-10' });
    const plan = planWorkbookImport(org, await readRegistryWorkbook(bytes));
    expect(plan.errors).toEqual([]);
    expect(plan.changed).toBe(false);
    expect(plan.counts.persons).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(plan.org).toEqual(org);
  });

  it('writes the 人员 sheet when there are no persons yet, for the download to serve as a template', async () => {
    const bytes = await registryWorkbook(current, { version: 1, exportedOn: '2026-03-10' });
    const plan = planWorkbookImport(current, await readRegistryWorkbook(bytes));
    expect(plan.sheets?.map((s) => s.kind)).toEqual(['roster', 'persons', 'targets']);
    expect(plan.changed).toBe(false);
  });
});
