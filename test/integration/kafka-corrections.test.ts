import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRECTION_MESSAGE_CONTENT_TYPE, DEAD_LETTER_HEADERS } from '../../schemas/kafka-message.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { correctionIdFor } from '../../services/corrections/correction-ids.ts';
import { labourCompetition, marchAt, marchEvents, marchLabourStandings, smallOrg } from '../support/fixtures.ts';
import { kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// Corrections on the Kafka path: HTTP -> the events topic -> the scoring consumer (its dedupe
// against storage) -> ClickHouse -> standings, on the real broker.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
const topic = env.KAFKA_EVENTS_TOPIC ?? '';
const kafka = testKafka();
let admin: Admin;
let lb: Leaderboard;

async function standings(): Promise<unknown[][]> {
  const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/standings' });
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ rows: { crewId: string; rank: number | null; score: number }[] }>()
    .rows.map((r) => [r.crewId, r.rank, r.score]);
}

async function count(sql: string): Promise<number> {
  const rows = await (await lb.client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string | number }>();
  return Number(rows[0]?.n);
}

/** Every message of a topic, read from the start by a group of its own. */
async function readTopic(name: string, atLeast: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('peek') });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const seen: { key: string; value: string; headers: Record<string, string> }[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
      );
      seen.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
    },
  });
  try {
    await waitFor(async () => expect(seen.length).toBeGreaterThanOrEqual(atLeast), 20_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  lb = await startTestLeaderboard(clock, env);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const res = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  expect(res.statusCode, res.body).toBe(200);
  const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents });
  expect(posted.statusCode, posted.body).toBe(200);
  await waitFor(async () => expect(await standings()).toEqual(marchLabourStandings), 30_000);
});

afterAll(async () => {
  await lb.close();
  await admin.disconnect();
});

describe('corrections through Kafka', () => {
  it('withdraws an event: the correction travels the events topic, the consumer stores it, standings follow', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/c4-x1/withdraw',
      payload: { reason: '误报：轻伤误选重伤' },
    });
    // Stored by the consumer within the request's wait (201), or still in the stream (202).
    expect([201, 202], res.body).toContain(res.statusCode);
    expect(res.json().correction).toMatchObject({ action: 'withdraw', crewId: 'C4', eventId: 'c4-x1' });
    await waitFor(async () => expect((await standings()).find((r) => r[0] === 'C4')).toEqual(['C4', 4, 20]), 30_000);

    const messages = await readTopic(topic, marchEvents.length + 1);
    const corrections = messages.filter((m) => m.headers['content-type'] === CORRECTION_MESSAGE_CONTENT_TYPE);
    expect(corrections).toHaveLength(1);
    expect(corrections[0]?.key).toBe('C4');
    expect(JSON.parse(corrections[0]?.value ?? '')).toMatchObject({ type: 'correction', action: 'withdraw' });
    expect(await count(`SELECT count() AS n FROM events WHERE event_id = 'c4-x1'`)).toBe(1);
  });

  it('corrects an event: its replacement is stored by the consumer and counts instead', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/c1-s2/correct',
      payload: {
        reason: '录入错误：5000 应为 4000',
        event: { crewId: 'C1', type: 'sales', occurredAt: marchAt('10', '08:00:00'), volume: 4000, unit: 'litres' },
      },
    });
    expect([201, 202], res.body).toContain(res.statusCode);
    // 10,000 of 10,000 L: 40, and the adopted innovation 3.
    await waitFor(async () => expect((await standings()).find((r) => r[0] === 'C1')).toEqual(['C1', 1, 43]), 30_000);
    const history = await waitFor(async () => {
      const h = (await lb.app.inject({ method: 'GET', url: '/v1/events/c1-s2/history' })).json();
      expect(h.versions).toHaveLength(2);
      return h;
    });
    expect(history.versions.map((v: { state: string }) => v.state)).toEqual(['corrected', 'counted']);
    expect(history.current.eventId).toMatch(/^fix-/);
  });

  it('answers a retry unchanged and stores a correction sent twice to the topic once', async () => {
    const again = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/c4-x1/withdraw',
      payload: { reason: '误报：轻伤误选重伤' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().outcome).toBe('unchanged');

    // A producer retry or a replay: the same correction message twice more on the topic.
    const [published] = (await readTopic(topic, marchEvents.length + 2)).filter(
      (m) => m.headers['content-type'] === CORRECTION_MESSAGE_CONTENT_TYPE && m.key === 'C4',
    );
    const producer = kafka.producer();
    await producer.connect();
    const message = {
      key: 'C4',
      value: published?.value ?? '',
      headers: { 'content-type': CORRECTION_MESSAGE_CONTENT_TYPE },
      timestamp: String(clock.now().getTime()),
    };
    await producer.send({ topic, messages: [message, message] });
    await producer.disconnect();
    await waitFor(async () => {
      const lag = await admin.fetchOffsets({ groupId: env.KAFKA_CONSUMER_GROUP ?? '', topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const at = lag[0]?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        expect(Number(at)).toBeGreaterThanOrEqual(Number(end.high));
      }
    }, 30_000);
    expect(await count(`SELECT count() AS n FROM event_corrections WHERE event_id = 'c4-x1'`)).toBe(1);
    // The rollup subtracted the incident once: not a negative count.
    expect(
      await count(
        `SELECT sum(value_exact) AS n FROM crew_daily WHERE crew_id = 'C4' AND metric = 'incident.serious_injury'`,
      ),
    ).toBe(0);
    expect((await standings()).find((r) => r[0] === 'C4')).toEqual(['C4', 4, 20]);
  });

  it('dead-letters a correction of an event that is not stored', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const record = {
      type: 'correction',
      correctionId: correctionIdFor('C2', 'ghost'),
      action: 'withdraw',
      crewId: 'C2',
      eventId: 'ghost',
      occurredAt: marchAt('05'),
      reason: '不存在的事件',
      author: 'test',
      requestedAt: marchAt('10', '11:00:00'),
    };
    await producer.send({
      topic,
      messages: [
        {
          key: 'C2',
          value: JSON.stringify(record),
          headers: { 'content-type': CORRECTION_MESSAGE_CONTENT_TYPE },
          timestamp: String(clock.now().getTime()),
        },
      ],
    });
    await producer.disconnect();
    const [dead] = await readTopic(env.KAFKA_DEAD_LETTER_TOPIC ?? '', 1);
    expect(JSON.parse(dead?.headers[DEAD_LETTER_HEADERS.reason] ?? '{}')).toMatchObject({
      code: 'correction_target_unknown',
    });
    expect(await count(`SELECT count() AS n FROM event_corrections WHERE event_id = 'ghost'`)).toBe(0);
  });
});
