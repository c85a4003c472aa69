import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type {
  CorrectionOrder,
  Objection,
  ObjectionRequest,
  PeriodNotice,
  ResultChange,
  ResultStatus,
} from '../../schemas/notice.schema.ts';
import type { Principal } from '../access/access.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Periods } from '../competition/periods.ts';
import type { Corrections } from '../corrections/corrections.ts';
import type { SnapshotCrew } from '../scoring/standings.store.ts';
import { dayInZone } from '../shared/calendar.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import type { StoredClosure } from '../storage/closures.store.ts';
import { loadNoticeActions, writeNoticeAction, type StoredNoticeAction } from '../storage/notices.store.ts';
import type { WorkingDayCalendar } from './working-days.ts';

type ObjectionView = z.infer<typeof Objection>;
type Change = z.infer<typeof ResultChange>;

export const DEFAULT_NOTICE_WORKING_DAYS = 5;

export interface NoticesDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  periods: Periods;
  corrections: Corrections;
  calendar: WorkingDayCalendar;
  now: () => Date;
  /** Told after each stored action, so the screens show the notice's new state. */
  changed?: (competitionId: string) => void;
}

export interface Notices {
  /**
   * Closes a period and opens its 公示: the end date is computed first, so a calendar without the
   * year refuses the closing (nothing frozen) unless the organiser gives the last day.
   */
  close(
    by: Principal,
    competitionId: string,
    periodId: string,
    input: { note: string; noticeEndsOn?: string | undefined },
  ): Promise<StoredClosure>;
  /** The period's 公示, or null for a period closed without one. */
  view(competitionId: string, periodId: string): Promise<PeriodNotice | null>;
  /** Each period's result status (open, closed, in_notice, notice_ended, final), by period id. */
  statuses(competitionId: string): Promise<Map<string, ResultStatus>>;
  object(
    by: Principal,
    competitionId: string,
    periodId: string,
    input: z.infer<typeof ObjectionRequest>,
  ): Promise<ObjectionView>;
  reject(
    by: Principal,
    competitionId: string,
    periodId: string,
    objectionId: string,
    reason: string,
  ): Promise<ObjectionView>;
  uphold(
    by: Principal,
    competitionId: string,
    periodId: string,
    objectionId: string,
    input: { reason: string; corrections: readonly z.infer<typeof CorrectionOrder>[] },
  ): Promise<ObjectionView>;
  confirm(by: Principal, competitionId: string, periodId: string, note: string): Promise<PeriodNotice>;
}

function howToObject(competitionId: string, periodId: string, endsOn: string) {
  const path = `/v1/competitions/${competitionId}/periods/${periodId}/objections`;
  return {
    zh: `公示期至 ${endsOn}（含）。对结果有异议的，请在公示期内实名提出：写明参赛对象、异议内容，附上证据，交竞赛组织者（工会）；上报人可以在手机上报页的“公示 / 异议”里提交，持查看令牌的也可以通过接口提交：POST ${path}`,
    en: `The notice runs until ${endsOn} (inclusive). Objections are made under your real name before then: name the entrant, say what is wrong and attach evidence, to the organiser (the union); reporters may send it from the phone page’s 公示 / 异议 tab, holders of a viewer token to POST ${path}`,
  };
}

/** A text field of a stored action's detail ('' when absent). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function scoreRank(crew: SnapshotCrew | undefined) {
  return crew ? { score: crew.score, rank: crew.ranks.overall?.rank ?? null } : null;
}

/** The frozen rows a re-check changed: score, overall rank, or present on one side only. */
export function resultChanges(before: readonly SnapshotCrew[], after: readonly SnapshotCrew[]): Change[] {
  const was = new Map(before.map((c) => [c.crew.crewId, c]));
  const is = new Map(after.map((c) => [c.crew.crewId, c]));
  const ids = [...new Set([...was.keys(), ...is.keys()])].sort();
  return ids.flatMap((id) => {
    const b = scoreRank(was.get(id));
    const a = scoreRank(is.get(id));
    if (b && a && b.score === a.score && b.rank === a.rank) return [];
    const name = (is.get(id) ?? was.get(id))?.crew.crewName ?? id;
    return [{ entrantId: id, name, before: b, after: a }];
  });
}

/** The objection already taken under the request's id is the request's own: same sender, same words. */
function sameObjection(taken: ObjectionView, by: Principal, input: z.infer<typeof ObjectionRequest>): boolean {
  return (
    taken.by === by.name &&
    taken.entrantId === input.entrantId &&
    taken.realName === input.realName &&
    taken.what === input.what &&
    JSON.stringify(taken.evidence) === JSON.stringify(input.evidence)
  );
}

export function createNotices(deps: NoticesDeps): Notices {
  const { client, catalog, periods, corrections, calendar, now } = deps;
  const oneAtATime = createOneAtATime();

  async function record(action: StoredNoticeAction): Promise<void> {
    await writeNoticeAction(client, action);
    deps.changed?.(action.competitionId);
  }

  function timeZoneOf(competitionId: string): string {
    const competition = catalog.competition(competitionId);
    if (!competition) throw new NotFoundError('competition_not_found', `competition "${competitionId}" does not exist`);
    return competition.definition.timeZone;
  }

  function fold(competitionId: string, periodId: string, actions: readonly StoredNoticeAction[]): PeriodNotice | null {
    const opened = actions.find((a) => a.action === 'opened');
    if (!opened) return null;
    const timeZone = text(opened.detail['timeZone']) || timeZoneOf(competitionId);
    const endsOn = text(opened.detail['endsOn']);
    const objections = new Map<string, ObjectionView>();
    let confirmed: StoredNoticeAction | undefined;
    for (const a of actions) {
      if (a.action === 'objected') {
        objections.set(a.objectionId, {
          objectionId: a.objectionId,
          entrantId: text(a.detail['entrantId']),
          realName: text(a.detail['realName']),
          what: text(a.detail['what']),
          evidence: (a.detail['evidence'] as string[] | undefined) ?? [],
          by: a.by,
          at: a.at,
          status: 'open',
          decision: null,
        });
      } else if (a.action === 'rejected' || a.action === 'upheld') {
        const o = objections.get(a.objectionId);
        if (o) {
          o.status = a.action;
          o.decision = {
            by: a.by,
            at: a.at,
            reason: text(a.detail['reason']),
            correctionIds: (a.detail['correctionIds'] as string[] | undefined) ?? [],
            changes: (a.detail['changes'] as Change[] | undefined) ?? [],
          };
        }
      } else if (a.action === 'confirmed') confirmed = a;
    }
    const today = dayInZone(now(), timeZone);
    const status: ResultStatus = confirmed ? 'final' : today <= endsOn ? 'in_notice' : 'notice_ended';
    return {
      competitionId,
      periodId,
      status,
      timeZone,
      workingDays: Number(opened.detail['workingDays']),
      openedAt: opened.at,
      openedBy: opened.by,
      startsOn: text(opened.detail['startsOn']),
      endsOn,
      confirmedAt: confirmed?.at ?? null,
      confirmedBy: confirmed?.by ?? null,
      howToObject: howToObject(competitionId, periodId, endsOn),
      objections: [...objections.values()],
      history: actions.map((a) => ({
        at: a.at,
        by: a.by,
        action: a.action,
        objectionId: a.objectionId === '' ? null : a.objectionId,
        note: text(a.detail['note']) || text(a.detail['reason']) || text(a.detail['what']),
      })),
    };
  }

  async function view(competitionId: string, periodId: string): Promise<PeriodNotice | null> {
    return fold(competitionId, periodId, await loadNoticeActions(client, competitionId, periodId));
  }

  async function noticeOrThrow(competitionId: string, periodId: string): Promise<PeriodNotice> {
    const notice = await view(competitionId, periodId);
    if (!notice) {
      throw new NotFoundError(
        'notice_not_found',
        `阶段 "${periodId}" 没有公示（未结算，或在公示功能之前结算）/ period "${periodId}" of competition "${competitionId}" has no 公示 (not closed, or closed before 公示 existed)`,
      );
    }
    return notice;
  }

  function objectionOrThrow(notice: PeriodNotice, objectionId: string): ObjectionView {
    const objection = notice.objections.find((o) => o.objectionId === objectionId);
    if (!objection) {
      throw new NotFoundError(
        'objection_not_found',
        `没有异议 "${objectionId}" / objection "${objectionId}" does not exist`,
      );
    }
    if (objection.status !== 'open') {
      throw new ConflictError(
        'objection_decided',
        `异议 "${objectionId}" 已于 ${objection.decision?.at ?? ''} 处理（${objection.status === 'upheld' ? '成立' : '驳回'}）/ objection "${objectionId}" was already ${objection.status}`,
      );
    }
    return objection;
  }

  function refuseFinal(notice: PeriodNotice): void {
    if (notice.status === 'final') {
      throw new ConflictError(
        'results_final',
        `阶段 "${notice.periodId}" 的结果已于 ${notice.confirmedAt ?? ''} 确认为正式结果 / the results of period "${notice.periodId}" were confirmed final at ${notice.confirmedAt ?? ''}`,
      );
    }
  }

  async function decided(competitionId: string, periodId: string, objectionId: string): Promise<ObjectionView> {
    const notice = await noticeOrThrow(competitionId, periodId);
    const objection = notice.objections.find((o) => o.objectionId === objectionId);
    if (!objection) throw new NotFoundError('objection_not_found', `objection "${objectionId}" does not exist`);
    return objection;
  }

  return {
    close: (by, competitionId, periodId, input) =>
      oneAtATime(async () => {
        const competition = catalog.competition(competitionId);
        if (!competition)
          throw new NotFoundError('competition_not_found', `competition "${competitionId}" does not exist`);
        const { timeZone, noticeWorkingDays } = competition.definition;
        const startsOn = dayInZone(now(), timeZone);
        const endsOn = input.noticeEndsOn ?? calendar.addWorkingDays(startsOn, noticeWorkingDays);
        if (endsOn < startsOn) {
          throw new ConflictError(
            'notice_ends_before_start',
            `公示截止日 ${endsOn} 早于今天 ${startsOn} / noticeEndsOn ${endsOn} is before today ${startsOn}`,
          );
        }
        const closure = await periods.close(competitionId, periodId, by.name, input.note);
        await record({
          competitionId,
          periodId,
          actionId: 'opened',
          action: 'opened',
          at: closure.closedAt,
          by: by.name,
          objectionId: '',
          detail: {
            timeZone,
            startsOn,
            endsOn,
            workingDays: noticeWorkingDays,
            endsOnGiven: input.noticeEndsOn !== undefined,
            note: input.note,
          },
        });
        return closure;
      }),

    view,

    async statuses(competitionId) {
      const actions = await loadNoticeActions(client, competitionId);
      const out = new Map<string, ResultStatus>();
      for (const periodId of new Set(actions.map((a) => a.periodId))) {
        const notice = fold(
          competitionId,
          periodId,
          actions.filter((a) => a.periodId === periodId),
        );
        if (notice) out.set(periodId, notice.status);
      }
      return out;
    },

    object: (by, competitionId, periodId, input) =>
      oneAtATime(async () => {
        const notice = await noticeOrThrow(competitionId, periodId);
        // A resend whose first answer was lost answers what was taken, even once the 公示 is over.
        const taken = input.objectionId && notice.objections.find((o) => o.objectionId === input.objectionId);
        if (taken) {
          if (sameObjection(taken, by, input)) return taken;
          throw new ConflictError(
            'objection_conflict',
            `异议编号 "${taken.objectionId}" 已用于另一条异议 / objection id "${taken.objectionId}" was used for a different objection`,
          );
        }
        refuseFinal(notice);
        if (notice.status !== 'in_notice') {
          throw new ConflictError(
            'notice_over',
            `公示已于 ${notice.endsOn} 结束，不再受理异议 / the notice ended on ${notice.endsOn} (${notice.timeZone}); objections are no longer taken`,
          );
        }
        const page = await periods.finalStandings(competitionId, periodId, {
          crewId: input.entrantId,
          limit: 1,
          offset: 0,
        });
        if (page.rows.length === 0) {
          throw new NotFoundError(
            'entrant_not_in_results',
            `entrantId: "${input.entrantId}" 不在阶段 "${periodId}" 的结果中 / entrant "${input.entrantId}" is not in the results of period "${periodId}"`,
          );
        }
        const objectionId = input.objectionId ?? randomUUID();
        await record({
          competitionId,
          periodId,
          actionId: `objection:${objectionId}`,
          action: 'objected',
          at: now().toISOString(),
          by: by.name,
          objectionId,
          detail: { entrantId: input.entrantId, realName: input.realName, what: input.what, evidence: input.evidence },
        });
        return decided(competitionId, periodId, objectionId);
      }),

    reject: (by, competitionId, periodId, objectionId, reason) =>
      oneAtATime(async () => {
        const notice = await noticeOrThrow(competitionId, periodId);
        refuseFinal(notice);
        objectionOrThrow(notice, objectionId);
        await record({
          competitionId,
          periodId,
          actionId: `decision:${objectionId}`,
          action: 'rejected',
          at: now().toISOString(),
          by: by.name,
          objectionId,
          detail: { reason },
        });
        return decided(competitionId, periodId, objectionId);
      }),

    uphold: (by, competitionId, periodId, objectionId, input) =>
      oneAtATime(async () => {
        const notice = await noticeOrThrow(competitionId, periodId);
        refuseFinal(notice);
        objectionOrThrow(notice, objectionId);
        const reason = `异议 ${objectionId} 成立 / objection upheld: ${input.reason}`;
        // The corrections path, as for any correction: stored, recomputed, late changes listed.
        const correctionIds: string[] = [];
        for (const order of input.corrections) {
          const crewId = order.crewId === undefined ? {} : { crewId: order.crewId };
          const answer =
            order.action === 'withdraw'
              ? await corrections.withdraw(by, order.eventId, { ...crewId, reason })
              : await corrections.correct(by, order.eventId, { ...crewId, reason, event: order.event });
          if (answer.status === 202) {
            throw new ConflictError(
              'correction_pending',
              `更正 ${answer.body.correction.correctionId} 尚未入库，请稍后再次提交（已提交的更正不会重复）/ correction ${answer.body.correction.correctionId} is not stored yet; send the same request again shortly (corrections already made are kept once)`,
            );
          }
          correctionIds.push(answer.body.correction.correctionId);
        }
        // 复核: the period frozen again by the rules it closed under, with the corrections.
        const recheck = await periods.recheck(competitionId, periodId, by.name, `复核：${reason}`);
        const changes = resultChanges(recheck.before, recheck.after);
        await record({
          competitionId,
          periodId,
          actionId: `decision:${objectionId}`,
          action: 'upheld',
          at: recheck.closure.closedAt,
          by: by.name,
          objectionId,
          detail: { reason: input.reason, correctionIds, changes, rechecked: recheck.closure.closedAt },
        });
        return decided(competitionId, periodId, objectionId);
      }),

    confirm: (by, competitionId, periodId, note) =>
      oneAtATime(async () => {
        const notice = await noticeOrThrow(competitionId, periodId);
        refuseFinal(notice);
        if (notice.status === 'in_notice') {
          throw new ConflictError(
            'notice_not_over',
            `公示到 ${notice.endsOn} 才结束，之后才能确认 / the notice runs until ${notice.endsOn} (${notice.timeZone}); confirm it from the next day`,
          );
        }
        const open = notice.objections.filter((o) => o.status === 'open');
        if (open.length > 0) {
          throw new ConflictError(
            'objections_open',
            `还有 ${open.length} 条异议未处理（${open.map((o) => o.objectionId).join('、')}），请先驳回或采纳 / ${open.length} objection(s) are not decided yet: reject or uphold them first`,
          );
        }
        await record({
          competitionId,
          periodId,
          actionId: 'confirmed',
          action: 'confirmed',
          at: now().toISOString(),
          by: by.name,
          objectionId: '',
          detail: { note },
        });
        return noticeOrThrow(competitionId, periodId);
      }),
  };
}
