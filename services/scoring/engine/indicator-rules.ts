import type { IndicatorRule } from '../../../schemas/competition.schema.ts';
import type { IncidentSeverity, ViolationKind } from '../../../schemas/event.schema.ts';
import type { CrewFacts } from './types.ts';
import { round2 } from './round.ts';

/** Everything a rule may look at for one crew on one day. */
export interface RuleContext {
  crewId: string;
  /** Crew headcount (>= 1 per the registry schema), used by perCapita rules. */
  headcount: number;
  facts: CrewFacts;
  /** crewId -> metric key -> target value. */
  targets: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Competition period, inclusive YYYY-MM-DD days. */
  period: { start: string; end: string };
  /** The day being judged, YYYY-MM-DD. */
  asOf: string;
}

/** Rule outcome before the indicator weight and vetoes are applied; points are not rounded yet. */
export interface RuleOutcome {
  value: number | null;
  points: number;
}

type Rule<K extends IndicatorRule['kind']> = Extract<IndicatorRule, { kind: K }>;

export const ALL_SEVERITIES: readonly IncidentSeverity[] = ['near_miss', 'minor_injury', 'serious_injury', 'fatality'];
const ALL_VIOLATION_KINDS: readonly ViolationKind[] = ['command', 'operation', 'discipline'];
const MS_PER_DAY = 86_400_000;

export function evaluateRule(rule: IndicatorRule, ctx: RuleContext): RuleOutcome {
  switch (rule.kind) {
    case 'sum':
      return sumRule(rule, ctx);
    case 'target':
      return targetRule(rule, ctx);
    case 'count':
      return countRule(rule, ctx);
    case 'safety_days':
      return safetyDaysRule(rule, ctx);
    case 'innovation':
      return innovationRule(rule, ctx);
    case 'rectification_rate':
      return rectificationRateRule(rule, ctx);
  }
}

/** A missing metric key means nothing happened, i.e. 0 (see CrewFacts.metrics). */
export function metricValue(facts: CrewFacts, key: string): number {
  return facts.metrics[key] ?? 0;
}

function clamp(points: number, floor: number | undefined, cap: number | undefined): number {
  const capped = cap === undefined ? points : Math.min(points, cap);
  return floor === undefined ? capped : Math.max(capped, floor);
}

function perCapita(value: number, enabled: boolean, headcount: number): number {
  // Guard against a zero headcount slipping past the registry schema rather than returning Infinity.
  return enabled && headcount > 0 ? value / headcount : value;
}

function sumRule(rule: Rule<'sum'>, ctx: RuleContext): RuleOutcome {
  const value = perCapita(metricValue(ctx.facts, rule.metric), rule.perCapita, ctx.headcount);
  return { value, points: clamp(value * rule.pointsPerUnit, rule.floor, rule.cap) };
}

function targetRule(rule: Rule<'target'>, ctx: RuleContext): RuleOutcome {
  const target = ctx.targets.get(ctx.crewId)?.get(rule.metric);
  // No target means completion cannot be measured; scoring 0 is safer than guessing one.
  if (target === undefined || !(target > 0)) return { value: null, points: 0 };
  const ratio = metricValue(ctx.facts, rule.metric) / target;
  const bonus = Math.max(0, (ratio - 1) * 100) * rule.pointsPerPercentOver;
  // Returns netted against sales can push completion below 0; the points stop at 0 unless the
  // organiser chose to let returns cost points. The value keeps the true completion either way.
  const base = rule.allowNegative === true ? Math.min(ratio, 1) : Math.min(Math.max(ratio, 0), 1);
  const points = rule.pointsAtTarget * base + Math.min(rule.bonusCap ?? Infinity, bonus);
  return { value: round2(ratio * 100), points };
}

function countMetricKeys(rule: Rule<'count'>): string[] {
  switch (rule.event) {
    case 'incident':
      return (rule.severities ?? ALL_SEVERITIES).map((s) => `incident.${s}`);
    case 'violation':
      return (rule.violationKinds ?? ALL_VIOLATION_KINDS).map((k) => `violation.${k}.${rule.measure}`);
    case 'hazard_found':
      return ['hazard.found'];
    case 'hazard_rectified':
      return ['hazard.rectified'];
    case 'hazard_overdue':
      // Not a sum of the rollup: see countRule and CrewFacts.overdueHazards.
      return [];
  }
}

function countRule(rule: Rule<'count'>, ctx: RuleContext): RuleOutcome {
  const total =
    rule.event === 'hazard_overdue'
      ? (ctx.facts.overdueHazards?.[rule.rectifyWithinDays ?? 0] ?? 0)
      : countMetricKeys(rule).reduce((acc, key) => acc + metricValue(ctx.facts, key), 0);
  const value = perCapita(total, rule.perCapita, ctx.headcount);
  return { value, points: clamp(value * rule.pointsEach, rule.floor, rule.cap) };
}

/** Whole days since 1970-01-01 for a YYYY-MM-DD string; UTC so no time zone or DST shifts a day. */
const dayNumbers = new Map<string, number>();

export function dayNumber(isoDate: string): number {
  // The same few dates (period start and end, the judged day) come up for every crew.
  let n = dayNumbers.get(isoDate);
  if (n === undefined) {
    const [y = NaN, m = NaN, d = NaN] = isoDate.split('-').map(Number);
    n = Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
    if (dayNumbers.size > 10_000) dayNumbers.clear();
    dayNumbers.set(isoDate, n);
  }
  return n;
}

function safetyDaysRule(rule: Rule<'safety_days'>, ctx: RuleContext): RuleOutcome {
  // YYYY-MM-DD strings compare correctly as text, so the latest incident is the lexical maximum.
  const lastBreak = rule.breakingSeverities
    .map((s) => ctx.facts.lastIncidentDay[s])
    .filter((day): day is string => day !== undefined)
    .reduce<string | undefined>((latest, day) => (latest === undefined || day > latest ? day : latest), undefined);
  const periodStart = dayNumber(ctx.period.start);
  const from = lastBreak === undefined ? periodStart : Math.max(periodStart, dayNumber(lastBreak) + 1);
  // Days after the period end are not part of the competition even if asOf is later.
  const to = Math.min(dayNumber(ctx.asOf), dayNumber(ctx.period.end));
  const days = Math.max(0, to - from + 1);
  return { value: days, points: clamp(days * rule.pointsPerDay, undefined, rule.cap) };
}

function innovationRule(rule: Rule<'innovation'>, ctx: RuleContext): RuleOutcome {
  const categories = rule.categories;
  let value = 0;
  let points = 0;
  // Each tally holds innovations at their current status only, so an adopted-then-awarded idea
  // earns the award points once, not submitted + adopted + awarded.
  for (const tally of ctx.facts.innovations) {
    if (categories !== undefined && !categories.includes(tally.category)) continue;
    value += tally.count;
    points += tally.count * innovationPoints(rule, tally.status, tally.awardLevel);
  }
  return { value, points: clamp(points, undefined, rule.cap) };
}

export function innovationPoints(
  rule: Rule<'innovation'>,
  status: CrewFacts['innovations'][number]['status'],
  level: 0 | 1 | 2 | 3,
): number {
  if (status === 'submitted') return rule.points.submitted;
  if (status === 'adopted') return rule.points.adopted;
  // An awarded tally without a level is malformed upstream; give it nothing rather than guess a tier.
  return level === 0 ? 0 : rule.points.awarded[level];
}

function rectificationRateRule(rule: Rule<'rectification_rate'>, ctx: RuleContext): RuleOutcome {
  const { found, rectified } = ctx.facts.hazards;
  if (found <= 0) return { value: null, points: rule.whenNoHazards === 'full' ? rule.pointsAtFullRate : 0 };
  const rate = Math.min(1, rectified / found);
  return { value: round2(rate * 100), points: rate * rule.pointsAtFullRate };
}
