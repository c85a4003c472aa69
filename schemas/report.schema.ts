import { z } from 'zod';
import { Id, Query, SafeLine, SafeText, strictObject } from './common.schema.ts';
import { EvidenceId } from './evidence.schema.ts';
import {
  HazardFoundEvent,
  HazardRectifiedEvent,
  IncidentEvent,
  InnovationEvent,
  MetricEventSchema,
  ViolationEvent,
} from './event.schema.ts';

/**
 * 上报: what a person reports from the station floor. A report is stored pending and counts nowhere
 * until approved at every review level its competitions ask for (审核); then it becomes an event
 * (eventId `report-<reportId>`) through the same ingest path as every event.
 */
export const ReportableType = z.enum(['hazard_found', 'hazard_rectified', 'violation', 'incident', 'innovation']);
export type ReportableType = z.infer<typeof ReportableType>;

/** The event's own fields without eventId (derived from the reportId). */
function withoutEventId<T extends z.core.$ZodLooseShape>(shape: T): Omit<T, 'eventId'> {
  return Object.fromEntries(Object.entries(shape).filter(([key]) => key !== 'eventId')) as Omit<T, 'eventId'>;
}

export const ReportedEvent = z.discriminatedUnion('type', [
  strictObject(withoutEventId(HazardFoundEvent.shape)),
  strictObject(withoutEventId(HazardRectifiedEvent.shape)),
  strictObject(withoutEventId(ViolationEvent.shape)),
  strictObject(withoutEventId(IncidentEvent.shape)),
  strictObject(withoutEventId(InnovationEvent.shape)),
]);
export type ReportedEvent = z.infer<typeof ReportedEvent>;

/** The event an approved report becomes: a retried approval publishes the same eventId, stored once. */
export function reportEventId(reportId: string): string {
  return `report-${reportId}`;
}

export const MAX_REPORT_EVIDENCE = 9;

export const ReportCreate = strictObject({
  reportId: Id.describe('chosen by the device (a UUID): a resend with the same body is stored once'),
  event: ReportedEvent,
  location: SafeLine(200).optional().describe('地点, e.g. 3号加油机 or 油罐区东侧'),
  description: SafeText(2000).optional().describe('描述: what was found, done or proposed'),
  evidence: z
    .array(EvidenceId)
    .max(MAX_REPORT_EVIDENCE)
    .default([])
    .describe(`照片/附件: at most ${MAX_REPORT_EVIDENCE} evidence ids from POST /v1/evidence`),
}).superRefine(
  (report, ctx) => {
    // The event's own rules (e.g. awardLevel with awarded) from the single event contract.
    const asEvent = MetricEventSchema.safeParse({ ...report.event, eventId: reportEventId(report.reportId) });
    if (!asEvent.success) {
      for (const issue of asEvent.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['event', ...issue.path], message: issue.message });
      }
    }
    if (report.event.type === 'innovation' && report.event.status !== 'submitted') {
      ctx.addIssue({
        code: 'custom',
        path: ['event', 'status'],
        message:
          '上报的五小创新只能是 submitted（采纳、获奖由评审委员会在控制台操作）/ a reported innovation is "submitted"; adoption and awards are the committee’s',
      });
    }
  },
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);
export type ReportCreate = z.infer<typeof ReportCreate>;
export type ReportCreateInput = z.input<typeof ReportCreate>;

export const ReportStatus = z.enum(['pending', 'approved', 'rejected']);
export type ReportStatus = z.infer<typeof ReportStatus>;

export const ReviewDecisionKind = z.enum(['approved', 'rejected']);

/** One step of a report's review, kept for good. */
export const ReviewStep = z.object({
  level: z.number().int().positive().describe('1 for the first review level'),
  levelName: z.string().describe('e.g. 单位安全员, 分公司工会'),
  decision: ReviewDecisionKind,
  by: z.string().describe('the reviewer’s token name'),
  byTokenId: z.string().nullable(),
  at: z.string(),
  note: z.string().nullable().describe('审核意见; for a rejection, the reason the reporter sees'),
});
export type ReviewStep = z.infer<typeof ReviewStep>;

export const Report = z.object({
  reportId: z.string(),
  status: ReportStatus,
  event: ReportedEvent,
  location: z.string().nullable(),
  description: z.string().nullable(),
  evidence: z.array(z.string()),
  branchId: z.string(),
  unitId: z.string(),
  reportedBy: z.string().describe('the reporter’s token name'),
  reporterTokenId: z.string().nullable(),
  reportedAt: z.string(),
  levels: z
    .array(z.string())
    .describe('the review levels in order, fixed when the report was made; empty: counted at once'),
  approvedLevels: z.number().int().nonnegative().describe('how many levels have approved so far'),
  steps: z.array(ReviewStep),
  rejection: z.object({ reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  eventId: z.string().nullable().describe('the event it became once approved at the last level'),
});
export type Report = z.infer<typeof Report>;

export const ReportCreated = z.object({ report: Report });

export const ReportList = z.object({ reports: z.array(Report) });

export const ReportListQuery = Query({
  mine: z.enum(['true', 'false']).optional().describe('true: only the caller’s own reports'),
  status: ReportStatus.optional(),
  branchId: Id.optional(),
  type: ReportableType.optional(),
  olderThanHours: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 366)
    .optional()
    .describe('only reports waiting longer'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ReviewRequest = strictObject({
  reportIds: z.array(Id).min(1).max(500).describe('one report, or many approved or rejected together'),
  decision: ReviewDecisionKind,
  note: SafeText(500).optional().describe('审核意见; required to reject: the reporter sees it as the reason'),
}).superRefine((r, ctx) => {
  if (r.decision === 'rejected' && (r.note === undefined || r.note.trim() === '')) {
    ctx.addIssue({
      code: 'custom',
      path: ['note'],
      message: '驳回需要填写原因，上报人会看到 / a rejection needs a reason (note): the reporter sees it',
    });
  }
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export const ReviewOutcome = z.object({
  reportId: z.string(),
  ok: z.boolean(),
  report: Report.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const ReviewAnswer = z.object({ results: z.array(ReviewOutcome) });

export const OpenHazard = z.object({
  hazardId: z.string(),
  reportId: z.string(),
  crewId: z.string(),
  location: z.string().nullable(),
  description: z.string().nullable(),
  foundAt: z.string(),
  deadline: z
    .string()
    .nullable()
    .describe('last day to rectify (YYYY-MM-DD) by the strictest hazard_overdue rule in force; null: none'),
});
export const OpenHazardList = z.object({ hazards: z.array(OpenHazard) });
