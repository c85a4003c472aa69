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

export function summarizeFacts(rules: SummaryRules, ctx: RuleContext): FactSummary {
  const facts: CrewFacts = ctx.facts;
  const crewTargets = ctx.targets.get(ctx.crewId);
  const targets: TargetProgress[] = [];
  for (const metric of rules.targetMetrics) {
    const target = crewTargets?.get(metric);
    if (target !== undefined && target > 0) targets.push({ metric, actual: metricValue(facts, metric), target });
  }
  return {
    safetyDays: evaluateRule(rules.safetyDays, ctx).value ?? 0,
    hazardsFound: facts.hazards.found,
    hazardsRectified: facts.hazards.rectified,
    rectificationRate: evaluateRule(RECTIFICATION, ctx).value,
    violationPersons: evaluateRule(VIOLATION_PERSONS, ctx).value ?? 0,
    violationEvents: evaluateRule(VIOLATION_EVENTS, ctx).value ?? 0,
    targets,
  };
}
