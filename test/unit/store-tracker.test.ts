import { describe, expect, it } from 'vitest';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';

describe('store tracker', () => {
  it('waits for the inserts stamped before an instant, not for later ones, failed ones included', async () => {
    let t = 1_000;
    const tracker = createStoreTracker(() => new Date(t));
    const gates: (() => void)[] = [];
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    const stamps: string[] = [];
    const early = tracker.run(async (storedAt) => {
      stamps.push(storedAt);
      await gate();
    });
    t = 2_000;
    const failing = tracker.run(async () => {
      await gate();
      throw new Error('insert failed');
    });
    t = 3_000;
    const late = tracker.run(() => gate());
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
    const first = tracker.run(() => new Promise<void>((resolve) => (open = resolve)));
    t = 2_000;
    await tracker.run(() => Promise.resolve());
    t = 3_000;
    expect(tracker.storedBefore().getTime()).toBe(1_000);
    open();
    await first;
    expect(tracker.storedBefore().getTime()).toBe(3_000);
  });
});
