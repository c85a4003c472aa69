import { z } from 'zod';
import { Id, IsoDateTimeWithOffset, LIMITS, SafeLine, SafeText, boundedNumber, strictObject } from './common.schema.ts';
import { MetricName } from './metric-key.schema.ts';

const base = {
  eventId: Id.describe('Chosen by the sender; (crewId, eventId) identifies the event, so a resend is counted once'),
  crewId: Id.describe('班组 id from the registry'),
  occurredAt: IsoDateTimeWithOffset.describe('When it happened, ISO 8601 with offset, e.g. 2026-11-03T08:15:00+08:00'),
  // Any event may carry one: a spreadsheet of events has one 备注 column for every kind.
  note: SafeText(2000).optional().describe('备注, free text (line breaks allowed)'),
};

/** 到人头: events a person earns or answers for may name them (a person of the registry, in the event's crew). */
const person = {
  personId: Id.optional().describe('人员编号 from the registry (persons); the person belongs to crewId'),
};

export const SalesEvent = strictObject({
  ...base,
  ...person,
  type: z.literal('sales'),
  volume: boundedNumber(0, LIMITS.volume).describe(`销量, 0 to ${LIMITS.volume} litres or tonnes per event`),
  unit: z.enum(['litres', 'tonnes']),
  product: SafeLine(64).optional().describe('e.g. 92#, 95#, 0# or -10# diesel'),
  amountCny: boundedNumber(0, LIMITS.amountCny)
    .optional()
    .describe(`金额（元）, at most ${LIMITS.amountCny} per event`),
}).describe('销量 sales of one shift crew');

export const IncidentSeverity = z.enum(['near_miss', 'minor_injury', 'serious_injury', 'fatality']);
export type IncidentSeverity = z.infer<typeof IncidentSeverity>;

export const IncidentEvent = strictObject({
  ...base,
  type: z.literal('incident'),
  severity: IncidentSeverity,
}).describe('安全事件：未遂、轻伤、重伤、死亡');

export const HazardFoundEvent = strictObject({ ...base, type: z.literal('hazard_found'), hazardId: Id }).describe(
  '隐患排查：发现隐患',
);

export const HazardRectifiedEvent = strictObject({
  ...base,
  type: z.literal('hazard_rectified'),
  hazardId: Id,
}).describe('隐患整改完成 (same hazardId as the hazard_found event)');

export const ViolationKind = z.enum(['command', 'operation', 'discipline']);
export type ViolationKind = z.infer<typeof ViolationKind>;

export const ViolationEvent = strictObject({
  ...base,
  ...person,
  type: z.literal('violation'),
  kind: ViolationKind.describe('三违: command 违章指挥, operation 违章作业, discipline 违反劳动纪律'),
  personCount: boundedNumber(1, LIMITS.persons, { int: true }).default(1).describe('人次'),
}).describe('三违');

export const InnovationCategory = z.enum(['invention', 'creation', 'renovation', 'design', 'suggestion']);
export type InnovationCategory = z.infer<typeof InnovationCategory>;
export const InnovationStatus = z.enum(['submitted', 'adopted', 'awarded']);
export type InnovationStatus = z.infer<typeof InnovationStatus>;
export const AwardLevel = z.union([z.literal(1), z.literal(2), z.literal(3)]);

export const InnovationEvent = strictObject({
  ...base,
  ...person,
  type: z.literal('innovation'),
  innovationId: Id,
  category: InnovationCategory.describe(
    '五小: 小发明 invention, 小创造 creation, 小革新 renovation, 小设计 design, 小建议 suggestion',
  ),
  status: InnovationStatus,
  awardLevel: AwardLevel.optional().describe('一/二/三等奖; required when status is awarded'),
  benefitCny: boundedNumber(0, LIMITS.benefitCny).optional().describe(`创效（元）, at most ${LIMITS.benefitCny}`),
})
  .superRefine(
    (event, ctx) => {
      if (event.status === 'awarded' && event.awardLevel === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['awardLevel'],
          message: 'awardLevel (1, 2 or 3) is required when status is "awarded"',
        });
      }
      if (event.status !== 'awarded' && event.awardLevel !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['awardLevel'],
          message: 'awardLevel is only allowed when status is "awarded"',
        });
      }
      // Also run when other fields failed, so a sender sees every problem of the event at once.
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .describe('五小创新; a later event for the same innovationId supersedes the earlier one');

export const NamedMetricEvent = strictObject({
  ...base,
  ...person,
  type: z.literal('metric'),
  name: MetricName,
  value: boundedNumber(-LIMITS.metricValue, LIMITS.metricValue).describe(
    `−${LIMITS.metricValue} to ${LIMITS.metricValue} per event`,
  ),
}).describe('A generic named metric for indicators organisers add (技能比武, 合理化建议, attendance)');

/**
 * 安全检查 / 考核: one inspection result for one item of a competition's 考核细则 sheet. The crew
 * is the entrant inspected (a unit's or branch's competition sums its crews' results); the sheet
 * item turns findings into points, or the inspector gives the points directly.
 */
export const AssessmentEvent = strictObject({
  ...base,
  ...person,
  type: z.literal('assessment'),
  itemId: Id.describe('考核项目 id: an item (or bonus item, or veto item) of the competition sheet'),
  findings: boundedNumber(0, LIMITS.count, { int: true })
    .optional()
    .describe("发现问题数 (处/次): the item's deduction rule turns them into points"),
  points: boundedNumber(0, LIMITS.points)
    .optional()
    .describe('直接评分: points deducted from the item, or for a bonus item (鼓励项) points awarded'),
  inspector: SafeLine(64).describe('检查人'),
  evidence: z
    .array(SafeLine(200))
    .max(20)
    .default([])
    .describe('证据: ids or references of photos and documents (no file content)'),
})
  .superRefine(
    (event, ctx) => {
      const hasFindings = event.findings !== undefined;
      const hasPoints = event.points !== undefined;
      if (hasFindings === hasPoints) {
        ctx.addIssue({
          code: 'custom',
          path: [hasFindings ? 'points' : 'findings'],
          message: hasFindings
            ? '只填发现问题数或直接评分之一 / give findings or points, not both'
            : '缺少发现问题数或直接评分 / give findings (a count) or points',
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .describe('安全检查/考核结果 for one item of the competition sheet');

export const MetricEventSchema = z.discriminatedUnion('type', [
  SalesEvent,
  IncidentEvent,
  HazardFoundEvent,
  HazardRectifiedEvent,
  ViolationEvent,
  InnovationEvent,
  NamedMetricEvent,
  AssessmentEvent,
]);
export type MetricEvent = z.infer<typeof MetricEventSchema>;
export type MetricEventInput = z.input<typeof MetricEventSchema>;
export type EventType = MetricEvent['type'];
export const EVENT_TYPES = MetricEventSchema.options.map((o) => o.shape.type.value);
