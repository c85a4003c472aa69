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
