import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { toDeadLetter } from '../../services/kafka/event-message.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { findRecordedBatch, recordBatch } from '../../services/storage/consumer-batches.store.ts';
import { insertConsumedEvents, sourcedEventValues, toEventValues } from '../../services/storage/events.store.ts';
import { migrate } from '../../services/storage/migrate.ts';
import { personSale } from '../support/fixtures.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// The batch ledger on the real engine: first record at an offset wins, whatever the clocks say.
// And a batch stored again with its token (a retry after a crash or a refused insert) is counted
// once in every rollup the events feed, the per-person ones included (migration 0039).
let client: ClickHouseClient;
const at = { topic: 'ev', partition: 3, firstOffset: 100, firstTimestamp: 1_773_115_200_000 };

beforeAll(async () => {
  client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  await migrate(client);
});
afterAll(async () => {
  await client.close();
});

describe('consumer batch ledger', () => {
  it('keeps the first batch recorded at an offset; a later, different one is dropped', async () => {
    expect(await findRecordedBatch(client, at)).toBeUndefined();
    // The second reader's clock is earlier: arrival decides, not the clock.
    await recordBatch(client, { ...at, lastOffset: 180 }, false, new Date('2026-03-10T10:00:01Z'));
    await recordBatch(client, { ...at, lastOffset: 250 }, false, new Date('2026-03-10T10:00:00Z'));
    expect(await findRecordedBatch(client, at)).toEqual({ ...at, lastOffset: 180, stored: false, insertGroup: '' });
    await recordBatch(client, { ...at, lastOffset: 180 }, true, new Date('2026-03-10T10:00:02Z'));
    expect(await findRecordedBatch(client, at)).toEqual({ ...at, lastOffset: 180, stored: true, insertGroup: '' });
  });

  it('records earlier batches as stored in the same insert as the next batch’s start', async () => {
    const a = { ...at, partition: 4, lastOffset: 140 };
    const b = { ...at, partition: 5, lastOffset: 120 };
    await recordBatch(client, a, false, new Date('2026-03-10T10:00:00Z'));
    await recordBatch(client, b, false, new Date('2026-03-10T10:00:00Z'));
    const next = { ...a, firstOffset: 141, lastOffset: 170 };
    await recordBatch(client, next, false, new Date('2026-03-10T10:00:01Z'), [a, b]);
    expect(await findRecordedBatch(client, a)).toEqual({ ...a, stored: true, insertGroup: '' });
    expect(await findRecordedBatch(client, b)).toEqual({ ...b, stored: true, insertGroup: '' });
    expect(await findRecordedBatch(client, next)).toEqual({ ...next, stored: false, insertGroup: '' });
    // The same start again (a second reader at that offset) is dropped with what it carries: a
    // stored record only spares a retry its resend, so losing one is harmless.
    const c = { ...at, partition: 6, lastOffset: 110 };
    await recordBatch(client, c, false, new Date('2026-03-10T10:00:00Z'));
    await recordBatch(client, { ...next, lastOffset: 190 }, false, new Date('2026-03-10T10:00:02Z'), [c]);
    expect(await findRecordedBatch(client, next)).toEqual({ ...next, stored: false, insertGroup: '' });
    expect(await findRecordedBatch(client, c)).toEqual({ ...c, stored: false, insertGroup: '' });
  });

  it('tells a recreated topic (same offset, another first timestamp) from the old one', async () => {
    expect(await findRecordedBatch(client, { ...at, firstTimestamp: at.firstTimestamp + 1 })).toBeUndefined();
  });
});

describe('dead letters', () => {
  it.each([
    { name: 'a small value stays whole', size: 10, cut: false },
    { name: 'a value over 900 KB is cut to fit the broker, with its size in a header', size: 1_000_000, cut: true },
  ])('$name', ({ size, cut }) => {
    const message = { offset: '7', key: Buffer.from('C1'), value: Buffer.alloc(size, 120), timestamp: '1' };
    const dead = toDeadLetter(
      message,
      { topic: 'ev', partition: 0, offset: '7' },
      { code: 'malformed_json', message: 'x' },
      new Date(0),
    );
    expect((dead.value as Buffer).length).toBe(cut ? 900 * 1024 : size);
    expect(dead.headers?.['dead-letter.truncated-from']).toBe(cut ? String(size) : undefined);
  });
});

async function one<T>(query: string): Promise<T | undefined> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  return (await result.json<T>())[0];
}

describe('a consumed batch stored twice with its token', () => {
  it('counts once in events, crew_daily, person_daily and person_innovations', async () => {
    const events = [
      personSale('retry-s1', 'P1', 'C1', '2026-03-02', 5),
      {
        eventId: 'retry-i1',
        crewId: 'C1',
        personId: 'P1',
        type: 'innovation',
        occurredAt: '2026-03-02T10:00:00+08:00',
        innovationId: 'INV-1',
        category: 'invention',
        status: 'submitted',
      },
    ].map((e) => MetricEventSchema.parse(e));
    const rows = () =>
      events.map((e, offset) =>
        sourcedEventValues(toEventValues(e, '2026-03-02T02:00:00Z'), '2026-03-02T02:00:01Z', {
          topic: 'events',
          partition: 0,
          offset,
        }),
      );
    for (let attempt = 0; attempt < 2; attempt++) await insertConsumedEvents(client, rows(), 'events:0:0-1');

    expect(await one(`SELECT count() AS n FROM events WHERE startsWith(event_id, 'retry-')`)).toEqual({ n: 2 });
    expect(
      await one(`SELECT sum(value) AS v FROM crew_daily WHERE crew_id = 'C1' AND metric = 'sales.volume_litres'`),
    ).toEqual({
      v: 5,
    });
    expect(
      await one(`SELECT sum(value) AS v FROM person_daily WHERE person_id = 'P1' AND metric = 'sales.volume_litres'`),
    ).toEqual({
      v: 5,
    });
    expect(await one(`SELECT count() AS n FROM person_innovations WHERE person_id = 'P1'`)).toEqual({ n: 1 });
  });
});
