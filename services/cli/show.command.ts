import { stringify } from 'yaml';
import { CompetitionSaved } from '../../schemas/api.schema.ts';
import { VersionDetail } from '../../schemas/versions.schema.ts';
import type { CommandDeps } from './command-deps.ts';
import { CLI_NAME } from './cli-name.ts';
import { call, seg } from './http-client.ts';
import { formatTime } from './table.ts';

/** The organisers' YAML: `id:` first, then the definition, so the output can be edited and applied again. */
export function definitionYaml(id: string, definition: object, header: readonly string[]): string {
  const body = stringify({ id, ...definition }, { lineWidth: 0 });
  return `${header.map((line) => `# ${line}`).join('\n')}\n${body}`;
}

export async function runShow(deps: CommandDeps, options: { id: string; version: number | undefined }): Promise<void> {
  const { out, http } = deps;
  if (options.version === undefined) {
    const current = await call(http, CompetitionSaved, { method: 'GET', path: `/v1/competitions/${seg(options.id)}` });
    out.out(
      definitionYaml(current.id, current.definition, [
        `${current.id} 当前版本 / current version v${current.version}，保存于 / saved ${formatTime(current.savedAt, current.definition.timeZone)}`,
        `修改后 / after editing: ${CLI_NAME} apply -f <file>`,
      ]).trimEnd(),
    );
    return;
  }
  const detail = await call(http, VersionDetail, {
    method: 'GET',
    path: `/v1/competitions/${seg(options.id)}/versions/${options.version}`,
  });
  out.out(
    definitionYaml(detail.id, detail.definition, [
      `${detail.id} v${detail.version} (${detail.status})，保存于 / saved ${formatTime(detail.savedAt, detail.definition.timeZone)}${detail.author ? `，${detail.author}` : ''}`,
      ...(detail.note ? [`说明 / note: ${detail.note.replace(/\s*\n\s*/g, ' ')}`] : []),
      `修改后 / after editing: ${CLI_NAME} apply -f <file>`,
    ]).trimEnd(),
  );
}
