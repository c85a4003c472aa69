import { z } from 'zod';
import { FinalStandingsResponse, StandingsResponse } from '../../schemas/api.schema.ts';
import { paint } from './cli-output.ts';
import type { Invocation } from './cli-args.ts';
import type { CommandDeps } from './command-deps.ts';
import { call, callRaw, seg } from './http-client.ts';
import type { ResultStatus } from '../../schemas/notice.schema.ts';
import { resultStatusWords, type NoticeDates } from './result-status.ts';
import { formatTime, rankArrow, renderTable, score2, thousands } from './table.ts';

/** Live standings, or a closed period's frozen ones (the live shape plus when it was closed). */
type Standings = Omit<z.infer<typeof StandingsResponse>, 'recomputing'> & {
  recomputing?: boolean;
  periodId?: string;
  closedAt?: string;
  status?: ResultStatus;
  notice?: NoticeDates | null | undefined;
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
    `计算于 / computed ${formatTime(standings.computedAt, standings.timeZone)}`,
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
      `阶段 ${standings.periodId} 最终排名，结算于 ${formatTime(standings.closedAt, standings.timeZone)} / final standings of period ${standings.periodId}, closed ${formatTime(standings.closedAt, standings.timeZone)}`,
    );
    if (standings.status !== undefined) {
      const words = resultStatusWords(standings.status, standings.notice ?? undefined);
      lines.push(standings.status === 'final' ? p.bold(words) : words);
    }
  }
  const noun = ENTRANT_NOUN[standings.entrants];
  lines.push(`分组 / group ${standings.group}：${thousands(standings.total)} ${noun.zh} / ${noun.en}`);
  const table = renderTable(
    [
      { header: '名次 Rank', align: 'right' },
      { header: '变化', align: 'right' },
      ...entrantColumns(standings.entrants).map((c) => ({ header: c.header })),
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
        ...entrantColumns(standings.entrants).map((c) => c.cell(row)),
        score2(row.score),
        row.disqualified ? p.red('一票否决') : '',
      ];
    }),
  );
  lines.push(...table);
  const shownTo = standings.offset + standings.rows.length;
  const more = standings.total - shownTo;
  if (more > 0) lines.push(`… 还有 ${thousands(more)} ${noun.zh} / ${thousands(more)} more ${noun.en} (--limit)`);
  return lines;
}

type Entrants = Standings['entrants'];
type Row = Standings['rows'][number];

/** The count's words: 共 3 个单位, not 3 个班组, when the entrants are units. */
export const ENTRANT_NOUN: Record<Entrants, { zh: string; en: string }> = {
  crew: { zh: '个班组', en: 'crews' },
  unit: { zh: '个单位', en: 'units' },
  branch: { zh: '个分公司', en: 'branches' },
  person: { zh: '人', en: 'persons' },
};

/** The column of the entrant's own name. */
export const ENTRANT_HEADER: Record<Entrants, string> = {
  crew: '班组 Crew',
  unit: '单位 Unit',
  branch: '分公司 Branch',
  person: '姓名 Name',
};

/**
 * Who a row is, by the competition's entrants: a person with their crew, a crew with its unit and
 * branch, a unit with its branch, a branch alone. (Unit and branch rows carry their own name in
 * crewName, and a unit's row names the unit in unitName too: showing both would say it twice.)
 */
function entrantColumns(entrants: Entrants): { header: string; cell: (row: Row) => string }[] {
  const unit = { header: '单位 Unit', cell: (row: Row) => row.unitName };
  const branch = { header: '分公司 Branch', cell: (row: Row) => row.branchName };
  switch (entrants) {
    case 'person':
      return [
        { header: ENTRANT_HEADER.person, cell: (row) => row.person?.name ?? row.crewName },
        { header: '班组 Crew', cell: (row) => row.person?.crewName ?? '' },
        unit,
        branch,
      ];
    case 'crew':
      return [{ header: ENTRANT_HEADER.crew, cell: (row) => row.crewName }, unit, branch];
    case 'unit':
      return [{ header: ENTRANT_HEADER.unit, cell: (row) => row.crewName }, branch];
    case 'branch':
      return [{ header: ENTRANT_HEADER.branch, cell: (row) => row.crewName }];
  }
}
