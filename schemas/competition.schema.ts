import { z } from 'zod';
import { Id, IsoDate, LIMITS, LocalizedName, SafeName, boundedNumber, strictObject } from './common.schema.ts';
import { IncidentSeverity, InnovationCategory, ViolationKind } from './event.schema.ts';
import { MetricKey } from './metric-key.schema.ts';
import { ReportableType } from './report.schema.ts';
import { EntrantLevel, Gate, GradeRule, Sheet, sheetProblems } from './sheet.schema.ts';
import { SUPPORTED_TIME_ZONES } from './time-zones.ts';

/** Any points figure: a rate per unit, a cap, a floor; bounded so no product of them overflows. */
const points = boundedNumber(-LIMITS.points, LIMITS.points);
const nonNegative = boundedNumber(0, LIMITS.points);
const count = boundedNumber(1, LIMITS.count, { int: true });

/** 累计指标: value = sum of a metric; points = value × pointsPerUnit, then cap / floor. */
export const SumRule = strictObject({
  kind: z.literal('sum'),
  metric: MetricKey,
  pointsPerUnit: points,
  perCapita: z.boolean().default(false).describe('divide the value by the crew headcount (人均) before scoring'),
  cap: points.optional(),
  floor: points.optional(),
});

/** 目标完成率: completion = value / the crew's target; base points at 100%, bonus per % over, bonus capped. */
export const TargetRule = strictObject({
  kind: z.literal('target'),
  metric: MetricKey,
  pointsAtTarget: nonNegative,
  pointsPerPercentOver: nonNegative.default(0),
  bonusCap: nonNegative.optional().describe('maximum bonus points above pointsAtTarget'),
  // Optional rather than defaulted, so definitions saved before it existed read back unchanged.
  allowNegative: z
    .boolean()
    .optional()
    .describe(
      'completion below 0 (returns netted against sales) costs points when true; by default (absent or false) the points stop at 0',
    ),
});

export const CountRule = strictObject({
  kind: z.literal('count'),
  event: z
    .enum(['incident', 'violation', 'hazard_found', 'hazard_rectified', 'hazard_overdue'])
    .describe(
      'hazard_overdue: a hazard not rectified within rectifyWithinDays, counted on the day after its deadline (超期未整改)',
    ),
  severities: z
    .array(IncidentSeverity)
    .min(1)
    .optional()
    .describe('incident only: which severities count (default all)'),
  violationKinds: z.array(ViolationKind).min(1).optional().describe('violation only: which kinds count (default all)'),
  measure: z
    .enum(['events', 'persons'])
    .default('events')
    .describe('violation only: persons counts person-times (人次)'),
  rectifyWithinDays: boundedNumber(0, 366, { int: true })
    .optional()
    .describe(
      'hazard_overdue only (required there): calendar days allowed after the day a hazard is found, e.g. 7; 0 means the same day',
    ),
  pointsEach: points.describe('negative for penalties, e.g. -5 per 三违 person-time'),
  perCapita: z.boolean().default(false),
  floor: points.optional().describe('lowest points, e.g. -20'),
  cap: points.optional(),
}).superRefine((rule, ctx) => {
  if (rule.event === 'hazard_overdue' && rule.rectifyWithinDays === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rectifyWithinDays'],
      message: '超期未整改需填写整改期限（天） / hazard_overdue needs rectifyWithinDays, the days allowed to rectify',
    });
  }
  if (rule.event !== 'hazard_overdue' && rule.rectifyWithinDays !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rectifyWithinDays'],
      message: 'rectifyWithinDays applies to event "hazard_overdue" only',
    });
  }
});

export const SafetyDaysRule = strictObject({
  kind: z.literal('safety_days'),
  breakingSeverities: z.array(IncidentSeverity).min(1).default(['minor_injury', 'serious_injury', 'fatality']),
  pointsPerDay: points,
  cap: points.optional(),
});

export const InnovationRule = strictObject({
  kind: z.literal('innovation'),
  categories: z.array(InnovationCategory).min(1).optional().describe('default all five 五小 categories'),
  points: strictObject({
    submitted: points.default(0),
    adopted: points.default(0),
    awarded: strictObject({ 1: points, 2: points, 3: points }).describe('points for 一/二/三等奖'),
  }),
  cap: points.optional(),
});

export const RectificationRateRule = strictObject({
  kind: z.literal('rectification_rate'),
  pointsAtFullRate: nonNegative,
  whenNoHazards: z
    .enum(['full', 'zero'])
    .default('full')
    .describe('points when the crew found no hazard in the period'),
});

export const IndicatorRule = z.discriminatedUnion('kind', [
  SumRule,
  TargetRule,
  CountRule,
  SafetyDaysRule,
  InnovationRule,
  RectificationRateRule,
]);
export type IndicatorRule = z.infer<typeof IndicatorRule>;

export const Indicator = strictObject({
  id: Id,
  name: LocalizedName,
  weight: boundedNumber(0, LIMITS.weight).default(1).describe('multiplies the rule points'),
  rule: IndicatorRule,
});
export type Indicator = z.infer<typeof Indicator>;

export const VetoCondition = z.discriminatedUnion('kind', [
  strictObject({
    kind: z.literal('incident'),
    severities: z.array(IncidentSeverity).min(1).default(['serious_injury', 'fatality']),
    minCount: count.default(1),
  }),
  strictObject({
    kind: z.literal('violations'),
    minPersons: count,
  }),
]);

export const VetoEffect = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('zero_indicator'), indicatorId: Id }),
  strictObject({ kind: z.literal('disqualify') }),
]);

/** 一票否决 */
export const Veto = strictObject({
  id: Id,
  name: LocalizedName,
  when: VetoCondition,
  effect: VetoEffect,
});
export type Veto = z.infer<typeof Veto>;

export const Participants = z.discriminatedUnion('scope', [
  strictObject({ scope: z.literal('all') }),
  strictObject({
    scope: z.literal('selected'),
    branchIds: z.array(Id).default([]),
    unitIds: z.array(Id).default([]),
    crewIds: z.array(Id).default([]),
  }),
]);

export const RankingGroup = z.enum(['overall', 'branch', 'unit_type']);
export type RankingGroup = z.infer<typeof RankingGroup>;

export { SUPPORTED_TIME_ZONES };

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai' satisfies (typeof SUPPORTED_TIME_ZONES)[number];

/** The whole competition period: it can be closed like a stage (全程总评). */
export const WHOLE_PERIOD_ID = 'final';

/** 阶段: a part of the competition period (a month, a quarter) that is judged and closed on its own. */
export const Stage = strictObject({
  id: Id.refine((id) => id !== WHOLE_PERIOD_ID, `"${WHOLE_PERIOD_ID}" names the whole competition period`),
  name: LocalizedName,
  start: IsoDate,
  end: IsoDate,
});
export type Stage = z.infer<typeof Stage>;

/**
 * 审核: reports (上报) of this type for this competition's crews count only once approved at each
 * of these levels in order, e.g. 单位安全员 then 分公司工会. Events from systems count at once.
 */
export const ReviewRule = strictObject({
  type: ReportableType,
  levels: z.array(SafeName(40)).min(1).max(5).describe('审核级别 in order, e.g. ["单位安全员", "分公司工会"]'),
});
export type ReviewRule = z.infer<typeof ReviewRule>;

export const Competition = strictObject({
  name: LocalizedName,
  kind: z.enum(['labour', 'ankang']).describe('labour 劳动竞赛 or ankang 安康杯'),
  period: strictObject({ start: IsoDate, end: IsoDate }).describe(
    'inclusive calendar days in the competition time zone',
  ),
  stages: z
    .array(Stage)
    .max(366)
    .default([])
    .describe('阶段 (e.g. months or quarters) inside the period, not overlapping; each is closed on its own'),
  weightTotal: boundedNumber(0, LIMITS.weight, { exclusiveMin: true })
    .optional()
    .describe('when set, the indicator weights must add up to this (e.g. 100)'),
  timeZone: z.enum(SUPPORTED_TIME_ZONES).default(DEFAULT_TIME_ZONE),
  noticeWorkingDays: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(5)
    .describe('公示: working days a closed period’s results are posted for objections (holidays and 调休 counted)'),
  participants: Participants.default({ scope: 'all' }),
  rankingGroups: z.array(RankingGroup).min(1).default(['overall']),
  tieMode: z.enum(['competition', 'dense']).default('competition').describe('competition: 1,1,3; dense: 1,1,2'),
  entrants: EntrantLevel.default('crew').describe(
    "参赛对象: crew 班组, unit 单位 and branch 分公司 (their crews' events summed), person 个人 (events with personId)",
  ),
  indicators: z.array(Indicator).max(50).describe('at least one, unless the competition has a sheet ([] then)'),
  vetoes: z.array(Veto).max(20).default([]),
  sheet: Sheet.optional().describe('考核细则: categories of items, bonus section, veto items'),
  gates: z.array(Gate).max(20).default([]).describe('评优条件: an entrant failing one gets no grade'),
  grades: GradeRule.optional().describe('评定等级 of the entrants passing every gate'),
  review: z
    .array(ReviewRule)
    .max(5)
    .refine(
      (rules) => new Set(rules.map((r) => r.type)).size === rules.length,
      '每种类型只能设置一次 / a type is listed twice',
    )
    .optional()
    .describe('审核: which reported event types need review, at which levels; none when absent'),
}).superRefine(
  (c, ctx) => {
    // Runs even when other fields failed (see `when`), so every problem is reported at once;
    // hence the defensive checks on shapes the base schema would otherwise guarantee.
    const period = c.period as Partial<Competition['period']> | undefined;
    if (period?.start && period.end && period.end < period.start) {
      ctx.addIssue({ code: 'custom', path: ['period', 'end'], message: 'period.end is before period.start' });
    }
    stageProblems(c.stages, period).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    if (typeof c.weightTotal === 'number' && Array.isArray(c.indicators)) {
      const weights = c.indicators.map((i) => (typeof i?.weight === 'number' ? i.weight : 1));
      const sum = weights.reduce((a, b) => a + b, 0);
      // Weights like 0.1 + 0.2 do not add up exactly in binary floating point.
      if (Math.abs(sum - c.weightTotal) > 1e-9 * Math.max(1, c.weightTotal)) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicators'],
          message: `indicator weights add up to ${+sum.toFixed(9)} (${weights.join(' + ')}); weightTotal says they must add up to ${c.weightTotal}`,
        });
      }
    }
    if (Array.isArray(c.indicators) && c.indicators.length === 0 && c.sheet === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators'],
        message: '至少需要一个指标或一份考核细则 / give at least one indicator, or a sheet',
      });
    }
    if (Array.isArray(c.rankingGroups) && !c.rankingGroups.includes('overall')) {
      ctx.addIssue({ code: 'custom', path: ['rankingGroups'], message: 'rankingGroups must include "overall"' });
    }
    if (Array.isArray(c.rankingGroups) && new Set(c.rankingGroups).size !== c.rankingGroups.length) {
      ctx.addIssue({ code: 'custom', path: ['rankingGroups'], message: 'rankingGroups lists a group twice' });
    }
    const indicatorIds = new Set<string>();
    (Array.isArray(c.indicators) ? c.indicators : []).forEach((indicator, index) => {
      if (typeof indicator?.id !== 'string') return;
      if (indicatorIds.has(indicator.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicators', index, 'id'],
          message: `duplicate indicator id "${indicator.id}"`,
        });
      }
      indicatorIds.add(indicator.id);
      const rule = indicator.rule as { cap?: unknown; floor?: unknown } | undefined;
      if (typeof rule?.cap === 'number' && typeof rule.floor === 'number' && rule.cap < rule.floor) {
        ctx.addIssue({ code: 'custom', path: ['indicators', index, 'rule', 'cap'], message: 'cap is below floor' });
      }
    });
    (Array.isArray(c.vetoes) ? c.vetoes : []).forEach((veto, index) => {
      const effect = veto?.effect as { kind?: unknown; indicatorId?: unknown } | undefined;
      if (
        effect?.kind === 'zero_indicator' &&
        typeof effect.indicatorId === 'string' &&
        !indicatorIds.has(effect.indicatorId)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['vetoes', index, 'effect', 'indicatorId'],
          message: `unknown indicator "${effect.indicatorId}"`,
        });
      }
    });
    const problems = sheetProblems(c.sheet, c.gates, c.grades, c.sheet === undefined ? new Set() : indicatorIds);
    problems.forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
  },
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);
export type Competition = z.infer<typeof Competition>;

/** Stages must lie inside the period, end after they start, and not overlap or share an id. */
function stageProblems(
  stages: unknown,
  period: Partial<Competition['period']> | undefined,
): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(stages)) return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  const valid: { index: number; id: string; start: string; end: string }[] = [];
  const ids = new Set<string>();
  stages.forEach((raw: unknown, index) => {
    const stage = raw as Partial<Stage> | undefined;
    if (typeof stage?.id === 'string') {
      if (ids.has(stage.id))
        problems.push({ path: ['stages', index, 'id'], message: `duplicate stage id "${stage.id}"` });
      ids.add(stage.id);
    }
    if (typeof stage?.start !== 'string' || typeof stage.end !== 'string') return;
    if (stage.end < stage.start) {
      problems.push({ path: ['stages', index, 'end'], message: 'stage end is before its start' });
      return;
    }
    // An inverted period is reported once, on period.end, not again for every stage.
    const { start, end } = period ?? {};
    if (start && end && start <= end && (stage.start < start || stage.end > end)) {
      problems.push({
        path: ['stages', index],
        message: `stage ${stage.start} – ${stage.end} is outside the competition period ${start} – ${end}`,
      });
    }
    valid.push({ index, id: String(stage.id), start: stage.start, end: stage.end });
  });
  for (const [i, a] of valid.entries()) {
    for (const b of valid.slice(i + 1)) {
      if (a.start <= b.end && b.start <= a.end) {
        problems.push({
          path: ['stages', b.index],
          message: `stage "${b.id}" (${b.start} – ${b.end}) overlaps stage "${a.id}" (${a.start} – ${a.end})`,
        });
      }
    }
  }
  return problems;
}
export type CompetitionInput = z.input<typeof Competition>;
