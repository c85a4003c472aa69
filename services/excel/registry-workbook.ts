import ExcelJS from 'exceljs';
import type { OrgImportResult, RowError } from '../../schemas/org-import.schema.ts';
import type { Org } from '../../schemas/org.schema.ts';
import {
  columnLetter,
  isRegistryHeader,
  readRegistryTable,
  registrySheetKind,
  type PersonField,
  type RegistrySheet,
  type RosterField,
  type SheetKind,
} from '../registry/org-csv.ts';
import { planSheetImport, type OrgImportOptions, type OrgImportPlan } from '../registry/plan-org-import.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { cellText, type CellNote } from './cell-text.ts';
import { checkXlsxPackage, DEFAULT_XLSX_LIMITS, unreadableWorkbook, type XlsxLimits } from './xlsx-package.ts';

/** Columns read per row: a sheet formatted out to column XFD holds no registry column there. */
const MAX_COLUMNS = 256;
/** Rows searched for the header: title rows, notes and a blank row or two may come first. */
const HEADER_SCAN_ROWS = 30;

/** Columns where any text is a fine value, a date too; every other column holds a code or a number. */
const NAME_FIELDS: ReadonlySet<string> = new Set<RosterField | PersonField>([
  'branchName',
  'branchNameEn',
  'unitName',
  'unitNameEn',
  'crewName',
  'crewNameEn',
  'personName',
  'job',
]);

export interface GridRow {
  readonly row: number;
  readonly cells: readonly string[];
}

/** A worksheet as text, row by row, with notes on the cells that need one (see CellNote). */
export interface Grid {
  readonly name: string;
  readonly rows: readonly GridRow[];
  /** row -> column index (A = 0) -> note */
  readonly notes: ReadonlyMap<number, ReadonlyMap<number, CellNote>>;
}

export function readGrid(worksheet: ExcelJS.Worksheet): Grid {
  const rows: GridRow[] = [];
  const notes = new Map<number, Map<number, CellNote>>();
  worksheet.eachRow((row, rowNumber) => {
    const cells: string[] = [];
    const width = Math.min(row.cellCount, MAX_COLUMNS);
    for (let column = 1; column <= width; column++) {
      const cell = row.getCell(column);
      // A merged range shows its first cell's value in every cell it covers: a branch name merged
      // down the rows of its crews belongs to each of them.
      const read = cellText(cell.value, cell.numFmt);
      cells.push(read.text);
      if (read.note) {
        let byColumn = notes.get(rowNumber);
        if (!byColumn) notes.set(rowNumber, (byColumn = new Map<number, CellNote>()));
        byColumn.set(column - 1, read.note);
      }
    }
    rows.push({ row: rowNumber, cells });
  });
  return { name: worksheet.name, rows, notes };
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

/**
 * Two header rows as one: a group heading merged over the columns under it ("分公司" over "编号"
 * and "名称") joins each of them, a heading merged down both rows ("人数") is itself, and a title
 * merged over everything gives way to the row below.
 */
function joinHeaderRows(top: readonly string[], bottom: readonly string[]): string[] {
  const width = Math.max(top.length, bottom.length);
  return Array.from({ length: width }, (_, i) => {
    const t = (top[i] ?? '').trim();
    const b = (bottom[i] ?? '').trim();
    if (b === '' || t === b) return t;
    if (t === '') return b;
    return [`${t}${b}`, b, t].find(isRegistryHeader) ?? b;
  });
}

interface HeaderFound {
  readonly header: readonly string[];
  readonly headerRow: number;
  readonly kind: SheetKind | undefined;
}

/** The header of a registry sheet: the first row, or pair of rows, naming every column of a kind. */
function findHeader(grid: Grid): HeaderFound | undefined {
  const candidates: HeaderFound[] = [];
  const scanned = grid.rows.filter((r) => !isBlank(r.cells)).slice(0, HEADER_SCAN_ROWS);
  for (const [i, top] of scanned.entries()) {
    const single = { header: top.cells, headerRow: top.row, kind: registrySheetKind(top.cells) };
    if (single.kind) return single;
    candidates.push(single);
    const next = scanned[i + 1];
    if (next?.row === top.row + 1) {
      const header = joinHeaderRows(top.cells, next.cells);
      const joined = { header, headerRow: next.row, kind: registrySheetKind(header) };
      if (joined.kind) return joined;
      candidates.push(joined);
    }
  }
  // None fits: the one nearest to a registry header, for its errors to say what is missing.
  const known = (c: HeaderFound) => c.header.filter(isRegistryHeader).length;
  return candidates.reduce<HeaderFound | undefined>(
    (best, c) => (best && known(best) >= known(c) ? best : c),
    undefined,
  );
}

function noteMessage(note: CellNote, header: string): string {
  switch (note.kind) {
    case 'date':
      return `“${header}”不能是日期（此格是 ${note.text}）：Excel 可能把输入的内容自动转成了日期，请把此列设为“文本”格式后重新输入 / ${header} cannot be a date (this cell is ${note.text}): Excel may have turned what was typed into a date; format the column as Text and type it again`;
    case 'error':
      return `单元格是错误值 ${note.text}（公式出错），请修正后再上传 / the cell holds the error ${note.text} (a formula failed): fix it and upload again`;
    case 'no_result':
      return `公式 =${note.formula} 没有保存计算结果（文件不是由 Excel 或 WPS 保存的？）：请在 Excel 或 WPS 中打开并保存后再上传 / the formula =${note.formula} has no saved result (was the file saved by another program?): open and save it in Excel or WPS, then upload it`;
    case 'long_number':
      return `数字 ${note.text} 超过 15 位，Excel 只保存 15 位有效数字，末尾的数字已经丢失：请把此列设为“文本”格式后重新输入 / the number ${note.text} has more than 15 digits; Excel keeps 15, so its last digits are lost: format the column as Text and type it again`;
  }
}

/** Errors for the noted cells of the columns the sheet reads, in rows it reads. */
function noteErrors(grid: Grid, sheet: RegistrySheet, headerRow: number): RowError[] {
  const byLetter = new Map<string, { field: string; header: string }>();
  for (const [field, header] of sheet.columns as ReadonlyMap<string, string>) {
    const letter = sheet.letters.get(header);
    if (letter !== undefined) byLetter.set(letter, { field, header });
  }
  const errors: RowError[] = [];
  for (const { row, cells } of grid.rows) {
    const notes = grid.notes.get(row);
    if (row <= headerRow || !notes || isBlank(cells)) continue;
    for (const [index, note] of notes) {
      const letter = columnLetter(index);
      const column = byLetter.get(letter);
      if (!column || (note.kind === 'date' && NAME_FIELDS.has(column.field))) continue;
      errors.push({ row, column: column.header, cell: `${letter}${row}`, message: noteMessage(note, column.header) });
    }
  }
  return errors;
}

/** One worksheet read as a registry sheet. */
export interface WorkbookSheet {
  readonly name: string;
  readonly sheet: RegistrySheet;
}

function readSheet(grid: Grid, found: HeaderFound): RegistrySheet {
  const rows = grid.rows.filter((r) => r.row > found.headerRow);
  const sheet = readRegistryTable({ header: found.header, headerRow: found.headerRow, rows });
  const noted = noteErrors(grid, sheet, found.headerRow);
  if (noted.length === 0) return sheet;
  // The note says why a cell is wrong better than the check of its text ("2026-03-01" is no number).
  const at = new Set(noted.map((e) => `${e.row}\u0000${e.column}`));
  const errors = [...sheet.errors.filter((e) => !at.has(`${e.row}\u0000${e.column}`)), ...noted];
  return { ...sheet, errors: errors.sort((a, b) => a.row - b.row) };
}

function tooManyRows(name: string, limits: XlsxLimits): InvalidInputError {
  const max = limits.maxRows.toLocaleString('en-US');
  return new InvalidInputError(
    'workbook_too_large',
    `工作表“${name}”超过 ${max} 行，请拆分为几个文件分别导入 / sheet "${name}" has more than ${max} rows: split it into several files`,
    undefined,
    413,
  );
}

const KIND_NAMES: Readonly<Record<SheetKind, [zh: string, en: string]>> = {
  roster: ['组织架构表', 'roster sheet'],
  persons: ['人员名单', 'persons sheet'],
  targets: ['目标表', 'targets sheet'],
};

/** The order sheets are planned in: persons and targets name crews the roster may add. */
const KIND_ORDER = ['roster', 'persons', 'targets'] as const satisfies readonly SheetKind[];

/**
 * The registry sheets of an .xlsx workbook: its visible roster, persons (人员名单) and targets
 * sheets, one of each at most (roster first, so persons and targets may name crews it adds), each
 * found by its header below any title rows. A workbook with neither gets the errors of the sheet nearest to one.
 * Throws for a file that is no readable workbook, or is too large.
 */
export async function readRegistryWorkbook(
  bytes: Uint8Array,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<WorkbookSheet[]> {
  await checkXlsxPackage(bytes, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer (an ArrayBuffer) and takes node's.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (error) {
    throw unreadableWorkbook(error instanceof Error ? error.message : String(error));
  }
  const found = new Map<SheetKind, WorkbookSheet>();
  const hidden: string[] = [];
  /** Visible sheets whose header names some registry columns but not all a kind needs. */
  const partial: { grid: Grid; header: HeaderFound }[] = [];
  let nearest: { grid: Grid; header: HeaderFound } | undefined;
  for (const worksheet of workbook.worksheets) {
    if (worksheet.actualRowCount > limits.maxRows) throw tooManyRows(worksheet.name, limits);
    const grid = readGrid(worksheet);
    const header = findHeader(grid);
    if (!header) continue;
    const visible = worksheet.state === 'visible';
    if (!header.kind) {
      if (visible) nearest ??= { grid, header };
      if (visible && header.header.filter(isRegistryHeader).length >= 2) partial.push({ grid, header });
      continue;
    }
    // A hidden sheet is often an old copy or a lookup list: never read without the organiser seeing it.
    if (!visible) {
      hidden.push(worksheet.name);
      continue;
    }
    const earlier = found.get(header.kind);
    if (earlier) {
      const [zh, en] = KIND_NAMES[header.kind];
      throw new InvalidInputError(
        'workbook_ambiguous',
        `工作簿中有两张${zh}：“${earlier.name}”和“${worksheet.name}”。请合并为一张，或删去不用的一张 / the workbook has two ${en}s: "${earlier.name}" and "${worksheet.name}"; merge them or delete the one not meant`,
      );
    }
    found.set(header.kind, { name: worksheet.name, sheet: readSheet(grid, header) });
  }
  const sheets = KIND_ORDER.flatMap((kind) => found.get(kind) ?? []);
  if (sheets.length > 0) {
    // A targets sheet with a misspelt column would otherwise be left out without a word.
    return [...sheets, ...partial.map(({ grid, header }) => partialSheet(grid, header))];
  }
  if (hidden.length > 0) {
    const names = hidden.map((n) => `“${n}”`).join('、');
    throw new InvalidInputError(
      'workbook_hidden_sheet',
      `组织架构、人员或目标只在隐藏的工作表 ${names} 中：请在 Excel 中取消隐藏后再上传 / the registry rows are only on hidden sheets (${hidden.join(', ')}): unhide the sheet in Excel and upload again`,
    );
  }
  if (nearest) return [{ name: nearest.grid.name, sheet: readSheet(nearest.grid, nearest.header) }];
  throw new InvalidInputError(
    'workbook_empty',
    '工作簿中没有内容（可见的工作表都是空的）/ the workbook has no content: its visible sheets are empty',
  );
}

function partialSheet(grid: Grid, header: HeaderFound): WorkbookSheet {
  const sheet = readSheet(grid, header);
  const hint: RowError = {
    row: header.headerRow,
    column: null,
    message: '若此工作表不需要导入，请把它隐藏或删除 / if this sheet is not meant to be imported, hide or delete it',
  };
  return { name: grid.name, sheet: { ...sheet, errors: [...sheet.errors, hint] } };
}

export interface WorkbookImportPlan extends OrgImportPlan {
  sheets: NonNullable<OrgImportResult['sheets']>;
}

/**
 * What importing a workbook's sheets would do: each sheet planned as a CSV of it would be, in
 * order, against the registry the sheets before it make; errors name their sheet.
 */
export function planWorkbookImport(
  current: Org,
  sheets: readonly WorkbookSheet[],
  options: OrgImportOptions = {},
): WorkbookImportPlan {
  let draft = current;
  const errors: RowError[] = [];
  const plans = sheets.map(({ name, sheet }) => {
    const plan = planSheetImport(draft, sheet, options);
    draft = plan.draft;
    errors.push(...plan.errors.map((error) => ({ ...error, sheet: name })));
    return plan;
  });
  const of = (kind: SheetKind) => plans.find((p) => p.sheet === kind)?.counts;
  const zero = { created: 0, updated: 0, unchanged: 0 };
  const roster = of('roster');
  return {
    sheet: plans[0]?.sheet ?? 'roster',
    rows: plans.reduce((sum, p) => sum + p.rows, 0),
    errors,
    org: errors.length === 0 ? draft : null,
    counts: {
      branches: roster?.branches ?? zero,
      units: roster?.units ?? zero,
      crews: roster?.crews ?? zero,
      persons: of('persons')?.persons ?? zero,
      targets: of('targets')?.targets ?? zero,
    },
    changed: plans.some((p) => p.changed),
    sheets: plans.map((p, i) => ({ name: sheets[i]?.name ?? '', kind: p.sheet, rows: p.rows })),
  };
}
