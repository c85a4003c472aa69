import { describe, expect, it, vi } from 'vitest';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { createDedupeStep } from '../../services/pipeline/dedupe-step.ts';
import { createKeyFilter } from '../../services/pipeline/key-filter.ts';
import { eventKey } from '../../services/storage/events.store.ts';

const sale = (eventId: string, crewId = 'C1'): MetricEvent => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: '2026-03-10T09:00:00+08:00',
  volume: 1,
  unit: 'litres',
});

/** A storage lookup over an in-memory set, answering when the test says so. */
function fakeStorage() {
  const stored = new Set<string>();
  const pending: (() => void)[] = [];
  /** The event ids each lookup asked about. */
  const asked: string[][] = [];
  return {
    stored,
    asked,
    answer: () => pending.splice(0).forEach((go) => go()),
    find: (events: readonly MetricEvent[]) => {
      asked.push(events.map((e) => e.eventId));
      return new Promise<Set<string>>((resolve) =>
        pending.push(() =>
          resolve(new Set(events.map((e) => eventKey(e.crewId, e.eventId)).filter((k) => stored.has(k)))),
        ),
      );
    },
  };
}

const kinds = (results: { kind: string }[]) => results.map((r) => r.kind);

describe('dedupe step', () => {
  it.each([
    { name: 'new events pass', stored: [], batch: [sale('a'), sale('b')], expected: ['ok', 'ok'] },
    {
      name: 'stored events are duplicates',
      stored: ['a'],
      batch: [sale('a'), sale('b')],
      expected: ['duplicate', 'ok'],
    },
    {
      name: 'a repeat inside the batch is a duplicate',
      stored: [],
      batch: [sale('a'), sale('a')],
      expected: ['ok', 'duplicate'],
    },
    { name: 'another crew’s same id is another event', stored: ['a'], batch: [sale('a', 'C2')], expected: ['ok'] },
  ])('$name', async ({ stored, batch, expected }) => {
    const storage = fakeStorage();
    for (const id of stored) storage.stored.add(eventKey('C1', id));
    const dedupe = createDedupeStep(storage.find);
    const running = dedupe(batch);
    storage.answer();
    const { results, release } = await running;
    expect(kinds(results)).toEqual(expected);
    release();
    expect(dedupe.inFlight()).toBe(0);
  });

  it('lets only one of two overlapping batches store the same event: the second waits for the first', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find);
    const first = dedupe([sale('x'), sale('y')]);
    const second = dedupe([sale('x'), sale('z')]);
    storage.answer();
    const a = await first;
    expect(kinds(a.results)).toEqual(['ok', 'ok']);
    // x is being stored by the first batch: the second has not even asked storage yet.
    expect(storage.asked).toEqual([['x', 'y']]);
    storage.stored.add(eventKey('C1', 'x'));
    storage.stored.add(eventKey('C1', 'y'));
    a.release();
    await vi.waitFor(() => expect(storage.asked).toHaveLength(2));
    storage.answer();
    const b = await second;
    expect(kinds(b.results)).toEqual(['duplicate', 'ok']);
    b.release();
    expect(dedupe.inFlight()).toBe(0);
  });

  it('stores an event whose first insert, by another batch, failed while this batch waited', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find);
    const first = dedupe([sale('w')]);
    const retry = dedupe([sale('w')]);
    storage.answer();
    (await first).release(); // the insert failed: nothing was stored
    await vi.waitFor(() => expect(storage.asked).toHaveLength(2));
    storage.answer();
    expect(kinds((await retry).results)).toEqual(['ok']);
  });

  it('frees the claims of a batch whose insert failed, so a retry is stored', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find);
    const failed = dedupe([sale('r')]);
    storage.answer();
    (await failed).release(); // the insert failed: nothing was stored
    const retry = dedupe([sale('r')]);
    storage.answer();
    expect(kinds((await retry).results)).toEqual(['ok']);
  });

  describe('with a filter of the stored keys', () => {
    it('asks storage only about events the filter may know, and still finds every duplicate', async () => {
      const storage = fakeStorage();
      const filter = createKeyFilter(1_000);
      storage.stored.add(eventKey('C1', 'old'));
      filter.add('C1', 'old');
      const dedupe = createDedupeStep(storage.find, filter);
      const running = dedupe([sale('old'), sale('new-1'), sale('new-2')]);
      storage.answer();
      const { results, release } = await running;
      expect(kinds(results)).toEqual(['duplicate', 'ok', 'ok']);
      expect(storage.asked).toEqual([['old']]);
      release();
      // Stored now: a resend is caught, through the filter and the lookup.
      for (const id of ['new-1', 'new-2']) storage.stored.add(eventKey('C1', id));
      const resend = dedupe([sale('new-1'), sale('new-2'), sale('new-3')]);
      storage.answer();
      expect(kinds((await resend).results)).toEqual(['duplicate', 'duplicate', 'ok']);
      expect(storage.asked[1]).toEqual(['new-1', 'new-2']);
    });

    it('does not call storage at all for a batch of fresh events', async () => {
      const storage = fakeStorage();
      const dedupe = createDedupeStep(storage.find, createKeyFilter(1_000));
      const { results } = await dedupe([sale('f-1'), sale('f-2')]);
      expect(kinds(results)).toEqual(['ok', 'ok']);
      expect(storage.asked).toEqual([]);
    });

    it('looks up the events of a failed insert when they are sent again, as part may have been stored', async () => {
      const storage = fakeStorage();
      const dedupe = createDedupeStep(storage.find, createKeyFilter(1_000));
      (await dedupe([sale('p-1'), sale('p-2')])).release(); // the insert failed after storing p-1
      storage.stored.add(eventKey('C1', 'p-1'));
      const retry = dedupe([sale('p-1'), sale('p-2')]);
      storage.answer();
      expect(kinds((await retry).results)).toEqual(['duplicate', 'ok']);
      expect(storage.asked).toEqual([['p-1', 'p-2']]);
    });
  });
});
