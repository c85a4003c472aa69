import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { Org } from '../../schemas/org.schema.ts';
import { cellText } from '../../services/excel/cell-text.ts';
import { planWorkbookImport, readRegistryWorkbook } from '../../services/excel/registry-workbook.ts';
import { DEFAULT_XLSX_LIMITS, type XlsxLimits } from '../../services/excel/xlsx-package.ts';
import { planOrgImport } from '../../services/registry/plan-org-import.ts';
import { InvalidInputError } from '../../services/shared/errors.ts';
import { smallOrg } from '../support/fixtures.ts';
import {
  ROSTER_HEADER,
  TARGETS_HEADER,
  asBuiltinChineseDate,
  patchXlsx,
  withPart,
  workbookOf,
  xlsxBytes,
  type Row,
} from '../support/workbooks.ts';

/**
 * The .xlsx reader on workbooks made here: as Chinese Excel and WPS save them (title rows, merged
 * headers, text numbers, serial dates, formulas), with every kind of cell, and files that are no
 * workbook at all. A workbook must give exactly what the same rows give as CSV.
 */
const current = Org.parse(smallOrg);

async function planOf(bytes: Uint8Array, limits?: XlsxLimits) {
  return planWorkbookImport(current, await readRegistryWorkbook(bytes, limits));
}

async function refusal(bytes: Uint8Array, limits?: XlsxLimits): Promise<InvalidInputError> {
  try {
    await readRegistryWorkbook(bytes, limits);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('the file was read');
}

const csv = (...rows: string[]) => [ROSTER_HEADER.join(','), ...rows].join('\r\n');
const C1 = ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 4];

describe('a roster as Chinese Excel and WPS save it', () => {
  /**
   * A title merged over the table, a line of who filled it in and when (a serial date in the
   * built-in format 58), then the header; a branch name merged down its crews, a rich-text name,
   * a headcount typed as text, one in full-width digits, one a formula, a trailing space, a blank
   * row, and a 备注 column with an error value the registry does not read.
   */
  async function wpsRoster(): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('花名册');
    sheet.getCell('A1').value = '2026年班组花名册';
    sheet.mergeCells('A1:I1');
    sheet.getCell('A2').value = '填报单位：集团工会';
    sheet.getCell('H2').value = '填报日期';
    sheet.getCell('I2').value = 46082; // 2026-03-01
    sheet.getCell('I2').numFmt = 'yyyy-mm-dd';
    sheet.getRow(3).values = [...ROSTER_HEADER, '备注'];
    sheet.getRow(4).values = [
      'B1',
      '杭州分公司 ',
      'U1',
      '西湖加油站',
      '加油站',
      'C1',
      { richText: [{ text: '西湖' }, { text: '甲班', font: { bold: true } }] },
      '4',
    ];
    sheet.getRow(5).values = ['B1', null, 'U1', '西湖加油站', '加油站', 'C2', '西湖乙班', '６', { error: '#N/A' }];
    sheet.mergeCells('B4:B5');
    sheet.getRow(7).values = [
      'B1',
      '杭州分公司',
      'U1',
      '西湖加油站',
      '加油站',
      'C9  ',
      '西湖丙班',
      { formula: 'SUM(2,3)', result: 5 },
    ];
    sheet.getRow(8).values = ['B2', '宁波分公司', 'U3', '北仑加油站', '加油站', 'C5', '北仑乙班', 10, '班长 张三'];
    return asBuiltinChineseDate(await xlsxBytes(workbook));
  }

  it('gives the same rows, registry and counts as the sheet saved as CSV', async () => {
    const plan = await planOf(await wpsRoster());
    const same = planOrgImport(
      current,
      csv(
        'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4',
        'B1,杭州分公司,U1,西湖加油站,加油站,C2,西湖乙班,6',
        'B1,杭州分公司,U1,西湖加油站,加油站,C9,西湖丙班,5',
        'B2,宁波分公司,U3,北仑加油站,加油站,C5,北仑乙班,10',
      ),
    );
    expect(plan.errors).toEqual([]);
    expect(same.errors).toEqual([]);
    expect(plan.org).toEqual(same.org);
    expect(plan.counts).toEqual(same.counts);
    expect(plan.counts.crews).toEqual({ created: 1, updated: 1, unchanged: 2 });
    expect(plan.sheets).toEqual([{ name: '花名册', kind: 'roster', rows: 4 }]);
  });

  it('names the sheet, row, cell and column header of each error, as the organiser sees them', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('花名册');
    sheet.getCell('A1').value = '2026年班组花名册';
    sheet.mergeCells('A1:H1');
    sheet.getRow(3).values = ROSTER_HEADER;
    sheet.getRow(4).values = C1;
    sheet.getRow(7).values = ['B1', '杭州分公司', 'U1', '西湖加油站', '商店', 'C8', '西湖丁班', '0'];
    const plan = await planOf(await xlsxBytes(workbook));
    expect(plan.errors).toEqual([
      { sheet: '花名册', row: 7, column: '单位类型', cell: 'E7', message: expect.stringContaining('无法识别“商店”') },
      { sheet: '花名册', row: 7, column: '人数', cell: 'H7', message: '不能小于 1 / headcount must be at least 1' },
    ]);
    expect(plan.org).toBeNull();
  });

  it('joins two header rows: a heading merged over its columns, and one merged down both rows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.getRow(1).values = ['分公司', null, '单位', null, null, '班组', null, '人数'];
    sheet.getRow(2).values = ['编号', '名称', '编号', '名称', '类型', '编号', '名称', null];
    sheet.mergeCells('A1:B1');
    sheet.mergeCells('C1:E1');
    sheet.mergeCells('F1:G1');
    sheet.mergeCells('H1:H2');
    sheet.getRow(3).values = C1;
    sheet.getRow(4).values = ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C2', '西湖乙班', 0];
    const plan = await planOf(await xlsxBytes(workbook));
    expect(plan.errors).toEqual([
      { sheet: 'Sheet1', row: 4, column: '人数', cell: 'H4', message: '不能小于 1 / headcount must be at least 1' },
    ]);
    expect(plan.rows).toBe(2);
  });
});

describe('cells an import must not take as they look', () => {
  async function rosterWith(cell: ExcelJS.CellValue, numFmt?: string, column = 'F'): Promise<Buffer> {
    return workbookOf(
      { 花名册: [ROSTER_HEADER, C1, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C2', '西湖乙班', 5]] },
      (wb) => {
        const target = wb.getWorksheet('花名册')?.getCell(`${column}3`);
        if (!target) throw new Error('no cell');
        target.value = cell;
        if (numFmt) target.numFmt = numFmt;
      },
    );
  }

  it('refuses a date where a code belongs (Excel turned "3-1" into 1 March), in any date format', async () => {
    const plan = await planOf(await rosterWith(new Date(Date.UTC(2026, 2, 1))));
    expect(plan.errors).toEqual([
      {
        sheet: '花名册',
        row: 3,
        column: '班组编号',
        cell: 'F3',
        message: expect.stringContaining('不能是日期（此格是 2026-03-01）'),
      },
    ]);
    // Chinese Excel's built-in m"月"d"日" (id 58), written by id alone: a serial number otherwise.
    const builtin = await asBuiltinChineseDate(await rosterWith(46082, 'yyyy-mm-dd'));
    expect((await planOf(builtin)).errors).toEqual([
      expect.objectContaining({ cell: 'F3', message: expect.stringContaining('2026-03-01') }),
    ]);
  });

  it('takes a date as text where a name belongs', async () => {
    const plan = await planOf(await rosterWith(new Date(Date.UTC(2026, 2, 1)), undefined, 'G'));
    expect(plan.errors).toEqual([]);
    expect(plan.org?.crews.find((c) => c.id === 'C2')?.name).toBe('2026-03-01');
  });

  it.each([
    {
      name: 'a formula whose result was never saved',
      cell: { formula: 'A1*2' },
      message: '公式 =A1*2 没有保存计算结果',
    },
    { name: 'an error value', cell: { error: '#DIV/0!' }, message: '单元格是错误值 #DIV/0!' },
    {
      name: 'a formula that failed',
      cell: { formula: '1/0', result: { error: '#DIV/0!' } },
      message: '单元格是错误值 #DIV/0!',
    },
  ] satisfies { name: string; cell: ExcelJS.CellValue; message: string }[])(
    'refuses $name in a column it reads',
    async ({ cell, message }) => {
      const plan = await planOf(await rosterWith(cell, undefined, 'H'));
      expect(plan.errors).toEqual([
        { sheet: '花名册', row: 3, column: '人数', cell: 'H3', message: expect.stringContaining(message) },
      ]);
    },
  );

  it('refuses an id typed as a number of more than 15 digits, whose end Excel dropped', async () => {
    const plan = await planOf(await rosterWith(2 ** 60));
    expect(plan.errors).toEqual([
      expect.objectContaining({ cell: 'F3', message: expect.stringContaining('超过 15 位') }),
    ]);
  });

  it('reads numbers as Excel shows them: 15 digits, zero-padded formats padded', async () => {
    const noisy = await planOf(await rosterWith({ formula: '0.1*30', result: 3.0000000000000004 }, undefined, 'H'));
    expect(noisy.errors).toEqual([]);
    expect(noisy.org?.crews.find((c) => c.id === 'C2')?.headcount).toBe(3);
    const padded = await planOf(await rosterWith(7, '000'));
    expect(padded.org?.crews.map((c) => c.id)).toContain('007');
  });

  it('ignores what it does not read: error values and dates in other columns, and rows that are blank', async () => {
    const bytes = await workbookOf({
      花名册: [
        [...ROSTER_HEADER, '备注', '更新日期'],
        [...C1, { error: '#REF!' }, new Date(Date.UTC(2026, 0, 5))],
        [],
        [null, '  ', null],
      ],
    });
    const plan = await planOf(bytes);
    expect(plan.errors).toEqual([]);
    expect(plan.rows).toBe(1);
  });
});

describe('what a Chinese IME and Excel make of codes and numbers', () => {
  it('reads full-width codes and numbers (Ｃ１, １２，０００) as the half-width ones, in both sheets', async () => {
    const plan = await planOf(
      await workbookOf({
        花名册: [ROSTER_HEADER, ['Ｂ１', '杭州分公司', 'Ｕ１', '西湖加油站', '加油站', 'Ｃ９', '西湖丙班', '１２']],
        目标: [TARGETS_HEADER, ['ｌａｂｏｕｒ－ｍ３', 'Ｃ９', '销量（升）', '１２，０００．５']],
      }),
    );
    expect(plan.errors).toEqual([]);
    expect(plan.org?.crews.find((c) => c.id === 'C9')).toMatchObject({ unitId: 'U1', headcount: 12 });
    expect(plan.org?.targets.find((t) => t.crewId === 'C9')).toMatchObject({
      competitionId: 'labour-m3',
      metric: 'sales.volume_litres',
      value: 12_000.5,
    });
  });

  it('reads numbers stored as text, with the separators of a number format', async () => {
    const plan = await planOf(
      await workbookOf({
        花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C9', '西湖丙班', ' 12 ']],
        目标: [TARGETS_HEADER, ['labour-m3', 'C9', '销量(升)', '12,000']],
      }),
    );
    expect(plan.errors).toEqual([]);
    expect(plan.org?.crews.find((c) => c.id === 'C9')?.headcount).toBe(12);
    expect(plan.org?.targets.find((t) => t.crewId === 'C9')?.value).toBe(12_000);
  });

  it('refuses a serial number shown as a date where a number belongs, naming sheet, row, cell and column', async () => {
    const bytes = await workbookOf(
      {
        花名册: [ROSTER_HEADER, C1],
        目标: [TARGETS_HEADER, ['labour-m3', 'C1', '销量(升)', 46082]],
      },
      (wb) => {
        const cell = wb.getWorksheet('目标')?.getCell('D2');
        if (cell) cell.numFmt = 'yyyy"年"m"月"d"日"';
      },
    );
    expect((await planOf(bytes)).errors).toEqual([
      {
        sheet: '目标',
        row: 2,
        column: '目标值',
        cell: 'D2',
        message: expect.stringContaining('2026-03-01'),
      },
    ]);
  });

  it('refuses what is no number, naming where: a number with a unit typed in, a misplaced separator', async () => {
    const plan = await planOf(
      await workbookOf({
        花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C9', '西湖丙班', '12人']],
        目标: [TARGETS_HEADER, ['labour-m3', 'C1', '销量(升)', '1,2']],
      }),
    );
    expect(plan.errors.map(({ sheet, row, column, cell }) => ({ sheet, row, column, cell }))).toEqual([
      { sheet: '花名册', row: 2, column: '人数', cell: 'H2' },
      { sheet: '目标', row: 2, column: '目标值', cell: 'D2' },
    ]);
  });
});

describe('cellText', () => {
  it.each([
    { value: null, text: '' },
    { value: 'C1 ', text: 'C1 ' },
    { value: 12, text: '12' },
    { value: 0.1 + 0.2, text: '0.3' },
    { value: -0.5, text: '-0.5' },
    { value: true, text: 'TRUE' },
    { value: new Date(Date.UTC(2026, 2, 1, 8, 30)), text: '2026-03-01 08:30' },
    { value: { richText: [{ text: '西湖' }, { text: '甲班' }] }, text: '西湖甲班' },
    { value: { text: '公司主页', hyperlink: 'https://example.com' }, text: '公司主页' },
    { value: { formula: 'B2&"班"', result: '甲班' }, text: '甲班' },
    { value: { sharedFormula: 'H2', result: 7 }, text: '7' },
  ] as { value: ExcelJS.CellValue; text: string }[])('reads $value as "$text"', ({ value, text }) => {
    expect(cellText(value).text).toBe(text);
  });

  it('leaves the formats exceljs writes alone when it adds the Chinese built-in date formats for reading', async () => {
    const workbook = new ExcelJS.Workbook();
    const cell = workbook.addWorksheet('s').getCell('A1');
    cell.value = new Date(Date.UTC(2026, 2, 1));
    cell.numFmt = 'yyyy"年"m"月"d"日"';
    const styles = await (await JSZip.loadAsync(await xlsxBytes(workbook))).file('xl/styles.xml')?.async('string');
    expect(styles).toContain('numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"');
  });
});

describe('which sheets are read', () => {
  it('reads a roster and a targets sheet of one workbook, roster first, and names the sheet of each error', async () => {
    const bytes = await workbookOf({
      目标: [TARGETS_HEADER, ['labour-m3', 'C9', '销量(升)', '1,234'], ['labour-m3', 'C7', '销量(升)', '10']],
      花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C9', '西湖丙班', 5]],
    });
    const plan = await planOf(bytes);
    expect(plan.sheets).toEqual([
      { name: '花名册', kind: 'roster', rows: 1 },
      { name: '目标', kind: 'targets', rows: 2 },
    ]);
    expect(plan.errors).toEqual([
      {
        sheet: '目标',
        row: 3,
        column: '班组编号',
        cell: 'B3',
        message: expect.stringContaining('组织架构中没有班组 C7'),
      },
    ]);
    const fixed = await planOf(
      await workbookOf({
        花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C9', '西湖丙班', 5]],
        目标: [TARGETS_HEADER, ['labour-m3', 'C9', '销量(升)', '1,234']],
      }),
    );
    expect(fixed.errors).toEqual([]);
    expect(fixed.counts.crews.created).toBe(1);
    expect(fixed.counts.targets.created).toBe(1);
    expect(fixed.org?.targets.find((t) => t.crewId === 'C9')?.value).toBe(1234);
  });

  it('skips hidden sheets, and says so when only a hidden sheet holds the rows', async () => {
    const oldCopy: Row[] = [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖甲班', 99]];
    const both = await workbookOf({ 旧花名册: oldCopy, 花名册: [ROSTER_HEADER, C1] }, (wb) => {
      const hidden = wb.getWorksheet('旧花名册');
      if (hidden) hidden.state = 'hidden';
    });
    const plan = await planOf(both);
    expect(plan.sheets?.map((s) => s.name)).toEqual(['花名册']);
    expect(plan.org?.crews.find((c) => c.id === 'C1')?.headcount).toBe(4);

    const onlyHidden = await workbookOf({ 说明: [['填写说明']], 旧花名册: oldCopy }, (wb) => {
      const hidden = wb.getWorksheet('旧花名册');
      if (hidden) hidden.state = 'veryHidden';
    });
    const refused = await refusal(onlyHidden);
    expect(refused.code).toBe('workbook_hidden_sheet');
    expect(refused.message).toContain('“旧花名册”');
  });

  it('refuses two roster sheets rather than choose one', async () => {
    const refused = await refusal(await workbookOf({ 杭州: [ROSTER_HEADER, C1], 宁波: [ROSTER_HEADER, C1] }));
    expect(refused.code).toBe('workbook_ambiguous');
    expect(refused.message).toContain('“杭州”和“宁波”');
  });

  it('does not leave out a sheet that looks like a registry sheet but lacks a column', async () => {
    const plan = await planOf(
      await workbookOf({
        花名册: [ROSTER_HEADER, C1],
        目标: [
          ['竞赛编号', '班组编号', '指标', '目标数'],
          ['labour-m3', 'C1', '销量(升)', 9],
        ],
      }),
    );
    expect(plan.errors).toEqual([
      { sheet: '目标', row: 1, column: null, message: expect.stringContaining('目标表缺少列：目标值') },
      { sheet: '目标', row: 1, column: null, message: expect.stringContaining('隐藏或删除') },
    ]);
    expect(plan.org).toBeNull();
  });

  it('says what it read when no sheet has a registry header, naming the sheet', async () => {
    const plan = await planOf(await workbookOf({ Sheet1: [['2026年花名册'], ['序号', '年龄'], [1, 30]] }));
    expect(plan.errors).toEqual([
      { sheet: 'Sheet1', row: 1, column: null, message: expect.stringContaining('无法识别表头（读到：2026年花名册）') },
    ]);
    const partial = await planOf(
      await workbookOf({
        Sheet1: [
          ['班组编号', '班组名称'],
          ['C1', '甲班'],
        ],
      }),
    );
    expect(partial.errors[0]?.message).toContain('组织架构表缺少列：分公司编号');
  });

  it('refuses a workbook whose sheets are all empty', async () => {
    expect((await refusal(await workbookOf({ Sheet1: [], Sheet2: [] }))).code).toBe('workbook_empty');
  });
});

describe('files that are no workbook to read', () => {
  const compoundFile = (stream: string) =>
    Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
      Buffer.from(stream, 'utf16le'),
      Buffer.alloc(64),
    ]);

  it.each([
    { name: 'an old .xls workbook', bytes: compoundFile('Workbook'), code: 'workbook_xls', says: '.xls' },
    {
      name: 'a workbook with an open password',
      bytes: compoundFile('EncryptedPackage'),
      code: 'workbook_encrypted',
      says: '打开密码',
    },
    {
      name: 'a CSV sent as .xlsx',
      bytes: Buffer.from(`${ROSTER_HEADER.join(',')}\r\nB1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4\r\n`),
      code: 'not_a_workbook',
      says: '这是文本文件（CSV）',
    },
    {
      name: 'a web page named .xls',
      bytes: Buffer.from('<html><body><table><tr><td>班组</td></tr></table></body></html>'),
      code: 'not_a_workbook',
      says: 'HTML',
    },
    {
      name: 'a PNG',
      bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      code: 'not_a_workbook',
      says: '不是 Excel 工作簿',
    },
    { name: 'an empty file', bytes: Buffer.alloc(0), code: 'workbook_empty', says: '文件是空的' },
  ])('refuses $name, saying what it is and what to do', async ({ bytes, code, says }) => {
    const refused = await refusal(bytes);
    expect(refused.code).toBe(code);
    expect(refused.message).toContain(says);
    expect(refused.message).toMatch(/ \/ [a-z]/); // Chinese, then English
  });

  it('refuses a workbook cut short and one whose parts do not unpack', async () => {
    const whole = await workbookOf({ 花名册: [ROSTER_HEADER, C1] });
    const cut = await refusal(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(cut.code).toBe('workbook_corrupt');
    expect(cut.message).toContain('文件已损坏或不完整');
    // The sheet's compressed bytes overwritten with noise: the directory is fine, the data is not.
    const broken = Buffer.from(whole);
    const at = broken.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
    broken.fill(0xff, at, at + 40);
    expect((await refusal(broken)).code).toBe('workbook_corrupt');
  });

  it('refuses an OpenDocument spreadsheet and an .xlsb by their parts', async () => {
    const ods = new JSZip();
    ods.file('mimetype', 'application/vnd.oasis.opendocument.spreadsheet');
    ods.file('content.xml', '<x/>');
    const odsRefused = await refusal(await ods.generateAsync({ type: 'nodebuffer' }));
    expect(odsRefused.message).toContain('.ods');
    const xlsb = new JSZip();
    xlsb.file('[Content_Types].xml', '<x/>');
    xlsb.file('xl/workbook.bin', 'binary');
    expect((await refusal(await xlsb.generateAsync({ type: 'nodebuffer' }))).code).toBe('workbook_xlsb');
  });

  describe('zip bombs', () => {
    const limits: XlsxLimits = { ...DEFAULT_XLSX_LIMITS, maxUncompressedBytes: 1024 * 1024 };

    it('refuses a workbook whose parts unpack past the limit, before reading it', async () => {
      const bomb = await withPart(
        await workbookOf({ 花名册: [ROSTER_HEADER, C1] }),
        'xl/media/image1.png',
        Buffer.alloc(4 * 1024 * 1024),
      );
      expect(bomb.length).toBeLessThan(64 * 1024);
      const refused = await refusal(bomb, limits);
      expect(refused.code).toBe('workbook_too_large');
      expect(refused.httpStatus).toBe(413);
    });

    it('unpacks with a ceiling, so sizes the zip declares falsely do not get past it', async () => {
      const bomb = await withPart(
        await workbookOf({ 花名册: [ROSTER_HEADER, C1] }),
        'xl/media/image1.png',
        Buffer.alloc(4 * 1024 * 1024),
      );
      // The central directory entry's uncompressed size (offset 24) says 10 bytes.
      const name = Buffer.from('xl/media/image1.png');
      const central = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), bomb.lastIndexOf(name));
      expect(bomb.toString('utf8', central + 46, central + 46 + name.length)).toBe('xl/media/image1.png');
      bomb.writeUInt32LE(10, central + 24);
      const refused = await refusal(bomb, limits);
      expect(refused.code).toBe('workbook_too_large');
    });

    it('refuses a sheet with more rows than the limit', async () => {
      const rows: Row[] = [
        ROSTER_HEADER,
        ...Array.from({ length: 5 }, (_, i) => [...C1.slice(0, 5), `C${i}`, `班组${i}`, 4]),
      ];
      const refused = await refusal(await workbookOf({ 花名册: rows }), { ...DEFAULT_XLSX_LIMITS, maxRows: 5 });
      expect(refused.code).toBe('workbook_too_large');
      expect(refused.message).toContain('超过 5 行');
    });

    it('refuses too many parts', async () => {
      const refused = await refusal(await workbookOf({ 花名册: [ROSTER_HEADER, C1] }), {
        ...DEFAULT_XLSX_LIMITS,
        maxEntries: 3,
      });
      expect(refused.code).toBe('workbook_too_large');
    });
  });

  it('refuses a Strict Open XML workbook', async () => {
    const strict = await patchXlsx(await workbookOf({ 花名册: [ROSTER_HEADER, C1] }), {
      'xl/workbook.xml': (xml) =>
        xml.replace(
          'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
          'http://purl.oclc.org/ooxml/spreadsheetml/main',
        ),
    });
    expect((await refusal(strict)).code).toBe('workbook_strict');
  });
});
