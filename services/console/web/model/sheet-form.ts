/**
 * The 考核细则 part of the competition editor: entrant level, sheet (categories, items, bonus,
 * veto items), gates and grades as form values, and the definition fields they become
 * (schemas/sheet.schema.ts). Pure: no React, no DOM, no zod (the console's bundle ships none).
 */
import type { CompetitionInput } from '../../../../schemas/competition.schema.ts';
import type { SheetImportResult } from '../../../../schemas/sheet-import.schema.ts';

type Num = number | null | undefined;
type Severity = 'near_miss' | 'minor_injury' | 'serious_injury' | 'fatality';
type ViolationKind = 'command' | 'operation' | 'discipline';
type Name = { zh: string; en: string };
/** Blank English: the Chinese name is used in English too (as everywhere in the editor). */
export interface SheetNameForm {
  zh: string;
  en?: string;
}

export type EntrantLevel = 'crew' | 'unit' | 'branch' | 'person';
export const ENTRANT_LEVELS: readonly EntrantLevel[] = ['crew', 'unit', 'branch', 'person'];
export type DeductionKind = 'per_finding' | 'fixed' | 'escalating';
export const DEDUCTION_KINDS: readonly DeductionKind[] = ['per_finding', 'fixed', 'escalating'];
export type GateKind = 'no_incident' | 'min_total' | 'min_category_rate' | 'no_violations';
export const GATE_KINDS: readonly GateKind[] = ['no_incident', 'min_total', 'min_category_rate', 'no_violations'];
export type GradeKind = 'none' | 'thresholds' | 'places' | 'share';
export const GRADE_KINDS: readonly GradeKind[] = ['none', 'thresholds', 'places', 'share'];
export type CountsKind = 'none' | 'violation' | 'incident';

export interface DeductionForm {
  /** Blank for a row of an imported sheet whose 扣分标准 was not understood: the organiser chooses. */
  kind?: DeductionKind;
  /** per_finding / fixed */
  points?: Num;
  /** escalating: "1, 3, 5" (the 1st, 2nd, 3rd… finding; the last repeats) */
  steps?: string;
}

export interface SheetItemForm {
  id: string;
  name: SheetNameForm;
  maxPoints: Num;
  deduction: DeductionForm;
  /** Events counted as findings besides inspections: 三违 person-times, or incidents. */
  counts: CountsKind;
  violationKinds?: ViolationKind[];
  measure?: 'events' | 'persons';
  severities?: Severity[];
}

export interface CategoryForm {
  id: string;
  name: SheetNameForm;
  maxPoints: Num;
  items: SheetItemForm[];
  indicatorIds: string[];
}

export interface BonusItemForm {
  id: string;
  name: SheetNameForm;
  maxPoints: Num;
  pointsEach: Num;
}

export interface SheetForm {
  categories: CategoryForm[];
  /** Blank with no bonus items: no bonus section. */
  bonusCap: Num;
  bonusItems: BonusItemForm[];
  vetoItems: { id: string; name: SheetNameForm }[];
}

export interface GateForm {
  id: string;
  name: SheetNameForm;
  kind: GateKind;
  severities?: Severity[];
  points?: Num;
  percent?: Num;
}

export interface GradeLevelForm {
  id: string;
  name: SheetNameForm;
  /** thresholds: minTotal; places: count; share: percent. */
  value: Num;
}

export interface GradesForm {
  kind: GradeKind;
  levels: GradeLevelForm[];
  /** thresholds: the grade below every threshold (e.g. 未达标); blank for none. */
  otherwise?: string;
  /** Kept from the definition (no field shows them): a saved grade keeps its id and English name. */
  otherwiseId?: string;
  otherwiseEn?: string;
}

export interface SheetPartForm {
  entrants: EntrantLevel;
  useSheet: boolean;
  sheet: SheetForm;
  gates: GateForm[];
  grades: GradesForm;
}

type SheetInput = NonNullable<CompetitionInput['sheet']>;
type ItemInput = NonNullable<SheetInput['categories'][number]['items']>[number];
type GateInput = NonNullable<CompetitionInput['gates']>[number];
type GradesInput = NonNullable<CompetitionInput['grades']>;

const isNumber = (value: Num): value is number => typeof value === 'number' && Number.isFinite(value);
/** A blank required number goes out as NaN (null in JSON) so the API names it beside every other problem. */
const required = (value: Num): number => (isNumber(value) ? value : NaN);

function nameOut(name: SheetNameForm | undefined): Name {
  const zh = (name?.zh ?? '').trim();
  const en = name?.en?.trim() ?? '';
  return { zh, en: en === '' ? zh : en };
}

function nameIn(name: Name): SheetNameForm {
  return { zh: name.zh, en: name.en === name.zh ? '' : name.en };
}

/** "1, 3, 5" / "1，3，5" / "1 → 3 → 5" → [1, 3, 5]; what is no number stays NaN for the API to name. */
export function parseSteps(text: string | undefined): number[] {
  return (text ?? '')
    .split(/[\s,，、;；→>]+/)
    .filter((part) => part !== '')
    .map((part) => (/^[+-]?\d+(\.\d+)?$/.test(part) ? Number(part) : NaN));
}

export function deductionToDefinition(d: DeductionForm): ItemInput['deduction'] {
  switch (d.kind) {
    case 'escalating':
      return { kind: 'escalating', steps: parseSteps(d.steps) };
    case 'fixed':
      return { kind: 'fixed', points: required(d.points) };
    case 'per_finding':
      return { kind: 'per_finding', points: required(d.points) };
    default:
      // Not chosen: sent without a kind, so the API names the field beside every other problem.
      return { points: required(d.points) } as ItemInput['deduction'];
  }
}

function deductionToForm(d: ItemInput['deduction']): DeductionForm {
  return d.kind === 'escalating' ? { kind: d.kind, steps: d.steps.join(', ') } : { kind: d.kind, points: d.points };
}

function countsToForm(counts: ItemInput['counts']): Partial<SheetItemForm> {
  if (counts?.event === 'violation')
    return { violationKinds: counts.violationKinds ?? [], measure: counts.measure ?? 'persons' };
  if (counts?.event === 'incident') return { severities: counts.severities };
  return {};
}

function itemToDefinition(item: SheetItemForm): ItemInput {
  const counts: ItemInput['counts'] =
    item.counts === 'violation'
      ? {
          event: 'violation',
          ...(item.violationKinds && item.violationKinds.length > 0 ? { violationKinds: item.violationKinds } : {}),
          measure: item.measure ?? 'persons',
        }
      : item.counts === 'incident'
        ? { event: 'incident', severities: item.severities ?? [] }
        : undefined;
  return {
    id: item.id,
    name: nameOut(item.name),
    maxPoints: required(item.maxPoints),
    deduction: deductionToDefinition(item.deduction),
    ...(counts ? { counts } : {}),
  };
}

function itemToForm(item: ItemInput): SheetItemForm {
  return {
    id: item.id,
    name: nameIn(item.name),
    maxPoints: item.maxPoints,
    deduction: deductionToForm(item.deduction),
    counts: item.counts?.event ?? 'none',
    ...countsToForm(item.counts),
  };
}

export function sheetToDefinition(sheet: SheetForm): SheetInput {
  const hasBonus = sheet.bonusItems.length > 0 || isNumber(sheet.bonusCap);
  return {
    categories: sheet.categories.map((c) => ({
      id: c.id,
      name: nameOut(c.name),
      maxPoints: required(c.maxPoints),
      items: c.items.map(itemToDefinition),
      indicatorIds: c.indicatorIds,
    })),
    ...(hasBonus
      ? {
          bonus: {
            cap: required(sheet.bonusCap),
            items: sheet.bonusItems.map((b) => ({
              id: b.id,
              name: nameOut(b.name),
              maxPoints: required(b.maxPoints),
              pointsEach: isNumber(b.pointsEach) ? b.pointsEach : 0,
            })),
          },
        }
      : {}),
    vetoItems: sheet.vetoItems.map((v) => ({ id: v.id, name: nameOut(v.name) })),
  };
}

export function sheetToForm(sheet: SheetInput): SheetForm {
  return {
    categories: sheet.categories.map((c) => ({
      id: c.id,
      name: nameIn(c.name),
      maxPoints: c.maxPoints,
      items: (c.items ?? []).map(itemToForm),
      indicatorIds: c.indicatorIds ?? [],
    })),
    bonusCap: sheet.bonus?.cap,
    bonusItems: (sheet.bonus?.items ?? []).map((b) => ({
      id: b.id,
      name: nameIn(b.name),
      maxPoints: b.maxPoints,
      pointsEach: b.pointsEach ?? 0,
    })),
    vetoItems: (sheet.vetoItems ?? []).map((v) => ({ id: v.id, name: nameIn(v.name) })),
  };
}

function gateToDefinition(gate: GateForm): GateInput {
  const rule: GateInput['rule'] =
    gate.kind === 'no_incident'
      ? {
          kind: 'no_incident',
          severities: gate.severities && gate.severities.length > 0 ? gate.severities : ['serious_injury', 'fatality'],
        }
      : gate.kind === 'min_total'
        ? { kind: 'min_total', points: required(gate.points) }
        : gate.kind === 'min_category_rate'
          ? { kind: 'min_category_rate', percent: required(gate.percent) }
          : { kind: 'no_violations' };
  return { id: gate.id, name: nameOut(gate.name), rule };
}

function gateToForm(gate: GateInput): GateForm {
  const r = gate.rule;
  return {
    id: gate.id,
    name: nameIn(gate.name),
    kind: r.kind,
    ...(r.kind === 'no_incident' ? { severities: r.severities ?? ['serious_injury', 'fatality'] } : {}),
    ...(r.kind === 'min_total' ? { points: r.points } : {}),
    ...(r.kind === 'min_category_rate' ? { percent: r.percent } : {}),
  };
}

function gradesToDefinition(grades: GradesForm): GradesInput | undefined {
  const level = (l: GradeLevelForm) => ({ id: l.id, name: nameOut(l.name) });
  switch (grades.kind) {
    case 'thresholds': {
      const otherwise = grades.otherwise?.trim() ?? '';
      return {
        kind: 'thresholds',
        levels: grades.levels.map((l) => ({ ...level(l), minTotal: required(l.value) })),
        ...(otherwise === ''
          ? {}
          : {
              otherwise: {
                id: grades.otherwiseId || 'otherwise',
                name: nameOut({ zh: otherwise, en: grades.otherwiseEn ?? '' }),
              },
            }),
      };
    }
    case 'places':
      return { kind: 'places', levels: grades.levels.map((l) => ({ ...level(l), count: required(l.value) })) };
    case 'share':
      return { kind: 'share', levels: grades.levels.map((l) => ({ ...level(l), percent: required(l.value) })) };
    default:
      return undefined;
  }
}

function gradesToForm(grades: GradesInput | undefined): GradesForm {
  if (!grades) return { kind: 'none', levels: [] };
  switch (grades.kind) {
    case 'thresholds':
      return {
        kind: 'thresholds',
        levels: grades.levels.map((l) => ({ id: l.id, name: nameIn(l.name), value: l.minTotal })),
        otherwise: grades.otherwise?.name.zh ?? '',
        ...(grades.otherwise
          ? { otherwiseId: grades.otherwise.id, otherwiseEn: nameIn(grades.otherwise.name).en ?? '' }
          : {}),
      };
    case 'places':
      return { kind: 'places', levels: grades.levels.map((l) => ({ id: l.id, name: nameIn(l.name), value: l.count })) };
    case 'share':
      return {
        kind: 'share',
        levels: grades.levels.map((l) => ({ id: l.id, name: nameIn(l.name), value: l.percent })),
      };
  }
}

export const EMPTY_SHEET: SheetForm = { categories: [], bonusCap: undefined, bonusItems: [], vetoItems: [] };

/** The definition's fields the sheet part writes (entrants always; sheet, gates and grades when set). */
export function sheetPartToDefinition(
  form: SheetPartForm,
): Pick<CompetitionInput, 'entrants' | 'sheet' | 'gates' | 'grades'> {
  const grades = gradesToDefinition(form.grades);
  return {
    entrants: form.entrants,
    ...(form.useSheet ? { sheet: sheetToDefinition(form.sheet) } : {}),
    gates: form.gates.map(gateToDefinition),
    ...(grades ? { grades } : {}),
  };
}

export function sheetPartToForm(definition: CompetitionInput): SheetPartForm {
  return {
    entrants: definition.entrants ?? 'crew',
    useSheet: definition.sheet !== undefined,
    sheet: definition.sheet ? sheetToForm(definition.sheet) : EMPTY_SHEET,
    gates: (definition.gates ?? []).map(gateToForm),
    grades: gradesToForm(definition.grades),
  };
}

/** 合计: what the categories' points add up to, and the bonus cap on top. */
export function sheetTotals(sheet: SheetForm | undefined): { categories: number; bonusCap: number } {
  const sum = (values: Num[]) => values.reduce<number>((acc, v) => acc + (isNumber(v) ? v : 0), 0);
  return {
    categories: round2(sum((sheet?.categories ?? []).map((c) => c.maxPoints))),
    bonusCap: isNumber(sheet?.bonusCap) ? sheet.bonusCap : 0,
  };
}

/** What a category's items' 分值 add up to (they may share the category's points, so it can exceed it). */
export function itemsTotal(category: CategoryForm | undefined): number {
  return round2((category?.items ?? []).reduce((acc, i) => acc + (isNumber(i.maxPoints) ? i.maxPoints : 0), 0));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

const ITEM_FIELDS = new Set(['maxPoints']);
const COUNTS_FIELDS = new Set(['violationKinds', 'measure', 'severities']);

/**
 * The form field of an API problem under sheet, gates, grades or entrants (parts: the API path
 * already split); null when it belongs to no one field.
 */
export function sheetFormPathOf(parts: (string | number)[]): (string | number)[] | null {
  const [head, ...rest] = parts;
  // The sheet's forms edit Chinese names only (a blank English one is the Chinese): any name problem shows there.
  const named = (prefix: (string | number)[]) => [...prefix, 'name', 'zh'];
  if (head === 'entrants') return ['entrants'];
  if (head === 'gates') {
    const [g, field, sub] = rest;
    if (typeof g !== 'number') return null;
    if (field === 'rule') {
      if (sub === 'points' || sub === 'percent' || sub === 'severities') return ['gates', g, sub];
      return ['gates', g, 'kind'];
    }
    return named(['gates', g]);
  }
  if (head === 'grades') {
    const [field, l, sub] = rest;
    if (field === 'otherwise') return ['grades', 'otherwise'];
    if (field !== 'levels' || typeof l !== 'number') return ['grades', 'kind'];
    if (sub === 'name') return named(['grades', 'levels', l]);
    if (sub === 'id') return named(['grades', 'levels', l]);
    return ['grades', 'levels', l, 'value'];
  }
  if (head !== 'sheet') return null;
  const [section, index, ...more] = rest;
  if (section === 'vetoItems') {
    if (typeof index !== 'number') return null;
    return named(['sheet', 'vetoItems', index]);
  }
  if (section === 'bonus') {
    // sheet.bonus.cap, sheet.bonus.items[, i, field…]
    const [i, field] = more;
    if (index === 'items' && typeof i === 'number') {
      if (field === 'maxPoints' || field === 'pointsEach') return ['sheet', 'bonusItems', i, field];
      return named(['sheet', 'bonusItems', i]);
    }
    return ['sheet', 'bonusCap'];
  }
  if (section !== 'categories' || typeof index !== 'number') return null;
  const category = ['sheet', 'categories', index];
  const [field, i, itemField, sub] = more;
  if (field === 'maxPoints') return [...category, 'maxPoints'];
  if (field === 'indicatorIds') return [...category, 'indicatorIds'];
  if (field === 'name') return named(category);
  if (field !== 'items' || typeof i !== 'number') return named(category);
  const item = [...category, 'items', i];
  if (typeof itemField === 'string' && ITEM_FIELDS.has(itemField)) return [...item, itemField];
  if (itemField === 'name') return named(item);
  if (itemField === 'deduction') {
    if (sub === 'points') return [...item, 'deduction', 'points'];
    if (sub === 'steps') return [...item, 'deduction', 'steps'];
    return [...item, 'deduction', 'kind'];
  }
  if (itemField === 'counts') return [...item, typeof sub === 'string' && COUNTS_FIELDS.has(sub) ? sub : 'counts'];
  return named(item);
}

/** A sheet read from .xlsx (POST /v1/sheet-import) as the editor's values: unread rules stay blank to fill in. */
export function draftToForm(draft: SheetImportResult['sheet']): SheetForm {
  return {
    categories: draft.categories.map((c) => ({
      id: c.id,
      name: nameIn(c.name),
      maxPoints: c.maxPoints,
      indicatorIds: [],
      items: c.items.map((i) => ({
        id: i.id,
        name: nameIn(i.name),
        maxPoints: i.maxPoints,
        deduction: i.deduction ? deductionToForm(i.deduction) : {},
        counts: i.counts?.event ?? 'none',
        ...countsToForm(i.counts),
      })),
    })),
    bonusCap: draft.bonus?.cap,
    bonusItems: (draft.bonus?.items ?? []).map((b) => ({
      id: b.id,
      name: nameIn(b.name),
      maxPoints: b.maxPoints,
      pointsEach: b.pointsEach,
    })),
    vetoItems: draft.vetoItems.map((v) => ({ id: v.id, name: nameIn(v.name) })),
  };
}

/**
 * The editor's own words for a problem it knows better than the API's generic message: a
 * deduction not chosen yet (a row of an imported sheet) is "choose one", not a zod discriminator.
 */
export function sheetMessageOf(apiPath: string, message: string): string {
  return /deduction\.kind$/.test(apiPath) ? '请选择扣分方式 / choose how the item deducts points' : message;
}
