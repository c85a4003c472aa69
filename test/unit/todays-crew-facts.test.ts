import { describe, expect, it } from 'vitest';
import type { CrewFacts } from '../../services/scoring/engine/types.ts';
import type { MetricSums } from '../../services/scoring/metric-sums.query.ts';
import { createTodaysCrewFacts } from '../../services/scoring/todays-crew-facts.ts';

const facts = (litres: number, innovations = 0): CrewFacts => ({
  metrics: { 'sales.volume_litres': litres },
  lastIncidentDay: {},
  hazards: { found: 1, rectified: 0 },
  innovations:
    innovations > 0 ? [{ category: 'renovation', status: 'adopted', awardLevel: 1, count: innovations }] : [],
});

const closed: Promise<MetricSums> = Promise.resolve(new Map());

/** A store's answers, and which crews each partial read asked for. */
function storage(initial: Record<string, CrewFacts>) {
  const rows = new Map(Object.entries(initial));
  const asked: string[][] = [];
  let fullReads = 0;
  return {
    rows,
    asked,
    fullReads: () => fullReads,
    full: () => {
      fullReads += 1;
      // Each read parses its own records, as a read from storage does.
      return Promise.resolve(new Map([...rows].map(([id, f]) => [id, structuredClone(f)])));
    },
    crews: (ids: readonly string[]) => {
      asked.push([...ids].sort());
      return Promise.resolve(
        new Map(ids.flatMap((id) => (rows.has(id) ? [[id, structuredClone(rows.get(id) as CrewFacts)]] : []))),
      );
    },
  };
}

describe("today's crew facts read again for the crews told", () => {
  it('reads every crew once, then only the crews told since, keeping the others’ records', async () => {
    const kept = createTodaysCrewFacts();
    const store = storage({ C1: facts(100), C2: facts(200), C3: facts(300) });
    const first = await kept.read('w', closed, store.full, store.crews);
    expect(store.fullReads()).toBe(1);
    // Nothing told: the very same map.
    expect(await kept.read('w', closed, store.full, store.crews)).toBe(first);
    store.rows.set('C2', facts(250));
    store.rows.delete('C3');
    store.rows.set('C4', facts(5));
    kept.touched(['C2', 'C3', 'C4', 'C1']);
    const second = await kept.read('w', closed, store.full, store.crews);
    expect(store.asked).toEqual([['C1', 'C2', 'C3', 'C4']]);
    expect(store.fullReads()).toBe(1);
    // C1 was told but did not change: it keeps its record (score memos see it by identity).
    expect(second.get('C1')).toBe(first.get('C1'));
    expect(second.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 250 });
    // A crew whose facts are gone (a withdrawal) has none; a new one has its own.
    expect(second.has('C3')).toBe(false);
    expect(second.get('C4')?.metrics).toEqual({ 'sales.volume_litres': 5 });
    // The first answer is not changed: a computation still holding it sees what it read.
    expect(first.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 200 });
  });

  it('lays reads over each other in the order they began, a crew told during a read counting for the next', async () => {
    const kept = createTodaysCrewFacts();
    const store = storage({ C1: facts(100), C2: facts(200) });
    await kept.read('w', closed, store.full, store.crews);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    kept.touched(['C1']);
    store.rows.set('C1', facts(110));
    const slow = kept.read('w', closed, store.full, (ids) => held.then(() => store.crews(ids)));
    // Told while the first read runs: read by the next one, laid over the first's answer.
    kept.touched(['C2']);
    store.rows.set('C2', facts(220));
    const fast = kept.read('w', closed, store.full, store.crews);
    release();
    const [a, b] = await Promise.all([slow, fast]);
    expect(a.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 200 });
    expect(b.get('C1')?.metrics).toEqual({ 'sales.volume_litres': 110 });
    expect(b.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 220 });
  });

  it('reads every crew again after a failed read and over new closed sums, keeping equal records', async () => {
    const kept = createTodaysCrewFacts();
    const store = storage({ C1: facts(100, 1), C2: facts(200) });
    await kept.read('w', closed, store.full, store.crews);
    kept.touched(['C1']);
    await expect(kept.read('w', closed, store.full, () => Promise.reject(new Error('read failed')))).rejects.toThrow(
      'read failed',
    );
    // The failed read's crews are not lost: every crew is read again.
    const second = await kept.read('w', closed, store.full, store.crews);
    expect(store.fullReads()).toBe(2);
    // New closed sums (events landed on a closed day): a full read, equal records kept.
    const later: Promise<MetricSums> = Promise.resolve(new Map());
    store.rows.set('C2', facts(201));
    const third = await kept.read('w', later, store.full, store.crews);
    expect(store.fullReads()).toBe(3);
    expect(third.get('C1')).toBe(second.get('C1'));
    expect(third.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 201 });
    // Another window (another day, period or deadlines) is kept apart.
    const other = await kept.read('other', later, store.full, store.crews);
    expect(store.fullReads()).toBe(4);
    expect(other.get('C1')).not.toBe(third.get('C1'));
    await kept.read('w', later, store.full, store.crews);
    expect(store.fullReads()).toBe(4);
  });

  it('reads every crew at least once a minute and for a burst over most crews, and lets idle windows go', async () => {
    let t = 0;
    const kept = createTodaysCrewFacts({ elapsed: () => t });
    const many = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`C${i}`, facts(i)]));
    const store = storage(many);
    await kept.read('w', closed, store.full, store.crews);
    // A crew whose rows showed only after its insert ended (no crew told): served within the minute.
    store.rows.set('C1', facts(111));
    t = 59_999;
    expect((await kept.read('w', closed, store.full, store.crews)).get('C1')?.metrics).toEqual({
      'sales.volume_litres': 1,
    });
    t = 60_000;
    expect((await kept.read('w', closed, store.full, store.crews)).get('C1')?.metrics).toEqual({
      'sales.volume_litres': 111,
    });
    expect(store.fullReads()).toBe(2);
    // 2,000 of 8,000 crews told: named one by one. 2,001: every crew read instead.
    kept.touched(Array.from({ length: 2000 }, (_, i) => `C${i}`));
    await kept.read('w', closed, store.full, store.crews);
    expect(store.fullReads()).toBe(2);
    expect(store.asked.at(-1)).toHaveLength(2000);
    kept.touched(Array.from({ length: 2001 }, (_, i) => `C${i}`));
    await kept.read('w', closed, store.full, store.crews);
    expect(store.fullReads()).toBe(3);
    // A window not read for longer than idleMs (the day turned, a definition changed) is let go.
    const idle = createTodaysCrewFacts({ elapsed: () => t, fullEveryMs: Infinity, idleMs: 1000 });
    const small = storage({ C1: facts(1) });
    await idle.read('w', closed, small.full, small.crews);
    t += 1000;
    await idle.read('other', closed, small.full, small.crews);
    await idle.read('w', closed, small.full, small.crews);
    expect(small.fullReads()).toBe(2);
    t += 500;
    await idle.read('other', closed, small.full, small.crews);
    expect(small.fullReads()).toBe(2);
    t += 501;
    await idle.read('other', closed, small.full, small.crews);
    expect(small.fullReads()).toBe(2);
    await idle.read('w', closed, small.full, small.crews);
    expect(small.fullReads()).toBe(3);
  });

  it('reads hazards and innovations again only for the crews told with them, keeping the others’', async () => {
    const kept = createTodaysCrewFacts();
    const store = storage({
      C1: facts(100, 2),
      C2: facts(200),
      // Hazards and no sums.
      C3: { metrics: {}, lastIncidentDay: {}, hazards: { found: 2, rectified: 1 }, innovations: [] },
      C4: facts(50),
    });
    const lifecycleAsked: string[][] = [];
    // Like loadCrewFacts: sums of every crew asked, hazards and innovations of lifecycleIds only.
    const crews = (ids: readonly string[], lifecycleIds: readonly string[]) => {
      lifecycleAsked.push([...lifecycleIds].sort());
      return Promise.resolve(
        new Map(
          ids.flatMap((id): [string, CrewFacts][] => {
            const row = store.rows.get(id);
            if (row === undefined) return [];
            if (lifecycleIds.includes(id)) return [[id, structuredClone(row)]];
            if (Object.keys(row.metrics).length === 0) return [];
            return [[id, { ...structuredClone(row), hazards: { found: 0, rectified: 0 }, innovations: [] }]];
          }),
        ),
      );
    };
    const first = await kept.read('w', closed, store.full, crews);
    store.rows.set('C1', facts(150, 2));
    store.rows.set('C2', facts(200, 1));
    // A sale withdrawn: C4 keeps its hazard only.
    store.rows.set('C4', { ...facts(0), metrics: {} });
    kept.touched(['C1', 'C2', 'C3', 'C4'], ['C2']);
    const second = await kept.read('w', closed, store.full, crews);
    expect(lifecycleAsked).toEqual([['C2']]);
    // Equal to a read of every crew, and a crew whose facts did not change keeps its record.
    expect(new Map(second)).toEqual(await store.full());
    expect(second.get('C3')).toBe(first.get('C3'));
    expect(second.get('C1')?.innovations).toEqual(first.get('C1')?.innovations);
    // Told without saying which: every crew told is read whole.
    store.rows.set('C1', facts(150, 3));
    kept.touched(['C1']);
    const third = await kept.read('w', closed, store.full, crews);
    expect(lifecycleAsked.at(-1)).toEqual(['C1']);
    expect(third.get('C1')?.innovations[0]?.count).toBe(3);
  });

  it('lists every crew told since the last read of all, whose records alone may differ from that read’s (score memos look at those only)', async () => {
    let t = 0;
    const kept = createTodaysCrewFacts({ elapsed: () => t, fullEveryMs: 60_000 });
    const store = storage({ C1: facts(100), C2: facts(200), C3: facts(300), C4: facts(400) });
    const base = await kept.read('w', closed, store.full, store.crews);
    expect(base.changes).toEqual({ base, ids: [] });
    store.rows.set('C1', facts(110));
    kept.touched(['C1']);
    const second = await kept.read('w', closed, store.full, store.crews);
    store.rows.set('C2', facts(220));
    kept.touched(['C2', 'C3']);
    // A competition not refreshed in between (its memo saw `base` last) must still see C1 listed.
    const third = await kept.read('w', closed, store.full, store.crews);
    expect(second.changes).toEqual({ base, ids: ['C1'] });
    expect(third.changes.base).toBe(base);
    expect([...third.changes.ids].sort()).toEqual(['C1', 'C2', 'C3']);
    for (const [id, f] of third) if (!third.changes.ids.includes(id)) expect(f).toBe(base.get(id));
    expect(third.get('C1')?.metrics).toEqual({ 'sales.volume_litres': 110 });
    // The next read of every crew is the next base.
    t = 60_000;
    const fourth = await kept.read('w', closed, store.full, store.crews);
    expect(fourth.changes).toEqual({ base: fourth, ids: [] });
    expect(fourth.get('C4')).toBe(base.get('C4'));
  });
});
