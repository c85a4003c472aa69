import type { Competition, IndicatorRule } from '../../../schemas/competition.schema.ts';
import { evaluateRule, metricValue, type RuleContext } from './indicator-rules.ts';
import type { CrewFacts } from './types.ts';

/** A crew's progress against one target metric (销量目标), in the metric's own unit. */
export interface TargetProgress {
  metric: string;
  actual: number;
  target: number;
}

/**
 * The facts behind a crew's score that screens show beside it (安康杯: safe days, hazards,
 * 三违; HQ: target completion), measured by the same rules the indicators use, so a dashboard
 * reading them from the snapshot never re-implements a rule.
 */
export interface FactSummary {
  /** Days without a breaking incident, by the competition's first safety_days indicator (or the default severities). */
  safetyDays: number;
  /** Distinct hazards found in the period; a count indicator on hazard_found counts reports instead. */
  hazardsFound: number;
  /** Of those, rectified by the end of the day judged. */
  hazardsRectified: number;
  /** Percent of the hazards found in the period that are rectified; null when none were found. */
  rectificationRate: number | null;
  violationPersons: number;
  violationEvents: number;
  /** One entry per metric a target indicator judges, when the crew has a target for it. */
  targets: TargetProgress[];
}

const DEFAULT_SAFETY_DAYS: IndicatorRule = {
  kind: 'safety_days',
  breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
  pointsPerDay: 0,
};
const RECTIFICATION: IndicatorRule = { kind: 'rectification_rate', pointsAtFullRate: 0, whenNoHazards: 'full' };
const violations = (measure: 'events' | 'persons'): IndicatorRule => ({
  kind: 'count',
  event: 'violation',
  measure,
  pointsEach: 0,
  perCapita: false,
});
const VIOLATION_PERSONS = violations('persons');
const VIOLATION_EVENTS = violations('events');

/** The rules a competition's summary is measured by; computed once per scoring run. */
export interface SummaryRules {
  safetyDays: IndicatorRule;
  targetMetrics: readonly string[];
}

export function summaryRules(competition: Competition): SummaryRules {
  const safetyDays = competition.indicators.find((i) => i.rule.kind === 'safety_days')?.rule ?? DEFAULT_SAFETY_DAYS;
  const targetMetrics = [
    ...new Set(competition.indicators.flatMap((i) => (i.rule.kind === 'target' ? [i.rule.metric] : []))),
  ];
  return { safetyDays, targetMetrics };
}

/**
 * The targets of a crew without any (most crews of most competitions): one array for all, frozen,
 * since a caller pushing into one crew's would change every crew's.
 */
const NO_TARGETS: TargetProgress[] = [];
Object.freeze(NO_TARGETS);

/**
 * Summaries without targets are values many crews and competitions share: competitions over the
 * same crews with the same safety rules summarise a crew alike, and most crews have the same safe
 * days and no 三违. Each was an object and an empty array per crew and competition, a quarter of
 * what 300 competitions over 10,000 crews held (issue 19). Equal ones are one object (nothing
 * changes a summary once made); the table starts afresh past MAX_KEPT, as indicator results' does.
 */
const MAX_KEPT = 100_000;
let kept = new Map<string, FactSummary>();

function shared(summary: FactSummary): FactSummary {
  const key = `${summary.safetyDays}|${summary.hazardsFound}|${summary.hazardsRectified}|${summary.rectificationRate}|${summary.violationPersons}|${summary.violationEvents}`;
  const found = kept.get(key);
  if (found !== undefined) return found;
  if (kept.size >= MAX_KEPT) kept = new Map();
  // Frozen: a caller changing one crew's summary would change every crew's that shares it.
  kept.set(key, Object.freeze(summary));
  return summary;
}

export function summarizeFacts(rules: SummaryRules, ctx: RuleContext): FactSummary {
  const facts: CrewFacts = ctx.facts;
  const crewTargets = ctx.targets.get(ctx.crewId);
  let targets: TargetProgress[] | undefined;
  if (crewTargets !== undefined)
    for (const metric of rules.targetMetrics) {
      const target = crewTargets.get(metric);
      if (target !== undefined && target > 0)
        (targets ??= []).push({ metric, actual: metricValue(facts, metric), target });
    }
  const summary: FactSummary = {
    safetyDays: evaluateRule(rules.safetyDays, ctx).value ?? 0,
    hazardsFound: facts.hazards.found,
    hazardsRectified: facts.hazards.rectified,
    rectificationRate: evaluateRule(RECTIFICATION, ctx).value,
    violationPersons: evaluateRule(VIOLATION_PERSONS, ctx).value ?? 0,
    violationEvents: evaluateRule(VIOLATION_EVENTS, ctx).value ?? 0,
    targets: targets ?? NO_TARGETS,
  };
  return targets === undefined ? shared(summary) : summary;
}
