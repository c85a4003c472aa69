import { z } from 'zod';
import { VersionSaved } from '../../schemas/versions.schema.ts';
import { renderChanges } from './change-render.ts';
import { CommandFailed } from './cli-errors.ts';
import { paint, type Output } from './cli-output.ts';
import { readUserFile, type CommandDeps } from './command-deps.ts';
import { CLI_NAME } from './cli-name.ts';
import { formatProblem, readCompetitionYaml, type CompetitionFile } from './competition-file.ts';
import { call, HttpError, seg } from './http-client.ts';
import { MAX_COMPETITION_FILE_BYTES, tooLargeMessage } from './yaml-bounds.ts';

const FieldErrors = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * Reads and checks a competition YAML; prints every problem with its line and stops (exit 1)
 * when there is one, so nothing half-checked reaches the server.
 */
export async function loadCompetitionFile(
  deps: Pick<CommandDeps, 'files' | 'out'>,
  path: string,
): Promise<CompetitionFile & { id: string }> {
  // A file far over the bound is not even read into memory.
  const bytes = await deps.files.size?.(path).catch(() => undefined);
  if (bytes !== undefined && bytes > MAX_COMPETITION_FILE_BYTES) {
    deps.out.err(`${path}: ${tooLargeMessage(bytes)}`);
    throw new CommandFailed('competition file too large');
  }
  const file = readCompetitionYaml(path, await readUserFile(deps.files, path));
  if (file.refusal !== undefined) {
    deps.out.err(`${path}: ${file.refusal}`);
    throw new CommandFailed('competition file refused');
  }
  if (file.problems.length > 0 || file.id === undefined) {
    deps.out.err(`${path}: ${file.problems.length} 个问题 / ${file.problems.length} problem(s), nothing was sent:`);
    for (const problem of file.problems) deps.out.err(formatProblem(path, problem));
    throw new CommandFailed('invalid competition file');
  }
  return { ...file, id: file.id };
}

/** A 422 about the definition: each field error with its line in the file, like local problems. */
export function reportServerProblems(out: Output, file: CompetitionFile, error: HttpError): boolean {
  const details = FieldErrors.safeParse(error.details);
  if (error.status !== 422 || !details.success || details.data.length === 0) return false;
  out.err(`服务器拒绝了定义 / the server refused the definition (${error.code}): ${error.serverMessage}`);
  for (const d of details.data) out.err(formatProblem(file.name, file.problemAt(d.path, d.message)));
  return true;
}

export async function runApply(
  deps: CommandDeps,
  options: { file: string; note: string; publish: boolean },
): Promise<void> {
  const { out, http } = deps;
  const p = paint(out.color);
  const file = await loadCompetitionFile(deps, options.file);
  let saved: z.infer<typeof VersionSaved>;
  try {
    saved = await call(http, VersionSaved, {
      method: 'POST',
      path: `/v1/competitions/${seg(file.id)}/versions`,
      json: { definition: file.definition, note: options.note, publish: options.publish },
    });
  } catch (error) {
    if (error instanceof HttpError && reportServerProblems(out, file, error)) throw new CommandFailed(error.message);
    throw error;
  }
  out.out(p.bold(`competition/${saved.id} ${applyVerb(saved)}`));
  out.out(versionLine(saved));
  if (saved.outcome === 'created' && saved.changes.length > 0) {
    out.out(`变更 / changes (v${saved.currentVersion ?? '–'} → v${saved.version}):`);
    for (const line of renderChanges(saved.changes, p)) out.out(line);
  }
  if (saved.outcome === 'created' && saved.status === 'draft') {
    out.out('');
    out.out(`试算排名 / preview:   ${CLI_NAME} preview ${saved.id} --version ${saved.version}`);
    out.out(`发布 / publish:       ${CLI_NAME} publish ${saved.id} --version ${saved.version}`);
  }
}

/**
 * kubectl's words: created when there was no published version to compare against (for the
 * standings the competition is new), configured when a live one changed, unchanged when
 * nothing was saved.
 */
export function applyVerb(saved: z.infer<typeof VersionSaved>): 'created' | 'configured' | 'unchanged' {
  if (saved.outcome === 'unchanged') return 'unchanged';
  const hadCurrent = saved.currentVersion !== null && saved.currentVersion !== saved.version;
  return hadCurrent || saved.changes.length > 0 ? 'configured' : 'created';
}

function versionLine(saved: z.infer<typeof VersionSaved>): string {
  if (saved.outcome === 'unchanged') {
    return `与最新版本 v${saved.version} 相同，未保存 / identical to the latest version v${saved.version}: nothing saved`;
  }
  if (saved.status === 'current') {
    return `已保存并发布 v${saved.version}，排行榜按此版本计算 / v${saved.version} saved and published: the standings use it now`;
  }
  const current =
    saved.currentVersion === null
      ? '尚无发布版本 / nothing published yet'
      : `当前发布 v${saved.currentVersion} / current: v${saved.currentVersion}`;
  return `已保存草稿 v${saved.version} / draft v${saved.version} saved (${current})`;
}
