import { PeriodNotice } from '../../schemas/notice.schema.ts';
import { LateEventList, PeriodList } from '../../schemas/versions.schema.ts';
import { paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { call, seg } from './http-client.ts';
import { resultStatusShort } from './result-status.ts';
import { formatTime, renderTable, thousands } from './table.ts';

export async function runPeriods(deps: CommandDeps, options: { id: string }): Promise<void> {
  const { out, http } = deps;
  const list = await call(http, PeriodList, { method: 'GET', path: `/v1/competitions/${seg(options.id)}/periods` });
  out.out(paint(out.color).bold(`${list.competitionId} 阶段 / periods`));
  // The 公示 dates live on each notice; only periods with a notice have one to fetch.
  const notices = await Promise.all(
    list.periods.map((period) =>
      period.status === 'open' || period.status === 'closed'
        ? Promise.resolve(undefined)
        : call(http, PeriodNotice, {
            method: 'GET',
            path: `/v1/competitions/${seg(options.id)}/periods/${seg(period.id)}/notice`,
          }),
    ),
  );
  const rows = list.periods.map((period, i) => [
    `${period.id} ${period.name.zh}`,
    `${period.start} – ${period.end}`,
    period.closed === null
      ? '–'
      : `${formatTime(period.closed.closedAt, list.timeZone)} (v${period.closed.definitionVersion}, ${period.closed.closedBy || '–'})`,
    resultStatusShort(period.status, notices[i]),
    period.closed === null ? '–' : thousands(period.closed.lateEvents),
  ]);
  const table = renderTable(
    [
      { header: '阶段 Period' },
      { header: '起止 Dates' },
      { header: '结算 Closed' },
      { header: '结果 Results' },
      { header: '迟到事件 Late', align: 'right' },
    ],
    rows,
  );
  for (const line of table) out.out(line);
}

export async function runLate(deps: CommandDeps, options: { id: string; period: string }): Promise<void> {
  const { out, http } = deps;
  const list = await call(http, LateEventList, {
    method: 'GET',
    path: `/v1/competitions/${seg(options.id)}/periods/${seg(options.period)}/late-events`,
  });
  out.out(
    paint(out.color).bold(
      `${list.competitionId} ${list.periodId} 结算于 / closed ${formatTime(list.closedAt, list.timeZone)}：迟到事件 ${thousands(list.total)} 条 / ${thousands(list.total)} late events`,
    ),
  );
  if (list.events.length === 0) return;
  const table = renderTable(
    [
      { header: '事件编号 Event' },
      { header: '班组 Crew' },
      { header: '类型 Type' },
      { header: '发生时间 Occurred' },
      { header: '接收时间 Received' },
      // The frozen row it falls on: the crew itself, its unit or branch, or the person it names.
      { header: '参赛对象 Entrant' },
    ],
    list.events.map((e) => [
      e.eventId,
      e.crewId,
      e.type,
      formatTime(e.occurredAt, list.timeZone),
      formatTime(e.receivedAt, list.timeZone),
      `${e.entrant.name} ${e.entrant.id}`,
    ]),
  );
  for (const line of table) out.out(line);
  const more = list.total - list.events.length;
  if (more > 0) out.out(`… 还有 ${thousands(more)} 条 / ${thousands(more)} more`);
}
