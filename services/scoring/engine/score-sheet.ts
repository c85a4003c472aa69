import type { ItemCounts, Sheet, SheetDeduction, SheetItem, SheetOutcome } from '../../../schemas/sheet.schema.ts';
import { round2 } from './round.ts';
import type { CrewFacts } from './types.ts';

/** The rollup keys an assessment adds to (migration 0016). */
export const assessmentFindingsKey = (itemId: string) => `assessment.${itemId}.findings`;
export const assessmentPointsKey = (itemId: string) => `assessment.${itemId}.points`;

const ALL_VIOLATION_KINDS = ['command', 'operation', 'discipline'] as const;

/**
 * Points lost to `findings` findings: per_finding N each; fixed once for any; escalating by the
 * finding's place in the period (the last step repeats), e.g. steps [1, 3, 5] and 4 findings: 1+3+5+5.
 */
export function deductionFor(rule: SheetDeduction, findings: number): number {
  if (findings <= 0) return 0;
  switch (rule.kind) {
    case 'per_finding':
      return findings * rule.points;
    case 'fixed':
      return rule.points;
    case 'escalating': {
      const listed = rule.steps.slice(0, findings).reduce((a, b) => a + b, 0);
      const last = rule.steps[rule.steps.length - 1] ?? 0;
      return listed + Math.max(0, findings - rule.steps.length) * last;
    }
  }
}

function countedFindings(counts: ItemCounts | undefined, facts: CrewFacts): number {
  if (counts === undefined) return 0;
  const keys =
    counts.event === 'violation'
      ? (counts.violationKinds ?? ALL_VIOLATION_KINDS).map((k) => `violation.${k}.${counts.measure}`)
      : counts.severities.map((s) => `incident.${s}`);
  return keys.reduce((acc, key) => acc + (facts.metrics[key] ?? 0), 0);
}

const metric = (facts: CrewFacts, key: string) => facts.metrics[key] ?? 0;

export type ItemOutcome = SheetOutcome['categories'][number]['items'][number];

/** One item: its findings (inspections plus counted events) cost points, at most maxPoints. */
export function scoreItem(item: SheetItem, facts: CrewFacts): ItemOutcome {
  const findings = metric(facts, assessmentFindingsKey(item.id)) + countedFindings(item.counts, facts);
  const direct = metric(facts, assessmentPointsKey(item.id));
  const deducted = round2(Math.min(item.maxPoints, Math.max(0, deductionFor(item.deduction, findings) + direct)));
  return { itemId: item.id, findings, deducted, points: round2(item.maxPoints - deducted) };
}

/** The sheet's points for one entrant, before gates and grades (they need every entrant). */
export type SheetPoints = Pick<SheetOutcome, 'total' | 'categories' | 'bonus'> & {
  /** Veto items with a finding (一票否决), in the sheet's order. */
  vetoItems: { itemId: string; name: { zh: string; en: string }; findings: number }[];
};

/**
 * What a category's items are worth before their deductions. Items alone share the whole category
 * (安全事故管理 25 分 with a rule each for 三违, 轻伤 and 非伤事故, each up to 25); beside indicators
 * they are worth their own maxima, the rest of the category being the indicators' (validation
 * refuses items whose maxima leave the indicators nothing, sheet.schema.ts).
 */
export function itemsPool(category: Pick<Sheet['categories'][number], 'maxPoints' | 'items' | 'indicatorIds'>): number {
  if (category.items.length === 0) return 0;
  if (category.indicatorIds.length === 0) return category.maxPoints;
  return Math.min(
    category.maxPoints,
    category.items.reduce((acc, i) => acc + i.maxPoints, 0),
  );
}

/**
 * Categories: the items' pool (itemsPool) less their deductions, never below 0, plus the
 * indicators' points, within [0, maxPoints]: 安全管理 35 with items worth 15 and indicators that
 * earned 12.9 shows 15 − deductions + 12.9, not 35. Bonus: each item up to its maximum, all up to
 * the cap. `indicatorPoints` are the competition's indicators after weight and vetoes.
 */
export function scoreSheet(sheet: Sheet, facts: CrewFacts, indicatorPoints: ReadonlyMap<string, number>): SheetPoints {
  const categories = sheet.categories.map((category) => {
    const items = category.items.map((item) => scoreItem(item, facts));
    const indicators = category.indicatorIds.map((indicatorId) => ({
      indicatorId,
      points: indicatorPoints.get(indicatorId) ?? 0,
    }));
    const itemPart = Math.max(0, itemsPool(category) - items.reduce((acc, i) => acc + i.deducted, 0));
    const raw = itemPart + indicators.reduce((acc, i) => acc + i.points, 0);
    const points = round2(Math.min(category.maxPoints, Math.max(0, raw)));
    return {
      categoryId: category.id,
      points,
      maxPoints: category.maxPoints,
      rate: round2((points / category.maxPoints) * 100),
      items,
      indicators,
    };
  });
  let bonus: SheetPoints['bonus'] = null;
  if (sheet.bonus !== undefined) {
    const items = sheet.bonus.items.map((item) => {
      const findings = metric(facts, assessmentFindingsKey(item.id));
      const earned = findings * item.pointsEach + metric(facts, assessmentPointsKey(item.id));
      return { itemId: item.id, findings, points: round2(Math.min(item.maxPoints, Math.max(0, earned))) };
    });
    const uncapped = round2(items.reduce((acc, i) => acc + i.points, 0));
    bonus = { points: Math.min(sheet.bonus.cap, uncapped), uncapped, items };
  }
  const vetoItems = sheet.vetoItems
    .map((item) => ({
      itemId: item.id,
      name: item.name,
      findings:
        metric(facts, assessmentFindingsKey(item.id)) + (metric(facts, assessmentPointsKey(item.id)) > 0 ? 1 : 0),
    }))
    .filter((v) => v.findings > 0);
  const total = round2(categories.reduce((acc, c) => acc + c.points, 0) + (bonus?.points ?? 0));
  return { total, categories, bonus, vetoItems };
}
