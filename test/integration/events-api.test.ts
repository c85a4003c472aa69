import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { forEachStoredEventKey } from '../../services/storage/events.store.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const sale = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  crewId: 'C1',
  type: 'sales',
  occurredAt: '2026-03-10T09:00:00+08:00',
  volume: 100,
  unit: 'litres',
  ...extra,
});

async function post(payload: unknown, contentType = 'application/json') {
  return lb.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

async function storedIds(prefix: string): Promise<string[]> {
  const r = await lb.client.query({
    query: 'SELECT event_id FROM events WHERE startsWith(event_id, {prefix:String}) ORDER BY event_id',
    query_params: { prefix },
    format: 'JSONEachRow',
  });
  return (await r.json<{ event_id: string }>()).map((x) => x.event_id);
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { MAX_EVENTS_PER_REQUEST: '50', MAX_BODY_BYTES: '20000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('POST /v1/events', () => {
  it('stores a JSON array and counts a resend once', async () => {
    const batch = [sale('dup-1'), sale('dup-2', { crewId: 'C2' })];
    const first = await post(batch);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, duplicates: [], conflicts: [], rejected: [] });
    const again = await post(batch);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({
      accepted: 0,
      duplicates: [
        { index: 0, eventId: 'dup-1' },
        { index: 1, eventId: 'dup-2' },
      ],
      conflicts: [],
      rejected: [],
    });
    expect(await storedIds('dup-')).toEqual(['dup-1', 'dup-2']);
  });

  it('counts an event repeated inside one request once', async () => {
    const res = await post([sale('twice-1'), sale('twice-1')]);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: [{ index: 1, eventId: 'twice-1' }],
      conflicts: [],
      rejected: [],
    });
    expect(await storedIds('twice-')).toEqual(['twice-1']);
  });

  it('answers a resend with other content as a conflict, naming the fields, and keeps the first version', async () => {
    expect((await post([sale('conf-1', { volume: 100 })])).json().accepted).toBe(1);
    // Same instant in UTC: not a difference.
    const res = await post([
      sale('conf-1', { volume: 120, product: '95#', occurredAt: '2026-03-10T01:00:00Z' }),
      sale('conf-2'),
      sale('conf-2', { volume: 1 }),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: [],
      conflicts: [
        { index: 0, eventId: 'conf-1', fields: ['volume', 'product'] },
        { index: 2, eventId: 'conf-2', fields: ['volume'] },
      ],
      rejected: [],
    });
    const r = await lb.client.query({
      query: `SELECT event_id, volume, product FROM events WHERE startsWith(event_id, 'conf-') ORDER BY event_id`,
      format: 'JSONEachRow',
    });
    expect(await r.json()).toEqual([
      { event_id: 'conf-1', volume: 100, product: '' },
      { event_id: 'conf-2', volume: 100, product: '' },
    ]);
  });

  it('stores an event once when concurrent requests carry it', async () => {
    const batch = [sale('race-1'), sale('race-2', { crewId: 'C4' })];
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(batch)));
    const accepted = answers.map((a) => a.json<{ accepted: number }>().accepted);
    expect(accepted.reduce((sum, n) => sum + n, 0)).toBe(2);
    expect(await storedIds('race-')).toEqual(['race-1', 'race-2']);
  });

  it('treats the same event id of another crew as another event', async () => {
    const res = await post([sale('shared-1', { crewId: 'C1' }), sale('shared-1', { crewId: 'C3' })]);
    expect(res.json()).toMatchObject({ accepted: 2 });
  });

  it('accepts a content type with a charset', async () => {
    const res = await post([sale('charset-1')], 'application/json; charset=utf-8');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1 });
  });

  it('accepts NDJSON, one event per line', async () => {
    const body = [sale('nd-1'), sale('nd-2')].map((e) => JSON.stringify(e)).join('\n') + '\n';
    const res = await post(body, 'application/x-ndjson');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2 });
  });

  it('rejects the whole batch, listing every bad event with its field paths, and stores nothing', async () => {
    const res = await post([
      sale('bad-ok'),
      sale('bad-crew', { crewId: 'NOPE' }),
      sale('bad-volume', { volume: -5 }),
      sale('bad-type', { volume: 'ten' }),
      { eventId: 'bad-kind', crewId: 'C1', type: 'teleport', occurredAt: '2026-03-10T09:00:00+08:00' },
      sale('bad-future', { occurredAt: '2026-03-11T09:00:00+08:00' }),
      sale('bad-old', { occurredAt: '2024-01-01T09:00:00+08:00' }),
      sale('bad-offset', { occurredAt: '2026-03-10 09:00' }),
      {
        type: 'innovation',
        crewId: 'C1',
        occurredAt: '2026-03-10T09:00:00+08:00',
        innovationId: 'I',
        category: 'invention',
        status: 'awarded',
      },
    ]);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.accepted).toBe(0);
    const byIndex = new Map<number, { eventId: string | null; errors: { path: string; message: string }[] }>(
      body.rejected.map((r: { index: number }) => [r.index, r]),
    );
    expect([...byIndex.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const paths = (i: number) => byIndex.get(i)?.errors.map((e) => e.path);
    expect(byIndex.get(1)?.errors).toEqual([
      { path: 'crewId', message: expect.stringContaining('unknown crew "NOPE"') },
    ]);
    expect(paths(2)).toEqual(['volume']);
    expect(paths(3)).toEqual(['volume']);
    expect(paths(4)).toEqual(['type']);
    expect(byIndex.get(5)?.errors[0]?.message).toContain('in the future');
    expect(byIndex.get(6)?.errors[0]?.message).toContain('older than 400 days');
    expect(paths(7)).toEqual(['occurredAt']);
    expect(byIndex.get(8)?.eventId).toBeNull();
    expect(paths(8)).toEqual(expect.arrayContaining(['eventId', 'awardLevel']));
    expect(await storedIds('bad-')).toEqual([]);
  });

  it.each([
    ['malformed JSON', '[{"eventId": "x",', 'application/json', 400, 'malformed_json'],
    [
      'a malformed NDJSON line',
      `${JSON.stringify(sale('l1'))}\n{nope}\n`,
      'application/x-ndjson',
      400,
      'malformed_json',
    ],
    ['an empty array', '[]', 'application/json', 400, 'empty_batch'],
    ['an unsupported content type', 'eventId=x', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    [
      'more events than allowed',
      JSON.stringify(Array.from({ length: 51 }, (_, i) => sale(`many-${i}`))),
      'application/json',
      413,
      'too_many_events',
    ],
    [
      'a body over the byte limit',
      JSON.stringify([sale('big', { product: 'x'.repeat(30_000) })]),
      'application/json',
      413,
      'body_too_large',
    ],
  ])('answers %s with a clear 4xx', async (_name, body, contentType, status, code) => {
    const res = await post(body, contentType);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message.length).toBeGreaterThan(10);
  });

  it('names the NDJSON line that is malformed', async () => {
    const res = await post(`${JSON.stringify(sale('l1'))}\n{nope}\n`, 'application/x-ndjson');
    expect(res.json().error.message).toContain('line 2');
  });

  it('counts outcomes in Prometheus metrics', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/leaderboard_ingest_events_total\{outcome="accepted"\} \d+/);
    expect(res.body).toMatch(/leaderboard_ingest_events_total\{outcome="rejected"\} 8/);
    expect(res.body).toMatch(/leaderboard_ingest_events_total\{outcome="duplicate"\} 11/);
    expect(res.body).toMatch(/leaderboard_ingest_events_total\{outcome="conflict"\} 2/);
  });
});

describe('after a restart', () => {
  it('still counts a resend of events stored before it once (the dedupe filter is loaded from storage)', async () => {
    await lb.close();
    lb = await startTestLeaderboard(clock, { MAX_EVENTS_PER_REQUEST: '50', MAX_BODY_BYTES: '20000' });
    const res = await post([sale('dup-1'), sale('dup-2', { crewId: 'C2' }), sale('after-restart')]);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: [
        { index: 0, eventId: 'dup-1' },
        { index: 1, eventId: 'dup-2' },
      ],
      conflicts: [],
      rejected: [],
    });
    expect(await storedIds('dup-')).toEqual(['dup-1', 'dup-2']);
  });

  it('reads every stored key exactly once when the key scan is split into slices', async () => {
    const r = await lb.client.query({
      query: `SELECT concat(crew_id, '\t', event_id) AS key FROM events ORDER BY key`,
      format: 'JSONEachRow',
    });
    const expected = (await r.json<{ key: string }>()).map((x) => x.key);
    expect(expected.length).toBeGreaterThan(10);
    const seen: string[] = [];
    // As many slices as a table of 14 million events would be read in.
    await forEachStoredEventKey(lb.client, 14_000_000, (bytes, start, end) =>
      seen.push(Buffer.from(bytes.subarray(start, end)).toString('latin1')),
    );
    expect(seen.sort()).toEqual(expected);
  });
});

describe('when storage fails', () => {
  it('answers 503 with Retry-After, so the sender resends', async () => {
    await lb.client.close();
    const res = await post([sale('while-down')]);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error).toMatchObject({ code: 'unavailable' });
  });
});
