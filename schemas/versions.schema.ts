import { z } from 'zod';
import { IsoDate, LocalizedName, Query, SafeText, strictObject } from './common.schema.ts';
import { Competition } from './competition.schema.ts';
import { ResultStatus } from './notice.schema.ts';
import { EntrantLevel } from './sheet.schema.ts';

/** One difference between two definitions, by path (indicators[0].weight). */
export const DefinitionChange = z.object({
  path: z.string(),
  op: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type DefinitionChange = z.infer<typeof DefinitionChange>;

export const VersionStatus = z
  .enum(['current', 'draft', 'superseded'])
  .describe(
    'current: what standings use; draft: saved after the current one, not published; superseded: published once, or never',
  );

export const VersionInfo = z.object({
  version: z.number().int(),
  savedAt: z.string(),
  author: z.string().describe('the token name that saved it ("" before access control, "open" in open mode)'),
  note: z.string(),
  status: VersionStatus,
  publishedAt: z.string().nullable().describe('when it last became current'),
  publishedBy: z.string().nullable(),
  publishedNote: z.string().nullable().describe('the note it was last published with (发布说明)'),
});

/** The zone people read a competition's times in (its rules' timeZone), so a client need not fetch the rules. */
const CompetitionTimeZone = z.string().describe('the time zone of the competition (its latest version’s rules)');

export const VersionHistory = z.object({
  id: z.string(),
  timeZone: CompetitionTimeZone,
  currentVersion: z.number().int().nullable().describe('null until a version is published'),
  versions: z.array(VersionInfo).describe('newest first'),
});

export const VersionDetail = VersionInfo.extend({ id: z.string(), definition: Competition });

export const VersionSave = strictObject({
  definition: z.unknown().describe('a competition definition (see PUT /v1/competitions/{id})'),
  note: SafeText(2000).default('').describe('变更说明: why it changed'),
  publish: z.boolean().default(false).describe('publish at once instead of leaving a draft'),
  create: z
    .boolean()
    .default(false)
    .describe(
      'a new competition: 409 competition_exists when the id is taken (even by drafts only), so a new one never becomes a version of another',
    ),
});

export const VersionSaved = z.object({
  id: z.string(),
  outcome: z.enum(['created', 'unchanged']).describe('unchanged: identical to the latest version; nothing saved'),
  version: z.number().int(),
  status: VersionStatus,
  currentVersion: z.number().int().nullable(),
  changes: z.array(DefinitionChange).describe('against the current version; empty for a new competition'),
});

export const PublishRequest = strictObject({
  version: z.number().int().min(1).optional().describe('default: the latest draft'),
  note: SafeText(2000).default(''),
});

export const Published = z.object({
  id: z.string(),
  version: z.number().int(),
  previousVersion: z.number().int().nullable(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  timeZone: z.string().describe('the time zone of the published version’s rules'),
  changes: z.array(DefinitionChange),
});

export const PreviewRequest = strictObject({
  definition: z.unknown().optional().describe('a draft definition; or give version'),
  version: z.number().int().min(1).optional().describe('a saved version to preview'),
  asOf: IsoDate.optional().describe('default today in the competition time zone, clamped to the period'),
});

const Placing = z.object({ rank: z.number().int().nullable(), score: z.number(), disqualified: z.boolean() });

export const PreviewRow = z.object({
  crewId: z.string(),
  crewName: z.string(),
  unitName: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  current: Placing.nullable().describe('null: the crew is not in the current standings'),
  draft: Placing.nullable().describe('null: the crew is not in the draft standings'),
  rankChange: z.number().int().nullable().describe('positive: the draft ranks the crew higher'),
  scoreChange: z.number().nullable(),
});

export const PreviewResponse = z.object({
  competitionId: z.string(),
  asOf: IsoDate,
  currentVersion: z.number().int().nullable(),
  draftVersion: z.number().int().nullable().describe('null when previewing an unsaved definition'),
  entrants: EntrantLevel.describe(
    'who the draft ranks: crews, units, branches or persons (the rows’ crewId and crewName)',
  ),
  changes: z.array(DefinitionChange),
  summary: z.object({
    crews: z.number().int(),
    up: z.number().int(),
    down: z.number().int(),
    same: z.number().int(),
    entered: z.number().int(),
    left: z.number().int(),
  }),
  rows: z.array(PreviewRow).describe('overall ranking, in draft order'),
});

export const PeriodClosure = z.object({
  closedAt: z.string(),
  closedBy: z.string(),
  note: z.string(),
  definitionVersion: z.number().int(),
  orgVersion: z.number().int(),
  crews: z.number().int(),
  lateEvents: z
    .number()
    .int()
    .describe(
      'events for this period stored after it closed, and corrections of its events made since: recorded, not applied',
    ),
});

/** A period and its closure, as periods.ts reads them; the API adds the result status. */
export const PeriodState = z.object({
  id: z.string().describe('a stage id, or "final" for the whole competition period'),
  name: LocalizedName,
  start: IsoDate,
  end: IsoDate,
  closed: PeriodClosure.nullable(),
});

export const PeriodInfo = PeriodState.extend({ status: ResultStatus });

export const PeriodList = z.object({
  competitionId: z.string(),
  timeZone: z
    .string()
    .describe('the competition’s time zone (of its current rules), the zone people read these times in'),
  periods: z.array(PeriodInfo),
});

export const CloseRequest = strictObject({
  note: SafeText(2000).default(''),
  noticeEndsOn: IsoDate.optional().describe(
    '公示的最后一天，仅在工作日历缺少该年份时填写 / the 公示’s last day, for a year the working-day calendar does not have yet',
  ),
});

export const PeriodClosed = z.object({
  competitionId: z.string(),
  periodId: z.string(),
  start: IsoDate,
  end: IsoDate,
  closedAt: z.string(),
  closedBy: z.string(),
  definitionVersion: z.number().int(),
  entrants: EntrantLevel.describe('who the frozen rows are: crews, units, branches or persons'),
  crews: z.number().int().describe('entrants frozen (crews, or units, branches or persons by `entrants`)'),
  timeZone: z
    .string()
    .describe('the time zone of the rules it closed under: its days, and the zone people read closedAt in'),
});

export const LateEvent = z.object({
  eventId: z.string(),
  crewId: z.string(),
  personId: z.string().nullable().describe('the person the event names, if any'),
  entrant: z
    .object({ id: z.string(), name: z.string() })
    .describe(
      'the frozen row it falls on: the crew, its unit or branch, or the person named, by the period’s entrant level',
    ),
  type: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  storedAt: z.string().describe('when it was stored: on or after the closing, which makes it late'),
  correction: z
    .object({
      correctionId: z.string(),
      action: z.enum(['withdraw', 'correct']),
      reason: z.string(),
      author: z.string(),
    })
    .nullable()
    .describe(
      'a late withdrawal or correction of this event (receivedAt: when it was asked for); null for a late event',
    ),
});

export const LateEventList = z.object({
  competitionId: z.string(),
  periodId: z.string(),
  closedAt: z.string(),
  timeZone: z
    .string()
    .describe('the time zone of the rules it closed under: its days, and the zone people read these times in'),
  total: z.number().int(),
  events: z.array(LateEvent),
});

export const DeleteQuery = Query({
  note: SafeText(2000).default('').describe('why it is deleted (kept in the history)'),
});

export const Deleted = z
  .object({
    id: z.string(),
    version: z.number().int().describe('the version that records the deletion'),
    deletedAt: z.string(),
    deletedBy: z.string().describe('the token name that deleted it'),
    note: z.string(),
  })
  .describe('a never-published competition or screen set deleted: its saved versions stay in storage as history');
