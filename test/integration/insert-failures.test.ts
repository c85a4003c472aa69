import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createClickHouseIngest } from '../../services/pipeline/clickhouse-ingest.ts';
import type { IngestMetrics, IngestReport } from '../../services/pipeline/ingest-pipeline.ts';
import { createKeyFilter } from '../../services/pipeline/key-filter.ts';
import { ok } from '../../services/pipeline/step-result.ts';
import { insertEventRows, toEventValues } from '../../services/storage/events.store.ts';
import { createInsertHealth } from '../../services/storage/insert-health.ts';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

// What happens when ClickHouse does not take an insert: a batch whose values it refuses must not
// take the other batches of its group commit down with it, and /readyz must say when inserts fail.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const sale = (crewId: string, eventId: string, more: Partial<Record<string, unknown>> = {}): MetricEvent => ({
  eventId,
  crewId,
  type: 'sales',
  occurredAt: '2026-03-10T09:00:00+08:00',
  volume: 10,
  unit: 'litres',
  product: '92#',
  ...more,
});

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await lb.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

async function storedCount(prefix: string) {
  const [row] = await rows<{ n: string; keys: string }>(
    `SELECT count() AS n, uniqExact(crew_id, event_id) AS keys FROM events WHERE startsWith(event_id, {prefix:String})`,
    { prefix },
  );
  return { rows: Number(row?.n), keys: Number(row?.keys) };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
});
afterAll(async () => {
  await lb?.close();
});

describe('an insert ClickHouse refuses', () => {
  it('stores nothing at all, even 50,001 rows over two months with the bad value in the last', async () => {
    const events = Array.from({ length: 50_000 }, (_, i) =>
      sale('C1', `whole-${i}`, { occurredAt: i % 2 === 0 ? '2026-03-10T09:00:00+08:00' : '2026-04-10T09:00:00+08:00' }),
    );
    events.push(sale('C1', 'whole-bad', { product: '92\ud800' }));
    const [before] = await rows<{ n: string }>('SELECT sum(events) AS n FROM crew_daily');
    const insert = insertEventRows(
      lb.client,
      events.map((e) => toEventValues(e, '2026-03-10T04:00:00Z')),
      '2026-03-10T04:00:00Z',
    );
    await expect(insert).rejects.toMatchObject({ type: 'CANNOT_PARSE_ESCAPE_SEQUENCE' });
    expect(await storedCount('whole-')).toEqual({ rows: 0, keys: 0 });
    // Nor did the materialized views see any of it.
    const [after] = await rows<{ n: string }>('SELECT sum(events) AS n FROM crew_daily');
    expect(after?.n).toBe(before?.n);
  });
});

describe('a group commit with one batch storage refuses', () => {
  const counted = { accepted: 0, storageRefused: 0 };
  const metrics: IngestMetrics = {
    accepted: (n) => (counted.accepted += n),
    duplicates: () => undefined,
    conflicts: () => undefined,
    rejected: () => undefined,
    storageRefused: (n) => (counted.storageRefused += n),
    stored: () => undefined,
  };

  it('stores the 19 valid batches sent with it and refuses only that one, naming the event and field', async () => {
    const health = createInsertHealth({ now: clock.now, windowMs: 60_000 });
    const filter = createKeyFilter(1_000);
    // The production wiring of the HTTP path without Kafka, with validation bypassed: it will refuse
    // a lone surrogate itself, and storage must cope with whatever validation does not know.
    const pipeline = createClickHouseIngest({
      client: lb.client,
      stores: createStoreTracker(clock.now, health),
      keyFilter: filter,
      validate: (raw) => ok(raw as MetricEvent),
      onStored: () => undefined,
      metrics,
    });
    const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => sale(crews[(b + i) % 5] ?? 'C1', `group-${b}-${i}`)),
    );
    // Batches 0 and 1 start a group each; 2 to 19 wait and go together, the poison among them.
    const POISON = 10;
    const poisoned = batches.map((batch, b) =>
      b === POISON ? batch.map((e, i) => (i === 7 ? { ...e, product: '92\ud800' } : e)) : batch,
    );
    const answers = await Promise.allSettled(poisoned.map((batch) => pipeline.ingest(batch)));

    const reports = answers.map((a, b) => {
      expect(a.status, `batch ${b}: ${a.status === 'rejected' ? String(a.reason) : ''}`).toBe('fulfilled');
      return (a as PromiseFulfilledResult<IngestReport>).value;
    });
    reports.forEach((report, b) => {
      if (b === POISON) return;
      expect(report).toEqual({ accepted: 25, duplicates: [], conflicts: [], rejected: [] });
    });
    const refused = reports[POISON];
    expect(refused?.accepted).toBe(0);
    expect(refused?.storageRefusal).toMatch(/CANNOT_PARSE_ESCAPE_SEQUENCE/);
    expect(refused?.rejected).toEqual([
      {
        index: 7,
        eventId: `group-${POISON}-7`,
        errors: [{ path: 'product', message: expect.stringMatching(/surrogate/) as string }],
      },
    ]);

    // Every valid event stored once, none of the refused batch; the views agree.
    expect(await storedCount('group-')).toEqual({ rows: 19 * 25, keys: 19 * 25 });
    expect(await storedCount(`group-${POISON}-`)).toEqual({ rows: 0, keys: 0 });
    const [daily] = await rows<{ n: string }>(
      `SELECT sum(events) AS n FROM crew_daily WHERE day = '2026-03-10' AND metric = 'sales.volume_litres'`,
    );
    const [whole] = await rows<{ n: string }>(
      `SELECT count() AS n FROM events WHERE type = 'sales' AND toDate(occurred_at, 'Asia/Shanghai') = '2026-03-10'`,
    );
    expect(daily?.n).toBe(whole?.n);
    // The dedupe filter learned the stored keys only.
    expect(filter.mightContain('C1', 'group-0-0')).toBe(true);
    expect(batches[POISON]?.some((e) => filter.mightContain(e.crewId, e.eventId))).toBe(false);
    // A refused value is no outage: readiness stays.
    expect(health.failing()).toBeUndefined();
    expect(counted).toEqual({ accepted: 19 * 25, storageRefused: 25 });

    // Resent, the stored batches are duplicates and the corrected one is stored whole.
    const resent = await Promise.all(batches.map((batch) => pipeline.ingest(batch)));
    resent.forEach((report, b) => {
      if (b === POISON) expect(report.accepted).toBe(25);
      else expect(report.duplicates).toHaveLength(25);
    });
    expect(await storedCount('group-')).toEqual({ rows: 20 * 25, keys: 20 * 25 });
  });

  it('answers a batch repeating an event of the refused batch 503, so it is resent rather than lost', async () => {
    const pipeline = createClickHouseIngest({
      client: lb.client,
      stores: createStoreTracker(clock.now),
      keyFilter: undefined,
      validate: (raw) => ok(raw as MetricEvent),
      onStored: () => undefined,
      metrics,
    });
    const poison = [sale('C1', 'rep-a'), sale('C1', 'rep-b', { product: '95\ud800' })];
    const repeat = [sale('C2', 'rep-c'), sale('C1', 'rep-a')];
    // Two lone batches first, so the poison and its repeat share the next group.
    const [, , refused, repeated] = await Promise.allSettled([
      pipeline.ingest([sale('C3', 'rep-x')]),
      pipeline.ingest([sale('C3', 'rep-y')]),
      pipeline.ingest(poison),
      pipeline.ingest(repeat),
    ]);
    expect(refused).toMatchObject({ status: 'fulfilled', value: { rejected: [{ index: 1, eventId: 'rep-b' }] } });
    expect(repeated).toMatchObject({ status: 'rejected', reason: { httpStatus: 503 } });
    // Its own new event was stored; the resend stores the one the refused batch held.
    const again = await pipeline.ingest(repeat);
    expect(again).toMatchObject({ accepted: 1, duplicates: [{ index: 0, eventId: 'rep-c' }] });
    expect(await storedCount('rep-a')).toEqual({ rows: 1, keys: 1 });
  });
});

describe('through the API', () => {
  const post = (payload: unknown) => lb.app.inject({ method: 'POST', url: '/v1/events', payload: payload as object });

  it('refuses only the batch storage refuses, 422 storage_refused with index and field, and stores the 19 sent with it', async () => {
    // A table rule refusing a value validation accepts: ClickHouse's own refusal after validation
    // (a lone surrogate, the example, is refused by validation now).
    await lb.client.command({ query: `ALTER TABLE events ADD CONSTRAINT no_98 CHECK product != '98#'` });
    try {
      const POISON = 11;
      const batches = Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 5 }, (_, i) =>
          sale(`C${1 + ((b + i) % 5)}`, `api-${b}-${i}`, b === POISON && i === 3 ? { product: '98#' } : {}),
        ),
      );
      const answers = await Promise.all(batches.map((batch) => post(batch)));
      answers.forEach((res, b) => {
        if (b === POISON) return;
        expect(res.statusCode, `batch ${b}: ${res.body}`).toBe(200);
        expect(res.json().accepted).toBe(5);
      });
      const refused = answers[POISON];
      expect(refused?.statusCode).toBe(422);
      const body = refused?.json<{
        accepted: number;
        error: { code: string; message: string };
        rejected: { index: number; eventId: string; errors: { path: string; message: string }[] }[];
      }>();
      expect(body?.accepted).toBe(0);
      expect(body?.error.code).toBe('storage_refused');
      expect(body?.error.message).toMatch(
        /^存储拒绝了这批事件，均未保存 \/ storage refused 1 of 5 events; nothing was stored/,
      );
      expect(body?.error.message).toMatch(/VIOLATED_CONSTRAINT/);
      expect(body?.rejected).toEqual([
        {
          index: 3,
          eventId: `api-${POISON}-3`,
          errors: [
            {
              path: 'product',
              message: expect.stringMatching(
                /^存储拒绝了这个值 \/ storage refused this value: VIOLATED_CONSTRAINT/,
              ) as string,
            },
          ],
        },
      ]);
      expect(await storedCount('api-')).toEqual({ rows: 19 * 5, keys: 19 * 5 });
      expect(await storedCount(`api-${POISON}-`)).toEqual({ rows: 0, keys: 0 });
      const ready = await lb.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
    } finally {
      await lb.client.command({ query: 'ALTER TABLE events DROP CONSTRAINT no_98' });
    }
  });
});

describe('/readyz', () => {
  it('says not ready, and why, while ClickHouse refuses every insert for want of disk space', async () => {
    const ready = async () => {
      const res = await lb.app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, body: res.json<Record<string, string>>() };
    };
    expect((await ready()).status).toBe(200);
    // ClickHouse's own free-space check, as on a full disk (measured on a full 40 MB tmpfs: the
    // same NOT_ENOUGH_SPACE, while a ping still answers).
    await lb.client.command({
      query: 'ALTER TABLE events MODIFY SETTING min_free_disk_bytes_to_perform_insert = 1000000000000000000',
    });
    try {
      const refused = await post([sale('C1', 'disk-1')]);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      const failing = await ready();
      expect(failing.status).toBe(503);
      expect(failing.body).toMatchObject({ status: 'not ready', clickhouse: 'ok' });
      expect(failing.body['inserts']).toMatch(/^failing since .+ \(1 inserts failed\): NOT_ENOUGH_SPACE/);
      const metrics = (await lb.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/leaderboard_clickhouse_insert_failures_total\{kind="outage"\} 1/);
    } finally {
      await lb.client.command({ query: 'ALTER TABLE events RESET SETTING min_free_disk_bytes_to_perform_insert' });
    }
    // Nothing was refused as bad: the resend is stored, and readiness comes back with it.
    const resent = await post([sale('C1', 'disk-1')]);
    expect(resent.statusCode).toBe(200);
    expect(resent.json().accepted).toBe(1);
    const back = await ready();
    expect(back.status).toBe(200);
    expect(back.body['inserts']).toBeUndefined();
  });

  const post = (payload: unknown) => lb.app.inject({ method: 'POST', url: '/v1/events', payload: payload as object });
});
