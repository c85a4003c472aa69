import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { ID_PATTERN } from '../../schemas/common.schema.ts';
import type { MetricKey } from '../../schemas/metric-key.schema.ts';
import type { RowError } from '../../schemas/org-import.schema.ts';
import { Branch, Crew, CrewTarget, Person, Unit, type UnitType } from '../../schemas/org.schema.ts';

/**
 * Registry sheets as organisers keep them in Excel and export them as CSV: reading the text into
 * rows of registry items. Every field is checked by the API's own zod schemas; this module only
 * finds the columns, normalises what spreadsheets do to cells, and words zod's issues for people.
 */

export type SheetKind = 'roster' | 'persons' | 'targets';

interface ColumnSpec<F extends string = string> {
  readonly field: F;
  /** The header of the template, and the name errors use. */
  readonly zh: string;
  readonly en: string;
  /** Other headers real sheets carry for the same column (see the tables below). */
  readonly aliases: readonly string[];
  readonly required: boolean;
  /** What to write instead, for a value the column does not know. */
  readonly hint?: { readonly zh: string; readonly en: string };
}

const UNIT_TYPE_HINT = {
  zh: '可用 加油站、矿（煤矿、矿井）、车间、区队、油库、其他，或 station、mine、workshop、district、depot、other',
  en: 'use station, mine, workshop, district, depot, other or 加油站, 矿, 车间, 区队, 油库, 其他',
};

const METRIC_HINT = {
  zh: '可用指标键（如 sales.volume_litres、metric.<名称>），或 销量(升)、销量(吨)、销售额(元)',
  en: 'use a metric key (e.g. sales.volume_litres, metric.<name>) or 销量(升), 销量(吨), 销售额(元)',
};

/**
 * Roster (组织架构): one row per crew, repeating its unit and branch.
 * Aliases: "分公司", "单位", "班组" for the names because many sheets head the name column with the
 * bare noun; "类型" for 单位类型; "班组人数" for 人数; "…编码" for "…编号" (both words are used for codes).
 */
const ROSTER_COLUMNS = [
  { field: 'branchId', zh: '分公司编号', en: 'branch_id', aliases: ['分公司编码'], required: true },
  { field: 'branchName', zh: '分公司名称', en: 'branch_name', aliases: ['分公司'], required: true },
  { field: 'branchNameEn', zh: '分公司英文名', en: 'branch_name_en', aliases: [], required: false },
  { field: 'unitId', zh: '单位编号', en: 'unit_id', aliases: ['单位编码'], required: true },
  { field: 'unitName', zh: '单位名称', en: 'unit_name', aliases: ['单位'], required: true },
  { field: 'unitNameEn', zh: '单位英文名', en: 'unit_name_en', aliases: [], required: false },
  { field: 'unitType', zh: '单位类型', en: 'unit_type', aliases: ['类型'], required: true, hint: UNIT_TYPE_HINT },
  { field: 'crewId', zh: '班组编号', en: 'crew_id', aliases: ['班组编码'], required: true },
  { field: 'crewName', zh: '班组名称', en: 'crew_name', aliases: ['班组'], required: true },
  { field: 'crewNameEn', zh: '班组英文名', en: 'crew_name_en', aliases: [], required: false },
  { field: 'headcount', zh: '人数', en: 'headcount', aliases: ['班组人数'], required: true },
] as const satisfies readonly ColumnSpec[];

/** Targets (目标): one row per crew target. Aliases: the bare "竞赛" and "目标", "…编码", and "value" as the API calls it. */
const TARGET_COLUMNS = [
  { field: 'competitionId', zh: '竞赛编号', en: 'competition_id', aliases: ['竞赛', '竞赛编码'], required: true },
  { field: 'crewId', zh: '班组编号', en: 'crew_id', aliases: ['班组编码'], required: true },
  { field: 'metric', zh: '指标', en: 'metric', aliases: [], required: true, hint: METRIC_HINT },
  { field: 'value', zh: '目标值', en: 'target', aliases: ['目标', 'value'], required: true },
] as const satisfies readonly ColumnSpec[];

/**
 * Persons (人员名单): one row per person. Union rosters head the person's code 人员编号, 员工编号 or
 * 工号: a sheet with a 人员编号 (or 员工编号) column and a 工号 column keeps both (the id events
 * carry, and the number HR knows); a sheet with only 工号 uses it as the id. The crew column says
 * 所在班组编号 or just 班组编号; "岗位" is also headed 工种.
 */
const PERSON_COLUMNS = [
  {
    field: 'personId',
    zh: '人员编号',
    en: 'person_id',
    aliases: ['人员编码', '员工编号', '员工编码'],
    required: true,
  },
  // Not the bare English "name": too many sheets have one to call them persons sheets.
  { field: 'personName', zh: '姓名', en: 'person_name', aliases: ['人员姓名', '员工姓名'], required: true },
  {
    field: 'crewId',
    zh: '所在班组编号',
    en: 'crew_id',
    aliases: ['班组编号', '班组编码', '所在班组编码'],
    required: true,
  },
  { field: 'job', zh: '岗位', en: 'job', aliases: ['工种', '岗位名称'], required: false },
  { field: 'employeeNumber', zh: '工号', en: 'employee_number', aliases: [], required: false },
] as const satisfies readonly ColumnSpec[];

export type RosterField = (typeof ROSTER_COLUMNS)[number]['field'];
export type TargetField = (typeof TARGET_COLUMNS)[number]['field'];
export type PersonField = (typeof PERSON_COLUMNS)[number]['field'];

const SHEET_NAMES = {
  roster: { zh: '组织架构表', en: 'a roster' },
  persons: { zh: '人员名单', en: 'a persons sheet' },
  targets: { zh: '目标表', en: 'a targets sheet' },
} as const;

/** Chinese names organisers write for unit types; the schema's own keys are accepted as they are. */
const UNIT_TYPE_NAMES = new Map<string, UnitType>([
  ['加油站', 'station'],
  ['矿', 'mine'],
  ['煤矿', 'mine'],
  ['矿井', 'mine'],
  ['车间', 'workshop'],
  ['区队', 'district'],
  ['油库', 'depot'],
  ['其他', 'other'],
  ['其它', 'other'],
]);

/** The name a sheet this product writes gives each unit type: one the reader above takes back. */
export const UNIT_TYPE_ZH: Readonly<Record<UnitType, string>> = {
  station: '加油站',
  mine: '矿',
  workshop: '车间',
  district: '区队',
  depot: '油库',
  other: '其他',
};

/** Chinese names of the builtin metrics targets are usually set for; other metrics go by their key. */
const METRIC_NAMES = new Map<string, MetricKey>([
  ['销量(升)', 'sales.volume_litres'],
  ['销售量(升)', 'sales.volume_litres'],
  ['销量(吨)', 'sales.volume_tonnes'],
  ['销售额(元)', 'sales.amount_cny'],
]);

/** The name a sheet this product writes gives a metric: the builtin ones by their Chinese name, others by key. */
export function metricName(metric: string): string {
  for (const [name, key] of METRIC_NAMES) if (key === metric) return name;
  return metric;
}

export interface RosterRow {
  /** The row as the spreadsheet numbers it (header = row 1). */
  readonly row: number;
  /** null when the row's cells for it failed validation; the sheet's errors say why. */
  readonly branch: Branch | null;
  readonly unit: Unit | null;
  readonly crew: Crew | null;
}

export interface TargetRow {
  readonly row: number;
  readonly target: CrewTarget | null;
}

export interface PersonRow {
  readonly row: number;
  readonly person: Person | null;
}

interface SheetOf<K extends SheetKind, F extends string, R> {
  readonly kind: K;
  /** The columns found: field -> the header as written in the file. */
  readonly columns: ReadonlyMap<F, string>;
  /** Every non-blank data row, in file order. */
  readonly rows: readonly R[];
  readonly errors: readonly RowError[];
  /** The header of each column found -> its letter (A, B, …), for errors that name a cell. */
  readonly letters: ReadonlyMap<string, string>;
}

export type RegistrySheet =
  | SheetOf<'roster', RosterField, RosterRow>
  | SheetOf<'persons', PersonField, PersonRow>
  | SheetOf<'targets', TargetField, TargetRow>;

interface Column {
  readonly index: number;
  readonly header: string;
}

/** Headers match whatever their case, width or separators: "Branch ID", "branch_id" and "branchId" are one. */
function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** Codes (ids, unit types, metrics, numbers) typed with a Chinese IME come out full-width: "Ｃ１", "１２". */
function codeFromCell(cell: string): string {
  return cell.normalize('NFKC').trim();
}

export function unitTypeFromCell(cell: string): string {
  const text = codeFromCell(cell);
  return UNIT_TYPE_NAMES.get(text) ?? text.toLowerCase();
}

export function metricFromCell(cell: string): string {
  const text = codeFromCell(cell).replace(/\s+/g, '');
  return METRIC_NAMES.get(text) ?? text.toLowerCase();
}

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/**
 * A number as Excel writes it into CSV: "1,234" (thousands separators of a number format),
 * "12.0", full-width "１２". Anything else comes back as written, for the schema to refuse by name;
 * undefined for a blank cell.
 */
export function numberFromCell(cell: string): number | string | undefined {
  const text = codeFromCell(cell);
  if (text === '') return undefined;
  // Only well-placed separators: "1,2" is more likely a typo than twelve.
  const plain = GROUPED_NUMBER.test(text) ? text.replaceAll(',', '') : text;
  return PLAIN_NUMBER.test(plain) ? Number(plain) : text;
}

function isBlank(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

/** Spreadsheet column letters (A, B, …, AA) so a message points where the organiser looks. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** Excel's "Unicode text" is tab-separated; its CSV types use commas. Headers contain neither. */
function delimiterOf(text: string): string {
  const firstLine = /[^\r\n]*\S[^\r\n]*/.exec(text)?.[0] ?? ''; // the first that is not blank
  return firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
}

/**
 * The file's records, blank ones included: a record's index + 1 is its row in a spreadsheet.
 * Records, not text lines, because a quoted cell may hold line breaks and a spreadsheet still shows
 * one row (csv-parse's info.lines counts text lines, and counts a CRLF inside quotes as two).
 */
function readRecords(text: string): { records: string[][]; error: RowError | null } {
  let error: RowError | null = null;
  const records = parse(text, {
    bom: true,
    delimiter: delimiterOf(text),
    // Hand-edited files and some exports leave rows shorter or longer than the header.
    relax_column_count: true,
    // A quote inside an unquoted cell (西湖"甲"班) is a character, not a mistake.
    relax_quotes: true,
    // Only an unclosed quote or an overlong record remain; both end the parse. Keeping the records
    // before it lets their errors be reported too.
    skip_records_with_error: true,
    on_skip: (err) => {
      const records = err?.['records'];
      const row = typeof records === 'number' ? records + 1 : 1;
      error =
        err?.code === 'CSV_QUOTE_NOT_CLOSED'
          ? {
              row,
              column: null,
              message:
                '此行的引号没有闭合，此行及以后的内容无法读取 / a quote opened on this row is never closed, so this row and the rest of the file cannot be read',
            }
          : {
              row,
              column: null,
              message: `此行及以后的内容无法读取 / this row and the rest of the file cannot be read: ${err?.message ?? 'unknown CSV error'}`,
            };
      return undefined;
    },
  });
  return { records, error };
}

function matchColumns<F extends string>(
  headers: readonly string[],
  specs: readonly ColumnSpec<F>[],
  row: number,
): { columns: Map<F, Column>; errors: RowError[]; missing: ColumnSpec<F>[] } {
  const byKey = new Map<string, ColumnSpec<F>>();
  for (const spec of specs) for (const name of [spec.zh, spec.en, ...spec.aliases]) byKey.set(headerKey(name), spec);
  const columns = new Map<F, Column>();
  const errors: RowError[] = [];
  headers.forEach((cell, index) => {
    const header = cell.trim();
    // Blank headers are the empty columns Excel leaves after the last one; unknown ones are the
    // organiser's own (备注, a name kept for reading) and not the registry's.
    const spec = header === '' ? undefined : byKey.get(headerKey(header));
    if (!spec) return;
    const earlier = columns.get(spec.field);
    if (earlier) {
      errors.push({
        row,
        column: header,
        cell: `${columnLetter(index)}${row}`,
        message: `与 ${columnLetter(earlier.index)} 列“${earlier.header}”重复，只能有一列${spec.zh} / repeats column ${columnLetter(earlier.index)} "${earlier.header}": keep one ${spec.en} column`,
      });
      return;
    }
    columns.set(spec.field, { index, header });
  });
  return { columns, errors, missing: specs.filter((s) => s.required && !columns.has(s.field)) };
}

function share(missing: readonly unknown[], specs: readonly ColumnSpec[]): number {
  const required = specs.filter((s) => s.required).length;
  return (required - missing.length) / required;
}

function requiredList(specs: readonly ColumnSpec[]): { zh: string; en: string } {
  const required = specs.filter((s) => s.required);
  return { zh: required.map((s) => s.zh).join('、'), en: required.map((s) => s.en).join(', ') };
}

function headerErrors(kind: SheetKind, missing: readonly ColumnSpec[], row: number): RowError {
  const sheet = SHEET_NAMES[kind];
  return {
    row,
    column: null,
    message: `${sheet.zh}缺少列：${missing.map((s) => s.zh).join('、')} / ${sheet.en} needs the columns ${missing.map((s) => `${s.en} (${s.zh})`).join(', ')}`,
  };
}

function unrecognisedHeader(headers: readonly string[], row: number): RowError {
  const roster = requiredList(ROSTER_COLUMNS);
  const persons = requiredList(PERSON_COLUMNS);
  const targets = requiredList(TARGET_COLUMNS);
  const read = headers
    .map((h) => h.trim())
    .filter((h) => h !== '')
    .slice(0, 12)
    .join(', ');
  return {
    row,
    column: null,
    message:
      `无法识别表头（读到：${read}）。组织架构表需要列 ${roster.zh}；人员名单需要列 ${persons.zh}；目标表需要列 ${targets.zh}。表头若是乱码，请在 Excel 中另存为“CSV UTF-8” / ` +
      `header not recognised (read: ${read}): a roster needs ${roster.en}; a persons sheet needs ${persons.en}; a targets sheet needs ${targets.en}. If it looks garbled, save the file as "CSV UTF-8" in Excel`,
  };
}

type Issue = z.core.$ZodIssue;

/** zod's issue in the organiser's words, Chinese first; the rule itself stays in the schema. */
function issueMessage(issue: Issue, spec: ColumnSpec, cell: string): string {
  const en = spec.en;
  if (cell === '') return `不能为空 / ${en} is required`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int'
        ? `必须是整数，而不是“${cell}” / ${en} must be a whole number, not "${cell}"`
        : `必须是数字，而不是“${cell}” / ${en} must be a number, not "${cell}"`;
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin !== 'number') return `太短 / ${en}: ${issue.message}`;
      return issue.inclusive
        ? `不能小于 ${min} / ${en} must be at least ${min}`
        : `必须大于 ${min} / ${en} must be greater than ${min}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      return issue.origin === 'string'
        ? `不能超过 ${max} 个字符 / ${en} must be at most ${max} characters`
        : `不能大于 ${max} / ${en} must be at most ${max}`;
    }
    case 'invalid_format':
      // Names say themselves what is wrong with them (schemas/common.schema.ts), in both languages.
      if (issue.format !== 'regex' || issue.pattern !== String(ID_PATTERN)) return issue.message;
      return `“${cell}”格式不对：只能用字母、数字和 . _ : -，并以字母或数字开头 / ${en} "${cell}": ${issue.message}`;
    case 'invalid_value':
    case 'custom':
      return spec.hint
        ? `无法识别“${cell}”，${spec.hint.zh} / unknown ${en} "${cell}": ${spec.hint.en}`
        : `无效的值“${cell}” / ${en}: ${issue.message}`;
    default:
      return `无效的值“${cell}” / ${en}: ${issue.message}`;
  }
}

/** One data row's cells, and validation of the items they describe with the API's schemas. */
function rowReader<F extends string>(
  record: readonly string[],
  row: number,
  columns: ReadonlyMap<F, Column>,
  specs: readonly ColumnSpec<F>[],
) {
  const errors = new Map<F | null, RowError>();
  /** undefined when the sheet has no such column. */
  const cell = (field: F): string | undefined => {
    const column = columns.get(field);
    return column === undefined ? undefined : (record[column.index] ?? '').trim();
  };
  return {
    text: (field: F): string => cell(field) ?? '',
    code: (field: F): string => codeFromCell(cell(field) ?? ''),
    /** An optional text: left out when the column is absent or the cell blank. */
    optional: (field: F): string | undefined => cell(field) || undefined,
    /** The schema's output, or null after recording one error per column (the first issue). */
    validate<T>(schema: z.ZodType<T>, input: Record<string, unknown>, fieldOf: Readonly<Record<string, F>>): T | null {
      const result = schema.safeParse(input);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        const key = issue.path[0];
        const field = typeof key === 'string' ? fieldOf[key] : undefined;
        const spec = specs.find((s) => s.field === field);
        if (field === undefined || spec === undefined) {
          // Not a column's issue (the schemas have none such today): report it rather than lose it.
          errors.set(null, { row, column: null, message: `无效的行 / invalid row: ${issue.message}` });
          continue;
        }
        if (errors.has(field)) continue;
        errors.set(field, {
          row,
          column: columns.get(field)?.header ?? null,
          message: issueMessage(issue, spec, cell(field) ?? ''),
        });
      }
      return null;
    },
    errors: (): RowError[] => [...errors.values()],
  };
}

function rosterRow(reader: ReturnType<typeof rowReader<RosterField>>, row: number): RosterRow {
  const nameEn = (field: RosterField) => {
    const text = reader.optional(field);
    return text === undefined ? {} : { nameEn: text };
  };
  const branch = reader.validate(
    Branch,
    { id: reader.code('branchId'), name: reader.text('branchName'), ...nameEn('branchNameEn') },
    { id: 'branchId', name: 'branchName', nameEn: 'branchNameEn' },
  );
  const unit = reader.validate(
    Unit,
    {
      id: reader.code('unitId'),
      branchId: reader.code('branchId'),
      name: reader.text('unitName'),
      ...nameEn('unitNameEn'),
      type: unitTypeFromCell(reader.text('unitType')),
    },
    { id: 'unitId', branchId: 'branchId', name: 'unitName', nameEn: 'unitNameEn', type: 'unitType' },
  );
  const crew = reader.validate(
    Crew,
    {
      id: reader.code('crewId'),
      unitId: reader.code('unitId'),
      name: reader.text('crewName'),
      ...nameEn('crewNameEn'),
      headcount: numberFromCell(reader.text('headcount')),
    },
    { id: 'crewId', unitId: 'unitId', name: 'crewName', nameEn: 'crewNameEn', headcount: 'headcount' },
  );
  return { row, branch, unit, crew };
}

function targetRow(reader: ReturnType<typeof rowReader<TargetField>>, row: number): TargetRow {
  const target = reader.validate(
    CrewTarget,
    {
      competitionId: reader.code('competitionId'),
      crewId: reader.code('crewId'),
      metric: metricFromCell(reader.text('metric')),
      value: numberFromCell(reader.text('value')),
    },
    { competitionId: 'competitionId', crewId: 'crewId', metric: 'metric', value: 'value' },
  );
  return { row, target };
}

function personRow(reader: ReturnType<typeof rowReader<PersonField>>, row: number): PersonRow {
  const optional = (key: 'job' | 'employeeNumber', text: string | undefined) =>
    text === undefined ? {} : { [key]: text };
  const employeeNumber = reader.optional('employeeNumber');
  const person = reader.validate(
    Person,
    {
      id: reader.code('personId'),
      crewId: reader.code('crewId'),
      name: reader.text('personName'),
      ...optional('job', reader.optional('job')),
      // A number typed with a Chinese IME comes out full-width, as codes do.
      ...optional('employeeNumber', employeeNumber === undefined ? undefined : codeFromCell(employeeNumber)),
    },
    { id: 'personId', crewId: 'crewId', name: 'personName', job: 'job', employeeNumber: 'employeeNumber' },
  );
  return { row, person };
}

/**
 * A sheet's rows as a spreadsheet numbers them, with its header found: the CSV reader takes the
 * first non-blank record; the workbook reader (services/excel) skips title rows and joins two
 * header rows.
 */
export interface SheetTable {
  /** The header's cells, one per column (A first). */
  readonly header: readonly string[];
  /** The row errors name for the header (its last row when it has two). */
  readonly headerRow: number;
  /** Data rows after the header, blank ones included or not, each with its own row number. */
  readonly rows: readonly { readonly row: number; readonly cells: readonly string[] }[];
}

function readRows<F extends string, R>(
  table: SheetTable,
  columns: ReadonlyMap<F, Column>,
  specs: readonly ColumnSpec<F>[],
  toRow: (reader: ReturnType<typeof rowReader<F>>, row: number) => R,
): { rows: R[]; errors: RowError[] } {
  const rows: R[] = [];
  const errors: RowError[] = [];
  for (const { row, cells } of table.rows) {
    // Blank rows are skipped (Excel leaves them) but keep their place in the numbering.
    if (isBlank(cells)) continue;
    const reader = rowReader(cells, row, columns, specs);
    rows.push(toRow(reader, row));
    errors.push(...reader.errors());
  }
  return { rows, errors };
}

function headersOf<F extends string>(columns: ReadonlyMap<F, Column>): Map<F, string> {
  return new Map([...columns].map(([field, column]) => [field, column.header]));
}

function lettersOf(columns: ReadonlyMap<string, Column>): Map<string, string> {
  return new Map([...columns.values()].map((column) => [column.header, columnLetter(column.index)]));
}

const KNOWN_HEADERS = new Set(
  [...ROSTER_COLUMNS, ...PERSON_COLUMNS, ...TARGET_COLUMNS].flatMap((spec) =>
    [spec.zh, spec.en, ...spec.aliases].map(headerKey),
  ),
);

/** Whether a header cell names a registry column (in any of its spellings). */
export function isRegistryHeader(cell: string): boolean {
  return KNOWN_HEADERS.has(headerKey(cell.trim()));
}

/** The kind of sheet a header row makes, when it has every column that kind needs. */
export function registrySheetKind(header: readonly string[]): SheetKind | undefined {
  if (matchColumns(header, ROSTER_COLUMNS, 0).missing.length === 0) return 'roster';
  if (matchPersonColumns(header, 0).missing.length === 0) return 'persons';
  if (matchColumns(header, TARGET_COLUMNS, 0).missing.length === 0) return 'targets';
  return undefined;
}

/** A persons sheet's columns: a sheet that keys its persons by 工号 alone has it as the id. */
function matchPersonColumns(headers: readonly string[], row: number): ReturnType<typeof matchColumns<PersonField>> {
  const match = matchColumns(headers, PERSON_COLUMNS, row);
  const number = match.columns.get('employeeNumber');
  if (match.columns.has('personId') || number === undefined) return match;
  const columns = new Map(match.columns);
  columns.delete('employeeNumber');
  columns.set('personId', number);
  return { ...match, columns, missing: match.missing.filter((spec) => spec.field !== 'personId') };
}

/** A sheet of a kind whose columns are all there: its rows read and checked. */
function sheetOf<K extends SheetKind, F extends string, R>(
  kind: K,
  table: SheetTable,
  match: ReturnType<typeof matchColumns<F>>,
  specs: readonly ColumnSpec<F>[],
  toRow: (reader: ReturnType<typeof rowReader<F>>, row: number) => R,
): SheetOf<K, F, R> {
  const read = readRows(table, match.columns, specs, toRow);
  return {
    kind,
    columns: headersOf(match.columns),
    rows: read.rows,
    errors: [...match.errors, ...read.errors],
    letters: lettersOf(match.columns),
  };
}

/**
 * Reads a registry sheet whose header is known: which kind it is (by the header), and each data
 * row's items validated with the API's schemas. Errors are all of them, each with its row and
 * column header.
 */
export function readRegistryTable(table: SheetTable): RegistrySheet {
  const { header, headerRow } = table;
  const roster = matchColumns(header, ROSTER_COLUMNS, headerRow);
  const persons = matchPersonColumns(header, headerRow);
  const targets = matchColumns(header, TARGET_COLUMNS, headerRow);

  if (roster.missing.length === 0) return sheetOf('roster', table, roster, ROSTER_COLUMNS, rosterRow);
  if (persons.missing.length === 0) return sheetOf('persons', table, persons, PERSON_COLUMNS, personRow);
  if (targets.missing.length === 0) return sheetOf('targets', table, targets, TARGET_COLUMNS, targetRow);
  // None: the rows cannot be read, so the header is the one thing to fix.
  const kinds = [
    { kind: 'roster' as const, match: roster, share: share(roster.missing, ROSTER_COLUMNS) },
    { kind: 'persons' as const, match: persons, share: share(persons.missing, PERSON_COLUMNS) },
    { kind: 'targets' as const, match: targets, share: share(targets.missing, TARGET_COLUMNS) },
  ];
  // The nearest kind: the most columns found (班组编号 and 班组名称 make a roster, though 班组编号 is
  // a third of a persons sheet), then the larger share of what it needs.
  const nearer = (a: (typeof kinds)[number], b: (typeof kinds)[number]) =>
    b.match.columns.size > a.match.columns.size || (b.match.columns.size === a.match.columns.size && b.share > a.share);
  const nearest = kinds.reduce((best, k) => (nearer(best, k) ? k : best));
  if (nearest.share === 0) {
    return {
      kind: 'roster',
      columns: new Map(),
      rows: [],
      errors: [unrecognisedHeader(header, headerRow)],
      letters: new Map(),
    };
  }
  return {
    kind: nearest.kind,
    columns: new Map(),
    rows: [],
    errors: [...nearest.match.errors, headerErrors(nearest.kind, nearest.match.missing, headerRow)],
    letters: new Map(),
  };
}

/** Reads a registry sheet saved as CSV (or tab-separated "Unicode text"); see readRegistryTable. */
export function readRegistrySheet(text: string): RegistrySheet {
  const { records, error } = readRecords(text);
  const trailing = error ? [error] : [];
  const headerIndex = records.findIndex((record) => !isBlank(record));
  const header = records[headerIndex];
  if (header === undefined) {
    return {
      kind: 'roster',
      columns: new Map(),
      rows: [],
      errors: trailing.length > 0 ? trailing : [{ row: 1, column: null, message: '文件是空的 / the file is empty' }],
      letters: new Map(),
    };
  }
  const rows = records.slice(headerIndex + 1).map((cells, i) => ({ row: headerIndex + 2 + i, cells }));
  const sheet = readRegistryTable({ header, headerRow: headerIndex + 1, rows });
  // A file cut short by a broken quote: its rows are still read when the header was (only then).
  return sheet.columns.size > 0 ? { ...sheet, errors: [...sheet.errors, ...trailing] } : sheet;
}
