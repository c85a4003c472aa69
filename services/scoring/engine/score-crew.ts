import type { Competition } from '../../../schemas/competition.schema.ts';
import { summarizeFacts, summaryRules, type SummaryRules } from './fact-summary.ts';
import { evaluateRule } from './indicator-rules.ts';
import { round2 } from './round.ts';
import type { CrewFacts, CrewProfile, CrewScore, IndicatorResult, ScoringInput } from './types.ts';
import { evaluateVetoes } from './vetoes.ts';

/** Score one crew: rule points × weight per indicator, then vetoes (一票否决). */
export function scoreCrew(
  competition: Competition,
  crew: CrewProfile,
  facts: CrewFacts,
  targets: ScoringInput['targets'],
  asOf: string,
  rules: SummaryRules = summaryRules(competition),
): CrewScore {
  const vetoes = evaluateVetoes(competition, facts);
  const triggered = new Set(vetoes.map((v) => v.vetoId));

  // First matching veto wins so zeroedBy is deterministic when several veto the same indicator.
  const zeroedBy = new Map<string, string>();
  for (const veto of competition.vetoes) {
    if (!triggered.has(veto.id) || veto.effect.kind !== 'zero_indicator') continue;
    if (!zeroedBy.has(veto.effect.indicatorId)) zeroedBy.set(veto.effect.indicatorId, veto.id);
  }

  const ctx = { crewId: crew.crewId, headcount: crew.headcount, facts, targets, period: competition.period, asOf };
  const indicators = competition.indicators.map((indicator): IndicatorResult => {
    const outcome = evaluateRule(indicator.rule, ctx);
    const vetoId = zeroedBy.get(indicator.id);
    // The measured value stays visible on a zeroed indicator so the breakdown explains the veto.
    if (vetoId !== undefined) return { indicatorId: indicator.id, value: outcome.value, points: 0, zeroedBy: vetoId };
    return { indicatorId: indicator.id, value: outcome.value, points: round2(outcome.points * indicator.weight) };
  });

  const disqualified = vetoes.some((v) => v.effect === 'disqualify');
  // Indicator results are kept when disqualified so the breakdown still shows what was earned.
  const score = disqualified ? 0 : round2(indicators.reduce((acc, r) => acc + r.points, 0));
  return { crew, score, disqualified, vetoes, indicators, facts: summarizeFacts(rules, ctx) };
}
