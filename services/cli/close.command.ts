import { PeriodNotice } from '../../schemas/notice.schema.ts';
import { PeriodClosed } from '../../schemas/versions.schema.ts';
import { paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { CLI_NAME } from './cli-name.ts';
import { call, seg } from './http-client.ts';
import { resultStatusWords } from './result-status.ts';
import { ENTRANT_NOUN } from './standings.command.ts';
import { formatTime, thousands } from './table.ts';

/** 409 period_already_closed / period_not_over come back as HttpError and are printed by main. */
export async function runClose(
  deps: CommandDeps,
  options: { id: string; period: string; note: string; noticeEndsOn: string | undefined },
): Promise<void> {
  const { out, http } = deps;
  const p = paint(out.color);
  const closed = await call(http, PeriodClosed, {
    method: 'POST',
    path: `/v1/competitions/${seg(options.id)}/periods/${seg(options.period)}/close`,
    // The 公示's last day is counted on the working-day calendar; a year it lacks needs the date given.
    json: { note: options.note, ...(options.noticeEndsOn === undefined ? {} : { noticeEndsOn: options.noticeEndsOn }) },
  });
  out.out(p.bold(`已结算 / closed ${closed.competitionId} ${closed.periodId} (${closed.start} – ${closed.end})`));
  out.out(
    `结算于 / at ${formatTime(closed.closedAt, closed.timeZone)}，操作人 / by ${closed.closedBy || '–'}；版本 / version v${closed.definitionVersion}；${thousands(closed.crews)} ${ENTRANT_NOUN[closed.entrants].zh} / ${ENTRANT_NOUN[closed.entrants].en}`,
  );
  // The close is done whatever follows: a server without 公示 (older) answers 404 here, and says nothing.
  const notice = await call(http, PeriodNotice, {
    method: 'GET',
    path: `/v1/competitions/${seg(options.id)}/periods/${seg(options.period)}/notice`,
  }).catch(() => undefined);
  if (notice) out.out(`${resultStatusWords(notice.status, notice)}（${notice.workingDays} 个工作日 / working days）`);
  out.out(
    `最终排名已冻结 / final standings frozen: ${CLI_NAME} standings ${closed.competitionId} --period ${closed.periodId}`,
  );
  out.out(
    `此后收到的该阶段事件记为迟到事件 / later events for it are recorded as late: ${CLI_NAME} late ${closed.competitionId} --period ${closed.periodId}`,
  );
}
