import { z } from 'zod';
import { EntrantLevel, SheetOutcome } from './sheet.schema.ts';
import { CorrectionView } from './correction.schema.ts';
import { DigitsInt, IsoDate, LocalizedName, Query, QueryBoolean } from './common.schema.ts';
import { Competition } from './competition.schema.ts';
import { IndicatorEventsPage } from './explain.schema.ts';
import { ResultStatus } from './notice.schema.ts';

export const FieldErrorSchema = z.object({
  path: z.string().describe('where the problem is, e.g. volume or indicators[0].rule.metric'),
  message: z.string(),
});

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code, e.g. validation_failed'),
      message: z.string().describe('what went wrong and what to fix'),
      details: z.unknown().optional(),
    }),
  })
  .describe('Every 4xx/5xx answer has this shape');

export const IngestResponse = z.object({
  accepted: z.number().int().describe('events stored by this request'),
  duplicates: z
    .array(z.object({ index: z.number().int(), eventId: z.string() }))
    .describe('events already stored (same crewId and eventId); not counted again'),
  conflicts: z
    .array(z.object({ index: z.number().int(), eventId: z.string(), fields: z.array(z.string()) }))
    .default([])
    .describe(
      'events whose crewId and eventId were used before for other content (the fields that differ): not stored, the first version stays. The sender has a bug: a new event needs a new eventId',
    ),
  rejected: z
    .array(z.object({ index: z.number().int(), eventId: z.string().nullable(), errors: z.array(FieldErrorSchema) }))
    .describe('empty on success; on 422 every rejected event with each error'),
});

export const IngestRejectedResponse = IngestResponse.extend({
  error: z.object({
    code: z
      .enum(['validation_failed', 'storage_refused'])
      .describe('storage_refused: ClickHouse refused a value validation let through'),
    message: z.string(),
  }),
}).describe('422: nothing of the batch was stored; fix the listed events and resend the batch');

export const IndicatorPoints = z.object({
  indicatorId: z.string(),
  name: LocalizedName.optional(),
  value: z.number().nullable(),
  points: z.number(),
  zeroedBy: z.string().optional().describe('the veto that zeroed this indicator'),
});

export const VetoApplied = z.object({
  vetoId: z.string(),
  name: LocalizedName,
  effect: z.enum(['zero_indicator', 'disqualify']),
  reason: LocalizedName,
});

export const CrewFactSummary = z
  .object({
    safetyDays: z.number().int().describe('安全生产天数: days without a breaking incident'),
    hazardsFound: z
      .number()
      .int()
      .describe(
        'distinct hazards found in the period (the rectification rate’s denominator; a count indicator counts reports)',
      ),
    hazardsRectified: z.number().int().describe('of those, rectified'),
    rectificationRate: z.number().nullable().describe('整改率 in percent; null when no hazard was found'),
    violationPersons: z.number().int().describe('三违 person-times'),
    violationEvents: z.number().int().describe('三违 events'),
    targets: z
      .array(z.object({ metric: z.string(), actual: z.number(), target: z.number() }))
      .describe('progress against each target a target indicator judges'),
  })
  .nullable()
  .describe('what the score stands on, measured by the same rules; null for snapshots stored before it was kept');

/** 个人赛: the person a row ranks and the crew they belong to. */
export const EntrantPerson = z
  .object({
    id: z.string().describe('人员编号 (the row’s crewId)'),
    name: z.string().describe('姓名 (the row’s crewName)'),
    job: z.string().nullable().describe('岗位, null when the registry has none'),
    crewId: z.string().describe('the crew the person belongs to'),
    crewName: z.string(),
  })
  .nullable()
  .describe(
    'person-level competitions (entrants: person) only: the person and their crew; null for crews, units and branches',
  );

export const StandingsEntry = z.object({
  rank: z.number().int().nullable().describe('null when disqualified (一票否决)'),
  previousRank: z.number().int().nullable().describe('rank at the end of the previous day'),
  rankChange: z.number().int().nullable().describe('positive: moved up'),
  crewId: z
    .string()
    .describe(
      'the entrant: a crew, or the unit, branch or person when the competition’s entrants are units, branches or persons',
    ),
  crewName: z.string().describe('the entrant’s name'),
  unitId: z.string(),
  unitName: z.string(),
  unitType: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  headcount: z.number().int(),
  score: z.number(),
  disqualified: z.boolean(),
  vetoes: z.array(VetoApplied),
  indicators: z.array(IndicatorPoints),
  facts: CrewFactSummary,
  sheet: SheetOutcome.nullable().describe(
    '考核细则: per-category points and rates, items, bonus, gates with reasons, grade; null when the competition has no sheet, gates or grades',
  ),
  person: EntrantPerson,
});

/** Which rules and registry produced an answer, and whether a change to them is still being applied. */
const StandingsProvenance = {
  definitionVersion: z.number().int().describe('the competition version (rules) these standings were computed with'),
  registryVersion: z
    .number()
    .int()
    .describe('the registry version (crews, headcounts, targets) these standings were computed with'),
  recomputing: z
    .boolean()
    .describe(
      '重算中: a change that affects this day (late events, a registry version, a published version, a restart after a crash) is stored and this day is not yet recomputed; the numbers are the previous ones',
    ),
};

export const StandingsResponse = z.object({
  competitionId: z.string(),
  name: LocalizedName,
  entrants: EntrantLevel.describe('who the rows are: crews, units, branches or persons (参赛对象)'),
  timeZone: z.string().describe('the competition’s time zone: its days, and the zone people read its times in'),
  asOf: IsoDate,
  computedAt: z.string(),
  ...StandingsProvenance,
  group: z.string(),
  total: z.number().int().describe('rows in this group'),
  limit: z.number().int(),
  offset: z.number().int(),
  rows: z.array(StandingsEntry),
});

/** The query of a standings page; a closed period's frozen standings take the same without asOf. */
export const StandingsPageQuery = {
  group: z
    .string()
    .regex(/^(overall|branch:.+|unit_type:.+)$/, 'use overall, branch:<branchId> or unit_type:<unitType>')
    .default('overall'),
  limit: DigitsInt(1, 10_000).default(100),
  offset: DigitsInt(0, 1_000_000_000).default(0),
};

export const StandingsQuerystring = Query({
  asOf: IsoDate.optional().describe('day to judge (YYYY-MM-DD); default today in the competition time zone'),
  ...StandingsPageQuery,
});

export const FinalStandingsResponse = StandingsResponse.omit({ recomputing: true })
  .extend({
    periodId: z.string(),
    closedAt: z.string(),
    lateEvents: z
      .number()
      .int()
      .describe('events for this period stored after it closed, and corrections of its events made since: not applied'),
    status: ResultStatus.describe('in_notice 公示中, notice_ended 待确认, final 正式结果; closed: no 公示 record'),
    notice: z
      .object({ startsOn: IsoDate, endsOn: IsoDate, confirmedAt: z.string().nullable() })
      .nullable()
      .describe('the 公示’s dates (GET …/notice for objections and history)'),
  })
  .describe('the frozen final standings of a closed period');

export const CrewBreakdownResponse = z.object({
  competitionId: z.string(),
  asOf: IsoDate,
  computedAt: z.string(),
  ...StandingsProvenance,
  crew: StandingsEntry,
  groups: z.array(z.object({ group: z.string(), rank: z.number().int().nullable(), total: z.number().int() })),
  corrections: z
    .object({
      total: z.number().int(),
      items: z.array(CorrectionView).describe('newest first, at most 50'),
    })
    .describe(
      'withdrawals and corrections of this crew’s events in the competition up to asOf, and corrections that brought an event to it: why, who, when',
    ),
  explained: z
    .array(IndicatorEventsPage)
    .describe(
      'per indicator, its first events (newest first, ?events= of them): what each did to the points; more with GET …/crews/{crewId}/indicators/{indicatorId}/events',
    ),
});

export const CompetitionStatus = z
  .enum(['draft', 'upcoming', 'running', 'ended', 'closed'])
  .describe(
    'draft: never published; upcoming / running / ended: today against the period; closed: the whole period is closed',
  );
export type CompetitionStatus = z.infer<typeof CompetitionStatus>;

export const CompetitionSummary = z.object({
  id: z.string(),
  version: z.number().int().describe('the current version; the latest draft’s for a competition never published'),
  savedAt: z.string(),
  status: CompetitionStatus,
  currentVersion: z.number().int().nullable().describe('null until a version is published'),
  draftVersion: z.number().int().nullable().describe('the latest draft newer than the current version, if any'),
  manageable: z
    .boolean()
    .describe(
      'whether the caller’s token may change it (an organiser limited to branches: only competitions inside them)',
    ),
  name: LocalizedName,
  kind: z.enum(['labour', 'ankang']),
  period: z.object({ start: IsoDate, end: IsoDate }),
  timeZone: z.string(),
  links: z.object({ standings: z.string() }),
});

export const CompetitionList = z.object({ competitions: z.array(CompetitionSummary) });

export const CompetitionListQuery = Query({
  drafts: QueryBoolean.default(false).describe('true: also list competitions saved as drafts and never published'),
});

export const CompetitionSaved = z.object({
  id: z.string(),
  version: z.number().int(),
  savedAt: z.string(),
  author: z.string().describe('the token name that saved it'),
  note: z.string().describe('变更说明'),
  definition: Competition,
});

export const OrgSaved = z.object({
  version: z.number().int(),
  branches: z.number().int(),
  units: z.number().int(),
  crews: z.number().int(),
  targets: z.number().int(),
});
