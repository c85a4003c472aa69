import ExcelJS from 'exceljs';
import type { Org } from '../../schemas/org.schema.ts';
import { metricName, UNIT_TYPE_ZH } from '../registry/org-csv.ts';
import {
  BORDER,
  FONT,
  TEXT_FORMAT,
  WHOLE_FORMAT,
  fitColumns,
  headerRow,
  titleRow,
  a4LandscapeSetup,
} from './sheet-format.ts';

/** The roster's columns as the importer reads them (services/registry/org-csv.ts), in template order. */
const ROSTER_HEADERS = [
  '分公司编号',
  '分公司名称',
  '分公司英文名',
  '单位编号',
  '单位名称',
  '单位英文名',
  '单位类型',
  '班组编号',
  '班组名称',
  '班组英文名',
  '人数',
] as const;
const TARGET_HEADERS = ['竞赛编号', '班组编号', '指标', '目标值'] as const;
/** The persons sheet's columns (人员名单): every one a text, 工号 "00123" keeping its zeros. */
const PERSON_HEADERS = ['人员编号', '姓名', '所在班组编号', '岗位', '工号'] as const;

export const ROSTER_SHEET = '组织架构';
export const PERSONS_SHEET = '人员';
export const TARGETS_SHEET = '目标';

type Cell = string | number;

function table(
  sheet: ExcelJS.Worksheet,
  title: string,
  headers: readonly string[],
  rows: readonly Cell[][],
  /** Column index -> number format, for the columns of numbers; the others hold text. */
  numberColumns: ReadonlyMap<number, string>,
): void {
  titleRow(sheet, 1, headers.length, title, 14);
  headerRow(sheet, 2, headers);
  rows.forEach((values, i) => {
    const row = sheet.getRow(3 + i);
    values.forEach((value, c) => {
      const cell = row.getCell(c + 1);
      // Every text a string cell, never a formula: "=1+1" as a name stays those four characters.
      cell.value = value;
      cell.font = { name: FONT, size: 11 };
      cell.border = BORDER;
      cell.numFmt = numberColumns.get(c) ?? TEXT_FORMAT;
    });
  });
  // Typed into below the last row, a code stays text too.
  headers.forEach((_, c) => {
    if (!numberColumns.has(c)) sheet.getColumn(c + 1).numFmt = TEXT_FORMAT;
  });
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: headers.length } };
  fitColumns(sheet, 2, { min: 8, max: 40 });
  sheet.pageSetup = a4LandscapeSetup(2, { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 });
}

/**
 * The registry as a workbook the import reads back as it is: a roster sheet, one row per crew with
 * its unit and branch, a persons sheet (one row per person), and a targets sheet; a title row above
 * each header (the importer finds the header below it). Every sheet is written even when empty, so
 * the download is also the template to fill in. Units and branches without a crew have no row:
 * importing never deletes, so a round trip keeps them.
 */
export async function registryWorkbook(org: Org, meta: { version: number; exportedOn: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = org.groupName;
  const branches = new Map(org.branches.map((b) => [b.id, b]));
  const units = new Map(org.units.map((u) => [u.id, u]));
  const roster: Cell[][] = [];
  for (const crew of org.crews) {
    const unit = units.get(crew.unitId);
    const branch = unit ? branches.get(unit.branchId) : undefined;
    if (!unit || !branch) continue; // the Org schema guarantees both
    roster.push([
      branch.id,
      branch.name,
      branch.nameEn ?? '',
      unit.id,
      unit.name,
      unit.nameEn ?? '',
      UNIT_TYPE_ZH[unit.type],
      crew.id,
      crew.name,
      crew.nameEn ?? '',
      crew.headcount,
    ]);
  }
  table(
    workbook.addWorksheet(ROSTER_SHEET),
    `${org.groupName} 组织架构（第 ${meta.version} 版，${meta.exportedOn} 导出）`,
    ROSTER_HEADERS,
    roster,
    new Map([[ROSTER_HEADERS.indexOf('人数'), WHOLE_FORMAT]]),
  );
  table(
    workbook.addWorksheet(PERSONS_SHEET),
    `${org.groupName} 人员名单（第 ${meta.version} 版，${meta.exportedOn} 导出）`,
    PERSON_HEADERS,
    org.persons.map((p) => [p.id, p.name, p.crewId, p.job ?? '', p.employeeNumber ?? '']),
    new Map(),
  );
  table(
    workbook.addWorksheet(TARGETS_SHEET),
    `${org.groupName} 班组目标（第 ${meta.version} 版，${meta.exportedOn} 导出）`,
    TARGET_HEADERS,
    org.targets.map((t) => [t.competitionId, t.crewId, metricName(t.metric), t.value]),
    // Targets may have decimals: shown as they are.
    new Map([[TARGET_HEADERS.indexOf('目标值'), 'General']]),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
