import { describe, expect, it } from 'vitest';
import { createSharedReads } from '../../services/scoring/shared-reads.ts';

describe('shared reads of one refresh cycle', () => {
  function counter() {
    let reads = 0;
    let clock = 0;
    return {
      load: () => Promise.resolve(++reads),
      stamp: () => new Date(++clock),
      reads: () => reads,
    };
  }

  it('in a cycle, one read per key, with the instant of that read', async () => {
    const shared = createSharedReads<number>();
    const c = counter();
    await shared.cycle(async () => {
      const first = shared.get('2026-03-10', c.load, c.stamp);
      const second = shared.get('2026-03-10', c.load, c.stamp);
      const other = shared.get('2026-03-09', c.load, c.stamp);
      expect(await second.value).toBe(await first.value);
      expect(second.storedBefore).toBe(first.storedBefore);
      expect(await other.value).toBe(2);
    });
    expect(c.reads()).toBe(2);
  });

  it('outside a cycle, and in the next cycle, reads afresh', async () => {
    const shared = createSharedReads<number>();
    const c = counter();
    expect(await shared.get('k', c.load, c.stamp).value).toBe(1);
    expect(await shared.get('k', c.load, c.stamp).value).toBe(2);
    await shared.cycle(async () => expect(await shared.get('k', c.load, c.stamp).value).toBe(3));
    await shared.cycle(async () => expect(await shared.get('k', c.load, c.stamp).value).toBe(4));
  });

  it('dropAll (events landed on an earlier day) reads afresh inside the cycle too', async () => {
    const shared = createSharedReads<number>();
    const c = counter();
    await shared.cycle(async () => {
      expect(await shared.get('k', c.load, c.stamp).value).toBe(1);
      shared.dropAll();
      expect(await shared.get('k', c.load, c.stamp).value).toBe(2);
    });
  });

  it('a failed read is not shared', async () => {
    const shared = createSharedReads<number>();
    await shared.cycle(async () => {
      const failed = shared.get(
        'k',
        () => Promise.reject(new Error('ClickHouse is away')),
        () => new Date(0),
      );
      await expect(failed.value).rejects.toThrow('away');
      expect(
        await shared.get(
          'k',
          () => Promise.resolve(7),
          () => new Date(1),
        ).value,
      ).toBe(7);
    });
  });
});
