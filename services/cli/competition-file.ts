import { LineCounter, parseDocument, type Document } from 'yaml';
import { Id } from '../../schemas/common.schema.ts';
import { Competition } from '../../schemas/competition.schema.ts';
import { zodIssuesToFieldErrors } from '../shared/errors.ts';
import { ALIAS_BOMB_MESSAGE, MAX_YAML_ALIASES, yamlRefusal } from './yaml-bounds.ts';
import { formatPath, locate, parsePathString, type PathSegment } from './yaml-locations.ts';

/** A problem of the file, where an editor can jump to it: `competition.yaml:12:5 indicators[0].rule.metric: …`. */
export interface FileProblem {
  line: number;
  col: number;
  path: string;
  message: string;
}

export interface CompetitionFile {
  /** The path as the user typed it, so editors and terminals can open `file:line:col`. */
  name: string;
  id: string | undefined;
  /** The definition as written, without `id:`; the server fills in the defaults itself. */
  definition: unknown;
  /** Problems of the YAML itself and of the definition against the same schema the API uses. */
  problems: FileProblem[];
  /** Why the file was not even parsed (too large, nested too deeply, an alias bomb): one line. */
  refusal?: string;
  /** The line of a path the server reported, to print its answers like local problems. */
  problemAt: (path: string, message: string) => FileProblem;
}

const unplaced: FileProblem = { line: 1, col: 1, path: '', message: '' };

export function formatProblem(fileName: string, problem: FileProblem): string {
  const where = problem.path === '' ? '' : ` ${problem.path}`;
  return `${fileName}:${problem.line}:${problem.col}${where}: ${problem.message}`;
}

/** Parses the organisers' YAML (`id:` plus the competition fields) and validates it locally. */
export function readCompetitionYaml(name: string, text: string): CompetitionFile {
  const refusal = yamlRefusal(text);
  if (refusal !== undefined) {
    return { name, id: undefined, definition: undefined, problems: [], refusal, problemAt: () => unplaced };
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (segments: readonly PathSegment[], message: string): FileProblem => ({
    ...locate(doc, lineCounter, segments),
    path: formatPath(segments),
    message,
  });
  const problemAt = (path: string, message: string) => at(parsePathString(path), message);
  const refused = (refusal: string): CompetitionFile => ({
    name,
    id: undefined,
    definition: undefined,
    problems: [],
    refusal,
    problemAt,
  });

  if (doc.errors.length > 0) {
    // A broken YAML file has no definition to check: its syntax errors are all there is to say.
    const problems = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { line, col, path: '', message: e.message.split('\n')[0] ?? e.message };
    });
    return { name, id: undefined, definition: undefined, problems, problemAt };
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml's guard against alias bombs throws a ReferenceError; say it instead of a stack trace.
    if (err instanceof ReferenceError) return refused(ALIAS_BOMB_MESSAGE);
    throw err;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const problem = {
      line: 1,
      col: 1,
      path: '',
      message: '文件应为一个映射（id: …，name: …）/ the file must be a mapping (id: …, name: …)',
    };
    return { name, id: undefined, definition: undefined, problems: [problem], problemAt };
  }
  const { id, ...definition } = raw as Record<string, unknown>;
  const problems: FileProblem[] = [];
  const idResult = Id.safeParse(id);
  if (id === undefined) {
    problems.push({
      line: 1,
      col: 1,
      path: 'id',
      message: '缺少竞赛编号 id / missing id: the competition id, e.g. id: wbyc-2026q4',
    });
  } else if (!idResult.success) {
    for (const issue of idResult.error.issues) problems.push(at(['id'], issue.message));
  }
  const result = Competition.safeParse(definition);
  if (!result.success) {
    // One problem per unknown field too, each at its own line.
    for (const problem of zodIssuesToFieldErrors(result.error.issues)) {
      problems.push(at(problem.path === '(root)' ? [] : parsePathString(problem.path), problem.message));
    }
  }
  // In file order, so the list reads top to bottom like the file.
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { name, id: idResult.success ? idResult.data : undefined, definition, problems, problemAt };
}
