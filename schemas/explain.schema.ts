import { z } from 'zod';
import { DigitsInt, IsoDate, PathId, Query } from './common.schema.ts';
import { Cursor, EventWithState } from './correction.schema.ts';

/**
 * What an event did to one indicator ("explain every point"): whether it counts, its part in the
 * indicator's measured value and, where the rule is linear, in its points.
 */
export const EventRole = z
  .enum([
    'counted',
    'withdrawn',
    'breaks_run',
    'earlier_break',
    'current_status',
    'superseded',
    'rectified',
    'open',
    'rectifies',
    'outside_period',
    'overdue',
  ])
  .describe(
    'counted: adds to the indicator; withdrawn: withdrawn or corrected, adds nothing (its replacement is an event of its own); breaks_run: the latest accident, the safe days count from the day after it; earlier_break: an accident before it; current_status: the innovation’s latest status, the one that scores; superseded: an earlier status of an innovation; rectified / open: a hazard found in the period, rectified by the end of the day judged or not (rectification rate); rectifies: a rectification of a hazard found in the period; outside_period: about a hazard found before the period, not in its rate; overdue: a hazard not rectified by its deadline, counted on the day after it',
  );
export type EventRole = z.infer<typeof EventRole>;

export const EventEffect = z.object({
  counts: z.boolean().describe('whether the event counts toward the indicator now'),
  role: EventRole,
  value: z
    .number()
    .nullable()
    .describe(
      'its part in the indicator’s value before per-capita division: litres, CNY, 1 per event, persons for 三违 person-times; null where the rule is not a sum (safe days, rate)',
    ),
  points: z
    .number()
    .nullable()
    .describe(
      'the points it adds (weight and per-capita applied, before caps, floors and vetoes); null where points are not per event (target, safe days, rate)',
    ),
});

export const ExplainedEvent = EventWithState.extend({ effect: EventEffect });
export type ExplainedEvent = z.infer<typeof ExplainedEvent>;

export const IndicatorEventsPage = z.object({
  indicatorId: z.string(),
  total: z.number().int().describe('events listed for this indicator in the window, on every page'),
  events: z.array(ExplainedEvent).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
});

export const IndicatorEventsParams = z.object({ indicatorId: PathId() });

export const IndicatorEventsQuery = Query({
  asOf: IsoDate.optional().describe('day judged (YYYY-MM-DD); default today in the competition time zone'),
  period: z
    .string()
    .max(64)
    .optional()
    .describe('a stage id, or final (the whole competition, the default): events from its first day'),
  limit: DigitsInt(1, 200).default(20),
  cursor: Cursor.optional(),
});

export const IndicatorEventsResponse = IndicatorEventsPage.extend({
  competitionId: z.string(),
  crewId: z.string(),
  asOf: IsoDate,
  window: z
    .object({ periodId: z.string(), start: IsoDate, end: IsoDate, timeZone: z.string() })
    .describe('the calendar days whose events are listed, in the competition’s time zone'),
  limit: z.number().int(),
});
