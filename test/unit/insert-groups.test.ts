import { describe, expect, it } from 'vitest';
import { createInsertGroups, type GroupMember } from '../../services/scoring/consumer/insert-groups.ts';

const extent = (partition: number) => ({
  topic: 't',
  partition,
  firstOffset: 0,
  firstTimestamp: 1,
  lastOffset: 9,
});
const member = (partition: number, bytes = 10): GroupMember<string> => ({
  extent: extent(partition),
  member: `p${partition}`,
  bytes,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Insert groups whose store records each call and answers the member names, until told to fail. */
function groups(maxBytes = 1_000) {
  const stores: { members: string[]; group: string | undefined }[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  let fail: Error | undefined;
  const g = createInsertGroups<string, string>({
    async store(members, group) {
      stores.push({ members: members.map((m) => m.member), group });
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      if (fail) throw fail;
      return members.map((m) => `stored ${m.member}`);
    },
    partitionsOf: (group) => group.split(',').map(Number),
    maxBytes,
  });
  return {
    g,
    stores,
    hold: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
    failWith: (err: Error | undefined) => (fail = err),
  };
}

describe('insert groups', () => {
  it('stores the batches processed together in one insert, in partition order, once all of them wait', async () => {
    const { g, stores } = groups();
    const [a, b, c] = [g.enter(), g.enter(), g.enter()];
    const answers = [a.join(member(2)), b.join(member(0))];
    await tick();
    // The third batch is still being processed: nothing is stored yet.
    expect(stores).toEqual([]);
    answers.push(c.join(member(1)));
    expect(await Promise.all(answers)).toEqual([
      { kind: 'stored', result: 'stored p2' },
      { kind: 'stored', result: 'stored p0' },
      { kind: 'stored', result: 'stored p1' },
    ]);
    expect(stores).toEqual([{ members: ['p0', 'p1', 'p2'], group: undefined }]);
  });

  it('does not wait for a batch that ends without joining (an empty or already stored one)', async () => {
    const { g, stores } = groups();
    const [a, b] = [g.enter(), g.enter()];
    const answer = a.join(member(0));
    await tick();
    expect(stores).toEqual([]);
    b.leave();
    expect(await answer).toEqual({ kind: 'stored', result: 'stored p0' });
  });

  it('gathers the batches that join while an insert runs into the next one', async () => {
    const { g, stores, hold, release } = groups();
    hold();
    const first = g.enter().join(member(0));
    await tick();
    expect(stores).toHaveLength(1);
    const second = [g.enter().join(member(1)), g.enter().join(member(2))];
    await tick();
    expect(stores).toHaveLength(1);
    release();
    await first;
    await Promise.all(second);
    expect(stores.map((s) => s.members)).toEqual([['p0'], ['p1', 'p2']]);
  });

  it('holds at most maxBytes in one insert (at least one batch), the rest in the next', async () => {
    const { g, stores } = groups(25);
    const entries = [g.enter(), g.enter(), g.enter()];
    await Promise.all(entries.map((e, p) => e.join(member(p, 10))));
    expect(stores.map((s) => s.members)).toEqual([['p0', 'p1'], ['p2']]);
  });

  it('forms a recorded group again only from all its batches, those that came first parked until the last comes', async () => {
    const { g, stores } = groups();
    const first = await Promise.all([g.enter().join(member(0), '0,1,2'), g.enter().join(member(1), '0,1,2')]);
    expect(first.map((a) => a.kind)).toEqual(['parked', 'parked']);
    expect(stores).toEqual([]);
    // A fresh batch meanwhile is not held back by the parked ones.
    expect(await g.enter().join(member(5))).toEqual({ kind: 'stored', result: 'stored p5' });

    const last = await g.enter().join(member(2), '0,1,2');
    expect(last).toEqual({ kind: 'stored', result: 'stored p2' });
    expect(stores.at(-1)).toEqual({ members: ['p0', 'p1', 'p2'], group: '0,1,2' });
    const parked = await Promise.all(first.map((a) => (a.kind === 'parked' ? a.stored : Promise.resolve(undefined))));
    expect(parked).toEqual(['stored p0', 'stored p1']);
  });

  it('keeps parked batches for the retry of a group whose insert failed, and lets them go when dropped', async () => {
    const { g, stores, failWith } = groups();
    const parked = await g.enter().join(member(0), '0,1');
    failWith(new Error('ClickHouse is away'));
    await expect(g.enter().join(member(1), '0,1')).rejects.toThrow('ClickHouse is away');
    expect(stores).toHaveLength(1);
    // The retry of the failed batch meets the parked one again.
    failWith(undefined);
    expect(await g.enter().join(member(1), '0,1')).toEqual({ kind: 'stored', result: 'stored p1' });
    expect(stores.map((s) => s.members)).toEqual([
      ['p0', 'p1'],
      ['p0', 'p1'],
    ]);
    expect(parked.kind === 'parked' ? await parked.stored : 'not parked').toBe('stored p0');

    const another = await g.enter().join(member(3), '3,4');
    g.dropParked();
    expect(another.kind === 'parked' ? await another.stored : 'not parked').toBeUndefined();
  });

  it('fails every batch of an insert that failed (each is retried, the group formed again)', async () => {
    const { g, failWith } = groups();
    failWith(new Error('ClickHouse is away'));
    const results = await Promise.allSettled([g.enter().join(member(0)), g.enter().join(member(1))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
