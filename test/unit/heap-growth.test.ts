import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The largest heap (MB) of a process that keeps batches alive as the consumer does, with this limit. */
function peakHeapMb(percent: number): number {
  return Number(
    execFileSync(process.execPath, ['--import', 'tsx', 'test/support/heap-growth-child.ts', String(percent)], {
      encoding: 'utf8',
    }),
  );
}

describe('HEAP_GROWTH_PERCENT: the Node heap kept near its live objects', () => {
  it('set after start-up, it bounds the heap of a process holding batches', { timeout: 60_000 }, () => {
    // About 40 MB stay alive; V8 left to itself grew this heap to about 300 MB on this machine.
    expect(peakHeapMb(25)).toBeLessThan(200);
  });
});
