import type { Competition, Veto } from '../../../schemas/competition.schema.ts';
import { incidentReason } from './incident-words.ts';
import { metricValue } from './indicator-rules.ts';
import type { CrewFacts, VetoResult } from './types.ts';

const VIOLATION_PERSON_KEYS = ['command', 'operation', 'discipline'].map((k) => `violation.${k}.persons`);

type Reason = VetoResult['reason'];

/** The vetoes whose condition the crew's facts meet, in the competition's order. */
export function evaluateVetoes(competition: Competition, facts: CrewFacts): VetoResult[] {
  const results: VetoResult[] = [];
  for (const veto of competition.vetoes) {
    const reason = triggeredReason(veto.when, facts);
    if (reason === null) continue;
    results.push({ vetoId: veto.id, name: { ...veto.name }, effect: veto.effect.kind, reason });
  }
  return results;
}

function triggeredReason(when: Veto['when'], facts: CrewFacts): Reason | null {
  if (when.kind === 'incident') {
    const counts = when.severities.map((s) => [s, metricValue(facts, `incident.${s}`)] as const);
    const total = counts.reduce((acc, [, n]) => acc + n, 0);
    if (total < when.minCount) return null;
    return incidentReason(counts);
  }
  const persons = VIOLATION_PERSON_KEYS.reduce((acc, key) => acc + metricValue(facts, key), 0);
  if (persons < when.minPersons) return null;
  return {
    zh: `三违 ${persons} 人次（阈值 ${when.minPersons}）`,
    en: `${persons} violation person-time${persons === 1 ? '' : 's'} (threshold ${when.minPersons})`,
  };
}
