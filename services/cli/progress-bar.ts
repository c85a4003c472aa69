import type { Output } from './cli-output.ts';
import { thousands } from './table.ts';

export interface ProgressFigures {
  bytesDone: number;
  bytesTotal: number;
  lines: number;
  /** Events per second in this run; undefined before there is a measure. */
  rate: number | undefined;
  /** Seconds left at this run's pace; undefined before there is a measure. */
  etaSeconds: number | undefined;
}

/** 0:42, 12:05, 1:02:03 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const mb = (bytes: number): string => (bytes / 1_000_000).toFixed(1);

function fractionOf(f: ProgressFigures): number {
  return f.bytesTotal > 0 ? Math.min(1, Math.max(0, f.bytesDone / f.bytesTotal)) : 1;
}

/** `[██████░░░░] 62%  1,234,567 行  12.3/19.8 MB  8,400 条/秒  剩余 0:42` */
export function formatProgressBar(f: ProgressFigures, width = 10): string {
  const fraction = fractionOf(f);
  const filled = Math.floor(fraction * width);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
  return `${bar} ${progressText(f)}`;
}

/** The same figures without the bar, for logs: one line every few seconds. */
export function formatProgressLine(f: ProgressFigures): string {
  return `进度 / progress ${progressText(f)}`;
}

function progressText(f: ProgressFigures): string {
  const percent = `${Math.floor(fractionOf(f) * 100)}%`;
  const rate = f.rate === undefined ? '– 条/秒' : `${thousands(f.rate)} 条/秒`;
  const eta = f.etaSeconds === undefined ? '剩余 –' : `剩余 ${formatDuration(f.etaSeconds)}`;
  return `${percent}  ${thousands(f.lines)} 行  ${mb(f.bytesDone)}/${mb(f.bytesTotal)} MB  ${rate}  ${eta}`;
}

/**
 * Progress on stderr: on a terminal a bar redrawn in place at most ten times a second; in a
 * log a plain line at most every five seconds, so a long import does not flood it.
 */
export function createProgress(deps: { out: Output; now: () => number; bytesTotal: number; bytesStart: number }) {
  const started = deps.now();
  const interval = deps.out.errIsTTY ? 100 : 5_000;
  // A log gets its first line after five seconds: a short import prints only its summary.
  let last = deps.out.errIsTTY ? Number.NEGATIVE_INFINITY : started;
  let drawn = false;

  function figures(state: { bytesDone: number; lines: number; events: number }): ProgressFigures {
    const seconds = (deps.now() - started) / 1000;
    const bytesThisRun = state.bytesDone - deps.bytesStart;
    const measured = seconds >= 0.5 && bytesThisRun > 0;
    return {
      bytesDone: state.bytesDone,
      bytesTotal: deps.bytesTotal,
      lines: state.lines,
      rate: measured ? state.events / seconds : undefined,
      etaSeconds: measured ? (deps.bytesTotal - state.bytesDone) / (bytesThisRun / seconds) : undefined,
    };
  }

  return {
    update(state: { bytesDone: number; lines: number; events: number }): void {
      const now = deps.now();
      if (now - last < interval) return;
      last = now;
      if (deps.out.errIsTTY) {
        deps.out.errRaw(`\r\u001b[2K${formatProgressBar(figures(state))}`);
        drawn = true;
      } else {
        deps.out.err(formatProgressLine(figures(state)));
      }
    },
    /** A message between redraws (a retry, a wait) on its own line, the bar drawn again after it. */
    note(message: string): void {
      if (drawn) deps.out.errRaw('\r\u001b[2K');
      drawn = false;
      last = Number.NEGATIVE_INFINITY;
      deps.out.err(message);
    },
    /** Clears the bar so the summary starts on a clean line. */
    finish(): void {
      if (drawn) deps.out.errRaw('\r\u001b[2K');
      drawn = false;
    },
  };
}
