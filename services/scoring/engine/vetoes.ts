import type { Competition, Veto } from '../../../schemas/competition.schema.ts';
import type { IncidentSeverity } from '../../../schemas/event.schema.ts';
import { metricValue } from './indicator-rules.ts';
import type { CrewFacts, VetoResult } from './types.ts';

const SEVERITY_ZH: Record<IncidentSeverity, string> = {
  near_miss: '未遂事件',
  minor_injury: '轻伤',
  serious_injury: '重伤',
  fatality: '死亡',
};

/** English [singular, plural] so reasons read "1 serious injury, 0 fatalities". */
const SEVERITY_EN: Record<IncidentSeverity, readonly [string, string]> = {
  near_miss: ['near miss', 'near misses'],
  minor_injury: ['minor injury', 'minor injuries'],
  serious_injury: ['serious injury', 'serious injuries'],
  fatality: ['fatality', 'fatalities'],
};

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
    // Name every counted severity, zeros included, so the reader sees what the rule looked at.
    return {
      zh: counts.map(([s, n]) => `${SEVERITY_ZH[s]} ${n} 起`).join('、'),
      en: counts.map(([s, n]) => `${n} ${SEVERITY_EN[s][n === 1 ? 0 : 1]}`).join(', '),
    };
  }
  const persons = VIOLATION_PERSON_KEYS.reduce((acc, key) => acc + metricValue(facts, key), 0);
  if (persons < when.minPersons) return null;
  return {
    zh: `三违 ${persons} 人次（阈值 ${when.minPersons}）`,
    en: `${persons} violation person-time${persons === 1 ? '' : 's'} (threshold ${when.minPersons})`,
  };
}
