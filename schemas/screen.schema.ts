import { z } from 'zod';
import { Id, IsoDate, LocalizedName, Query, QueryBoolean, SafeName, strictObject } from './common.schema.ts';
import { EntrantLevel } from './sheet.schema.ts';

/**
 * Big-screen standings (大屏): a screen set is the list of views a TV rotates through. Each
 * competition has a default one (`competition.<id>`); organisers may save their own.
 */

const Seconds = z.number().int().min(5).max(600).describe('how long each page of this view stays on screen');
const ViewIndicators = z
  .array(Id)
  .min(1)
  .max(3)
  .optional()
  .describe('indicator ids shown as columns (default: the competition’s three heaviest)');
const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/** The organiser's "前 N 名"; without it a view lists every entrant of its ranking, page by page. */
const TopN = z.number().int().min(1).max(10_000).optional();

export const RankingView = strictObject({
  kind: z.literal('ranking'),
  competitionId: Id,
  group: z
    .string()
    .regex(/^(overall|branch:.+|unit_type:.+)$/, 'use overall, branch:<branchId> or unit_type:<unitType>')
    .default('overall'),
  limit: TopN.describe('show only the top N; by default every entrant of the group, paged'),
  indicators: ViewIndicators,
  title: LocalizedName.optional(),
  seconds: Seconds.default(20),
}).describe('排名: one ranking group, page by page (e.g. overall; limit it to show only the top N)');

export const BranchTopsView = strictObject({
  kind: z.literal('branch_tops'),
  competitionId: Id,
  limit: TopN.describe('show only each branch’s top N; by default every crew of the branch, paged'),
  indicators: ViewIndicators,
  seconds: Seconds.default(15),
}).describe('各分公司排名: each branch’s ranking in turn (the competition must rank by branch); limit for 前 N 名');

export const AroundView = strictObject({
  kind: z.literal('around'),
  competitionId: Id,
  top: z.number().int().min(0).max(20).default(3).describe('leading rows always shown'),
  around: z.number().int().min(1).max(20).default(3).describe('rows above and below the crew'),
  indicators: ViewIndicators,
  seconds: Seconds.default(20),
}).describe('我的位置 "around me": for a crew’s own screen (link with ?crew=<crewId>); skipped without a crew');

export const InnovationsView = strictObject({
  kind: z.literal('innovations'),
  competitionId: Id,
  month: z
    .string()
    .regex(/^(current|\d{4}-\d{2})$/, 'current or YYYY-MM')
    .default('current'),
  limit: z.number().int().min(1).max(200).default(20),
  seconds: Seconds.default(20),
}).describe('五小创新月榜: crews by awards (一/二/三等奖) and adoptions in a month');

export const ScreenView = z.discriminatedUnion('kind', [RankingView, BranchTopsView, AroundView, InnovationsView]);
export type ScreenView = z.infer<typeof ScreenView>;

export const ScreenBranding = strictObject({
  title: LocalizedName.optional().describe('heading over every view; default the group’s name'),
  primaryColour: HexColour.default('#b71c1c'),
  accentColour: HexColour.default('#ffc107'),
});

export const ScreenSet = strictObject({
  name: LocalizedName,
  branding: ScreenBranding.default({ primaryColour: '#b71c1c', accentColour: '#ffc107' }),
  celebrate: z.boolean().default(true).describe('a short celebration when a crew overtakes or reaches its target'),
  staleAfterSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(30)
    .describe('the page marks its data stale when it heard nothing from the server this long'),
  views: z.array(ScreenView).min(1).max(30),
});
export type ScreenSet = z.infer<typeof ScreenSet>;
export type ScreenSetInput = z.input<typeof ScreenSet>;

// ---- what the page receives: GET /v1/screens/:id/data and the `standings` SSE event ----

export const ColumnFormat = z
  .enum(['percent', 'days', 'count', 'number', 'currency', 'points'])
  .describe('points: the indicator’s points (a penalty column shows the deduction, e.g. −2.5)');
export type ColumnFormat = z.infer<typeof ColumnFormat>;

export const ScreenColumn = z.object({
  id: z.string(),
  name: LocalizedName,
  format: ColumnFormat,
});

export const ScreenRow = z.object({
  crewId: z.string(),
  crewName: z.string().describe('the entrant’s name: a crew’s, or a unit’s, branch’s or person’s'),
  personCrewName: z
    .string()
    .optional()
    .describe('个人赛: the crew the person (crewName) belongs to, shown beside the name; absent for other entrants'),
  unitName: z.string(),
  branchName: z.string(),
  rank: z.number().int().nullable().describe('null when vetoed (一票否决)'),
  rankChange: z.number().int().nullable().describe('since the previous day; positive: moved up'),
  score: z.number().nullable(),
  disqualified: z.boolean(),
  vetoes: z.array(z.object({ name: LocalizedName, reason: LocalizedName })),
  cells: z.array(z.number().nullable()).describe('one value per column, in column order'),
  targetReached: z.boolean().nullable().describe('every target of the crew met; null when it has none'),
  award: z
    .object({
      grade: LocalizedName.nullable().describe(
        '评定等级 (先进单位, 一等奖 …); null when not eligible or no grade rule',
      ),
      failedGates: z
        .array(z.object({ name: LocalizedName, reason: LocalizedName }))
        .describe('评优条件 not met, with what the gate saw (重伤 1 起): the entrant keeps its rank, never a grade'),
    })
    .nullable()
    .describe('考核细则 grade and failed gates; null when the competition has no sheet, gates or grades'),
});
export type ScreenRow = z.infer<typeof ScreenRow>;

export const ScreenViewData = z.object({
  key: z.string().describe('stable across updates, e.g. "0" or "1:branch:north"'),
  series: z.string().describe('the screen-set view it comes from: every branch page of one branch_tops view shares it'),
  kind: z.enum(['ranking', 'around', 'innovations']),
  title: LocalizedName,
  ranking: LocalizedName.describe('the ranking the ranks belong to (总排名, 杭州分公司排名); celebrations name it'),
  group: z.string().nullable().describe('overall, branch:<id> or unit_type:<type>; null for the innovations board'),
  competitionId: z.string(),
  competitionName: LocalizedName,
  competitionKind: z.enum(['labour', 'ankang']),
  entrantLevel: EntrantLevel.describe('who the rows are: crews, units, branches or persons'),
  timeZone: z.string().describe('the competition’s time zone: every time and date on the page is shown in it'),
  period: z.object({ start: IsoDate, end: IsoDate }).describe('the competition period'),
  closedAt: z
    .string()
    .nullable()
    .describe('when the whole period was closed (已结算): the rows are then its frozen final standings'),
  notice: z
    .object({ status: z.enum(['in_notice', 'notice_ended', 'final']), endsOn: IsoDate })
    .nullable()
    .describe(
      'the closed whole period’s 公示: in_notice until endsOn, notice_ended, final (正式结果); null without one',
    ),
  asOf: IsoDate.describe('the day the standings judge'),
  computedAt: z.string().nullable().describe('when these standings were computed: the page’s 最后更新'),
  reported: z
    .boolean()
    .describe('whether any event within the competition period has been stored; false: the screen says 尚无上报数据'),
  seconds: z.number().int(),
  columns: z.array(ScreenColumn),
  rows: z.array(ScreenRow),
  total: z.number().int().describe('crews in the ranking group'),
  limit: z.number().int().nullable().describe('the organiser’s top N; null: every entrant is listed'),
  highlightCrewId: z.string().nullable().describe('around me: the crew whose screen this is'),
  highlightIds: z
    .array(z.string())
    .describe(
      'around me: the rows that are the crew’s own (row crewId): the crew, its unit or branch, or its persons, by the entrant level',
    ),
  gapsBefore: z.array(z.number().int()).describe('row indexes preceded by a gap (…) in an around-me view'),
});
export type ScreenViewData = z.infer<typeof ScreenViewData>;

export const ScreenData = z.object({
  screenId: z.string(),
  name: LocalizedName,
  title: LocalizedName,
  primaryColour: z.string(),
  accentColour: z.string(),
  celebrate: z.boolean(),
  staleAfterSeconds: z.number().int(),
  heartbeatSeconds: z.number().int().describe('the stream sends a ping at least this often'),
  timeZone: z.string().describe('the zone of the clock and date: the first view’s competition’s'),
  generatedAt: z.string(),
  views: z.array(ScreenViewData),
});
export type ScreenData = z.infer<typeof ScreenData>;

// ---- management ----

export const ScreenSummary = z.object({
  id: z.string(),
  name: LocalizedName,
  builtIn: z.boolean().describe('the default screen of a competition'),
  competitionIds: z.array(z.string()),
  links: z.object({ page: z.string(), definition: z.string() }),
});

export const ScreenList = z.object({ screens: z.array(ScreenSummary) });

export const ScreenSaveQuery = Query({
  create: QueryBoolean.default(false).describe(
    'true: a new screen set (the console’s 新建大屏): 409 screen_exists when the id is taken, instead of replacing that set on its TVs',
  ),
});

export const ScreenSaved = z.object({
  id: z.string(),
  version: z.number().int(),
  savedAt: z.string(),
  builtIn: z.boolean(),
  definition: ScreenSet,
});

export const DisplayLinkRequest = strictObject({
  label: SafeName().describe('where the screen hangs, e.g. 一站营业厅'),
});

export const DisplayLinkInfo = z.object({
  id: z.string(),
  screenId: z.string(),
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const DisplayLinkCreated = DisplayLinkInfo.extend({
  token: z.string().describe('shown once; only its hash is stored'),
  url: z.string().describe('path of the screen page with the token'),
  shortCode: z.string().describe('8 characters without 0/O/1/I/L; shown once, only its hash is stored'),
  shortUrl: z.string().describe('path of the short address, /s/<code>: redirects to the screen'),
});

export const DisplayLinkList = z.object({ links: z.array(DisplayLinkInfo) });
