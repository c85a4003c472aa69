import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, kafkaEnv, testKafka } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// The scoring consumer (embedded engine, real broker) facing what it cannot store: no registry yet,
// rows ClickHouse refuses although they passed validation, and ClickHouse refusing everything.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv({ KAFKA_STALL_AFTER_MS: '3000' });
const topic = env.KAFKA_EVENTS_TOPIC ?? '';
const group = env.KAFKA_CONSUMER_GROUP ?? '';
const kafka = testKafka();
const logLines: string[] = [];
let admin: Admin;
let lb: Leaderboard;

const metricEvent = (eventId: string, crewId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  crewId,
  type: 'metric',
  occurredAt: '2026-03-10T09:00:00+08:00',
  name: 'fault_units',
  value: 1,
  ...extra,
});

async function produce(events: readonly Record<string, unknown>[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: events.map((e) => ({
      key: String(e['crewId']),
      value: JSON.stringify(e),
      timestamp: String(clock.now().getTime()),
    })),
  });
  await producer.disconnect();
}

async function storedIds(prefix: string): Promise<string[]> {
  const r = await lb.client.query({
    query: `SELECT event_id FROM events WHERE startsWith(event_id, {prefix:String}) ORDER BY event_id`,
    query_params: { prefix },
    format: 'JSONEachRow',
  });
  return (await r.json<{ event_id: string }>()).map((row) => row.event_id);
}

async function deadLetters(): Promise<{ key: string; code: string; value_start: string }[]> {
  const r = await lb.client.query({
    query: `SELECT key, code, value_start FROM dead_letters WHERE topic = {topic:String} ORDER BY offset`,
    query_params: { topic },
    format: 'JSONEachRow',
  });
  return r.json();
}

async function readyz(): Promise<{ status: number; body: Record<string, string> }> {
  const res = await lb.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: res.json() };
}

async function metric(name: string, partition: number): Promise<number> {
  const text = (await lb.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`partition="${partition}"`));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  lb = await startTestLeaderboard(clock, env, logger);
  await waitFor(async () => expect((await readyz()).body['kafkaConsumer']).not.toBe('joining'), 60_000, 100);
});

afterAll(async () => {
  await lb.close();
  await admin.disconnect();
});

describe('a consumer without a registry yet', () => {
  it('waits instead of dead-lettering every event as an unknown crew, then stores them', async () => {
    await produce([metricEvent('reg-1', 'C1'), metricEvent('reg-2', 'C4')]);
    await waitFor(
      async () =>
        expect(await readyz()).toEqual({
          status: 200,
          body: { status: 'ready', clickhouse: 'ok', kafkaConsumer: 'waiting for registry' },
        }),
      20_000,
      50,
    );
    expect(await deadLetters()).toEqual([]);
    expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
    await waitFor(async () => expect(await storedIds('reg-')).toEqual(['reg-1', 'reg-2']), 30_000, 100);
    expect(await deadLetters()).toEqual([]);
  });
});

describe('rows ClickHouse refuses although they passed validation', () => {
  it('dead-letters only those rows and stores the rest of the batch and what comes after', async () => {
    // A constraint stands for any value the engine refuses; the lone UTF-16 surrogate is one
    // ClickHouse's JSON parser refuses (CANNOT_PARSE_ESCAPE_SEQUENCE) if validation lets it by.
    await lb.client.command({
      query: `ALTER TABLE events ADD CONSTRAINT no_poison CHECK event_id != 'bad-constraint'`,
    });
    try {
      await produce([
        metricEvent('bad-ok-1', 'C1'),
        metricEvent('bad-constraint', 'C1'),
        metricEvent('bad-ok-2', 'C1'),
        {
          eventId: 'bad-surrogate',
          crewId: 'C1',
          type: 'incident',
          occurredAt: '2026-03-10T09:00:00+08:00',
          severity: 'near_miss',
          note: 'x\ud800y',
        },
        metricEvent('bad-ok-3', 'C1'),
      ]);
      await waitFor(() => caughtUp(admin, group, topic), 30_000, 100);
      await produce([metricEvent('bad-later', 'C1')]);
      await waitFor(() => caughtUp(admin, group, topic), 30_000, 100);
      expect(await storedIds('bad-')).toEqual(['bad-later', 'bad-ok-1', 'bad-ok-2', 'bad-ok-3']);
      const dead = await deadLetters();
      expect(dead.map((d) => JSON.parse(d.value_start).eventId)).toEqual(['bad-constraint', 'bad-surrogate']);
      expect(dead[0]?.code).toBe('insert_refused');
      expect(['insert_refused', 'invalid_event']).toContain(dead[1]?.code);
    } finally {
      await lb.client.command({ query: 'ALTER TABLE events DROP CONSTRAINT no_poison' });
    }
  });
});

describe('a partition that makes no progress', () => {
  it('shows in /readyz, the lag and stall metrics and the log, and clears once it progresses', async () => {
    await lb.client.command({ query: 'RENAME TABLE events TO events_away' });
    let partition = -1;
    try {
      await produce([metricEvent('stall-1', 'C2')]);
      const stalled = await waitFor(
        async () => {
          const r = await readyz();
          expect(r).toMatchObject({ status: 503, body: { status: 'not ready', kafkaConsumer: 'stalled' } });
          return r.body;
        },
        30_000,
        100,
      );
      partition = Number(stalled['stalledPartitions']);
      expect(await metric('leaderboard_consumer_lag_messages', partition)).toBeGreaterThanOrEqual(1);
      expect(await metric('leaderboard_consumer_partition_stalled_seconds', partition)).toBeGreaterThanOrEqual(1);
      expect(logLines.some((l) => l.includes('partition stalled') && l.includes(`"partition":${partition}`))).toBe(
        true,
      );
    } finally {
      await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
    }
    await waitFor(async () => expect((await readyz()).status).toBe(200), 60_000, 100);
    expect(await storedIds('stall-')).toEqual(['stall-1']);
    expect(await metric('leaderboard_consumer_lag_messages', partition)).toBe(0);
    expect(await metric('leaderboard_consumer_partition_stalled_seconds', partition)).toBe(0);
    expect(logLines.some((l) => l.includes('partition progresses again'))).toBe(true);
  }, 120_000);
});
