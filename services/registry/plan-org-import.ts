import type { z } from 'zod';
import type { ImportCounts, RowError } from '../../schemas/org-import.schema.ts';
import { Org, type Branch, type Crew, type CrewTarget, type Person, type Unit } from '../../schemas/org.schema.ts';
import { decodeText } from './decode-text.ts';
import {
  readRegistrySheet,
  type PersonField,
  type RegistrySheet,
  type RosterField,
  type SheetKind,
} from './org-csv.ts';
import { ZERO, upsert } from './upsert.ts';

type Counts = z.infer<typeof ImportCounts>;

export interface OrgImportOptions {
  /** The competitions that exist; when given, a target for any other is refused. */
  competitionIds?: ReadonlySet<string>;
  /** An organiser limited to branches may only change these. */
  allowedBranchIds?: ReadonlySet<string>;
  /**
   * With allowedBranchIds: whether targets of this competition may be changed (a branch organiser
   * must not move crews up a group-wide competition through its targets). Default: all may.
   */
  competitionAllowed?: (competitionId: string) => boolean;
}

export interface OrgImportPlan {
  sheet: SheetKind;
  /** Data rows read (blank rows not counted). */
  rows: number;
  /** All of them, not the first. */
  errors: RowError[];
  /** The merged registry; null when there are errors. */
  org: Org | null;
  /** Distinct items the file names, counted over the rows (and items) that passed their checks. */
  counts: { branches: Counts; units: Counts; crews: Counts; persons: Counts; targets: Counts };
  /** False when every row is unchanged. */
  changed: boolean;
}

/** An item as the file first gave it, with its row. */
interface Seen<T> {
  readonly row: number;
  readonly value: T;
}

const ENTITY = {
  branch: { zh: '分公司', en: 'branch' },
  unit: { zh: '单位', en: 'unit' },
  crew: { zh: '班组', en: 'crew' },
} as const;

/** The fields an import sets on each item, and the roster column each comes from. */
const BRANCH_FIELDS = { name: 'branchName', nameEn: 'branchNameEn' } as const satisfies Partial<
  Record<keyof Branch, RosterField>
>;
const UNIT_FIELDS = {
  branchId: 'branchId',
  name: 'unitName',
  nameEn: 'unitNameEn',
  type: 'unitType',
} as const satisfies Partial<Record<keyof Unit, RosterField>>;
const CREW_FIELDS = {
  unitId: 'unitId',
  name: 'crewName',
  nameEn: 'crewNameEn',
  headcount: 'headcount',
} as const satisfies Partial<Record<keyof Crew, RosterField>>;

/** The first field whose value differs, or undefined when the two are the same. */
function firstDifference<T extends object>(a: T, b: T, fields: readonly (keyof T)[]): keyof T | undefined {
  return fields.find((field) => a[field] !== b[field]);
}

function keysOf<T extends object>(fields: T): (keyof T)[] {
  return Object.keys(fields) as (keyof T)[];
}

function scopeMessage(allowed: ReadonlySet<string>): string {
  const list = [...allowed].join(', ');
  return `你的令牌只能修改分公司 ${list} / your token may only change branches ${list}`;
}

/**
 * An optional English name the sheet has no column for is kept as it is; a column that is there
 * says what the name is, blank clearing it.
 */
function withNameEn<T extends { nameEn?: string | undefined }>(
  next: T,
  existing: T | undefined,
  hasColumn: boolean,
): T {
  if (hasColumn || existing?.nameEn === undefined) return next;
  return { ...next, nameEn: existing.nameEn };
}

interface Merged {
  org: Org;
  counts: OrgImportPlan['counts'];
  errors: RowError[];
}

function planRoster(
  current: Org,
  sheet: Extract<RegistrySheet, { kind: 'roster' }>,
  options: OrgImportOptions,
): Merged {
  const errors: RowError[] = [];
  const header = (field: RosterField): string | null => sheet.columns.get(field) ?? null;
  const branchesNow = new Map(current.branches.map((b) => [b.id, b]));
  const unitsNow = new Map(current.units.map((u) => [u.id, u]));
  const crewsNow = new Map(current.crews.map((c) => [c.id, c]));
  const allowed = options.allowedBranchIds;

  // With a column absent, the current English name stands in, so a row and the registry compare alike.
  const branchOf = (b: Branch) => withNameEn(b, branchesNow.get(b.id), sheet.columns.has('branchNameEn'));
  const unitOf = (u: Unit) => withNameEn(u, unitsNow.get(u.id), sheet.columns.has('unitNameEn'));
  const crewOf = (c: Crew) => withNameEn(c, crewsNow.get(c.id), sheet.columns.has('crewNameEn'));

  const branches = new Map<string, Seen<Branch>>();
  const units = new Map<string, Seen<Unit>>();
  const crews = new Map<string, Seen<Crew>>();

  /** The same id again: fine when equal (roster rows repeat branch and unit), an error when not. */
  function once<T extends { id: string }>(
    seen: Map<string, Seen<T>>,
    value: T,
    row: number,
    entity: keyof typeof ENTITY,
    fields: Partial<Record<keyof T, RosterField>>,
  ): void {
    const earlier = seen.get(value.id);
    if (!earlier) {
      seen.set(value.id, { row, value });
      return;
    }
    const differs = firstDifference(earlier.value, value, keysOf(fields));
    if (differs === undefined) return;
    const field = fields[differs];
    const { zh, en } = ENTITY[entity];
    errors.push({
      row,
      column: field === undefined ? null : header(field),
      message: `${zh} ${value.id} 已在第 ${earlier.row} 行出现，内容不同 / ${en} ${value.id} already on row ${earlier.row} with different values`,
    });
  }

  function refuseOutOfScope(row: number, rowBranchId: string, unit: Unit | null, crew: Crew | null): void {
    if (!allowed) return;
    if (!allowed.has(rowBranchId)) errors.push({ row, column: header('branchId'), message: scopeMessage(allowed) });
    // Moving a unit or crew takes it out of its current branch, which must be allowed too.
    const unitBefore = unit ? unitsNow.get(unit.id) : undefined;
    if (unitBefore && unitBefore.branchId !== rowBranchId && !allowed.has(unitBefore.branchId)) {
      errors.push({
        row,
        column: header('unitId'),
        message: `单位 ${unitBefore.id} 目前属于分公司 ${unitBefore.branchId}；${scopeMessage(allowed)} / unit ${unitBefore.id} belongs to branch ${unitBefore.branchId} now`,
      });
    }
    const crewBefore = crew ? crewsNow.get(crew.id) : undefined;
    const crewBranchBefore = crewBefore ? unitsNow.get(crewBefore.unitId)?.branchId : undefined;
    if (
      crewBefore &&
      crewBranchBefore !== undefined &&
      crewBranchBefore !== rowBranchId &&
      crewBranchBefore !== unitBefore?.branchId &&
      !allowed.has(crewBranchBefore)
    ) {
      errors.push({
        row,
        column: header('crewId'),
        message: `班组 ${crewBefore.id} 目前属于分公司 ${crewBranchBefore}；${scopeMessage(allowed)} / crew ${crewBefore.id} belongs to branch ${crewBranchBefore} now`,
      });
    }
  }

  for (const { row, branch, unit, crew } of sheet.rows) {
    const rowBranchId = branch?.id ?? unit?.branchId;
    if (rowBranchId !== undefined) refuseOutOfScope(row, rowBranchId, unit, crew);
    if (branch) once(branches, branchOf(branch), row, 'branch', BRANCH_FIELDS);
    if (unit) once(units, unitOf(unit), row, 'unit', UNIT_FIELDS);
    if (crew) once(crews, crewOf(crew), row, 'crew', CREW_FIELDS);
  }

  const values = <T>(seen: Map<string, Seen<T>>) => [...seen.values()].map((s) => s.value);
  const byId = (item: { id: string }) => item.id;
  const mergedBranches = upsert(current.branches, values(branches), byId, (a, b) =>
    Boolean(firstDifference(a, b, keysOf(BRANCH_FIELDS))),
  );
  const mergedUnits = upsert(current.units, values(units), byId, (a, b) =>
    Boolean(firstDifference(a, b, keysOf(UNIT_FIELDS))),
  );
  const mergedCrews = upsert(current.crews, values(crews), byId, (a, b) =>
    Boolean(firstDifference(a, b, keysOf(CREW_FIELDS))),
  );
  return {
    org: { ...current, branches: mergedBranches.items, units: mergedUnits.items, crews: mergedCrews.items },
    counts: {
      branches: mergedBranches.counts,
      units: mergedUnits.counts,
      crews: mergedCrews.counts,
      persons: { ...ZERO },
      targets: { ...ZERO },
    },
    errors,
  };
}

/** Each crew's branch: targets and persons are in the branch of their crew. */
function crewBranches(org: Org): Map<string, string | undefined> {
  const branchOfUnit = new Map(org.units.map((u) => [u.id, u.branchId]));
  return new Map(org.crews.map((c) => [c.id, branchOfUnit.get(c.unitId)]));
}

const targetKey = (t: Pick<CrewTarget, 'competitionId' | 'crewId' | 'metric'>) =>
  `${t.competitionId}\u0000${t.crewId}\u0000${t.metric}`;

function planTargets(
  current: Org,
  sheet: Extract<RegistrySheet, { kind: 'targets' }>,
  options: OrgImportOptions,
): Merged {
  const errors: RowError[] = [];
  const header = (field: 'competitionId' | 'crewId' | 'value') => sheet.columns.get(field) ?? null;
  const branchOfCrew = crewBranches(current);
  const { competitionIds, allowedBranchIds: allowed } = options;
  const targets = new Map<string, Seen<CrewTarget>>();

  for (const { row, target } of sheet.rows) {
    if (!target) continue;
    let ok = true;
    if (competitionIds && !competitionIds.has(target.competitionId)) {
      ok = false;
      errors.push({
        row,
        column: header('competitionId'),
        message: `没有编号为 ${target.competitionId} 的竞赛 / unknown competition ${target.competitionId}`,
      });
    }
    if (allowed && options.competitionAllowed && !options.competitionAllowed(target.competitionId)) {
      ok = false;
      errors.push({
        row,
        column: header('competitionId'),
        message: `竞赛 ${target.competitionId} 的参赛范围超出你的令牌，不能修改其目标；${scopeMessage(allowed)} / competition ${target.competitionId} reaches beyond your token's branches: its targets are not yours to change`,
      });
    }
    if (!branchOfCrew.has(target.crewId)) {
      ok = false;
      errors.push({
        row,
        column: header('crewId'),
        message: `组织架构中没有班组 ${target.crewId}，请先导入组织架构 / unknown crew ${target.crewId}: import it with the roster first`,
      });
    } else if (allowed) {
      const branchId = branchOfCrew.get(target.crewId);
      if (branchId === undefined || !allowed.has(branchId)) {
        ok = false;
        errors.push({
          row,
          column: header('crewId'),
          message: `班组 ${target.crewId} 属于分公司 ${branchId ?? '?'}；${scopeMessage(allowed)} / crew ${target.crewId} belongs to branch ${branchId ?? '?'}`,
        });
      }
    }
    const earlier = targets.get(targetKey(target));
    if (earlier && earlier.value.value !== target.value) {
      errors.push({
        row,
        column: header('value'),
        message: `竞赛 ${target.competitionId} 班组 ${target.crewId} 指标 ${target.metric} 的目标已在第 ${earlier.row} 行出现，内容不同 / the target of crew ${target.crewId} for ${target.metric} in competition ${target.competitionId} already on row ${earlier.row} with a different value`,
      });
    } else if (!earlier && ok) {
      targets.set(targetKey(target), { row, value: target });
    }
  }

  const merged = upsert(
    current.targets,
    [...targets.values()].map((s) => s.value),
    targetKey,
    (a, b) => a.value !== b.value,
  );
  return {
    org: { ...current, targets: merged.items },
    counts: { ...zeroCounts(), targets: merged.counts },
    errors,
  };
}

/** The fields a persons sheet sets, and the column each comes from. */
const PERSON_FIELDS = {
  crewId: 'crewId',
  name: 'personName',
  job: 'job',
  employeeNumber: 'employeeNumber',
} as const satisfies Record<Exclude<keyof Person, 'id'>, PersonField>;

/**
 * 人员名单: persons upserted by id, as crews are. A person the sheet leaves out is kept (their
 * events and standings name them; uploading the whole list again changes only what changed).
 * One row per person: an id on two rows is refused naming both, even when they agree, because
 * a pasted-twice row and a reused number look alike. Each person's crew must be in the registry
 * (or in the roster sheet of the same workbook, which is planned first).
 */
function planPersons(
  current: Org,
  sheet: Extract<RegistrySheet, { kind: 'persons' }>,
  options: OrgImportOptions,
): Merged {
  const errors: RowError[] = [];
  const header = (field: PersonField): string | null => sheet.columns.get(field) ?? null;
  const branchOfCrew = crewBranches(current);
  const retiredCrews = new Set(current.crews.filter((c) => c.retired === true).map((c) => c.id));
  const personsNow = new Map(current.persons.map((p) => [p.id, p]));
  const allowed = options.allowedBranchIds;
  /** The first row of each id, and the persons of the rows that passed. */
  const firstRow = new Map<string, number>();
  const accepted: Person[] = [];

  // An optional column the sheet lacks keeps what the registry has; a blank cell under it clears it.
  const personOf = (p: Person): Person => {
    const before = personsNow.get(p.id);
    const kept: Partial<Person> = {};
    if (!sheet.columns.has('job') && before?.job !== undefined) kept.job = before.job;
    if (!sheet.columns.has('employeeNumber') && before?.employeeNumber !== undefined) {
      kept.employeeNumber = before.employeeNumber;
    }
    return { ...p, ...kept };
  };

  for (const { row, person } of sheet.rows) {
    if (!person) continue;
    let ok = true;
    const earlier = firstRow.get(person.id);
    if (earlier === undefined) firstRow.set(person.id, row);
    else {
      ok = false;
      errors.push({
        row,
        column: header('personId'),
        message: `人员编号 ${person.id} 在第 ${earlier} 行和第 ${row} 行重复，每人只能有一行 / person id ${person.id} is on rows ${earlier} and ${row}: one row per person`,
      });
    }
    if (!branchOfCrew.has(person.crewId)) {
      ok = false;
      errors.push({
        row,
        column: header('crewId'),
        message: `组织架构中没有班组 ${person.crewId}，请先导入组织架构（或把组织架构表放在同一工作簿中）/ unknown crew ${person.crewId}: import it with the roster first (or in the same workbook)`,
      });
    } else if (retiredCrews.has(person.crewId) && personsNow.get(person.id)?.crewId !== person.crewId) {
      // A person already there is kept (the registry's own export imports back unchanged); one
      // added or moved there would never compete, and nobody would be told.
      ok = false;
      errors.push({
        row,
        column: header('crewId'),
        message: `班组 ${person.crewId} 已撤销，不能再加入人员；请填写其现在所在的班组 / crew ${person.crewId} is retired: a person cannot join it; give their current crew`,
      });
    } else if (allowed) {
      const branchId = branchOfCrew.get(person.crewId);
      const before = personsNow.get(person.id);
      const branchBefore = before ? branchOfCrew.get(before.crewId) : undefined;
      if (branchId === undefined || !allowed.has(branchId)) {
        ok = false;
        errors.push({
          row,
          column: header('crewId'),
          message: `班组 ${person.crewId} 属于分公司 ${branchId ?? '?'}；${scopeMessage(allowed)} / crew ${person.crewId} belongs to branch ${branchId ?? '?'}`,
        });
      } else if (branchBefore !== undefined && !allowed.has(branchBefore)) {
        ok = false;
        errors.push({
          row,
          column: header('personId'),
          message: `人员 ${person.id} 目前属于分公司 ${branchBefore}；${scopeMessage(allowed)} / person ${person.id} belongs to branch ${branchBefore} now`,
        });
      }
    }
    if (ok) accepted.push(personOf(person));
  }

  const merged = upsert(
    current.persons,
    accepted,
    (p) => p.id,
    (a, b) => Boolean(firstDifference(a, b, keysOf(PERSON_FIELDS))),
  );
  errors.push(...sharedEmployeeNumbers(merged.items, firstRow, header('employeeNumber') ?? header('personId')));
  return { org: { ...current, persons: merged.items }, counts: { ...zeroCounts(), persons: merged.counts }, errors };
}

/**
 * 工号 is one person's: two persons with one number (a row pasted under another id, or a number
 * reused while its holder is still listed) are refused at the sheet's row, naming the other.
 */
function sharedEmployeeNumbers(
  persons: readonly Person[],
  rowOf: ReadonlyMap<string, number>,
  column: string | null,
): RowError[] {
  const holders = new Map<string, Person[]>();
  for (const p of persons) {
    if (p.employeeNumber === undefined) continue;
    const list = holders.get(p.employeeNumber);
    if (list) list.push(p);
    else holders.set(p.employeeNumber, [p]);
  }
  const errors: RowError[] = [];
  for (const [number, list] of holders) {
    if (list.length < 2) continue;
    for (const p of list) {
      const row = rowOf.get(p.id);
      if (row === undefined) continue;
      const others = list.filter((o) => o !== p);
      const named = others.map((o) => {
        const at = rowOf.get(o.id);
        return {
          zh: at === undefined ? `${o.id}（名单中已有）` : `${o.id}（第 ${at} 行）`,
          en: at === undefined ? `${o.id} (in the registry)` : `${o.id} (row ${at})`,
        };
      });
      errors.push({
        row,
        column,
        message: `工号 ${number} 同时属于人员 ${p.id} 和 ${named.map((n) => n.zh).join('、')}，每个工号只能属于一人 / employee number ${number} is both ${p.id}'s and ${named.map((n) => n.en).join(', ')}: one person per number`,
      });
    }
  }
  return errors.sort((a, b) => a.row - b.row);
}

function zeroCounts(): OrgImportPlan['counts'] {
  return { branches: { ...ZERO }, units: { ...ZERO }, crews: { ...ZERO }, persons: { ...ZERO }, targets: { ...ZERO } };
}

/** Bytes that are a spreadsheet workbook rather than text: the commonest wrong file to upload. */
function workbookError(bytes: Uint8Array): RowError | null {
  const starts = (prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return {
      row: 1,
      column: null,
      message:
        '这是 Excel 工作簿（.xlsx/.xls），不是 CSV：请在 Excel 中“另存为”CSV UTF-8 后再导入 / this is an Excel workbook (.xlsx/.xls), not CSV: save it as "CSV UTF-8" in Excel and import that',
    };
  }
  return null;
}

/** Errors about a column name its cell too (D7), as Excel shows it, where the sheet knows the column. */
function withCells(errors: readonly RowError[], letters: ReadonlyMap<string, string>): RowError[] {
  return errors.map((error) => {
    if (error.cell !== undefined || error.column === null || error.row < 1) return error;
    const letter = letters.get(error.column);
    return letter === undefined ? error : { ...error, cell: `${letter}${error.row}` };
  });
}

export interface SheetImportPlan extends OrgImportPlan {
  /** The registry merged with the rows that passed, errors or not: a later sheet plans against it. */
  draft: Org;
}

/**
 * What importing a read sheet (CSV or a workbook's worksheet) into a registry would do. Pure:
 * every rule an import follows is here and in the sheet reader, whatever the file was.
 */
export function planSheetImport(current: Org, sheet: RegistrySheet, options: OrgImportOptions = {}): SheetImportPlan {
  const merged =
    sheet.kind === 'roster'
      ? planRoster(current, sheet, options)
      : sheet.kind === 'persons'
        ? planPersons(current, sheet, options)
        : planTargets(current, sheet, options);
  const errors = withCells([...sheet.errors, ...merged.errors], sheet.letters).sort((a, b) => a.row - b.row);

  // A safety net: the rows' checks should leave nothing for the registry's own schema to find.
  if (errors.length === 0) {
    const checked = Org.safeParse(merged.org);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        errors.push({
          row: 0,
          column: null,
          message: `合并后的组织架构有误 / the merged registry is invalid: ${issue.path.join('.')}: ${issue.message}`,
        });
      }
    }
  }
  const { counts } = merged;
  const changed = Object.values(counts).some((c) => c.created > 0 || c.updated > 0);
  return {
    sheet: sheet.kind,
    rows: sheet.rows.length,
    errors,
    org: errors.length === 0 ? merged.org : null,
    counts,
    changed,
    draft: merged.org,
  };
}

/**
 * What importing a registry sheet saved as CSV into the current registry would do: the merged
 * registry and what it creates, updates and leaves alone, or every error with its row and column.
 * Pure: the caller saves `org` (when `changed`) or answers with the errors.
 */
export function planOrgImport(current: Org, input: Uint8Array | string, options: OrgImportOptions = {}): OrgImportPlan {
  const notText = typeof input === 'string' ? null : workbookError(input);
  if (notText) return { sheet: 'roster', rows: 0, errors: [notText], org: null, counts: zeroCounts(), changed: false };

  const sheet = readRegistrySheet(typeof input === 'string' ? input : decodeText(input));
  return planSheetImport(current, sheet, options);
}
