import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type {
  CorrectionAction,
  CorrectionRecord,
  CorrectionResult,
  EventHistory,
  EventList,
  EventsQuery,
} from '../../schemas/correction.schema.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import type { Principal } from '../access/access.ts';
import { crewInScope } from '../access/scope.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { IngestReport } from '../pipeline/ingest-pipeline.ts';
import { addDays, startOfDay } from '../shared/calendar.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../shared/errors.ts';
import {
  correctionsTouchingCrew,
  findCorrectionsOf,
  findCorrectionsReplacedBy,
  type StoredCorrection,
} from '../storage/corrections.store.ts';
import {
  crewsWithEventId,
  findEvents,
  readStoredEvents,
  type EventCursor,
  type StoredEvent,
} from '../storage/event-reads.store.ts';
import { eventKey, toEventValues } from '../storage/events.store.ts';
import { correctionIdFor, replacementIdFor } from './correction-ids.ts';
import type { ValidateCorrection } from './correction-steps.ts';
import {
  correctionView,
  correctionViews,
  describeEvents,
  type CorrectionViewT,
  type EventView,
} from './event-views.ts';
import { lateNotices, lateSentence, scoreChangeOf } from './late-notices.ts';

/** Days of the find API are calendar days in Beijing time, the daily rollup's days. */
const DAY_ZONE = 'Asia/Shanghai';

export interface CorrectionsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  now: () => Date;
  validate: ValidateCorrection;
  /** The corrections pipeline: validate, dedupe, then store (or publish to Kafka). */
  submit: (records: readonly unknown[]) => Promise<IngestReport>;
  /**
   * With Kafka, a published correction is stored by the scoring consumer: wait this long for it
   * before answering "pending" (0 when the pipeline stores it itself).
   */
  storedWithinMs: number;
}

export interface ChangeAnswer {
  status: 200 | 201 | 202;
  body: z.infer<typeof CorrectionResult>;
}

export interface Corrections {
  find(by: Principal, query: z.infer<typeof EventsQuery>): Promise<z.infer<typeof EventList>>;
  history(by: Principal, eventId: string, crewId?: string): Promise<z.infer<typeof EventHistory>>;
  withdraw(by: Principal, eventId: string, input: { crewId?: string; reason: string }): Promise<ChangeAnswer>;
  /** Corrections of a crew's events (or bringing one to it) that happened in [from, to): for its breakdown. */
  ofCrew(crewId: string, window: { from: Date; to: Date }): Promise<{ total: number; items: CorrectionViewT[] }>;
  correct(
    by: Principal,
    eventId: string,
    input: { crewId?: string; reason: string; event: Record<string, unknown> },
  ): Promise<ChangeAnswer>;
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.crewId, cursor.eventId])).toString('base64url');
}

export function decodeCursor(text: string): EventCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
      const [occurredAt, crewId, eventId] = value as [string, string, string];
      if (Number.isFinite(Date.parse(occurredAt))) return { occurredAt, crewId, eventId };
    }
  } catch {
    // answered below
  }
  throw new InvalidInputError(
    'invalid_cursor',
    '翻页标记无效 / the cursor is not one this API gave: pass nextCursor from the previous page unchanged',
    undefined,
    400,
  );
}

/** Same event content (the key and when it was received aside). */
function sameContent(a: MetricEvent, b: MetricEvent): boolean {
  const row = (e: MetricEvent) => {
    const values: unknown[] = toEventValues(e, '');
    values[3] = Date.parse(e.occurredAt);
    return JSON.stringify(values);
  };
  return row(a) === row(b);
}

const STORED_POLL_MS = 100;

/** A crew's breakdown lists this many corrections, newest first (the total says if there are more). */
const CREW_CORRECTIONS_SHOWN = 50;

export function createCorrections(deps: CorrectionsDeps): Corrections {
  const { client, catalog, now } = deps;
  const views = { client, catalog };

  function limited(by: Principal): boolean {
    return by.role !== 'admin' && (by.branchIds.length > 0 || by.unitIds.length > 0);
  }

  /** A crew the principal may see and correct; a limited one cannot vouch for a crew the registry lost. */
  function refuseCrew(by: Principal, crewId: string): void {
    if (!limited(by)) return;
    const crew = catalog.crew(crewId);
    if (crew && crewInScope(by, crew)) return;
    throw new ForbiddenError(
      'crew_out_of_scope',
      `令牌 "${by.name}" 不能查看或更正班组 ${crewId} 的事件 / token "${by.name}" may not see or correct events of crew ${crewId}: it is outside the token's branches or units`,
    );
  }

  function crewsInScope(by: Principal): string[] | undefined {
    if (!limited(by)) return undefined;
    return catalog
      .org()
      .crews.map((c) => c.id)
      .filter((id) => {
        const crew = catalog.crew(id);
        return crew !== undefined && crewInScope(by, crew);
      });
  }

  /** The one stored event the request names; 404, 409 (ambiguous) or 403 otherwise. */
  async function target(by: Principal, eventId: string, crewId?: string): Promise<StoredEvent> {
    let crew = crewId;
    if (crew === undefined) {
      const crews = await crewsWithEventId(client, eventId, crewsInScope(by));
      if (crews.length > 1) {
        throw new ConflictError(
          'event_id_ambiguous',
          `多个班组都有事件 "${eventId}"（${crews.slice(0, 10).join('、')}），请指定 crewId / events of several crews carry the id "${eventId}" (${crews.slice(0, 10).join(', ')}): give crewId`,
        );
      }
      crew = crews[0];
    }
    if (crew !== undefined) refuseCrew(by, crew);
    const found =
      crew === undefined
        ? undefined
        : (await readStoredEvents(client, [{ crewId: crew, eventId }])).get(eventKey(crew, eventId));
    if (!found) {
      throw new NotFoundError(
        'event_not_found',
        `找不到事件 "${eventId}"${crewId === undefined ? '' : `（班组 ${crewId}）`} / no stored event "${eventId}"${crewId === undefined ? '' : ` of crew ${crewId}`}: find events with GET /v1/events`,
      );
    }
    return found;
  }

  async function viewOf(stored: StoredEvent): Promise<EventView> {
    const [view] = await describeEvents(views, [stored]);
    if (!view) throw new Error('an event view went missing');
    return view;
  }

  /** Why a second correction of an event is refused, naming the one that stands. */
  function alreadyCorrected(existing: StoredCorrection): ConflictError {
    const at = `${existing.storedAt} ${existing.author}`;
    if (existing.action === 'withdraw') {
      return new ConflictError(
        'event_already_withdrawn',
        `事件 "${existing.eventId}" 已于 ${at} 撤回（原因：${existing.reason}），不能再次撤回或更正 / event "${existing.eventId}" of crew ${existing.crewId} was withdrawn (${at}, reason: ${existing.reason}); a withdrawn event cannot be withdrawn again or corrected`,
      );
    }
    const r = existing.replacement;
    return new ConflictError(
      'event_already_corrected',
      `事件 "${existing.eventId}" 已于 ${at} 更正，现由 ${r?.eventId ?? ''}（班组 ${r?.crewId ?? ''}）代替；如需再改，请撤回或更正 ${r?.eventId ?? ''} / event "${existing.eventId}" of crew ${existing.crewId} was corrected (${at}): ${r?.eventId ?? ''} of crew ${r?.crewId ?? ''} counts instead; to change it again, withdraw or correct ${r?.eventId ?? ''}`,
    );
  }

  /** Whether a stored correction is this one again (a retry), so it is answered, not refused. */
  async function isSame(existing: StoredCorrection, record: CorrectionRecord): Promise<boolean> {
    if (existing.action !== record.action || existing.reason !== record.reason) return false;
    if (!existing.replacement || !record.replacement) return existing.replacement === null && !record.replacement;
    const stored = (await readStoredEvents(client, [existing.replacement])).get(
      eventKey(existing.replacement.crewId, existing.replacement.eventId),
    );
    return stored !== undefined && sameContent(stored.event, record.replacement);
  }

  async function waitStored(record: CorrectionRecord): Promise<StoredCorrection | undefined> {
    const deadline = Date.now() + deps.storedWithinMs;
    for (;;) {
      const stored = (await findCorrectionsOf(client, [record])).get(eventKey(record.crewId, record.eventId));
      if (stored || Date.now() >= deadline) return stored;
      await new Promise((resolve) => setTimeout(resolve, STORED_POLL_MS));
    }
  }

  async function answer(
    outcome: 'stored' | 'unchanged',
    stored: StoredCorrection,
    targetEvent: StoredEvent,
  ): Promise<ChangeAnswer> {
    const replacement = stored.replacement
      ? (await readStoredEvents(client, [stored.replacement])).get(
          eventKey(stored.replacement.crewId, stored.replacement.eventId),
        )
      : undefined;
    const [event, replacementView] = await Promise.all([
      viewOf(targetEvent),
      replacement ? viewOf(replacement) : Promise.resolve(null),
    ]);
    const correction = event.correction ?? correctionView(stored, []);
    const what =
      stored.action === 'withdraw'
        ? `已撤回事件 ${stored.eventId}（班组 ${stored.crewId}），排名重新计算 / event ${stored.eventId} of crew ${stored.crewId} withdrawn; the standings of every day since are recomputed`
        : `已更正事件 ${stored.eventId}（班组 ${stored.crewId}），由 ${stored.replacement?.eventId ?? ''} 代替，排名重新计算 / event ${stored.eventId} of crew ${stored.crewId} corrected: ${stored.replacement?.eventId ?? ''} counts instead; the standings of every day since are recomputed`;
    const message =
      outcome === 'unchanged'
        ? `此更正已于 ${stored.storedAt} 保存，未重复执行 / this correction was stored at ${stored.storedAt}; nothing was done again`
        : [what, lateSentence(correction.late)].filter((s) => s !== '').join('；');
    return {
      status: outcome === 'stored' ? 201 : 200,
      body: { outcome, message, correction, event, replacement: replacementView },
    };
  }

  async function change(
    by: Principal,
    eventId: string,
    action: CorrectionAction,
    input: { crewId?: string; reason: string; event?: Record<string, unknown> },
  ): Promise<ChangeAnswer> {
    const found = await target(by, eventId, input.crewId);
    const { crewId } = found.event;
    let replacement: MetricEvent | undefined;
    if (input.event !== undefined) {
      const replacementId = replacementIdFor(crewId, eventId);
      if ('eventId' in input.event && input.event['eventId'] !== replacementId) {
        throw new InvalidInputError(
          'invalid_replacement',
          `替代事件的 eventId 由系统指定（${replacementId}），请不要填写 / the replacement's eventId is assigned (${replacementId}): leave it out`,
          [{ path: 'event.eventId', message: `leave it out: the replacement is ${replacementId}` }],
        );
      }
      const replacementCrew = input.event['crewId'];
      if (typeof replacementCrew === 'string') refuseCrew(by, replacementCrew);
      replacement = { ...input.event, eventId: replacementId } as MetricEvent;
    }
    const requestedAt = now();
    const record: CorrectionRecord = {
      type: 'correction',
      correctionId: correctionIdFor(crewId, eventId),
      action,
      crewId,
      eventId,
      occurredAt: found.event.occurredAt,
      reason: input.reason,
      author: by.name,
      authorTokenId: by.tokenId ?? '',
      requestedAt: requestedAt.toISOString(),
      ...(replacement ? { replacement } : {}),
    };
    const checked = deps.validate(record);
    if (checked.kind === 'reject') {
      const errors = checked.errors.map((e) => ({ ...e, path: e.path.replace(/^replacement(?=\.|$)/, 'event') }));
      throw new InvalidInputError(
        action === 'correct' ? 'invalid_replacement' : 'invalid_correction',
        `${action === 'correct' ? '替代事件有误 / the replacement event is not valid' : '更正有误 / the correction is not valid'}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        errors,
      );
    }
    const valid = checked.kind === 'ok' ? checked.value : record;
    const existing = (await findCorrectionsOf(client, [valid])).get(eventKey(crewId, eventId));
    if (existing) {
      if (await isSame(existing, valid)) return answer('unchanged', existing, found);
      throw alreadyCorrected(existing);
    }
    const report = await deps.submit([valid]);
    if (report.rejected.length > 0) {
      const errors = report.rejected.flatMap((r) => r.errors);
      throw new InvalidInputError(
        'invalid_correction',
        `更正有误 / the correction is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        errors,
      );
    }
    const stored = await waitStored(valid);
    if (!stored) {
      const late = await lateNotices(client, catalog, [
        [
          { ...scoreChangeOf(found.event), storedAt: requestedAt.toISOString() },
          ...(replacement ? [{ ...scoreChangeOf(replacement), storedAt: requestedAt.toISOString() }] : []),
        ],
      ]);
      const correction = {
        ...correctionView(
          {
            ...valid,
            storedAt: '',
            replacement: replacement ? { crewId: replacement.crewId, eventId: replacement.eventId } : null,
            source: { topic: '', partition: -1, offset: -1 },
          },
          late[0] ?? [],
        ),
        storedAt: null,
      };
      return {
        status: 202,
        body: {
          outcome: 'pending',
          message: [
            `更正已进入事件流，稍后生效 / the correction is in the event stream and takes effect when the scoring service stores it: see GET /v1/events/${encodeURIComponent(eventId)}/history?crewId=${encodeURIComponent(crewId)}`,
            lateSentence(correction.late),
          ]
            .filter((s) => s !== '')
            .join('；'),
          correction,
          event: await viewOf(found),
          replacement: null,
        },
      };
    }
    // Stored meanwhile by another organiser's request (a duplicate here): the one that stands answers.
    if (report.duplicates.length > 0 || stored.requestedAt !== valid.requestedAt) {
      if (await isSame(stored, valid)) return answer('unchanged', stored, found);
      throw alreadyCorrected(stored);
    }
    return answer('stored', stored, found);
  }

  return {
    async find(by, query) {
      if (query.day !== undefined && (query.from !== undefined || query.to !== undefined)) {
        throw new InvalidInputError(
          'invalid_days',
          'day 与 from/to 只能选一种 / give day, or from and to, not both',
          undefined,
          400,
        );
      }
      const from = query.day ?? query.from;
      const to = query.day ?? query.to;
      if (from !== undefined && to !== undefined && to < from) {
        throw new InvalidInputError(
          'invalid_days',
          `to (${to}) 早于 from (${from}) / to is before from`,
          undefined,
          400,
        );
      }
      if (query.crewId !== undefined) refuseCrew(by, query.crewId);
      const page = await findEvents(
        client,
        {
          crewIds: query.crewId !== undefined ? [query.crewId] : crewsInScope(by),
          eventId: query.eventId,
          from: from === undefined ? undefined : startOfDay(from, DAY_ZONE),
          to: to === undefined ? undefined : startOfDay(addDays(to, 1), DAY_ZONE),
          clauses: query.type === undefined ? undefined : [{ type: query.type }],
        },
        { limit: query.limit, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) },
      );
      return {
        total: page.total,
        limit: query.limit,
        events: await describeEvents(views, page.events),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },

    async history(by, eventId, crewId) {
      const asked = await target(by, eventId, crewId);
      // Back to the first event, then forward through each replacement: a chain of a few links.
      const chain: StoredEvent[] = [asked];
      for (let first = asked; chain.length < 100;) {
        const replaced = (await findCorrectionsReplacedBy(client, [first.event])).get(
          eventKey(first.event.crewId, first.event.eventId),
        );
        const before =
          replaced && (await readStoredEvents(client, [replaced])).get(eventKey(replaced.crewId, replaced.eventId));
        if (!before) break;
        chain.unshift(before);
        first = before;
      }
      for (let last = asked; chain.length < 100;) {
        const correction = (await findCorrectionsOf(client, [last.event])).get(
          eventKey(last.event.crewId, last.event.eventId),
        );
        const next =
          correction?.replacement &&
          (await readStoredEvents(client, [correction.replacement])).get(
            eventKey(correction.replacement.crewId, correction.replacement.eventId),
          );
        if (!next) break;
        chain.push(next);
        last = next;
      }
      const versions = await describeEvents(views, chain);
      const current = versions.at(-1);
      return {
        crewId: asked.event.crewId,
        eventId,
        current: current?.state === 'counted' ? { crewId: current.event.crewId, eventId: current.event.eventId } : null,
        versions,
      };
    },

    async ofCrew(crewId, window) {
      const { total, corrections } = await correctionsTouchingCrew(client, crewId, window, CREW_CORRECTIONS_SHOWN);
      return { total, items: await correctionViews(views, corrections) };
    },

    withdraw: (by, eventId, input) => change(by, eventId, 'withdraw', input),
    correct: (by, eventId, input) => change(by, eventId, 'correct', input),
  };
}
