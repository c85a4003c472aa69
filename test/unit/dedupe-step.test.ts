import { describe, expect, it, vi } from 'vitest';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { createDedupeStep, dedupeWithinRequest } from '../../services/pipeline/dedupe-step.ts';
import { createKeyFilter } from '../../services/pipeline/key-filter.ts';
import { contentOf, type EventContent } from '../../services/storage/event-row.ts';
import { eventKey } from '../../services/storage/events.store.ts';

const sale = (eventId: string, crewId = 'C1', more: Partial<MetricEvent> = {}): MetricEvent =>
  ({
    eventId,
    crewId,
    type: 'sales',
    occurredAt: '2026-03-10T09:00:00+08:00',
    volume: 1,
    unit: 'litres',
    ...more,
  }) as MetricEvent;

/** A storage lookup over an in-memory store, answering when the test says so. */
function fakeStorage() {
  const events = new Map<string, MetricEvent>();
  const stored = {
    add: (key: string) => {
      const [crewId = '', eventId = ''] = key.split('\u0000');
      events.set(key, sale(eventId, crewId));
    },
    put: (event: MetricEvent) => events.set(eventKey(event.crewId, event.eventId), event),
  };
  const pending: (() => void)[] = [];
  /** The event ids each lookup asked about. */
  const askedIds: string[][] = [];
  return {
    stored,
    asked: askedIds,
    answer: () => pending.splice(0).forEach((go) => go()),
    find: (asked: readonly MetricEvent[]) => {
      askedIds.push(asked.map((e) => e.eventId));
      return new Promise<Map<string, EventContent>>((resolve) =>
        pending.push(() =>
          resolve(
            new Map(
              asked.flatMap((e) => {
                const found = events.get(eventKey(e.crewId, e.eventId));
                return found ? [[eventKey(e.crewId, e.eventId), contentOf(found)] as const] : [];
              }),
            ),
          ),
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
    const dedupe = createDedupeStep(storage.find, undefined, contentOf);
    const running = dedupe(batch);
    storage.answer();
    const { results, release } = await running;
    expect(kinds(results)).toEqual(expected);
    release(batch.filter((_, i) => results[i]?.kind === 'ok'));
    expect(dedupe.inFlight()).toBe(0);
  });

  it('lets only one of two overlapping batches store the same event: the second waits for the first', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find, undefined, contentOf);
    const first = dedupe([sale('x'), sale('y')]);
    const second = dedupe([sale('x'), sale('z')]);
    storage.answer();
    const a = await first;
    expect(kinds(a.results)).toEqual(['ok', 'ok']);
    // x is being stored by the first batch: the second has not even asked storage yet.
    expect(storage.asked).toEqual([['x', 'y']]);
    storage.stored.add(eventKey('C1', 'x'));
    storage.stored.add(eventKey('C1', 'y'));
    a.release([sale('x'), sale('y')]);
    await vi.waitFor(() => expect(storage.asked).toHaveLength(2));
    storage.answer();
    const b = await second;
    expect(kinds(b.results)).toEqual(['duplicate', 'ok']);
    b.release([sale('z')]);
    expect(dedupe.inFlight()).toBe(0);
  });

  it('stores an event whose first insert, by another batch, failed while this batch waited', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find, undefined, contentOf);
    const first = dedupe([sale('w')]);
    const retry = dedupe([sale('w')]);
    storage.answer();
    (await first).release([]); // the insert was refused: nothing was stored
    await vi.waitFor(() => expect(storage.asked).toHaveLength(2));
    storage.answer();
    expect(kinds((await retry).results)).toEqual(['ok']);
  });

  it('frees the claims of a batch whose insert failed, so a retry is stored', async () => {
    const storage = fakeStorage();
    const dedupe = createDedupeStep(storage.find, undefined, contentOf);
    const failed = dedupe([sale('r')]);
    storage.answer();
    (await failed).release([]); // the insert was refused: nothing was stored
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
      const dedupe = createDedupeStep(storage.find, filter, contentOf);
      const running = dedupe([sale('old'), sale('new-1'), sale('new-2')]);
      storage.answer();
      const { results, release } = await running;
      expect(kinds(results)).toEqual(['duplicate', 'ok', 'ok']);
      expect(storage.asked).toEqual([['old']]);
      release([sale('new-1'), sale('new-2')]);
      // Stored now: a resend is caught, through the filter and the lookup.
      for (const id of ['new-1', 'new-2']) storage.stored.add(eventKey('C1', id));
      const resend = dedupe([sale('new-1'), sale('new-2'), sale('new-3')]);
      storage.answer();
      expect(kinds((await resend).results)).toEqual(['duplicate', 'duplicate', 'ok']);
      expect(storage.asked[1]).toEqual(['new-1', 'new-2']);
    });

    it('does not call storage at all for a batch of fresh events', async () => {
      const storage = fakeStorage();
      const dedupe = createDedupeStep(storage.find, createKeyFilter(1_000), contentOf);
      const { results } = await dedupe([sale('f-1'), sale('f-2')]);
      expect(kinds(results)).toEqual(['ok', 'ok']);
      expect(storage.asked).toEqual([]);
    });

    it('looks up the events of a failed insert when they are sent again, as part may have been stored', async () => {
      const storage = fakeStorage();
      const dedupe = createDedupeStep(storage.find, createKeyFilter(1_000), contentOf);
      // An outage: the insert may have stored p-1 before it failed, so the filter learns both.
      const failed = [sale('p-1'), sale('p-2')];
      (await dedupe(failed)).release(failed);
      storage.stored.add(eventKey('C1', 'p-1'));
      const retry = dedupe([sale('p-1'), sale('p-2')]);
      storage.answer();
      expect(kinds((await retry).results)).toEqual(['duplicate', 'ok']);
      expect(storage.asked).toEqual([['p-1', 'p-2']]);
    });

    it('learns only the keys it is told were stored: a refused batch’s keys stay unknown', async () => {
      const filter = createKeyFilter(1_000);
      const dedupe = createDedupeStep(fakeStorage().find, filter, contentOf);
      (await dedupe([sale('kept'), sale('refused')])).release([sale('kept')]);
      expect(filter.mightContain('C1', 'kept')).toBe(true);
      expect(filter.mightContain('C1', 'refused')).toBe(false);
      expect(dedupe.inFlight()).toBe(0);
    });
  });

  describe('a repeat with other content', () => {
    it.each([
      { name: 'the same content is a duplicate', resend: sale('s'), expected: { kind: 'duplicate' } },
      {
        name: 'the same instant written in another offset is the same content',
        resend: sale('s', 'C1', { occurredAt: '2026-03-10T01:00:00Z' }),
        expected: { kind: 'duplicate' },
      },
      {
        name: 'other values are a conflict naming the fields',
        resend: sale('s', 'C1', { volume: 2, product: '95#' }),
        expected: { kind: 'conflict', fields: ['volume', 'product'] },
      },
      {
        name: 'another type under the same id is a conflict',
        resend: {
          eventId: 's',
          crewId: 'C1',
          type: 'incident',
          occurredAt: '2026-03-10T09:00:00+08:00',
          severity: 'near_miss',
        } as MetricEvent,
        expected: { kind: 'conflict', fields: ['type', 'volume', 'unit', 'severity'] },
      },
    ])('against storage: $name', async ({ resend, expected }) => {
      const storage = fakeStorage();
      storage.stored.put(sale('s'));
      const dedupe = createDedupeStep(storage.find, undefined, contentOf);
      const running = dedupe([resend]);
      storage.answer();
      expect((await running).results).toEqual([expected]);
    });

    it('within one batch, compares with the first of its id', async () => {
      const batch = [sale('w'), sale('w', 'C1', { volume: 7 }), sale('w')];
      const storage = fakeStorage();
      const running = createDedupeStep(storage.find, undefined, contentOf)(batch);
      storage.answer();
      expect((await running).results).toEqual([
        { kind: 'ok', value: batch[0] },
        { kind: 'conflict', fields: ['volume'] },
        { kind: 'duplicate' },
      ]);
      // Bound for Kafka: the same judgement within the request.
      expect((await dedupeWithinRequest(batch, contentOf)).results.map((r) => r.kind)).toEqual([
        'ok',
        'conflict',
        'duplicate',
      ]);
    });
  });
});
