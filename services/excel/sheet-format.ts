import type ExcelJS from 'exceljs';
import stringWidth from 'string-width';

/** What the workbooks this product writes look like: one place, so every download matches. */

/** A font every Chinese Windows and WPS has; Excel falls back where it is missing. */
export const FONT = '宋体';

const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
export const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };

/** A title merged across the table's width, centred. */
export function titleRow(sheet: ExcelJS.Worksheet, row: number, width: number, text: string, size: number): void {
  const cell = sheet.getCell(row, 1);
  cell.value = text;
  cell.font = { name: FONT, size, bold: size >= 14 };
  cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  if (width > 1) sheet.mergeCells(row, 1, row, width);
  sheet.getRow(row).height = size >= 14 ? 30 : 20;
}

export function headerRow(sheet: ExcelJS.Worksheet, row: number, headers: readonly string[]): void {
  const r = sheet.getRow(row);
  headers.forEach((header, i) => {
    const cell = r.getCell(i + 1);
    cell.value = header;
    cell.font = { name: FONT, size: 11, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  r.height = 22;
}

/**
 * Column widths that fit the longest text of each column (a Chinese character is two of Excel's
 * width units, as string-width counts it), within bounds so one long remark does not make a
 * column a page wide: that text wraps instead.
 */
export function fitColumns(sheet: ExcelJS.Worksheet, fromRow: number, bounds: { min: number; max: number }): void {
  const widths: number[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber < fromRow) return;
    row.eachCell((cell, column) => {
      // Titles and footers span columns: they wrap or overflow, and size none.
      if (cell.isMerged) return;
      const text = typeof cell.value === 'number' ? cell.value.toFixed(2) : cell.text;
      const width = Math.max(...text.split('\n').map((line) => stringWidth(line)));
      widths[column - 1] = Math.max(widths[column - 1] ?? 0, width);
    });
  });
  widths.forEach((width, i) => {
    sheet.getColumn(i + 1).width = Math.min(bounds.max, Math.max(bounds.min, width + 2));
  });
}

/** Text cells: what is typed into them stays text (an id "001" is not turned into the number 1). */
export const TEXT_FORMAT = '@';
export const POINTS_FORMAT = '0.00';
export const WHOLE_FORMAT = '0';

/** exceljs declares PaperSize a const enum in its types, which isolated modules cannot inline: A4 is 9. */
const A4_PAPER = 9 as unknown as ExcelJS.PaperSize;

/**
 * Printed as union offices print tables: A4 landscape, all columns on one page's width (as many
 * pages down as it takes), the title and header rows repeated on every page.
 */
export function a4LandscapeSetup(
  titleRows: number,
  margins: ExcelJS.Margins,
  more: Partial<ExcelJS.PageSetup> = {},
): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: A4_PAPER,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `1:${titleRows}`,
    margins,
    ...more,
  };
}
