import { describe, expect, it } from 'vitest';
import { decodeText } from '../../services/registry/decode-text.ts';
import {
  metricFromCell,
  numberFromCell,
  readRegistrySheet,
  unitTypeFromCell,
  type RegistrySheet,
  type RosterRow,
  type TargetRow,
} from '../../services/registry/org-csv.ts';

/** Bytes from ASCII text and literal byte runs (GB18030 has no encoder in Node). */
function bytes(...parts: (string | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'ascii')] : part)));
}

// GB18030 (GBK) bytes, checked by the first test below.
const GBK = {
  班组: [0xb0, 0xe0, 0xd7, 0xe9],
  西湖甲班: [0xce, 0xf7, 0xba, 0xfe, 0xbc, 0xd7, 0xb0, 0xe0],
  竞赛编号: [0xbe, 0xba, 0xc8, 0xfc, 0xb1, 0xe0, 0xba, 0xc5],
  班组编号: [0xb0, 0xe0, 0xd7, 0xe9, 0xb1, 0xe0, 0xba, 0xc5],
  指标: [0xd6, 0xb8, 0xb1, 0xea],
  目标值: [0xc4, 0xbf, 0xb1, 0xea, 0xd6, 0xb5],
} as const;

const ROSTER_HEADER = '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数';
const ROSTER_ROW = 'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4';
const TARGETS_HEADER = '竞赛编号,班组编号,指标,目标值';

function roster(sheet: RegistrySheet): readonly RosterRow[] {
  expect(sheet.kind).toBe('roster');
  return sheet.kind === 'roster' ? sheet.rows : [];
}

function targets(sheet: RegistrySheet): readonly TargetRow[] {
  expect(sheet.kind).toBe('targets');
  return sheet.kind === 'targets' ? sheet.rows : [];
}

describe('decodeText', () => {
  it.each(Object.entries(GBK))('reads the GB18030 bytes of %s', (text, gbk) => {
    expect(decodeText(Uint8Array.from(gbk))).toBe(text);
  });

  it.each([
    { name: 'UTF-8 with a BOM (Excel "CSV UTF-8")', input: bytes([0xef, 0xbb, 0xbf], [...Buffer.from('班组,人数')]) },
    { name: 'UTF-8 without a BOM (WPS, scripts)', input: Uint8Array.from(Buffer.from('班组,人数')) },
    {
      name: 'UTF-16LE with a BOM (Excel "Unicode text")',
      input: Uint8Array.from(Buffer.from('\ufeff班组,人数', 'utf16le')),
    },
    { name: 'GB18030 without a BOM (Excel "CSV (逗号分隔)")', input: bytes(GBK.班组, ',', [0xc8, 0xcb, 0xca, 0xfd]) },
  ])('decodes $name', ({ input }) => {
    expect(decodeText(input)).toBe('班组,人数');
  });

  it('reads plain ASCII as it is', () => {
    expect(decodeText(bytes('crew_id,headcount\r\nC1,4\r\n'))).toBe('crew_id,headcount\r\nC1,4\r\n');
  });
});

describe('numberFromCell', () => {
  it.each([
    ['12', 12],
    [' 12 ', 12],
    ['12.0', 12],
    ['1,234', 1234],
    ['1,234,567.50', 1234567.5],
    ['１２', 12],
    ['１，２３４', 1234],
    ['1.2E+05', 120000],
    ['-3', -3],
    ['', undefined],
    ['   ', undefined],
    // Left as written, for the schema to refuse by name.
    ['abc', 'abc'],
    ['1,2', '1,2'],
    ['12,34,567', '12,34,567'],
    ['0x10', '0x10'],
    ['Infinity', 'Infinity'],
  ])('reads %j as %j', (cell, expected) => {
    expect(numberFromCell(cell)).toBe(expected);
  });
});

describe('unitTypeFromCell', () => {
  it.each([
    ['加油站', 'station'],
    ['矿', 'mine'],
    ['煤矿', 'mine'],
    ['矿井', 'mine'],
    ['车间', 'workshop'],
    ['区队', 'district'],
    ['油库', 'depot'],
    ['其他', 'other'],
    ['其它', 'other'],
    ['station', 'station'],
    [' Depot ', 'depot'],
    ['WORKSHOP', 'workshop'],
    ['商店', '商店'],
  ])('reads %j as %j', (cell, expected) => {
    expect(unitTypeFromCell(cell)).toBe(expected);
  });
});

describe('metricFromCell', () => {
  it.each([
    ['销量(升)', 'sales.volume_litres'],
    ['销量（升）', 'sales.volume_litres'],
    ['销售量(升)', 'sales.volume_litres'],
    ['销量(吨)', 'sales.volume_tonnes'],
    ['销售额(元)', 'sales.amount_cny'],
    ['sales.volume_litres', 'sales.volume_litres'],
    ['Sales.Volume_Litres', 'sales.volume_litres'],
    ['metric.skill_contest', 'metric.skill_contest'],
  ])('reads %j as %j', (cell, expected) => {
    expect(metricFromCell(cell)).toBe(expected);
  });
});

describe('readRegistrySheet: roster', () => {
  it('reads a roster row into a branch, a unit and a crew', () => {
    const sheet = readRegistrySheet(`${ROSTER_HEADER}\n${ROSTER_ROW}\n`);
    expect(sheet.errors).toEqual([]);
    expect(roster(sheet)).toEqual([
      {
        row: 2,
        branch: { id: 'B1', name: '杭州分公司' },
        unit: { id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' },
        crew: { id: 'C1', unitId: 'U1', name: '西湖甲班', headcount: 4 },
      },
    ]);
  });

  it.each([
    ['branchId', '分公司编码'],
    ['branchId', 'branch_id'],
    ['branchId', 'Branch ID'],
    ['branchId', 'branchId'],
    ['branchName', '分公司'],
    ['branchName', 'BRANCH_NAME'],
    ['unitId', '单位编码'],
    ['unitId', 'unit_id'],
    ['unitName', '单位'],
    ['unitName', 'unit_name'],
    ['unitType', '类型'],
    ['unitType', 'Unit Type'],
    ['crewId', '班组编码'],
    ['crewId', 'crew-id'],
    ['crewName', '班组'],
    ['crewName', 'crew_name'],
    ['headcount', '班组人数'],
    ['headcount', 'Headcount'],
    ['headcount', ' 人数 '],
  ] as const)('finds %s under the header %j', (field, header) => {
    const canonical = {
      branchId: '分公司编号',
      branchName: '分公司名称',
      unitId: '单位编号',
      unitName: '单位名称',
      unitType: '单位类型',
      crewId: '班组编号',
      crewName: '班组名称',
      headcount: '人数',
    }[field];
    const sheet = readRegistrySheet(`${ROSTER_HEADER.replace(canonical, header)}\n${ROSTER_ROW}\n`);
    expect(sheet.errors).toEqual([]);
    expect(sheet.kind === 'roster' ? sheet.columns.get(field) : undefined).toBe(header.trim());
    expect(roster(sheet)[0]?.crew).toEqual({ id: 'C1', unitId: 'U1', name: '西湖甲班', headcount: 4 });
  });

  it.each([
    ['分公司英文名', 'branch'],
    ['branch_name_en', 'branch'],
    ['单位英文名', 'unit'],
    ['unit_name_en', 'unit'],
    ['班组英文名', 'crew'],
    ['Crew Name EN', 'crew'],
  ] as const)('reads the optional English name under %j', (header, item) => {
    const sheet = readRegistrySheet(`${ROSTER_HEADER},${header}\n${ROSTER_ROW},West Lake\n${ROSTER_ROW},\n`);
    expect(sheet.errors).toEqual([]);
    const [withName, blank] = roster(sheet);
    expect(withName?.[item]?.nameEn).toBe('West Lake');
    // A blank cell leaves the name out (what that means for an existing item is the plan's business).
    expect(blank?.[item]).not.toHaveProperty('nameEn');
  });

  it.each([
    ['加油站', 'station'],
    ['矿', 'mine'],
    ['煤矿', 'mine'],
    ['矿井', 'mine'],
    ['车间', 'workshop'],
    ['区队', 'district'],
    ['油库', 'depot'],
    ['其他', 'other'],
    ['district', 'district'],
  ])('reads the unit type %j as %j', (cell, type) => {
    const sheet = readRegistrySheet(`${ROSTER_HEADER}\nB1,杭州分公司,U1,西湖加油站,${cell},C1,西湖甲班,4\n`);
    expect(sheet.errors).toEqual([]);
    expect(roster(sheet)[0]?.unit?.type).toBe(type);
  });

  it.each([
    { name: 'CRLF line ends', text: `${ROSTER_HEADER}\r\n${ROSTER_ROW}\r\n` },
    { name: 'no line end after the last row', text: `${ROSTER_HEADER}\r\n${ROSTER_ROW}` },
    { name: 'a BOM left in the text', text: `\ufeff${ROSTER_HEADER}\r\n${ROSTER_ROW}\r\n` },
    { name: 'empty trailing columns Excel leaves', text: `${ROSTER_HEADER},,,\r\n${ROSTER_ROW},,,\r\n` },
    { name: "an organiser's own column", text: `${ROSTER_HEADER},备注\r\n${ROSTER_ROW},夜班多\r\n` },
    { name: 'a row shorter than the header', text: `${ROSTER_HEADER},备注\r\n${ROSTER_ROW}\r\n` },
    {
      name: 'full-width codes',
      text: `${ROSTER_HEADER}\r\nＢ１,杭州分公司,Ｕ１,西湖加油站,加油站,Ｃ１,西湖甲班,４\r\n`,
    },
    {
      name: 'spaces around cells',
      text: `${ROSTER_HEADER}\r\n B1 , 杭州分公司 ,U1,西湖加油站, 加油站 ,C1 ,西湖甲班, 4 \r\n`,
    },
    {
      name: 'quoted cells',
      text: `${ROSTER_HEADER}\r\n"B1","杭州分公司",U1,西湖加油站,加油站,C1,"西湖甲班","4.0"\r\n`,
    },
    {
      name: 'tab-separated text',
      text: `${ROSTER_HEADER.replaceAll(',', '\t')}\r\n${ROSTER_ROW.replaceAll(',', '\t')}\r\n`,
    },
    {
      name: 'tab-separated text after a blank line',
      text: `\t\t\r\n${ROSTER_HEADER.replaceAll(',', '\t')}\r\n${ROSTER_ROW.replaceAll(',', '\t')}\r\n`,
      row: 3,
    },
  ])('reads a row with $name', ({ text, row = 2 }) => {
    const sheet = readRegistrySheet(text);
    expect(sheet.errors).toEqual([]);
    expect(roster(sheet)).toEqual([
      {
        row,
        branch: { id: 'B1', name: '杭州分公司' },
        unit: { id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' },
        crew: { id: 'C1', unitId: 'U1', name: '西湖甲班', headcount: 4 },
      },
    ]);
  });

  it('keeps commas and line breaks inside quoted cells, and numbers rows as a spreadsheet does', () => {
    const text = [
      ROSTER_HEADER,
      'B1,杭州分公司,U1,"西湖加油站,一号",加油站,C1,"西湖甲班\r\n（夜班）","1,234"',
      '',
      ',,,,,,,',
      'B1,杭州分公司,U1,"西湖加油站,一号",加油站,C2,西湖乙班,0',
    ].join('\r\n');
    const sheet = readRegistrySheet(text);
    const rows = roster(sheet);
    expect(rows.map((r) => r.row)).toEqual([2, 5]);
    expect(rows[0]?.unit?.name).toBe('西湖加油站,一号');
    // The line break reaches the schema, which keeps names to one line (a screen shows one).
    expect(rows[0]?.crew).toBeNull();
    // The crew name's line break is one spreadsheet row; the two blank rows are skipped but counted.
    expect(sheet.errors).toEqual([
      { row: 2, column: '班组名称', message: expect.stringContaining('第 5 个字符是换行符') },
      { row: 5, column: '人数', message: '不能小于 1 / headcount must be at least 1' },
    ]);
  });

  it('numbers rows from a header that follows blank lines', () => {
    const sheet = readRegistrySheet(`\r\n,,\r\n${ROSTER_HEADER}\r\n${ROSTER_ROW}\r\n`);
    expect(roster(sheet).map((r) => r.row)).toEqual([4]);
  });

  const long = 'x'.repeat(201);
  it.each([
    ['B 1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4', '分公司编号', '“B 1”格式不对'],
    [',杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4', '分公司编号', '不能为空 / branch_id is required'],
    ['B1,,U1,西湖加油站,加油站,C1,西湖甲班,4', '分公司名称', '不能为空 / branch_name is required'],
    [
      `B1,${long},U1,西湖加油站,加油站,C1,西湖甲班,4`,
      '分公司名称',
      '不能超过 200 个字符 / branch_name must be at most',
    ],
    ['B1,杭州分公司,-U1,西湖加油站,加油站,C1,西湖甲班,4', '单位编号', 'unit_id "-U1": use letters, digits'],
    ['B1,杭州分公司,U1,  ,加油站,C1,西湖甲班,4', '单位名称', '不能为空 / unit_name is required'],
    ['B1,杭州分公司,U1,西湖加油站,商店,C1,西湖甲班,4', '单位类型', '无法识别“商店”，可用 加油站'],
    ['B1,杭州分公司,U1,西湖加油站,,C1,西湖甲班,4', '单位类型', '不能为空 / unit_type is required'],
    ['B1,杭州分公司,U1,西湖加油站,加油站,,西湖甲班,4', '班组编号', '不能为空 / crew_id is required'],
    ['B1,杭州分公司,U1,西湖加油站,加油站,C1,,4', '班组名称', '不能为空 / crew_name is required'],
    ['B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,0', '人数', '不能小于 1 / headcount must be at least 1'],
    ['B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,-2', '人数', '不能小于 1 / headcount must be at least 1'],
    [
      'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,2.5',
      '人数',
      '必须是整数，而不是“2.5” / headcount must be a whole',
    ],
    [
      'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,六',
      '人数',
      '必须是数字，而不是“六” / headcount must be a number',
    ],
    ['B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,', '人数', '不能为空 / headcount is required'],
    [
      'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,10001',
      '人数',
      '不能大于 10000 / headcount must be at most 10000',
    ],
  ])('refuses %j in column %s', (line, column, message) => {
    const sheet = readRegistrySheet(`${ROSTER_HEADER}\r\n${ROSTER_ROW}\r\n${line}\r\n`);
    expect(sheet.errors).toEqual([{ row: 3, column, message: expect.stringContaining(message) }]);
    expect(sheet.errors[0]?.message).toMatch(/^[\u201c\u3000-\u9fff].* \/ [a-z]/); // Chinese first, then English
  });

  it('reports every bad cell of every row, naming the column as the file writes it', () => {
    const header = 'Branch ID,分公司,单位编号,单位,类型,班组编号,班组,班组人数';
    const sheet = readRegistrySheet(
      `${header}\r\nB1,杭州分公司,U1,西湖加油站,站,C1,,0\r\n${ROSTER_ROW}\r\nB1,,U1,西湖加油站,加油站,C2,西湖乙班,x\r\n`,
    );
    expect(sheet.errors.map((e) => [e.row, e.column])).toEqual([
      [2, '类型'],
      [2, '班组'],
      [2, '班组人数'],
      [4, '分公司'],
      [4, '班组人数'],
    ]);
    expect(roster(sheet).map((r) => [r.row, r.branch !== null, r.unit !== null, r.crew !== null])).toEqual([
      [2, true, false, false],
      [3, true, true, true],
      [4, false, true, false],
    ]);
  });
});

describe('readRegistrySheet: targets', () => {
  it.each([
    ['竞赛编号,班组编号,指标,目标值', 'labour-m3,C1,sales.volume_litres,"12,000"'],
    ['competition_id,crew_id,metric,target', 'labour-m3,C1,sales.volume_litres,12000'],
    ['竞赛,班组编码,指标,目标', 'labour-m3,C1,销量(升),12000.0'],
    ['Competition ID,Crew ID,Metric,Value', 'labour-m3,Ｃ１,销量（升）,１２０００'],
  ])('reads %j', (header, line) => {
    const sheet = readRegistrySheet(`${header}\r\n${line}\r\n`);
    expect(sheet.errors).toEqual([]);
    expect(targets(sheet)).toEqual([
      {
        row: 2,
        target: { competitionId: 'labour-m3', crewId: 'C1', metric: 'sales.volume_litres', value: 12000 },
      },
    ]);
  });

  it('reads a GB18030 file once decoded', () => {
    const file = bytes(
      GBK.竞赛编号,
      ',',
      GBK.班组编号,
      ',',
      GBK.指标,
      ',',
      GBK.目标值,
      '\r\nlabour-m3,C1,sales.volume_litres,100\r\n',
    );
    const sheet = readRegistrySheet(decodeText(file));
    expect(sheet.errors).toEqual([]);
    expect(targets(sheet)[0]?.target?.value).toBe(100);
  });

  it('reads a UTF-16LE tab-separated file once decoded', () => {
    const text = `\ufeff${TARGETS_HEADER.replaceAll(',', '\t')}\r\nlabour-m3\tC1\tsales.volume_tonnes\t1,234\r\n`;
    const sheet = readRegistrySheet(decodeText(Uint8Array.from(Buffer.from(text, 'utf16le'))));
    expect(sheet.errors).toEqual([]);
    expect(targets(sheet)[0]?.target).toEqual({
      competitionId: 'labour-m3',
      crewId: 'C1',
      metric: 'sales.volume_tonnes',
      value: 1234,
    });
  });

  it.each([
    ['labour m3,C1,sales.volume_litres,100', '竞赛编号', '“labour m3”格式不对'],
    ['labour-m3,,sales.volume_litres,100', '班组编号', '不能为空 / crew_id is required'],
    ['labour-m3,C1,产量,100', '指标', '无法识别“产量”，可用指标键'],
    ['labour-m3,C1,metric.skill-contest,100', '指标', 'unknown metric "metric.skill-contest"'],
    ['labour-m3,C1,sales.volume_litres,0', '目标值', '必须大于 0 / target must be greater than 0'],
    ['labour-m3,C1,sales.volume_litres,-5', '目标值', '必须大于 0 / target must be greater than 0'],
    ['labour-m3,C1,sales.volume_litres,一百', '目标值', '必须是数字，而不是“一百” / target must be a number'],
    ['labour-m3,C1,sales.volume_litres,', '目标值', '不能为空 / target is required'],
  ])('refuses %j in column %s', (line, column, message) => {
    const sheet = readRegistrySheet(`${TARGETS_HEADER}\r\n${line}\r\n`);
    expect(sheet.errors).toEqual([{ row: 2, column, message: expect.stringContaining(message) }]);
    expect(targets(sheet)).toEqual([{ row: 2, target: null }]);
  });
});

describe('readRegistrySheet: the header', () => {
  it.each([
    {
      name: 'a roster lacking columns',
      header: '分公司编号,分公司名称,单位编号,单位名称,班组编号,班组名称',
      kind: 'roster',
      message: '组织架构表缺少列：单位类型、人数 / a roster needs the columns unit_type (单位类型), headcount (人数)',
    },
    {
      name: 'a targets sheet lacking columns',
      header: '竞赛编号,班组编号,指标',
      kind: 'targets',
      message: '目标表缺少列：目标值 / a targets sheet needs the columns target (目标值)',
    },
    {
      name: 'more of a targets sheet than of a roster',
      header: '班组编号,指标,班组名称',
      kind: 'targets',
      message:
        '目标表缺少列：竞赛编号、目标值 / a targets sheet needs the columns competition_id (竞赛编号), target (目标值)',
    },
  ])('names the missing columns of $name, on row 1', ({ header, kind, message }) => {
    const sheet = readRegistrySheet(`${header}\r\nx,y,z\r\n`);
    expect(sheet.kind).toBe(kind);
    expect(sheet.errors).toEqual([{ row: 1, column: null, message }]);
    expect(sheet.rows).toEqual([]);
  });

  it('says what it read and what either kind needs when the header is neither', () => {
    // GB18030 bytes read as something else look like this; the message suggests saving as UTF-8.
    const sheet = readRegistrySheet('�����,���\r\nB1,4\r\n');
    expect(sheet.errors).toHaveLength(1);
    expect(sheet.errors[0]).toMatchObject({ row: 1, column: null });
    expect(sheet.errors[0]?.message).toContain('无法识别表头（读到：�����, ���）');
    expect(sheet.errors[0]?.message).toContain('组织架构表需要列 分公司编号、分公司名称');
    expect(sheet.errors[0]?.message).toContain('目标表需要列 竞赛编号、班组编号、指标、目标值');
    expect(sheet.errors[0]?.message).toContain('save the file as "CSV UTF-8"');
  });

  it('refuses two columns for one field, naming the later one', () => {
    const sheet = readRegistrySheet(`${ROSTER_HEADER},班组\r\n${ROSTER_ROW},西湖甲班\r\n`);
    expect(sheet.errors).toEqual([
      {
        row: 1,
        column: '班组',
        cell: 'I1',
        message: '与 G 列“班组名称”重复，只能有一列班组名称 / repeats column G "班组名称": keep one crew_name column',
      },
    ]);
  });

  it.each([
    { name: 'an empty file', text: '' },
    { name: 'blank lines only', text: '\r\n,,,\r\n\r\n' },
  ])('reports $name', ({ text }) => {
    expect(readRegistrySheet(text).errors).toEqual([
      { row: 1, column: null, message: '文件是空的 / the file is empty' },
    ]);
  });

  it('reports an unclosed quote on the row it opens, and still checks the rows before it', () => {
    const sheet = readRegistrySheet(
      `${ROSTER_HEADER}\r\n${ROSTER_ROW.replace(',4', ',0')}\r\n${ROSTER_ROW}\r\nB1,"杭州分公司,U1\r\n`,
    );
    expect(sheet.errors).toEqual([
      { row: 2, column: '人数', message: '不能小于 1 / headcount must be at least 1' },
      { row: 4, column: null, message: expect.stringContaining('引号没有闭合') },
    ]);
    expect(roster(sheet).map((r) => r.row)).toEqual([2, 3]);
  });

  it('reads a header-only file as no rows and no errors', () => {
    const sheet = readRegistrySheet(`${TARGETS_HEADER}\r\n`);
    expect(sheet).toMatchObject({ kind: 'targets', rows: [], errors: [] });
  });
});
