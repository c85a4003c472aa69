import { z } from 'zod';
import { Id, IsoDate, LocalizedName, SafeName, strictObject } from './common.schema.ts';

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

export const RankingView = strictObject({
  kind: z.literal('ranking'),
  competitionId: Id,
  group: z
    .string()
    .regex(/^(overall|branch:.+|unit_type:.+)$/, 'use overall, branch:<branchId> or unit_type:<unitType>')
    .default('overall'),
  limit: z.number().int().min(1).max(500).default(20).describe('rows shown; long tables page through'),
  indicators: ViewIndicators,
  title: LocalizedName.optional(),
  seconds: Seconds.default(20),
}).describe('排名: the top rows of one ranking group, e.g. overall top 20');

export const BranchTopsView = strictObject({
  kind: z.literal('branch_tops'),
  competitionId: Id,
  limit: z.number().int().min(1).max(100).default(10),
  indicators: ViewIndicators,
  seconds: Seconds.default(15),
}).describe('各分公司前 N 名: one page per branch (the competition must rank by branch)');

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

export const ColumnFormat = z.enum(['percent', 'days', 'count', 'number', 'currency']);
export type ColumnFormat = z.infer<typeof ColumnFormat>;

export const ScreenColumn = z.object({
  id: z.string(),
  name: LocalizedName,
  format: ColumnFormat,
});

export const ScreenRow = z.object({
  crewId: z.string(),
  crewName: z.string(),
  unitName: z.string(),
  branchName: z.string(),
  rank: z.number().int().nullable().describe('null when vetoed (一票否决)'),
  rankChange: z.number().int().nullable().describe('since the previous day; positive: moved up'),
  score: z.number().nullable(),
  disqualified: z.boolean(),
  vetoes: z.array(z.object({ name: LocalizedName, reason: LocalizedName })),
  cells: z.array(z.number().nullable()).describe('one value per column, in column order'),
  targetReached: z.boolean().nullable().describe('every target of the crew met; null when it has none'),
});
export type ScreenRow = z.infer<typeof ScreenRow>;

export const ScreenViewData = z.object({
  key: z.string().describe('stable across updates, e.g. "0" or "1:branch:north"'),
  kind: z.enum(['ranking', 'around', 'innovations']),
  title: LocalizedName,
  competitionId: z.string(),
  competitionName: LocalizedName,
  competitionKind: z.enum(['labour', 'ankang']),
  asOf: IsoDate.describe('the day the standings judge'),
  computedAt: z.string().nullable(),
  seconds: z.number().int(),
  columns: z.array(ScreenColumn),
  rows: z.array(ScreenRow),
  total: z.number().int().describe('crews in the ranking group'),
  highlightCrewId: z.string().nullable().describe('around me: the crew whose screen this is'),
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
});

export const DisplayLinkList = z.object({ links: z.array(DisplayLinkInfo) });
