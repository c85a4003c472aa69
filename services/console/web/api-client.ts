/**
 * The console's one way to the server: the public API, the same one the CLI uses. Every call is a
 * typed function here; the answers' types come from the API's own zod schemas (types only: no
 * schema code ships to the browser).
 */
import type { z } from 'zod';
import type { TokenCreate, TokenCreated, TokenList, TokenInfo, WhoAmI } from '../../../schemas/access.schema.ts';
import type {
  CompetitionList,
  CompetitionSaved,
  CrewBreakdownResponse,
  FinalStandingsResponse,
  IngestResponse,
  StandingsResponse,
} from '../../../schemas/api.schema.ts';
import type { CompetitionInput } from '../../../schemas/competition.schema.ts';
import type {
  CorrectionResult,
  CorrectionView,
  EventHistory,
  EventList,
  EventsQuery,
} from '../../../schemas/correction.schema.ts';
import type { IndicatorEventsResponse } from '../../../schemas/explain.schema.ts';
import type { Objection, PeriodNotice } from '../../../schemas/notice.schema.ts';
import type {
  ChannelRequest,
  ChannelUpdate,
  Deliveries,
  NotifyChannel,
  Subscriptions,
  SubscriptionsRequest,
  TestMessageResult,
} from '../../../schemas/notify.schema.ts';
import type { Report, ReportList, ReviewAnswer, ReviewRequest } from '../../../schemas/report.schema.ts';
import type { OrgImportResult, RowError } from '../../../schemas/org-import.schema.ts';
import type { Org, OrgInput } from '../../../schemas/org.schema.ts';
import type { SheetImportResult } from '../../../schemas/sheet-import.schema.ts';
import type { MetricEventInput } from '../../../schemas/event.schema.ts';
import type { OrgChanges, OrgChangesResult } from '../../../schemas/org-changes.schema.ts';
import type {
  DisplayLinkCreated,
  DisplayLinkList,
  ScreenList,
  ScreenSaved,
  ScreenSetInput,
} from '../../../schemas/screen.schema.ts';
import type {
  LateEventList,
  PeriodList,
  PreviewResponse,
  Published,
  VersionDetail,
  VersionHistory,
  VersionSaved,
  Deleted,
} from '../../../schemas/versions.schema.ts';
import { saveBlob } from './download.ts';
import { attachmentName } from './model/attachment-name.ts';
import { savedToken } from './session.ts';

export type WhoAmIAnswer = z.infer<typeof WhoAmI>;
export type TokenInfoAnswer = z.infer<typeof TokenInfo>;
export type CompetitionSummary = z.infer<typeof CompetitionList>['competitions'][number];
export type Standings = z.infer<typeof StandingsResponse>;
export type StandingsRow = Standings['rows'][number];
export type FinalStandings = z.infer<typeof FinalStandingsResponse>;
export type CrewBreakdown = z.infer<typeof CrewBreakdownResponse>;
export type IndicatorEvents = z.infer<typeof IndicatorEventsResponse>;
export type Preview = z.infer<typeof PreviewResponse>;
export type History = z.infer<typeof VersionHistory>;
export type Version = z.infer<typeof VersionDetail>;
export type Periods = z.infer<typeof PeriodList>;
export type Period = Periods['periods'][number];
export type LateEvents = z.infer<typeof LateEventList>;
export type Notice = z.infer<typeof PeriodNotice>;
export type NoticeObjection = z.infer<typeof Objection>;
export type ScreenSummary = z.infer<typeof ScreenList>['screens'][number];
export type Screen = z.infer<typeof ScreenSaved>;
export type DisplayLink = z.infer<typeof DisplayLinkList>['links'][number];
export type NewDisplayLink = z.infer<typeof DisplayLinkCreated>;
export type ImportResult = z.infer<typeof OrgImportResult>;
export type SheetRowError = RowError;
export type ChangesResult = z.infer<typeof OrgChangesResult>;
export type RegistryChanges = z.input<typeof OrgChanges>;
export type FoundEvents = z.infer<typeof EventList>;
export type SheetRead = SheetImportResult;
export type Ingested = z.infer<typeof IngestResponse>;
export type FoundEvent = FoundEvents['events'][number];
export type EventSearch = Partial<Omit<z.input<typeof EventsQuery>, 'limit'>> & { limit?: number };
export type Correction = z.infer<typeof CorrectionView>;
export type CorrectionOutcome = z.infer<typeof CorrectionResult>;
export type EventChain = z.infer<typeof EventHistory>;
export type ReportView = Report;
export type Channel = NotifyChannel;
export type ChannelInput = z.input<typeof ChannelRequest>;
export type ChannelChange = z.input<typeof ChannelUpdate>;
export type CompetitionSubscriptions = z.infer<typeof Subscriptions>;
export type SubscriptionsInput = z.input<typeof SubscriptionsRequest>;
export type DeliveryRow = z.infer<typeof Deliveries>['deliveries'][number];
export type DeliveryState = DeliveryRow['status'];
export type TestAnswer = z.infer<typeof TestMessageResult>;
export type ReviewOutcomes = z.infer<typeof ReviewAnswer>['results'];
export interface ReportQuery {
  status?: 'pending' | 'approved' | 'rejected';
  branchId?: string;
  type?: string;
  olderThanHours?: number;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** A 4xx/5xx answer: its code, message and details as the API gives them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field problems ({path, message}) the API listed, e.g. of a competition definition. */
  fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldProblem =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as { path?: unknown }).path === 'string' &&
        typeof (d as { message?: unknown }).message === 'string',
    );
  }

  /** Row problems ({row, column, message}) of an imported sheet. */
  rowProblems(): RowError[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is RowError =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as { row?: unknown }).row === 'number' &&
        typeof (d as { message?: unknown }).message === 'string',
    );
  }
}

/** Told when the server refuses the tab's token (401): the console signs out. */
let onUnauthorized: (() => void) | undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

type Body = { json: unknown } | { raw: Blob | ArrayBuffer; type: string };

/** Sends a request as the signed-in user; a refusal becomes an ApiError with the API's code and details. */
async function send(
  method: string,
  path: string,
  accept: string,
  body?: Body,
  token = savedToken(),
): Promise<Response> {
  const headers = new Headers({ accept });
  if (token) headers.set('authorization', `Bearer ${token}`);
  let payload: BodyInit | undefined;
  if (body && 'json' in body) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body.json);
  } else if (body) {
    headers.set('content-type', body.type);
    payload = body.raw;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (err) {
    throw new ApiError(0, 'network', `无法连接服务器 / cannot reach the server: ${String(err)}`, undefined);
  }
  if (!response.ok) {
    const parsed = parseJson(await response.text());
    const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const apiError = new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `http_${response.status}`,
      typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
      error?.details ?? (parsed as { rejected?: unknown } | undefined)?.rejected,
    );
    if (response.status === 401 && token !== null) onUnauthorized?.();
    throw apiError;
  }
  return response;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
    return undefined;
  }
}

async function request<T>(method: string, path: string, body?: Body, token = savedToken()): Promise<T> {
  const response = await send(method, path, 'application/json', body, token);
  return parseJson(await response.text()) as T;
}

/** Fetches a file as the signed-in user (downloads need the token too) and hands it to the browser to save. */
async function download(path: string, fallback: string): Promise<void> {
  const response = await send('GET', path, `${XLSX_TYPE}, application/json`);
  saveBlob(attachmentName(response.headers.get('content-disposition'), fallback), await response.blob());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A sheet's content type: the server reads a workbook by its bytes, but says so plainly. */
function sheetType(file: File): string {
  return /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | boolean | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
};

export interface StandingsQuery {
  group?: string;
  asOf?: string;
  limit?: number;
  offset?: number;
}

export const api = {
  whoami: (token?: string) => request<WhoAmIAnswer>('GET', '/v1/whoami', undefined, token ?? savedToken()),

  // ---- competitions ----
  competitions: () => request<z.infer<typeof CompetitionList>>('GET', `/v1/competitions${query({ drafts: true })}`),
  competition: (id: string) => request<z.infer<typeof CompetitionSaved>>('GET', `/v1/competitions/${enc(id)}`),
  history: (id: string) => request<History>('GET', `/v1/competitions/${enc(id)}/versions`),
  version: (id: string, version: number) => request<Version>('GET', `/v1/competitions/${enc(id)}/versions/${version}`),
  saveVersion: (
    id: string,
    input: { definition: CompetitionInput; note: string; publish?: boolean; create?: boolean },
  ) => request<z.infer<typeof VersionSaved>>('POST', `/v1/competitions/${enc(id)}/versions`, { json: input }),
  publish: (id: string, input: { version?: number; note: string }) =>
    request<z.infer<typeof Published>>('POST', `/v1/competitions/${enc(id)}/publish`, { json: input }),
  preview: (id: string, input: { definition: CompetitionInput } | { version: number }) =>
    request<Preview>('POST', `/v1/competitions/${enc(id)}/preview`, { json: input }),

  remove: (id: string, note: string) =>
    request<z.infer<typeof Deleted>>('DELETE', `/v1/competitions/${enc(id)}${query({ note })}`),

  // ---- standings and periods ----
  standings: (id: string, q: StandingsQuery = {}) =>
    request<Standings>('GET', `/v1/competitions/${enc(id)}/standings${query({ ...q })}`),
  crew: (id: string, crewId: string, asOf?: string) =>
    request<CrewBreakdown>('GET', `/v1/competitions/${enc(id)}/crews/${enc(crewId)}${query({ asOf })}`),
  indicatorEvents: (id: string, crewId: string, indicatorId: string, q: { asOf?: string; cursor?: string }) =>
    request<IndicatorEvents>(
      'GET',
      `/v1/competitions/${enc(id)}/crews/${enc(crewId)}/indicators/${enc(indicatorId)}/events${query({ ...q })}`,
    ),
  periods: (id: string) => request<Periods>('GET', `/v1/competitions/${enc(id)}/periods`),
  closePeriod: (id: string, periodId: string, note: string, noticeEndsOn?: string) =>
    request<unknown>('POST', `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/close`, {
      json: { note, ...(noticeEndsOn ? { noticeEndsOn } : {}) },
    }),
  finalStandings: (id: string, periodId: string, q: Omit<StandingsQuery, 'asOf'> = {}) =>
    request<FinalStandings>('GET', `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/standings${query({ ...q })}`),
  lateEvents: (id: string, periodId: string) =>
    request<LateEvents>('GET', `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/late-events`),
  notice: (id: string, periodId: string) =>
    request<Notice>('GET', `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/notice`),
  rejectObjection: (id: string, periodId: string, objectionId: string, reason: string) =>
    request<NoticeObjection>(
      'POST',
      `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/objections/${enc(objectionId)}/reject`,
      { json: { reason } },
    ),
  upholdObjection: (id: string, periodId: string, objectionId: string, reason: string, eventIds: string[]) =>
    request<NoticeObjection>(
      'POST',
      `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/objections/${enc(objectionId)}/uphold`,
      { json: { reason, corrections: eventIds.map((eventId) => ({ action: 'withdraw', eventId })) } },
    ),
  confirmResults: (id: string, periodId: string, note: string) =>
    request<Notice>('POST', `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/confirm`, { json: { note } }),

  // ---- reports and review (审核) ----
  reports: (q: ReportQuery) => request<z.infer<typeof ReportList>>('GET', `/v1/reports${query({ ...q })}`),
  review: (input: ReviewRequest) =>
    request<z.infer<typeof ReviewAnswer>>('POST', '/v1/reports/review', { json: input }),
  /** A photo or file as an object URL for an <img> (the request needs the token, an <img> cannot send it). */
  evidenceUrl: async (id: string) =>
    URL.createObjectURL(await (await send('GET', `/v1/evidence/${enc(id)}`, 'image/*, application/pdf')).blob()),

  // ---- registry ----
  org: () => request<Org>('GET', '/v1/org'),
  replaceOrg: (org: OrgInput) => request<unknown>('PUT', '/v1/org', { json: org }),
  changeOrg: (changes: RegistryChanges, dryRun = false) =>
    request<ChangesResult>('PATCH', `/v1/org${query({ dryRun })}`, { json: changes }),
  importSheet: (file: File, dryRun: boolean) =>
    request<ImportResult>('POST', `/v1/org/import${query({ dryRun })}`, { raw: file, type: sheetType(file) }),
  readSheet: (file: File) => request<SheetRead>('POST', '/v1/sheet-import', { raw: file, type: XLSX_TYPE }),
  sendEvents: (events: MetricEventInput[]) => request<Ingested>('POST', '/v1/events', { json: events }),
  downloadRegistry: () => download('/v1/org/export.xlsx', 'registry.xlsx'),

  // ---- results out ----
  downloadStandings: (id: string, q: { group?: string; asOf?: string }) =>
    download(`/v1/competitions/${enc(id)}/standings.xlsx${query(q)}`, `standings-${id}.xlsx`),
  downloadFinal: (id: string, periodId: string, q: { group?: string }) =>
    download(
      `/v1/competitions/${enc(id)}/periods/${enc(periodId)}/standings.xlsx${query(q)}`,
      `final-standings-${id}-${periodId}.xlsx`,
    ),

  // ---- corrections ----
  events: (q: EventSearch) => request<FoundEvents>('GET', `/v1/events${query({ ...q })}`),
  eventHistory: (eventId: string, crewId: string) =>
    request<EventChain>('GET', `/v1/events/${enc(eventId)}/history${query({ crewId })}`),
  withdraw: (eventId: string, input: { crewId: string; reason: string }) =>
    request<CorrectionOutcome>('POST', `/v1/events/${enc(eventId)}/withdraw`, { json: input }),
  correct: (eventId: string, input: { crewId: string; reason: string; event: Record<string, unknown> }) =>
    request<CorrectionOutcome>('POST', `/v1/events/${enc(eventId)}/correct`, { json: input }),

  // ---- screens ----
  screens: () => request<z.infer<typeof ScreenList>>('GET', '/v1/screens'),
  screen: (id: string) => request<Screen>('GET', `/v1/screens/${enc(id)}`),
  /** create: a new set, refused (409 screen_exists) rather than saved over one with the same id. */
  saveScreen: (id: string, definition: ScreenSetInput, create = false) =>
    request<Screen>('PUT', `/v1/screens/${enc(id)}${create ? query({ create: true }) : ''}`, { json: definition }),
  links: (screenId: string) => request<z.infer<typeof DisplayLinkList>>('GET', `/v1/screens/${enc(screenId)}/links`),
  createLink: (screenId: string, label: string) =>
    request<NewDisplayLink>('POST', `/v1/screens/${enc(screenId)}/links`, { json: { label } }),
  removeScreen: (id: string, note: string) =>
    request<z.infer<typeof Deleted>>('DELETE', `/v1/screens/${enc(id)}${query({ note })}`),
  revokeLink: (linkId: string) => request<DisplayLink>('DELETE', `/v1/display-links/${enc(linkId)}`),

  // ---- messages to the work groups (工作群机器人) ----
  channels: () => request<{ channels: Channel[] }>('GET', '/v1/notify/channels'),
  createChannel: (input: ChannelInput) => request<Channel>('POST', '/v1/notify/channels', { json: input }),
  updateChannel: (channelId: string, input: ChannelChange) =>
    request<Channel>('PUT', `/v1/notify/channels/${enc(channelId)}`, { json: input }),
  removeChannel: (channelId: string) => request<unknown>('DELETE', `/v1/notify/channels/${enc(channelId)}`),
  testChannel: (channelId: string) => request<TestAnswer>('POST', `/v1/notify/channels/${enc(channelId)}/test`),
  subscriptions: (id: string) => request<CompetitionSubscriptions>('GET', `/v1/competitions/${enc(id)}/notify`),
  saveSubscriptions: (id: string, input: SubscriptionsInput) =>
    request<CompetitionSubscriptions>('PUT', `/v1/competitions/${enc(id)}/notify`, { json: input }),
  deliveries: (q: { competitionId?: string; status?: DeliveryState; limit?: number }) =>
    request<z.infer<typeof Deliveries>>('GET', `/v1/notify/deliveries${query({ ...q })}`),
  retryDelivery: (deliveryId: string) => request<DeliveryRow>('POST', `/v1/notify/deliveries/${enc(deliveryId)}/retry`),

  // ---- tokens ----
  tokens: () => request<z.infer<typeof TokenList>>('GET', '/v1/tokens'),
  createToken: (input: z.input<typeof TokenCreate>) =>
    request<z.infer<typeof TokenCreated>>('POST', '/v1/tokens', { json: input }),
  revokeToken: (id: string) => request<TokenInfoAnswer>('DELETE', `/v1/tokens/${enc(id)}`),
};

/** A page of this server fetched as the signed-in user (a print page, which a new tab would open without the token). */
export async function fetchPage(path: string): Promise<string> {
  return (await send('GET', path, 'text/html')).text();
}

/**
 * The printable 公示 / 表彰名单 page of standings (a closed period's frozen ones with periodId), which
 * the browser prints on A4 or saves as PDF.
 */
export function printPageUrl(
  id: string,
  q: { periodId?: string; group?: string; asOf?: string; title: 'notice' | 'commendation' },
): string {
  const { periodId, asOf, ...rest } = q;
  return periodId === undefined
    ? `/print/competitions/${enc(id)}/standings${query({ asOf, ...rest })}`
    : `/print/competitions/${enc(id)}/periods/${enc(periodId)}${query(rest)}`;
}
