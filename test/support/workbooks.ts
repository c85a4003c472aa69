import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/** Workbooks for tests, made with exceljs as a person would fill them in, and reshaped at the XML level
 * where Chinese Excel or WPS write what exceljs does not. */

export const ROSTER_HEADER = [
  '分公司编号',
  '分公司名称',
  '单位编号',
  '单位名称',
  '单位类型',
  '班组编号',
  '班组名称',
  '人数',
];
export const TARGETS_HEADER = ['竞赛编号', '班组编号', '指标', '目标值'];

export type Row = ExcelJS.CellValue[];

export async function xlsxBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A workbook of sheets, each given by its rows (row 1 first). */
export async function workbookOf(
  sheets: Record<string, Row[]>,
  shape?: (workbook: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    rows.forEach((row, i) => {
      sheet.getRow(i + 1).values = row;
    });
  }
  shape?.(workbook);
  return xlsxBytes(workbook);
}

/** Rewrites parts of a workbook's zip (XML as text). */
export async function patchXlsx(bytes: Uint8Array, edits: Record<string, (xml: string) => string>): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  for (const [path, edit] of Object.entries(edits)) {
    const file = zip.file(path);
    if (!file) throw new Error(`no ${path} in the workbook`);
    zip.file(path, edit(await file.async('string')));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/**
 * Makes the workbook's one custom number format (id 164, a date format set in the test) the
 * built-in id 58, m"月"d"日", written by id alone as Chinese Excel and WPS do.
 */
export function asBuiltinChineseDate(bytes: Uint8Array): Promise<Buffer> {
  return patchXlsx(bytes, {
    'xl/styles.xml': (xml) => {
      if (!xml.includes('numFmtId="164"')) throw new Error('no custom number format 164 to replace');
      return xml.replace(/<numFmts[^>]*>[\s\S]*?<\/numFmts>/, '').replaceAll('numFmtId="164"', 'numFmtId="58"');
    },
  });
}

/** Adds a part to a workbook's zip. */
export async function withPart(bytes: Uint8Array, path: string, content: Uint8Array | string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  zip.file(path, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Every worksheet of a workbook as rows of values (exceljs's own reading, for comparing). */
export async function readBack(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

/** A 考核细则 as unions lay it out: a title row, 类别 merged down its items, one rule the reader cannot take. */
export const ASSESSMENT_SHEET_ROWS: Row[] = [
  ['2026 年安康杯竞赛考核细则'],
  ['类别', '考核项目', '分值', '扣分标准'],
  ['一、组织领导（12分）', '成立竞赛领导小组', 4, '未成立领导小组扣4分'],
  [null, '制定竞赛实施方案', 4, '每缺一项扣1分'],
  [null, '召开动员会', 4, '未召开扣2分，召开但未形成记录扣1分'],
  ['二、安全管理（35分）', '安全检查台账', 10, '未建立台账扣3分'],
  [null, '隐患整改', 10, '第一次扣1分，第二次扣3分（警告），第三次及以上扣5分（黄牌）'],
  [null, '“三违”', 15, '每发现一人次扣5分'],
  ['三、劳动保护与职业健康（25分）', '劳保用品发放', 25, '酌情扣分'],
  ['鼓励项（最多加4分）', '创新做法', 2, '每项加1分'],
  [null, '上级表彰', 2, '每次加2分'],
  ['否决项', '未组织开展竞赛活动', null, '一票否决'],
  [null, '重伤及以上事故', null, '一票否决'],
];

export function assessmentSheetWorkbook(): Promise<Buffer> {
  return workbookOf({ 考核细则: ASSESSMENT_SHEET_ROWS }, (workbook) => {
    const sheet = workbook.getWorksheet('考核细则');
    sheet?.mergeCells('A1:D1');
    sheet?.mergeCells('A3:A5');
    sheet?.mergeCells('A6:A8');
    sheet?.mergeCells('A10:A11');
    sheet?.mergeCells('A12:A13');
  });
}
