import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { insertConsumedEvents, sourcedEventValues, toEventValues } from '../../services/storage/events.store.ts';
import { migrate } from '../../services/storage/migrate.ts';
import { personSale } from '../support/fixtures.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// A Kafka batch stored again with its token (a retry after a crash or a refused insert) must be
// counted once in every rollup the events feed, the per-person ones included (migration 0039).
let client: ClickHouseClient;

beforeAll(async () => {
  client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  await migrate(client);
});
afterAll(async () => {
  await client.close();
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
