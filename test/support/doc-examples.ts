/**
 * Reads the examples out of the project's Markdown (README.md and docs/*.md) and judges what they
 * answer, following the convention in docs/writing-examples.md:
 * - a ```sh or ```bash block is run, command by command;
 * - `# → …` after a command is what it answers (`# → 201 {…}` an HTTP status and a body,
 *   `# → exit 1 …` an exit code); lines starting `#` and two or more spaces continue it;
 * - `<!-- example: output -->` before a block makes the block what the previous command answers
 *   (`output exit 1`, `output 422`: with that exit code or HTTP status);
 * - `<!-- example: file NAME -->` before a block writes the block to NAME for the commands;
 * - `<!-- example: skip REASON -->` before a block leaves it out, for a reason the test reports;
 * - `…` stands for anything: a value, the rest of an object or array, part of a string or a line.
 * Pure functions: the integration test runs the commands, the unit test proves the judging.
 */

export interface Expectation {
  /** HTTP status the command's curl must answer; undefined: any 2xx. */
  status: number | undefined;
  /** Exit code; undefined: 0. */
  exit: number | undefined;
  /** What stdout (with stderr) must match; '' when only the status or exit is stated. */
  body: string;
}

export interface ExampleCommand {
  /** 1-based line in the Markdown file where the command starts. */
  line: number;
  text: string;
  expect: Expectation | undefined;
}

export type Directive =
  | { kind: 'skip'; reason: string }
  /** `<!-- example: output exit 1 -->` or `… output 422 -->`: also the exit code or HTTP status. */
  | { kind: 'output'; exit: number | undefined; status: number | undefined }
  | { kind: 'file'; name: string }
  | undefined;

export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  directive: Directive;
}

const DIRECTIVE = /^<!--\s*example:\s*(skip|output|file)\b\s*(.*?)\s*-->$/;

/** Every fenced block of a Markdown text, with the example directive written just before it. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[2] ?? '```';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').trimStart().startsWith(fence); i++) body.push(lines[i] ?? '');
    let before = start - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    blocks.push({
      line: start + 1,
      lang: (open[3] ?? '').toLowerCase(),
      body: body.join('\n'),
      directive: directiveOf((lines[before] ?? '').trim()),
    });
  }
  return blocks;
}

function directiveOf(line: string): Directive {
  const m = DIRECTIVE.exec(line);
  if (!m) return undefined;
  const arg = m[2] ?? '';
  if (m[1] === 'skip') return { kind: 'skip', reason: arg };
  if (m[1] === 'file') return { kind: 'file', name: arg };
  const { exit, status } = expectationOf(arg);
  return { kind: 'output', exit, status };
}

export const isShell = (b: FencedBlock) => b.lang === 'sh' || b.lang === 'bash';

/** Where a shell line leaves off: inside a quote, after a trailing backslash, or complete. */
function scanLine(line: string, state: { quote: '' | "'" | '"' }): { continues: boolean } {
  let escaped = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (state.quote === "'") {
      if (c === "'") state.quote = '';
      continue;
    }
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (state.quote === '"') {
      if (c === '"') state.quote = '';
      continue;
    }
    if (c === "'" || c === '"') state.quote = c;
    else if (c === '#' && (k === 0 || /\s/.test(line[k - 1] ?? ''))) return { continues: false };
  }
  return { continues: state.quote !== '' || escaped };
}

const ARROW = /^#\s*→\s?(.*)$/;
const CONTINUED = /^# {2,}(.*)$/;

/** The commands of a shell block with what each is shown to answer. `firstLine`: the block's body's first line. */
export function shellCommands(body: string, firstLine: number): ExampleCommand[] {
  const commands: ExampleCommand[] = [];
  const lines = body.split('\n');
  let current: { line: number; text: string[] } | undefined;
  let expected: string[] | undefined;
  const state: { quote: '' | "'" | '"' } = { quote: '' };
  const finishExpectation = () => {
    const last = commands.at(-1);
    if (expected && last) last.expect = expectationOf(expected.join('\n'));
    expected = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (current) {
      current.text.push(line);
      if (!scanLine(line, state).continues) {
        commands.push({ line: current.line, text: current.text.join('\n'), expect: undefined });
        current = undefined;
      }
      continue;
    }
    const trimmed = line.trim();
    const arrow = ARROW.exec(trimmed);
    if (arrow) {
      finishExpectation();
      expected = [arrow[1] ?? ''];
      continue;
    }
    const more = CONTINUED.exec(line);
    if (expected && more) {
      expected.push(more[1] ?? '');
      continue;
    }
    finishExpectation();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (scanLine(line, state).continues) current = { line: firstLine + i, text: [line] };
    else commands.push({ line: firstLine + i, text: line, expect: undefined });
  }
  finishExpectation();
  if (current) throw new Error(`line ${current.line}: the command never ends (an open quote or a trailing \\)`);
  return commands;
}

/** `201 {…}`, `exit 1 text`, or just a body. */
export function expectationOf(text: string): Expectation {
  const trimmed = text.trim();
  const exit = /^exit (\d+)\s*([\s\S]*)$/.exec(trimmed);
  if (exit) return { status: undefined, exit: Number(exit[1]), body: exit[2] ?? '' };
  const status = /^([1-5]\d\d)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (status) return { status: Number(status[1]), exit: undefined, body: status[2] ?? '' };
  return { status: undefined, exit: undefined, body: trimmed };
}

// ---------------------------------------------------------------------------------------------
// JSON with `…`

const ANY = Symbol('…');
type Pattern =
  | typeof ANY
  | string
  | number
  | boolean
  | null
  | { kind: 'object'; entries: [string, Pattern][] }
  | { kind: 'array'; items: Pattern[] };

/** Parses JSON in which `…` may stand for a value, for more members or items, or inside a string. */
export function parsePattern(text: string): Pattern {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1}: ${JSON.stringify(text.slice(pos, pos + 30))}`);
  };
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  const ellipsis = () => {
    if (text.startsWith('…', pos)) return ((pos += 1), true);
    if (text.startsWith('...', pos)) return ((pos += 3), true);
    return false;
  };
  const string = (): string => {
    const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(pos));
    if (!end) return fail('a string');
    pos += end[0].length;
    return JSON.parse(end[0]) as string;
  };
  const value = (): Pattern => {
    ws();
    if (ellipsis()) return ANY;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: [string, Pattern][] = [];
      for (;;) {
        ws();
        if (text[pos] === '}') return (pos++, { kind: 'object', entries });
        if (!ellipsis()) {
          const key = string();
          ws();
          if (text[pos] !== ':') fail('":"');
          pos++;
          // A key `"..."` or `"…"` with any value stands for more members, as `…` does.
          const v = value();
          if (key !== '...' && key !== '…') entries.push([key, v]);
        }
        ws();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail('"," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const items: Pattern[] = [];
      for (;;) {
        ws();
        if (text[pos] === ']') return (pos++, { kind: 'array', items });
        items.push(value());
        ws();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos));
    if (!literal) return fail('a value');
    pos += literal[0].length;
    return JSON.parse(literal[0]) as Pattern;
  };
  const result = value();
  ws();
  if (pos < text.length) fail('the end');
  return result;
}

const globRegExp = (pattern: string, anyChar: string) =>
  new RegExp(
    `^${pattern
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join(anyChar)}$`,
    's',
  );

/** Undefined when `actual` matches `pattern`; otherwise where and how it differs. */
export function mismatch(pattern: Pattern, actual: unknown, path = '$'): string | undefined {
  if (pattern === ANY) return undefined;
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 200) ?? String(v);
  if (typeof pattern === 'string') {
    if (typeof actual !== 'string') return `${path}: expected a string ${show(pattern)}, got ${show(actual)}`;
    const ok = pattern.includes('…') ? globRegExp(pattern, '.*').test(actual) : pattern === actual;
    return ok ? undefined : `${path}: expected ${show(pattern)}, got ${show(actual)}`;
  }
  if (pattern === null || typeof pattern !== 'object') {
    return Object.is(pattern, actual) ? undefined : `${path}: expected ${show(pattern)}, got ${show(actual)}`;
  }
  if (pattern.kind === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: expected an object, got ${show(actual)}`;
    }
    const record = actual as Record<string, unknown>;
    for (const [key, value] of pattern.entries) {
      if (!(key in record)) return `${path}: no member "${key}" in ${show(actual)}`;
      const inner = mismatch(value, record[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
  return arrayMismatch(pattern.items, actual, path);
}

/** Items in order; `…` items match any number of actual items. */
function arrayMismatch(items: Pattern[], actual: unknown[], path: string): string | undefined {
  let firstProblem: string | undefined;
  const go = (p: number, a: number): boolean => {
    if (p === items.length) return a === actual.length;
    const item = items[p];
    if (item === ANY) {
      for (let k = a; k <= actual.length; k++) if (go(p + 1, k)) return true;
      return false;
    }
    if (a >= actual.length) return false;
    const inner = mismatch(item as Pattern, actual[a], `${path}[${a}]`);
    if (inner) {
      firstProblem ??= inner;
      return false;
    }
    return go(p + 1, a + 1);
  };
  if (go(0, 0)) return undefined;
  return firstProblem ?? `${path}: expected ${items.length} item(s), got ${actual.length}`;
}

/** Text output: line by line; `…` in a line is anything, a line of only `…` is any number of lines. */
export function textMismatch(expected: string, actual: string): string | undefined {
  const norm = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  const want = norm(expected);
  const got = norm(actual);
  const source = want
    .split('\n')
    .map((line) =>
      line.trim() === '…'
        ? '(?:[^\\n]*(?:\\n|$))*?'
        : `${line
            .split('…')
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^\\n]*')}(?:\\n|$)`,
    )
    .join('');
  if (new RegExp(`^${source}$`).test(got)) return undefined;
  const wantLines = want.split('\n');
  const gotLines = got.split('\n');
  const k = wantLines.findIndex(
    (line, i) => line.trim() !== '…' && !globRegExp(line, '[^\\n]*').test(gotLines[i] ?? ''),
  );
  const at = k < 0 ? 0 : k;
  return `output line ${at + 1}: expected ${JSON.stringify(wantLines[at])}, got ${JSON.stringify(gotLines[at] ?? '(nothing)')}\n--- whole output ---\n${got}`;
}

/** Judges one command's answer against its expectation (or against "it worked" when none is shown). */
export function judge(
  expect: Expectation | undefined,
  answer: { exit: number; status: number | undefined; output: string },
): string | undefined {
  const output = answer.output.trim();
  if (expect?.exit !== undefined) {
    if (answer.exit !== expect.exit) return `exit code ${answer.exit}, expected ${expect.exit}\n${output}`;
  } else if (answer.exit !== 0) return `exit code ${answer.exit}\n${output}`;
  if (answer.status !== undefined) {
    const ok = expect?.status === undefined ? answer.status < 300 : answer.status === expect.status;
    if (!ok) return `HTTP ${answer.status}, expected ${expect?.status ?? '2xx'}\n${output.slice(0, 2000)}`;
  }
  const body = expect?.body.trim() ?? '';
  if (body === '') return undefined;
  if (body.startsWith('{') || body.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      return `the answer is not JSON:\n${output.slice(0, 2000)}`;
    }
    return mismatch(parsePattern(body), parsed);
  }
  return textMismatch(body, answer.output);
}
