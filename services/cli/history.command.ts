import { VersionHistory } from '../../schemas/versions.schema.ts';
import { paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { call, seg } from './http-client.ts';
import { formatTime, renderTable } from './table.ts';

const STATUS = { current: '当前 current', draft: '草稿 draft', superseded: '已替代 superseded' } as const;

export async function runHistory(deps: CommandDeps, options: { id: string }): Promise<void> {
  const { out, http } = deps;
  const p = paint(out.color);
  const history = await call(http, VersionHistory, {
    method: 'GET',
    path: `/v1/competitions/${seg(options.id)}/versions`,
  });
  const current = history.currentVersion === null ? '尚未发布 / nothing published' : `v${history.currentVersion}`;
  out.out(p.bold(`${history.id} 版本历史 / version history（当前 / current: ${current}）`));
  const table = renderTable(
    [
      { header: '版本 Version', align: 'right' },
      { header: '状态 Status' },
      { header: '保存时间 Saved' },
      { header: '作者 Author' },
      { header: '说明 Note' },
      { header: '发布时间 Published' },
    ],
    history.versions.map((v) => [
      `v${v.version}`,
      v.status === 'current' ? p.green(STATUS.current) : STATUS[v.status],
      formatTime(v.savedAt, history.timeZone),
      v.author || '–',
      oneLine(v.note) || '–',
      v.publishedAt === null
        ? '–'
        : `${formatTime(v.publishedAt, history.timeZone)}${v.publishedBy ? ` ${v.publishedBy}` : ''}`,
    ]),
  );
  for (const line of table) out.out(line);
}

/** A multi-line note would break the table: its first line, marked as cut. */
function oneLine(note: string): string {
  const lines = note.trim().split(/\r?\n/);
  return lines.length > 1 ? `${lines[0] ?? ''} …` : (lines[0] ?? '');
}
