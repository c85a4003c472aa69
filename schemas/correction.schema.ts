import { z } from 'zod';
import {
  DigitsInt,
  Id,
  IsoDate,
  IsoDateTimeWithOffset,
  Query,
  SafeLine,
  SafeText,
  strictObject,
} from './common.schema.ts';
import { EVENT_TYPES, MetricEventSchema } from './event.schema.ts';

/** withdraw: the event no longer counts. correct: a replacement event counts instead. */
export const CorrectionAction = z.enum(['withdraw', 'correct']);
export type CorrectionAction = z.infer<typeof CorrectionAction>;

/** Why an event is withdrawn or corrected: kept in the audit history and shown in the crew's breakdown. */
export const CorrectionReason = SafeText(500).refine((reason) => reason.trim() !== '', {
  message: '请写明更正原因 / give the reason for the correction',
  abort: true,
});

/**
 * A correction as it travels through the pipeline (the value of a Kafka message with the
 * correction content type, see kafka-message.schema.ts). crewId and eventId name the corrected
 * event; they are its key, so one event is corrected at most once and a retried correction is
 * stored once. The corrected event's fields are read from storage when the correction is stored.
 */
export const CorrectionRecord = strictObject({
  type: z.literal('correction'),
  correctionId: Id.describe('derived from the corrected event’s crewId and eventId (corr-…)'),
  action: CorrectionAction,
  crewId: Id.describe('the corrected event’s crew (also the message key)'),
  eventId: Id.describe('the corrected event’s id'),
  occurredAt: IsoDateTimeWithOffset.describe('when the corrected event happened, as stored'),
  reason: CorrectionReason,
  author: SafeLine(200).describe('the token name that made the correction'),
  authorTokenId: z.string().max(128).default(''),
  requestedAt: IsoDateTimeWithOffset.describe('when the organiser asked for it'),
  replacement: MetricEventSchema.optional().describe('correct only: the event that counts instead (eventId fix-…)'),
}).superRefine(
  (record, ctx) => {
    if (record.action === 'correct' && record.replacement === undefined) {
      ctx.addIssue({ code: 'custom', path: ['replacement'], message: 'a correct needs its replacement event' });
    }
    if (record.action === 'withdraw' && record.replacement !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['replacement'], message: 'a withdrawal has no replacement event' });
    }
  },
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);
export type CorrectionRecord = z.infer<typeof CorrectionRecord>;

const crewOfEvent = Id.optional().describe(
  'the event’s crew; needed only when events of several crews carry this eventId (409 event_id_ambiguous)',
);

export const WithdrawRequest = strictObject({ crewId: crewOfEvent, reason: CorrectionReason });

export const CorrectRequest = strictObject({
  crewId: crewOfEvent,
  reason: CorrectionReason,
  event: z
    .record(z.string(), z.unknown())
    .describe(
      'the replacement: an event as POST /v1/events takes it (any type, this crew or another), without eventId, which is assigned (fix-…)',
    ),
});

export const EventRef = z.object({ crewId: z.string(), eventId: z.string() });

export const LateNotice = z
  .object({
    competitionId: z.string(),
    periodId: z.string(),
    closedAt: z.string(),
    crewId: z.string(),
    entrantId: z
      .string()
      .describe(
        'the frozen row it falls on: the crew, its unit or branch, or the person, by the period’s entrant level',
      ),
    day: IsoDate,
  })
  .describe(
    'a closed period this change falls in: its frozen standings do not change; it is listed among the period’s late changes',
  );

export const CorrectionView = z.object({
  correctionId: z.string(),
  action: CorrectionAction,
  crewId: z.string().describe('the corrected event’s crew'),
  eventId: z.string().describe('the corrected event’s id'),
  reason: z.string(),
  author: z.string(),
  requestedAt: z.string(),
  storedAt: z.string().nullable().describe('null while the correction waits in the event stream (Kafka)'),
  replacement: EventRef.nullable(),
  late: z.array(LateNotice),
});

export const EventState = z
  .enum(['counted', 'withdrawn', 'corrected'])
  .describe('counted; withdrawn (no longer counts); corrected (its replacement counts instead)');

export const EventWithState = z.object({
  event: z
    .looseObject({ eventId: z.string(), crewId: z.string(), type: z.string(), occurredAt: z.string() })
    .describe('the event as it was sent (occurredAt in UTC)'),
  crewName: z.string().nullable().describe('null for a crew no longer in the registry'),
  branchId: z.string().nullable(),
  receivedAt: z.string(),
  storedAt: z.string(),
  state: EventState,
  correction: CorrectionView.nullable().describe('the withdrawal or correction of this event'),
  replaces: EventRef.extend({ correctionId: z.string() })
    .nullable()
    .describe('this event is the replacement of another one'),
});

export const Cursor = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from an earlier answer');

export const EventsQuery = Query({
  crewId: Id.optional(),
  eventId: Id.optional(),
  type: z.enum(EVENT_TYPES as [string, ...string[]]).optional(),
  day: IsoDate.optional().describe('one calendar day (Beijing time); not with from/to'),
  from: IsoDate.optional().describe('first day (Beijing time)'),
  to: IsoDate.optional().describe('last day (Beijing time)'),
  limit: DigitsInt(1, 500).default(50),
  cursor: Cursor.optional(),
});

export const EventList = z.object({
  total: z.number().int().describe('events that match, on every page'),
  limit: z.number().int(),
  events: z.array(EventWithState).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
});

export const EventHistoryQuery = Query({ crewId: crewOfEvent });

export const EventHistory = z.object({
  crewId: z.string(),
  eventId: z.string(),
  current: EventRef.nullable().describe('the version that counts now; null when the chain ends in a withdrawal'),
  versions: z.array(EventWithState).describe('the first event, then each replacement in turn'),
});

export const CorrectionResult = z.object({
  outcome: z
    .enum(['stored', 'unchanged', 'pending'])
    .describe(
      'stored (201); unchanged: the same correction was stored before (200); pending: in the event stream, not yet stored (202)',
    ),
  message: z.string().describe('what happened, in Chinese and English (late changes named)'),
  correction: CorrectionView,
  event: EventWithState.describe('the corrected event with its new state'),
  replacement: EventWithState.nullable(),
});
