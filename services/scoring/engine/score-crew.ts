import type { Competition } from '../../../schemas/competition.schema.ts';
import type { SheetOutcome } from '../../../schemas/sheet.schema.ts';
import { summarizeFacts, summaryRules, type SummaryRules } from './fact-summary.ts';
import { evaluateRule } from './indicator-rules.ts';
import { indicatorResult } from './indicator-results.ts';
import { round2 } from './round.ts';
import type { CrewFacts, CrewProfile, CrewScore, IndicatorResult, ScoringInput, VetoResult } from './types.ts';
import { evaluateVetoes } from './vetoes.ts';
import { scoreSheet } from './score-sheet.ts';
import { evaluateGates } from './sheet-gates.ts';

/** No veto: most crews' case, one array for all of them (issue 19: an empty array per crew and competition). */
const NO_VETOES: readonly VetoResult[] = Object.freeze([]);

/** Whether a competition judges its entrants (考核细则, gates or 评定等级): each score then has a sheet. */
export function judges(competition: Competition): boolean {
  return competition.sheet !== undefined || competition.gates.length > 0 || competition.grades !== undefined;
}

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
    return indicatorResult(indicator.id, outcome.value, round2(outcome.points * indicator.weight));
  });

  const sheetPoints =
    competition.sheet === undefined
      ? null
      : scoreSheet(competition.sheet, facts, new Map(indicators.map((r) => [r.indicatorId, r.points])));
  // 否决项: an inspection recorded against a veto item disqualifies like a veto.
  for (const item of sheetPoints?.vetoItems ?? []) {
    vetoes.push({
      vetoId: item.itemId,
      name: { ...item.name },
      effect: 'disqualify',
      reason: { zh: `否决项发现 ${item.findings} 处`, en: `${item.findings} finding(s) on a veto item` },
    });
  }

  const disqualified = vetoes.some((v) => v.effect === 'disqualify');
  // Indicator results are kept when disqualified so the breakdown still shows what was earned.
  const earned = sheetPoints === null ? round2(indicators.reduce((acc, r) => acc + r.points, 0)) : sheetPoints.total;
  const score = disqualified ? 0 : earned;
  let sheet: SheetOutcome | null = null;
  if (judges(competition)) {
    const names = new Map(competition.sheet?.categories.map((c) => [c.id, c.name]));
    const gates = evaluateGates(competition.gates, facts, sheetPoints, score, names);
    sheet = {
      total: score,
      categories: sheetPoints?.categories ?? [],
      bonus: sheetPoints?.bonus ?? null,
      gates,
      eligible: !disqualified && gates.every((g) => g.passed),
      // Grades need every entrant: computeStandings assigns them.
      grade: null,
      gradeRank: null,
    };
  }
  return {
    crew,
    score,
    disqualified,
    vetoes: vetoes.length === 0 ? NO_VETOES : vetoes,
    indicators,
    facts: summarizeFacts(rules, ctx),
    sheet,
  };
}
