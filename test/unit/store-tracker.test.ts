import { describe, expect, it } from 'vitest';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';

describe('store tracker', () => {
  it('waits for the inserts stamped before an instant, not for later ones, failed ones included', async () => {
    let t = 1_000;
    const tracker = createStoreTracker(() => new Date(t));
    const gates: (() => void)[] = [];
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    const stamps: string[] = [];
    const early = tracker.run(
      async (storedAt) => {
        stamps.push(storedAt);
        await gate();
      },
      ['C1'],
    );
    t = 2_000;
    const failing = tracker.run(async () => {
      await gate();
      throw new Error('insert failed');
    }, ['C2']);
    t = 3_000;
    const late = tracker.run(() => gate(), ['C3']);
    expect(stamps).toEqual([new Date(1_000).toISOString()]);

    let settled = false;
    const waiting = tracker.settled(new Date(3_000)).then(() => (settled = true));
    gates[0]?.();
    await early;
    await Promise.resolve();
    expect(settled).toBe(false);
    gates[1]?.();
    await expect(failing).rejects.toThrow('insert failed');
    await waiting;
    // The insert stamped at the instant itself is not waited for: its rows count as stored from then on.
    expect(settled).toBe(true);
    gates[2]?.();
    await late;
  });

  it('says before which instant every stored event can be read: the oldest insert in flight, or now', async () => {
    let t = 1_000;
    const tracker = createStoreTracker(() => new Date(t));
    let open: () => void = () => undefined;
    const first = tracker.run(() => new Promise<void>((resolve) => (open = resolve)), ['C1']);
    t = 2_000;
    await tracker.run(() => Promise.resolve(), ['C2']);
    t = 3_000;
    expect(tracker.storedBefore().getTime()).toBe(1_000);
    open();
    await first;
    expect(tracker.storedBefore().getTime()).toBe(3_000);
  });

  it('tells an insert’s crews, stored or failed, before storedBefore() can pass its stamp', async () => {
    let t = 1_000;
    const tracker = createStoreTracker(() => new Date(t));
    // What a reader of today's facts sees: the crews told so far, and storedBefore(), in one step.
    const seen: { crews: string[]; storedBefore: number }[] = [];
    tracker.onEnded((crews) => seen.push({ crews: [...crews], storedBefore: tracker.storedBefore().getTime() }));
    let open: () => void = () => undefined;
    const stored = tracker.run(() => new Promise<void>((resolve) => (open = resolve)), ['C1', 'C2', 'C1']);
    t = 2_000;
    open();
    await stored;
    // Told while the insert still held storedBefore() at its stamp.
    expect(seen).toEqual([{ crews: ['C1', 'C2'], storedBefore: 1_000 }]);
    expect(tracker.storedBefore().getTime()).toBe(2_000);
    const crews = ['C3'];
    const failed = tracker.run(() => Promise.reject(new Error('refused')), crews);
    crews.push('C4');
    await expect(failed).rejects.toThrow('refused');
    // A failed insert may have stored part of its rows: its crews are told too, as handed in.
    expect(seen[1]).toEqual({ crews: ['C3'], storedBefore: 2_000 });
  });

  it('tells which of an insert’s crews may have new hazards or innovations: all of them unless told', async () => {
    const tracker = createStoreTracker(() => new Date(1_000));
    const seen: { crews: string[]; lifecycle: string[] }[] = [];
    tracker.onEnded((crews, lifecycle) => seen.push({ crews: [...crews], lifecycle: [...lifecycle] }));
    await tracker.run(() => Promise.resolve(), ['C1', 'C2'], ['C2']);
    await tracker.run(() => Promise.resolve(), ['C3']);
    expect(seen).toEqual([
      { crews: ['C1', 'C2'], lifecycle: ['C2'] },
      { crews: ['C3'], lifecycle: ['C3'] },
    ]);
  });
});
