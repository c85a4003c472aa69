import { z } from 'zod';
import { Id, IsoDate, SafeText, strictObject } from './common.schema.ts';
import { EvidenceId } from './evidence.schema.ts';

/**
 * Where a closed period stands in 公示 · 异议 · 复核: in notice (objections may be made), notice over
 * (waiting for the organiser's confirmation), final (confirmed: the official results). A period
 * closed before 公示 existed has no notice: "closed".
 */
export const ResultStatus = z
  .enum(['open', 'closed', 'in_notice', 'notice_ended', 'final'])
  .describe(
    'open 未结算; closed 已结算（无公示记录）; in_notice 公示中; notice_ended 公示期满、待确认; final 正式结果（已确认）',
  );
export type ResultStatus = z.infer<typeof ResultStatus>;

export const ObjectionRequest = strictObject({
  objectionId: Id.optional().describe(
    'chosen by the device (a UUID) so that a resend after a lost answer is stored once: the same body again answers the objection already taken; another body, or another sender, under the same id is 409 objection_conflict. Without it the server chooses one.',
  ),
  entrantId: Id.describe('the frozen row objected to: a crew, unit, branch or person id'),
  realName: SafeText(64).min(1).describe('the objector’s real name (异议须实名)'),
  what: SafeText(2000).min(1).describe('what is wrong, in the objector’s words'),
  evidence: z.array(EvidenceId).max(9).default([]).describe('ids of uploaded evidence files'),
});

export const CorrectionOrder = z.discriminatedUnion('action', [
  strictObject({ action: z.literal('withdraw'), eventId: Id, crewId: Id.optional() }),
  strictObject({
    action: z.literal('correct'),
    eventId: Id,
    crewId: Id.optional(),
    event: z
      .record(z.string(), z.unknown())
      .describe('the replacement event, as for POST /v1/events/{eventId}/correct'),
  }),
]);

export const RejectRequest = strictObject({ reason: SafeText(2000).min(1) });
export const UpholdRequest = strictObject({
  reason: SafeText(2000).min(1),
  corrections: z
    .array(CorrectionOrder)
    .min(1)
    .max(50)
    .describe('the corrections the 复核 found: each goes through the corrections path, then the period is re-frozen'),
});
export const ConfirmRequest = strictObject({ note: SafeText(2000).default('') });

export const ResultChange = z.object({
  entrantId: z.string(),
  name: z.string(),
  before: z.object({ score: z.number(), rank: z.number().int().nullable() }).nullable(),
  after: z.object({ score: z.number(), rank: z.number().int().nullable() }).nullable(),
});

export const Objection = z.object({
  objectionId: z.string(),
  entrantId: z.string(),
  realName: z.string(),
  what: z.string(),
  evidence: z.array(z.string()),
  by: z.string().describe('the token that made it'),
  at: z.string(),
  status: z.enum(['open', 'rejected', 'upheld']),
  decision: z
    .object({
      by: z.string(),
      at: z.string(),
      reason: z.string(),
      correctionIds: z.array(z.string()),
      changes: z.array(ResultChange).describe('the frozen rows the re-check changed (upheld only)'),
    })
    .nullable(),
});

export const NoticeHistoryEntry = z.object({
  at: z.string(),
  by: z.string(),
  action: z.enum(['opened', 'objected', 'rejected', 'upheld', 'rechecked', 'confirmed']),
  objectionId: z.string().nullable(),
  note: z.string(),
});

export const PeriodNotice = z.object({
  competitionId: z.string(),
  periodId: z.string(),
  status: ResultStatus,
  timeZone: z.string(),
  workingDays: z.number().int(),
  openedAt: z.string(),
  openedBy: z.string(),
  startsOn: IsoDate.describe('the day the 公示 opened, in the competition’s time zone'),
  endsOn: IsoDate.describe('its last day: the n-th working day after the opening (holidays and 调休 counted)'),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
  howToObject: z.object({ zh: z.string(), en: z.string() }),
  objections: z.array(Objection),
  history: z.array(NoticeHistoryEntry),
});
export type PeriodNotice = z.infer<typeof PeriodNotice>;
