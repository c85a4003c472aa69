import ExcelJS from 'exceljs';
import type { RowError } from '../../schemas/org-import.schema.ts';
import type { SheetDraft, SheetImportResult } from '../../schemas/sheet-import.schema.ts';
import { columnLetter } from '../registry/org-csv.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { normaliseText, numberOf, parseStandard } from './deduction-text.ts';
import { readGrid, type Grid } from './registry-workbook.ts';
import { checkXlsxPackage, DEFAULT_XLSX_LIMITS, unreadableWorkbook, type XlsxLimits } from './xlsx-package.ts';

/** The columns of a 考核细则 as unions lay it out, with the other names seen for each. */
const COLUMNS = {
  category: ['类别', '考核类别', '类目', '项目类别', '考核内容类别'],
  item: ['考核项目', '项目', '考核内容', '考核要点'],
  points: ['分值', '标准分', '分数', '满分'],
  standard: ['扣分标准', '考核标准', '评分标准', '扣分办法', '评分办法'],
} as const;
type Column = keyof typeof COLUMNS;
const HEADER_SCAN_ROWS = 30;

interface Header {
  readonly row: number;
  readonly index: Record<Column, number>;
  readonly names: Record<Column, string>;
}

function findHeader(grid: Grid): Header | undefined {
  for (const { row, cells } of grid.rows.slice(0, HEADER_SCAN_ROWS)) {
    const texts = cells.map((c) => normaliseText(c));
    const index = {} as Record<Column, number>;
    const names = {} as Record<Column, string>;
    for (const column of Object.keys(COLUMNS) as Column[]) {
      const at = texts.findIndex((t) => (COLUMNS[column] as readonly string[]).includes(t));
      if (at >= 0) {
        index[column] = at;
        names[column] = cells[at]?.trim() ?? '';
      }
    }
    if (index.item !== undefined && index.points !== undefined && index.standard !== undefined) {
      return { row, index, names };
    }
  }
  return undefined;
}

const name = (zh: string) => ({ zh, en: zh });

/** "一、组织领导（12分）" → 组织领导 and 12; "加分项（最多加4分）" → 加分项 and 4. */
export function categoryCell(text: string): { name: string; points: number | undefined } {
  const plain = text.trim().replace(/^[一二三四五六七八九十]+[、.．]\s*|^\d+[、.．]\s*/, '');
  const match = /[（(][^）)]*?(\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3})\s*分[^）)]*[）)]\s*$/.exec(plain);
  if (!match) return { name: plain, points: undefined };
  const points = numberOf(match[1] ?? '');
  return { name: plain.slice(0, match.index).trim(), points: Number.isFinite(points) ? points : undefined };
}

const isBonusCategory = (category: string) => /加分|鼓励|奖励/.test(category);
const isVetoCategory = (category: string) => /否决/.test(category);

/**
 * A 考核细则 from its rows: each row an item of the category named in 类别 (a merged or blank 类别
 * cell continues the one above). A category of 加分/鼓励 items is the bonus section, a row whose
 * standard is 一票否决 a veto item. Every row the reader cannot complete is a problem at its cell.
 */
export function readSheetGrid(grid: Grid): SheetImportResult {
  const header = findHeader(grid);
  if (!header) {
    throw new InvalidInputError(
      'sheet_columns_missing',
      `工作表“${grid.name}”中没有找到表头：需要“类别”“考核项目”“分值”“扣分标准”四列 / no header found in sheet "${grid.name}": the columns 类别, 考核项目, 分值 and 扣分标准 are needed`,
    );
  }
  const problems: RowError[] = [];
  const problem = (row: number, column: Column | null, zh: string, en: string) =>
    problems.push({
      row,
      column: column === null ? null : header.names[column],
      ...(column === null ? {} : { cell: `${columnLetter(header.index[column])}${row}` }),
      sheet: grid.name,
      message: `${zh} / ${en}`,
    });
  const categories: (SheetDraft['categories'][number] & { declared: number | undefined })[] = [];
  let bonus: { declared: number | undefined; items: NonNullable<SheetDraft['bonus']>['items'] } | undefined;
  const vetoItems: SheetDraft['vetoItems'] = [];
  let current = '';
  let rows = 0;
  const cell = (cells: readonly string[], column: Column) =>
    header.index[column] === undefined ? '' : (cells[header.index[column]] ?? '').trim();

  for (const { row, cells } of grid.rows) {
    if (row <= header.row || cells.every((c) => c.trim() === '')) continue;
    const categoryText = cell(cells, 'category');
    const itemName = cell(cells, 'item');
    const pointsText = cell(cells, 'points');
    const standard = cell(cells, 'standard');
    if (categoryText !== '') current = categoryText;
    // A total line ("合计 100") closes the table.
    if (/^(合计|总计|总分)/.test(normaliseText(categoryText || itemName))) break;
    if (itemName === '' && standard === '') continue;
    rows++;
    const category = categoryCell(current);
    const points = pointsText === '' ? NaN : numberOf(normaliseText(pointsText).replace(/分$/, ''));
    const parsed = parseStandard(standard, itemName);
    if (itemName === '') problem(row, 'item', '考核项目为空', 'the item has no name');
    const label = itemName || standard.slice(0, 30);

    if (parsed.kind === 'veto' || isVetoCategory(category.name)) {
      vetoItems.push({ id: `veto-${vetoItems.length + 1}`, name: name(label), row });
      continue;
    }
    const maxPoints = Number.isFinite(points) && points > 0 ? points : null;
    if (maxPoints === null) {
      problem(row, 'points', `分值“${pointsText}”不是正数`, `the points "${pointsText}" are not a positive number`);
    }
    if (isBonusCategory(category.name)) {
      bonus ??= { declared: category.points, items: [] };
      if (parsed.kind !== 'bonus') {
        problem(row, 'standard', '鼓励项的加分标准读不出（应写“每项加N分”）', 'a bonus row should read "每项加N分"');
      }
      bonus.items.push({
        id: `bonus-${bonus.items.length + 1}`,
        name: name(label),
        maxPoints,
        pointsEach: parsed.kind === 'bonus' ? parsed.pointsEach : 0,
        row,
      });
      continue;
    }
    if (category.name === '') problem(row, 'category', '类别为空', 'the category is blank');
    let target = categories.find((c) => c.name.zh === category.name);
    if (!target) {
      target = {
        id: `category-${categories.length + 1}`,
        name: name(category.name),
        maxPoints: 0,
        declared: category.points,
        items: [],
      };
      categories.push(target);
    }
    if (parsed.kind === 'unclear') problem(row, 'standard', parsed.zh, parsed.en);
    else if (parsed.kind === 'bonus') {
      problem(row, 'standard', '扣分类别中出现加分标准', 'a bonus standard in a deduction category');
    }
    target.items.push({
      id: `item-${categories.indexOf(target) + 1}-${target.items.length + 1}`,
      name: name(label),
      maxPoints,
      deduction: parsed.kind === 'deduction' ? parsed.deduction : null,
      ...(parsed.kind === 'deduction' && parsed.counts ? { counts: parsed.counts } : {}),
      row,
    });
  }
  const sum = (values: (number | null)[]) => values.reduce<number>((acc, v) => acc + (v ?? 0), 0);
  return {
    worksheet: grid.name,
    rows,
    sheet: {
      categories: categories.map(({ declared, ...c }) => ({
        ...c,
        maxPoints: declared ?? sum(c.items.map((i) => i.maxPoints)),
      })),
      bonus: bonus ? { cap: bonus.declared ?? sum(bonus.items.map((i) => i.maxPoints)), items: bonus.items } : null,
      vetoItems,
    },
    problems,
  };
}

/** The first visible worksheet with a 考核细则 header, read as a draft sheet. */
export async function readAssessmentSheetWorkbook(
  bytes: Uint8Array,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<SheetImportResult> {
  await checkXlsxPackage(bytes, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (error) {
    throw unreadableWorkbook(error instanceof Error ? error.message : String(error));
  }
  const visible = workbook.worksheets.filter((w) => w.state === 'visible');
  for (const worksheet of visible) {
    if (worksheet.actualRowCount > limits.maxRows) {
      throw new InvalidInputError(
        'workbook_too_large',
        `工作表“${worksheet.name}”超过 ${limits.maxRows} 行，不像是考核细则 / sheet "${worksheet.name}" has more than ${limits.maxRows} rows: not an assessment sheet`,
        undefined,
        413,
      );
    }
    const grid = readGrid(worksheet);
    if (findHeader(grid)) return readSheetGrid(grid);
  }
  const first = visible[0];
  if (!first) {
    throw new InvalidInputError('workbook_empty', '工作簿中没有可见的工作表 / the workbook has no visible sheet');
  }
  return readSheetGrid(readGrid(first));
}
