import { z } from 'zod';
import { FinalStandingsResponse, StandingsResponse } from '../../schemas/api.schema.ts';
import { paint } from './cli-output.ts';
import type { Invocation } from './cli-args.ts';
import type { CommandDeps } from './command-deps.ts';
import { call, callRaw, seg } from './http-client.ts';
import { formatTime, rankArrow, renderTable, score2, thousands } from './table.ts';

/** Live standings, or a closed period's frozen ones (the live shape plus when it was closed). */
type Standings = Omit<z.infer<typeof StandingsResponse>, 'recomputing'> & {
  recomputing?: boolean;
  periodId?: string;
  closedAt?: string;
};

export async function runStandings(
  deps: CommandDeps,
  options: Omit<Extract<Invocation, { command: 'standings' }>, 'command'>,
): Promise<void> {
  const { out, http } = deps;
  const request = {
    method: 'GET' as const,
    path:
      options.period === undefined
        ? `/v1/competitions/${seg(options.id)}/standings`
        : `/v1/competitions/${seg(options.id)}/periods/${seg(options.period)}/standings`,
    query: { asOf: options.asOf, group: options.group, limit: options.limit },
  };
  if (options.json) {
    // Scripts get the answer as the server wrote it, fields this CLI does not know included.
    out.out(JSON.stringify(await callRaw(http, request), null, 2));
    return;
  }
  const standings: Standings =
    options.period === undefined
      ? await call(http, StandingsResponse, request)
      : await call(http, FinalStandingsResponse, request);
  for (const line of renderStandings(standings, out.color)) out.out(line);
}

export function renderStandings(standings: Standings, color: boolean): string[] {
  const p = paint(color);
  const title = [
    `${standings.name.zh} / ${standings.name.en}`,
    `截至 / as of ${standings.asOf}`,
    `版本 / version v${standings.definitionVersion}`,
    `名册 / registry v${standings.registryVersion}`,
    `计算于 / computed ${formatTime(standings.computedAt)}`,
  ].join('  ');
  const lines = [p.bold(title)];
  if (standings.recomputing === true) {
    lines.push(
      p.red(
        '重算中：有影响本日得分的变更尚未算完，以下为变更前的结果 / recomputing: a change that affects this day is not applied yet; these are the previous numbers',
      ),
    );
  }
  if (standings.periodId !== undefined) {
    lines.push(
      `阶段 ${standings.periodId} 最终排名，结算于 ${formatTime(standings.closedAt)} / final standings of period ${standings.periodId}, closed ${formatTime(standings.closedAt)}`,
    );
  }
  lines.push(`分组 / group ${standings.group}：${thousands(standings.total)} 个班组 / crews`);
  const table = renderTable(
    [
      { header: '名次 Rank', align: 'right' },
      { header: '变化', align: 'right' },
      { header: '班组 Crew' },
      { header: '单位 Unit' },
      { header: '分公司 Branch' },
      { header: '得分 Score', align: 'right' },
      { header: '否决' },
    ],
    standings.rows.map((row) => {
      const arrow = rankArrow(row.rankChange);
      const change =
        row.rankChange === null || row.rankChange === 0 ? arrow : row.rankChange > 0 ? p.green(arrow) : p.red(arrow);
      return [
        row.rank === null ? '–' : String(row.rank),
        change,
        row.crewName,
        row.unitName,
        row.branchName,
        score2(row.score),
        row.disqualified ? p.red('一票否决') : '',
      ];
    }),
  );
  lines.push(...table);
  const shownTo = standings.offset + standings.rows.length;
  const more = standings.total - shownTo;
  if (more > 0) lines.push(`… 还有 ${thousands(more)} 个班组 / ${thousands(more)} more crews (--limit)`);
  return lines;
}
