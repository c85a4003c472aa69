import type { Gate } from '../../../schemas/sheet.schema.ts';
import { incidentReason } from './incident-words.ts';
import type { SheetPoints } from './score-sheet.ts';
import type { CrewFacts } from './types.ts';

export interface GateOutcome {
  gateId: string;
  name: { zh: string; en: string };
  passed: boolean;
  /** What the gate looked at, also when passed, so a reader sees why. */
  reason: { zh: string; en: string };
}

const VIOLATION_PERSON_KEYS = ['command', 'operation', 'discipline'].map((k) => `violation.${k}.persons`);

/** Category names by id, so a reason names 组织领导 rather than its id (screens show reasons). */
export type CategoryNames = ReadonlyMap<string, { zh: string; en: string }>;

/** 评优条件 of one entrant, in the competition's order. */
export function evaluateGates(
  gates: readonly Gate[],
  facts: CrewFacts,
  sheet: SheetPoints | null,
  total: number,
  names: CategoryNames = new Map(),
): GateOutcome[] {
  return gates.map((gate) => {
    const { passed, reason } = check(gate.rule, facts, sheet, total, names);
    return { gateId: gate.id, name: { ...gate.name }, passed, reason };
  });
}

function check(
  rule: Gate['rule'],
  facts: CrewFacts,
  sheet: SheetPoints | null,
  total: number,
  names: CategoryNames,
): Pick<GateOutcome, 'passed' | 'reason'> {
  switch (rule.kind) {
    case 'no_incident': {
      const counts = rule.severities.map((s) => [s, facts.metrics[`incident.${s}`] ?? 0] as const);
      const n = counts.reduce((acc, [, c]) => acc + c, 0);
      return {
        passed: n === 0,
        reason: incidentReason(counts),
      };
    }
    case 'min_total':
      return {
        passed: total >= rule.points,
        reason: { zh: `总分 ${total}（需 ≥ ${rule.points}）`, en: `total ${total} (needs ≥ ${rule.points})` },
      };
    case 'min_category_rate': {
      const below = (sheet?.categories ?? []).filter((c) => c.rate < rule.percent);
      const named = (lang: 'zh' | 'en') =>
        below.map((c) => `${names.get(c.categoryId)?.[lang] || c.categoryId} ${c.rate}%`);
      return {
        passed: below.length === 0,
        reason:
          below.length === 0
            ? { zh: `各类别得分率均 ≥ ${rule.percent}%`, en: `every category ≥ ${rule.percent}%` }
            : {
                zh: `得分率低于 ${rule.percent}%：${named('zh').join('、')}`,
                en: `below ${rule.percent}%: ${named('en').join(', ')}`,
              },
      };
    }
    case 'no_violations': {
      const persons = VIOLATION_PERSON_KEYS.reduce((acc, key) => acc + (facts.metrics[key] ?? 0), 0);
      return {
        passed: persons === 0,
        reason: { zh: `三违 ${persons} 人次`, en: `${persons} violation person-time${persons === 1 ? '' : 's'}` },
      };
    }
  }
}
