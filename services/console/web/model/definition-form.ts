/**
 * The competition editor's form values and the definition the API validates, each turned into the
 * other. The form is flat where people think flat (one set of rule fields whatever the kind, so
 * switching a rule's kind keeps what was typed) and leaves out what the API can default; the
 * definition is exactly what POST /v1/competitions/:id/versions takes. Pure: no React, no DOM.
 */
import type { CompetitionInput } from '../../../../schemas/competition.schema.ts';
import type { ReportableType } from '../../../../schemas/report.schema.ts';
import { sheetFormPathOf, sheetPartToDefinition, sheetPartToForm, type SheetPartForm } from './sheet-form.ts';

export type RuleKind = 'sum' | 'target' | 'count' | 'safety_days' | 'innovation' | 'rectification_rate';
export type CountEvent = 'incident' | 'violation' | 'hazard_found' | 'hazard_rectified' | 'hazard_overdue';
export type Severity = 'near_miss' | 'minor_injury' | 'serious_injury' | 'fatality';
export type ViolationKind = 'command' | 'operation' | 'discipline';
export type InnovationCategory = 'invention' | 'creation' | 'renovation' | 'design' | 'suggestion';

export const RULE_KINDS: readonly RuleKind[] = [
  'target',
  'sum',
  'count',
  'safety_days',
  'rectification_rate',
  'innovation',
];
export const SEVERITIES: readonly Severity[] = ['near_miss', 'minor_injury', 'serious_injury', 'fatality'];
export const VIOLATION_KINDS: readonly ViolationKind[] = ['command', 'operation', 'discipline'];
export const INNOVATION_CATEGORIES: readonly InnovationCategory[] = [
  'invention',
  'creation',
  'renovation',
  'design',
  'suggestion',
];
export const COUNT_EVENTS: readonly CountEvent[] = [
  'incident',
  'violation',
  'hazard_found',
  'hazard_rectified',
  'hazard_overdue',
];

/** Metric keys events add up to (schemas/metric-key.schema.ts), in the order a union office looks for them. */
export const BUILTIN_METRICS = [
  'sales.volume_litres',
  'sales.volume_tonnes',
  'sales.amount_cny',
  'hazard.found',
  'hazard.rectified',
  'incident.near_miss',
  'incident.minor_injury',
  'incident.serious_injury',
  'incident.fatality',
  'violation.command.persons',
  'violation.operation.persons',
  'violation.discipline.persons',
  'violation.command.events',
  'violation.operation.events',
  'violation.discipline.events',
] as const;

/** Blank optional numbers come out of number inputs as null. */
type Num = number | null | undefined;

export interface NameForm {
  zh: string;
  /** Blank: the Chinese name is used in English too. */
  en?: string;
}

export interface RuleForm {
  kind: RuleKind;
  /** sum / target: a built-in metric, or a generic one (metric.<name>) named in metricName. */
  metricSource?: 'builtin' | 'custom';
  metric?: string;
  metricName?: string;
  pointsPerUnit?: Num;
  perCapita?: boolean;
  cap?: Num;
  floor?: Num;
  pointsAtTarget?: Num;
  pointsPerPercentOver?: Num;
  bonusCap?: Num;
  /** target: completion below 0 (returns) costs points; off by default (points stop at 0). */
  allowNegative?: boolean;
  event?: CountEvent;
  severities?: Severity[];
  violationKinds?: ViolationKind[];
  measure?: 'events' | 'persons';
  /** count of hazard_overdue: days allowed to rectify. */
  rectifyWithinDays?: Num;
  pointsEach?: Num;
  breakingSeverities?: Severity[];
  pointsPerDay?: Num;
  categories?: InnovationCategory[];
  submitted?: Num;
  adopted?: Num;
  award1?: Num;
  award2?: Num;
  award3?: Num;
  pointsAtFullRate?: Num;
  whenNoHazards?: 'full' | 'zero';
}

export interface IndicatorForm {
  id: string;
  name: NameForm;
  weight: Num;
  rule: RuleForm;
}

export interface VetoForm {
  id: string;
  name: NameForm;
  whenKind: 'incident' | 'violations';
  severities?: Severity[];
  minCount?: Num;
  minPersons?: Num;
  effectKind: 'disqualify' | 'zero_indicator';
  indicatorId?: string;
}

export interface StageForm {
  id: string;
  name: NameForm;
  dates: { start: string; end: string };
}

export interface CompetitionForm extends SheetPartForm {
  name: NameForm;
  kind: 'labour' | 'ankang';
  period: { start: string; end: string };
  timeZone: string;
  /** 公示: working days a closed period's results stay posted for objections. */
  noticeWorkingDays: number;
  stages: StageForm[];
  weightTotal?: Num;
  participants: { scope: 'all' | 'selected'; branchIds: string[]; unitIds: string[]; crewIds: string[] };
  /** Besides the overall ranking, which is always there. */
  extraGroups: ('branch' | 'unit_type')[];
  tieMode: 'competition' | 'dense';
  indicators: IndicatorForm[];
  vetoes: VetoForm[];
  /** 审核: reported types that count only once approved at these levels; absent: none. */
  review?: ReviewForm[];
}

export interface ReviewForm {
  type: ReportableType;
  levels: string[];
}

/** Rows without a level are left out: a type needs at least one level to be reviewed. */
function reviewOut(rows: ReviewForm[] | undefined): Pick<CompetitionInput, 'review'> {
  const review = (rows ?? [])
    .map((r) => ({ type: r.type, levels: r.levels.map((l) => l.trim()).filter((l) => l !== '') }))
    .filter((r) => r.levels.length > 0);
  return review.length > 0 ? { review } : {};
}

const isNumber = (value: Num): value is number => typeof value === 'number' && Number.isFinite(value);

/** Optional numbers: present only when filled in. */
function optional<K extends string>(key: K, value: Num): Partial<Record<K, number>> {
  return isNumber(value) ? ({ [key]: value } as Record<K, number>) : {};
}

/**
 * Required numbers: a blank one is sent as NaN (null in JSON), so the API names the field that is
 * missing beside every other problem instead of the form stopping at the first.
 */
function required(value: Num): number {
  return isNumber(value) ? value : NaN;
}

function nameOut(name: NameForm): { zh: string; en: string } {
  const zh = name.zh.trim();
  const en = name.en?.trim() ?? '';
  return { zh, en: en === '' ? zh : en };
}

function nameIn(name: { zh: string; en: string }): NameForm {
  return { zh: name.zh, en: name.en === name.zh ? '' : name.en };
}

function metricOut(rule: RuleForm): string {
  if (rule.metricSource === 'custom') return `metric.${(rule.metricName ?? '').trim()}`;
  return rule.metric ?? '';
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

type RuleInput = CompetitionInput['indicators'][number]['rule'];

export function ruleToDefinition(rule: RuleForm): RuleInput {
  switch (rule.kind) {
    case 'sum':
      return {
        kind: 'sum',
        metric: metricOut(rule),
        pointsPerUnit: required(rule.pointsPerUnit),
        perCapita: rule.perCapita ?? false,
        ...optional('cap', rule.cap),
        ...optional('floor', rule.floor),
      };
    case 'target':
      return {
        kind: 'target',
        metric: metricOut(rule),
        pointsAtTarget: required(rule.pointsAtTarget),
        pointsPerPercentOver: isNumber(rule.pointsPerPercentOver) ? rule.pointsPerPercentOver : 0,
        ...optional('bonusCap', rule.bonusCap),
        // Sent only when chosen: absent is the default (points stop at 0).
        ...(rule.allowNegative === true ? { allowNegative: true } : {}),
      };
    case 'count': {
      const event = rule.event ?? 'violation';
      return {
        kind: 'count',
        event,
        ...(event === 'incident' && nonEmpty(rule.severities) ? { severities: rule.severities } : {}),
        ...(event === 'violation' && nonEmpty(rule.violationKinds) ? { violationKinds: rule.violationKinds } : {}),
        measure: event === 'violation' ? (rule.measure ?? 'events') : 'events',
        ...(event === 'hazard_overdue' ? { rectifyWithinDays: required(rule.rectifyWithinDays) } : {}),
        pointsEach: required(rule.pointsEach),
        perCapita: rule.perCapita ?? false,
        ...optional('floor', rule.floor),
        ...optional('cap', rule.cap),
      };
    }
    case 'safety_days':
      return {
        kind: 'safety_days',
        breakingSeverities: nonEmpty(rule.breakingSeverities) ?? ['minor_injury', 'serious_injury', 'fatality'],
        pointsPerDay: required(rule.pointsPerDay),
        ...optional('cap', rule.cap),
      };
    case 'innovation':
      return {
        kind: 'innovation',
        ...(nonEmpty(rule.categories) && rule.categories?.length !== INNOVATION_CATEGORIES.length
          ? { categories: rule.categories }
          : {}),
        points: {
          submitted: isNumber(rule.submitted) ? rule.submitted : 0,
          adopted: isNumber(rule.adopted) ? rule.adopted : 0,
          awarded: { 1: required(rule.award1), 2: required(rule.award2), 3: required(rule.award3) },
        },
        ...optional('cap', rule.cap),
      };
    case 'rectification_rate':
      return {
        kind: 'rectification_rate',
        pointsAtFullRate: required(rule.pointsAtFullRate),
        whenNoHazards: rule.whenNoHazards ?? 'full',
      };
  }
}

function metricIn(metric: string): Pick<RuleForm, 'metricSource' | 'metric' | 'metricName'> {
  return metric.startsWith('metric.')
    ? { metricSource: 'custom', metricName: metric.slice('metric.'.length) }
    : { metricSource: 'builtin', metric };
}

export function ruleToForm(rule: RuleInput): RuleForm {
  switch (rule.kind) {
    case 'sum':
      return {
        kind: 'sum',
        ...metricIn(rule.metric),
        pointsPerUnit: rule.pointsPerUnit,
        perCapita: rule.perCapita ?? false,
        cap: rule.cap,
        floor: rule.floor,
      };
    case 'target':
      return {
        kind: 'target',
        ...metricIn(rule.metric),
        pointsAtTarget: rule.pointsAtTarget,
        pointsPerPercentOver: rule.pointsPerPercentOver ?? 0,
        bonusCap: rule.bonusCap,
        allowNegative: rule.allowNegative ?? false,
      };
    case 'count':
      return {
        kind: 'count',
        event: rule.event,
        severities: rule.severities ?? [],
        violationKinds: rule.violationKinds ?? [],
        measure: rule.measure ?? 'events',
        rectifyWithinDays: rule.rectifyWithinDays,
        pointsEach: rule.pointsEach,
        perCapita: rule.perCapita ?? false,
        floor: rule.floor,
        cap: rule.cap,
      };
    case 'safety_days':
      return {
        kind: 'safety_days',
        breakingSeverities: rule.breakingSeverities ?? ['minor_injury', 'serious_injury', 'fatality'],
        pointsPerDay: rule.pointsPerDay,
        cap: rule.cap,
      };
    case 'innovation':
      return {
        kind: 'innovation',
        categories: rule.categories ?? [...INNOVATION_CATEGORIES],
        submitted: rule.points.submitted ?? 0,
        adopted: rule.points.adopted ?? 0,
        award1: rule.points.awarded[1],
        award2: rule.points.awarded[2],
        award3: rule.points.awarded[3],
        cap: rule.cap,
      };
    case 'rectification_rate':
      return {
        kind: 'rectification_rate',
        pointsAtFullRate: rule.pointsAtFullRate,
        whenNoHazards: rule.whenNoHazards ?? 'full',
      };
  }
}

type VetoInput = NonNullable<CompetitionInput['vetoes']>[number];

function vetoToDefinition(veto: VetoForm): VetoInput {
  return {
    id: veto.id,
    name: nameOut(veto.name),
    when:
      veto.whenKind === 'violations'
        ? { kind: 'violations', minPersons: required(veto.minPersons) }
        : {
            kind: 'incident',
            severities: nonEmpty(veto.severities) ?? ['serious_injury', 'fatality'],
            minCount: isNumber(veto.minCount) ? veto.minCount : 1,
          },
    effect:
      veto.effectKind === 'zero_indicator'
        ? { kind: 'zero_indicator', indicatorId: veto.indicatorId ?? '' }
        : { kind: 'disqualify' },
  };
}

function vetoToForm(veto: VetoInput): VetoForm {
  const when = veto.when;
  return {
    id: veto.id,
    name: nameIn(veto.name),
    whenKind: when.kind,
    ...(when.kind === 'incident'
      ? { severities: when.severities ?? ['serious_injury', 'fatality'], minCount: when.minCount ?? 1 }
      : { minPersons: when.minPersons }),
    effectKind: veto.effect.kind,
    ...(veto.effect.kind === 'zero_indicator' ? { indicatorId: veto.effect.indicatorId } : {}),
  };
}

export function formToDefinition(form: CompetitionForm): CompetitionInput {
  const p = form.participants;
  return {
    name: nameOut(form.name),
    kind: form.kind,
    period: { start: form.period.start, end: form.period.end },
    stages: form.stages.map((s) => ({ id: s.id, name: nameOut(s.name), start: s.dates.start, end: s.dates.end })),
    ...optional('weightTotal', form.weightTotal),
    timeZone: form.timeZone as CompetitionInput['timeZone'],
    noticeWorkingDays: form.noticeWorkingDays,
    participants:
      p.scope === 'all'
        ? { scope: 'all' }
        : { scope: 'selected', branchIds: p.branchIds, unitIds: p.unitIds, crewIds: p.crewIds },
    rankingGroups: ['overall', ...(['branch', 'unit_type'] as const).filter((g) => form.extraGroups.includes(g))],
    tieMode: form.tieMode,
    indicators: form.indicators.map((i) => ({
      id: i.id,
      name: nameOut(i.name),
      weight: isNumber(i.weight) ? i.weight : 1,
      rule: ruleToDefinition(i.rule),
    })),
    vetoes: form.vetoes.map(vetoToDefinition),
    ...reviewOut(form.review),
    ...sheetPartToDefinition(form),
  };
}

export function definitionToForm(definition: CompetitionInput): CompetitionForm {
  const p = definition.participants ?? { scope: 'all' };
  return {
    name: nameIn(definition.name),
    kind: definition.kind,
    period: { ...definition.period },
    timeZone: definition.timeZone ?? 'Asia/Shanghai',
    noticeWorkingDays: definition.noticeWorkingDays ?? 5,
    stages: (definition.stages ?? []).map((s) => ({
      id: s.id,
      name: nameIn(s.name),
      dates: { start: s.start, end: s.end },
    })),
    weightTotal: definition.weightTotal,
    participants:
      p.scope === 'all'
        ? { scope: 'all', branchIds: [], unitIds: [], crewIds: [] }
        : { scope: 'selected', branchIds: p.branchIds ?? [], unitIds: p.unitIds ?? [], crewIds: p.crewIds ?? [] },
    extraGroups: (definition.rankingGroups ?? ['overall']).filter(
      (g): g is 'branch' | 'unit_type' => g === 'branch' || g === 'unit_type',
    ),
    tieMode: definition.tieMode ?? 'competition',
    indicators: definition.indicators.map((i) => ({
      id: i.id,
      name: nameIn(i.name),
      weight: i.weight ?? 1,
      rule: ruleToForm(i.rule),
    })),
    vetoes: (definition.vetoes ?? []).map(vetoToForm),
    review: (definition.review ?? []).map((r) => ({ type: r.type, levels: [...r.levels] })),
    ...sheetPartToForm(definition),
  };
}

/** An id not yet taken: prefix1, prefix2, … (ids are plain ASCII; people never type them). */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const id = `${prefix}${n}`;
    if (!used.has(id)) return id;
  }
}

/** "indicators[0].rule.points.awarded.1" → ['indicators', 0, 'rule', 'points', 'awarded', '1']. */
export function parseApiPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

const RULE_FIELDS: Record<string, string> = {
  'points.submitted': 'submitted',
  'points.adopted': 'adopted',
  'points.awarded.1': 'award1',
  'points.awarded.2': 'award2',
  'points.awarded.3': 'award3',
  'points.awarded': 'award1',
  points: 'submitted',
};

/**
 * The form field a problem the API reports belongs on, so it is shown there; null when it belongs
 * to no one field (e.g. weights that do not add up, shown above the form).
 */
export function formPathOf(apiPath: string, form: CompetitionForm): (string | number)[] | null {
  const parts = parseApiPath(apiPath);
  const [head, index, ...rest] = parts;
  switch (head) {
    case 'name':
      return ['name', parts[1] === 'en' ? 'en' : 'zh'];
    case 'kind':
    case 'tieMode':
    case 'timeZone':
    case 'noticeWorkingDays':
    case 'weightTotal':
      return [head];
    case 'period':
      return ['period'];
    case 'rankingGroups':
      return ['extraGroups'];
    case 'participants':
      // One picker edits the scope and the three lists.
      return ['participants'];
    case 'stages': {
      if (typeof index !== 'number') return null;
      const [field, sub] = rest;
      if (field === 'name') return ['stages', index, 'name', sub === 'en' ? 'en' : 'zh'];
      return ['stages', index, 'dates'];
    }
    case 'indicators': {
      if (typeof index !== 'number') return null;
      const [field, sub, ...more] = rest;
      if (field === 'name') return ['indicators', index, 'name', sub === 'en' ? 'en' : 'zh'];
      if (field === 'weight') return ['indicators', index, 'weight'];
      if (field === 'id' || field === undefined) return ['indicators', index, 'name', 'zh'];
      if (field !== 'rule') return null;
      if (sub === undefined || sub === 'kind') return ['indicators', index, 'rule', 'kind'];
      if (sub === 'metric') {
        const custom = form.indicators[index]?.rule.metricSource === 'custom';
        return ['indicators', index, 'rule', custom ? 'metricName' : 'metric'];
      }
      const key = [sub, ...more].join('.');
      return ['indicators', index, 'rule', RULE_FIELDS[key] ?? String(sub)];
    }
    case 'vetoes': {
      if (typeof index !== 'number') return null;
      const [field, sub] = rest;
      if (field === 'name') return ['vetoes', index, 'name', sub === 'en' ? 'en' : 'zh'];
      if (field === 'when') {
        if (sub === 'severities' || sub === 'minCount' || sub === 'minPersons') return ['vetoes', index, sub];
        return ['vetoes', index, 'whenKind'];
      }
      if (field === 'effect') return ['vetoes', index, sub === 'indicatorId' ? 'indicatorId' : 'effectKind'];
      return ['vetoes', index, 'name', 'zh'];
    }
    default:
      return sheetFormPathOf(parts);
  }
}
