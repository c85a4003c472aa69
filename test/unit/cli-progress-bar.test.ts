import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../services/cli/cli-output.ts';
import {
  createProgress,
  formatDuration,
  formatProgressBar,
  formatProgressLine,
} from '../../services/cli/progress-bar.ts';

describe('progress bar', () => {
  it.each([
    {
      figures: { bytesDone: 12_300_000, bytesTotal: 19_800_000, lines: 1_234_567, rate: 8400, etaSeconds: 42 },
      text: '[██████░░░░] 62%  1,234,567 行  12.3/19.8 MB  8,400 条/秒  剩余 0:42',
    },
    {
      figures: { bytesDone: 0, bytesTotal: 5_000_000, lines: 0, rate: undefined, etaSeconds: undefined },
      text: '[░░░░░░░░░░] 0%  0 行  0.0/5.0 MB  – 条/秒  剩余 –',
    },
    {
      figures: { bytesDone: 5_000_000, bytesTotal: 5_000_000, lines: 40_000, rate: 12_345.6, etaSeconds: 0 },
      text: '[██████████] 100%  40,000 行  5.0/5.0 MB  12,346 条/秒  剩余 0:00',
    },
    {
      figures: { bytesDone: 0, bytesTotal: 0, lines: 0, rate: undefined, etaSeconds: undefined },
      text: '[██████████] 100%  0 行  0.0/0.0 MB  – 条/秒  剩余 –',
    },
  ])('$text', ({ figures, text }) => {
    expect(formatProgressBar(figures)).toBe(text);
  });

  it('has a plain line for logs', () => {
    expect(formatProgressLine({ bytesDone: 1, bytesTotal: 2, lines: 3, rate: 4, etaSeconds: 5 })).toBe(
      '进度 / progress 50%  3 行  0.0/0.0 MB  4 条/秒  剩余 0:05',
    );
  });

  it.each([
    { seconds: 0, text: '0:00' },
    { seconds: 42.4, text: '0:42' },
    { seconds: 725, text: '12:05' },
    { seconds: 3723, text: '1:02:03' },
  ])('$seconds s is $text', ({ seconds, text }) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('on a terminal redraws in place at most ten times a second, and clears itself', () => {
    let now = 0;
    const out = memoryOutput({ errIsTTY: true });
    const progress = createProgress({ out, now: () => now, bytesTotal: 1000, bytesStart: 0 });
    for (let t = 0; t <= 1000; t += 10) {
      now = t;
      progress.update({ bytesDone: t, lines: t, events: t });
    }
    const redraws = out.stderr().split('\r\u001b[2K').filter(Boolean);
    expect(redraws).toHaveLength(11);
    expect(redraws.at(-1)).toBe('[██████████] 100%  1,000 行  0.0/0.0 MB  1,000 条/秒  剩余 0:00');
    progress.finish();
    expect(out.stderr().endsWith('\r\u001b[2K')).toBe(true);
    expect(out.stdout()).toBe('');
  });

  it('in a log writes a plain line at most every five seconds, none for a short import', () => {
    let now = 0;
    const out = memoryOutput({ errIsTTY: false });
    const progress = createProgress({ out, now: () => now, bytesTotal: 100, bytesStart: 0 });
    for (let t = 0; t <= 12_000; t += 500) {
      now = t;
      progress.update({ bytesDone: Math.round(t / 120), lines: t, events: t });
    }
    const lines = out.stderr().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.startsWith('进度 / progress 42%  5,000 行')).toBe(true);
    expect(out.stderr()).not.toContain('\r');
  });

  it('puts a wait message on its own line and draws the bar again after it', () => {
    let now = 0;
    const out = memoryOutput({ errIsTTY: true });
    const progress = createProgress({ out, now: () => now, bytesTotal: 10, bytesStart: 0 });
    progress.update({ bytesDone: 1, lines: 1, events: 1 });
    progress.note('限流 / throttled');
    now = 1;
    progress.update({ bytesDone: 2, lines: 2, events: 2 });
    const CLEAR = '\r\u001b[2K';
    expect(out.stderr().split(CLEAR)).toEqual([
      '',
      expect.stringMatching(/^\[█░+\] 10%/),
      '限流 / throttled\n',
      expect.stringMatching(/^\[██░+\] 20%/),
    ]);
  });
});
