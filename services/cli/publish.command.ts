import { Published } from '../../schemas/versions.schema.ts';
import { renderChanges } from './change-render.ts';
import { paint } from './cli-output.ts';
import type { CommandDeps } from './command-deps.ts';
import { CLI_NAME } from './cli-name.ts';
import { call, seg } from './http-client.ts';
import { formatTime } from './table.ts';

export async function runPublish(
  deps: CommandDeps,
  options: { id: string; version: number | undefined; note: string },
): Promise<void> {
  const { out, http } = deps;
  const p = paint(out.color);
  const published = await call(http, Published, {
    method: 'POST',
    path: `/v1/competitions/${seg(options.id)}/publish`,
    json: { ...(options.version === undefined ? {} : { version: options.version }), note: options.note },
  });
  const previous = published.previousVersion === null ? '–' : `v${published.previousVersion}`;
  out.out(p.bold(`已发布 / published competition/${published.id}: ${previous} → v${published.version}`));
  out.out(
    `发布于 / at ${formatTime(published.publishedAt, published.timeZone)}，发布人 / by ${published.publishedBy || '–'}`,
  );
  out.out('变更 / changes:');
  for (const line of renderChanges(published.changes, p)) out.out(line);
  out.out(
    `排行榜已按 v${published.version} 计算 / the standings now use v${published.version}: ${CLI_NAME} standings ${published.id}`,
  );
}
