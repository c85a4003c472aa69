import { z } from 'zod';
import { PreviewResponse } from '../../schemas/versions.schema.ts';
import { ENTRANT_HEADER, ENTRANT_NOUN } from './standings.command.ts';
import { renderChanges } from './change-render.ts';
import { CommandFailed } from './cli-errors.ts';
import { paint, type Paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { loadCompetitionFile, reportServerProblems } from './apply.command.ts';
import { call, HttpError, seg } from './http-client.ts';
import { rankArrow, renderTable, score2, signed2, thousands } from './table.ts';

type Preview = z.infer<typeof PreviewResponse>;
type PreviewRow = Preview['rows'][number];
type Placing = NonNullable<PreviewRow['current']>;

export async function runPreview(
  deps: CommandDeps,
  options: {
    file: string | undefined;
    id: string | undefined;
    version: number | undefined;
    asOf: string | undefined;
    limit: number;
  },
): Promise<void> {
  const { out, http } = deps;
  const file = options.file === undefined ? undefined : await loadCompetitionFile(deps, options.file);
  const id = file?.id ?? options.id ?? '';
  if (file && options.id !== undefined && options.id !== file.id) {
    out.err(
      `警告 / warning: ${options.file ?? ''} 的 id 是 ${file.id}，不是 ${options.id} / says id: ${file.id}; previewing that`,
    );
  }
  let preview: Preview;
  try {
    preview = await call(http, PreviewResponse, {
      method: 'POST',
      path: `/v1/competitions/${seg(id)}/preview`,
      json: {
        ...(file ? { definition: file.definition } : { version: options.version }),
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      },
    });
  } catch (error) {
    if (file && error instanceof HttpError && reportServerProblems(out, file, error))
      throw new CommandFailed(error.message);
    throw error;
  }
  for (const line of renderPreview(preview, options.limit, out.color)) out.out(line);
}

function placingRank(placing: Placing | null): string {
  if (placing === null) return '–';
  if (placing.disqualified) return '否决';
  return placing.rank === null ? '–' : String(placing.rank);
}

function changeCell(row: PreviewRow, p: Paint): string {
  if (row.current === null) return p.green('新进');
  if (row.draft === null) return p.red('退出');
  const arrow = rankArrow(row.rankChange);
  if (row.rankChange === null || row.rankChange === 0) return arrow;
  return row.rankChange > 0 ? p.green(arrow) : p.red(arrow);
}

export function renderPreview(preview: Preview, limit: number, color: boolean): string[] {
  const p = paint(color);
  const draft =
    preview.draftVersion === null ? '未保存的草稿 / unsaved draft' : `草稿 / draft v${preview.draftVersion}`;
  const current = preview.currentVersion === null ? '无 / none' : `v${preview.currentVersion}`;
  const lines = [
    p.bold(
      `试算 / preview ${preview.competitionId}: ${draft} vs 当前 / current ${current}, 截至 / as of ${preview.asOf}`,
    ),
    '定义变更 / definition changes:',
    ...renderChanges(preview.changes, p),
    '',
  ];
  const s = preview.summary;
  const noun = ENTRANT_NOUN[preview.entrants];
  lines.push(
    `${thousands(s.crews)} ${noun.zh} / ${noun.en}:  升 up ${s.up} · 降 down ${s.down} · 不变 same ${s.same} · 新进 entered ${s.entered} · 退出 left ${s.left}`,
  );
  const shown = preview.rows.slice(0, limit);
  const table = renderTable(
    [
      { header: '排名 Rank' },
      { header: '变化 Δ', align: 'right' },
      { header: ENTRANT_HEADER[preview.entrants] },
      // A branch's row is its branch.
      ...(preview.entrants === 'branch' ? [] : [{ header: '分公司 Branch' }]),
      { header: '得分 Score', align: 'right' },
      { header: '分差 ΔScore', align: 'right' },
    ],
    shown.map((row) => [
      `${placingRank(row.current)} → ${placingRank(row.draft)}`,
      changeCell(row, p),
      row.crewName,
      ...(preview.entrants === 'branch' ? [] : [row.branchName]),
      `${row.current === null ? '–' : score2(row.current.score)} → ${row.draft === null ? '–' : score2(row.draft.score)}`,
      row.scoreChange === null ? '–' : signed2(row.scoreChange),
    ]),
  );
  lines.push(...table);
  const more = preview.rows.length - shown.length;
  if (more > 0) lines.push(`… 还有 ${thousands(more)} ${noun.zh} / ${thousands(more)} more ${noun.en} (--limit)`);
  return lines;
}
