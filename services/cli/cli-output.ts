/** Where a command writes: results on stdout, problems and progress on stderr. */
export interface Output {
  /** One line (or several) of results. */
  out: (text: string) => void;
  /** One line (or several) of problems and hints. */
  err: (text: string) => void;
  /** Raw text to stderr without a newline: the progress bar redraws its line with \r. */
  errRaw: (text: string) => void;
  /** stderr is a terminal: a progress bar can redraw itself there. */
  errIsTTY: boolean;
  /** Colour the results: only on a terminal, never in files or pipes. */
  color: boolean;
}

interface WritableLike {
  write: (text: string) => unknown;
  isTTY?: boolean;
}

export function createOutput(deps: { stdout: WritableLike; stderr: WritableLike; noColor: boolean }): Output {
  return {
    out: (text) => void deps.stdout.write(`${text}\n`),
    err: (text) => void deps.stderr.write(`${text}\n`),
    errRaw: (text) => void deps.stderr.write(text),
    errIsTTY: deps.stderr.isTTY === true,
    color: deps.stdout.isTTY === true && !deps.noColor,
  };
}

export interface Paint {
  green: (text: string) => string;
  red: (text: string) => string;
  yellow: (text: string) => string;
  bold: (text: string) => string;
  dim: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function paint(color: boolean): Paint {
  if (!color) {
    const plain = (text: string) => text;
    return { green: plain, red: plain, yellow: plain, bold: plain, dim: plain };
  }
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** An Output that keeps everything in memory, for tests. */
export function memoryOutput(options: { color?: boolean; errIsTTY?: boolean } = {}): Output & {
  stdout: () => string;
  stderr: () => string;
} {
  let stdout = '';
  let stderr = '';
  return {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
    errRaw: (text) => (stderr += text),
    errIsTTY: options.errIsTTY ?? false,
    color: options.color ?? false,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
