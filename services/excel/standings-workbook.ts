import ExcelJS from 'exceljs';
import { noticeWords, type ResultsTable } from '../results/results-table.ts';
import {
  BORDER,
  FONT,
  POINTS_FORMAT,
  WHOLE_FORMAT,
  a4LandscapeSetup,
  fitColumns,
  headerRow,
  titleRow,
} from './sheet-format.ts';

/** Where the table starts: the title, the line under it, then the header. */
const HEADER_ROW = 3;

/** Shown in the rank column of a disqualified crew; the remark says why. */
export const NO_RANK = '—';

export function subtitle(table: ResultsTable): string {
  const { period, group } = table;
  const notice = table.notice ? ` · ${noticeWords(table.notice)}` : '';
  return table.final
    ? `${period.name}结算排名（${period.start} 至 ${period.end}）· ${group.label}${notice}`
    : `排名（统计期间 ${period.start} 至 ${period.end}，统计日 ${table.asOf}）· ${group.label} · 非最终结果`;
}

export function resultsHeaders(table: ResultsTable): string[] {
  return ['名次', '班组', '单位', '分公司', '人数', ...table.indicators.map((i) => i.name), '总分', '否决/备注'];
}

/** Header and footer text of a printed page take & as a code: a literal one is doubled. */
const pageText = (text: string) => text.replaceAll('&', '&&');

/**
 * Standings as a union office files and prints them: a title with the group and competition, the
 * period or 统计日, then 名次, 班组, 单位, 分公司, 人数, each indicator's points, 总分 and 否决/备注;
 * numbers as numbers (points with two decimals), text always as text (never a formula), the
 * header frozen and repeated on every printed page, A4 landscape fitted to the width, and who
 * made the table and when below it and in the page footer.
 */
export async function standingsWorkbook(table: ResultsTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = table.issuer;
  const sheet = workbook.addWorksheet(table.final ? '结算排名' : '排名');
  const headers = resultsHeaders(table);
  const width = headers.length;
  titleRow(sheet, 1, width, `${table.groupName} ${table.competitionName}`, 16);
  titleRow(sheet, 2, width, subtitle(table), 11);
  headerRow(sheet, HEADER_ROW, headers);

  const pointsFrom = 6; // the first indicator's column
  table.rows.forEach((row, i) => {
    const r = sheet.getRow(HEADER_ROW + 1 + i);
    const values: (string | number | null)[] = [
      row.rank ?? NO_RANK,
      row.crewName,
      row.unitName,
      row.branchName,
      row.headcount,
      ...row.points,
      row.score,
      row.remark,
    ];
    values.forEach((value, c) => {
      const cell = r.getCell(c + 1);
      // Names go in as strings: exceljs writes a string as a string cell, so "=1+1" is text.
      cell.value = value;
      cell.font = { name: FONT, size: 11 };
      cell.border = BORDER;
      const column = c + 1;
      if (column === 1 || column === 5) {
        cell.numFmt = WHOLE_FORMAT;
        cell.alignment = { horizontal: 'center' };
      } else if (column >= pointsFrom && column < width) {
        cell.numFmt = POINTS_FORMAT;
      } else if (column === width) {
        cell.alignment = { wrapText: true, vertical: 'top' };
      }
    });
  });

  const footer = HEADER_ROW + table.rows.length + 2;
  const half = Math.max(1, Math.floor(width / 2));
  sheet.getCell(footer, 1).value = `制表单位：${table.issuer}`;
  sheet.getCell(footer, half + 1).value = `制表日期：${table.issuedOn}`;
  for (const column of [1, half + 1]) sheet.getCell(footer, column).font = { name: FONT, size: 11 };
  if (half > 1) sheet.mergeCells(footer, 1, footer, half);
  if (width > half + 1) sheet.mergeCells(footer, half + 1, footer, width);

  fitColumns(sheet, HEADER_ROW, { min: 6, max: 40 });
  sheet.views = [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 2 }];
  sheet.pageSetup = a4LandscapeSetup(
    HEADER_ROW,
    { left: 0.4, right: 0.4, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
    { horizontalCentered: true },
  );
  sheet.headerFooter = {
    oddFooter: `&L${pageText(`制表单位：${table.issuer}`)}&C第 &P 页，共 &N 页&R${pageText(`制表日期：${table.issuedOn}`)}`,
  };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
