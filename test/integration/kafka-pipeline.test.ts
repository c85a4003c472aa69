import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import type { EventConsumer } from '../../services/scoring/consumer/event-consumer.ts';
import { DEAD_LETTER_HEADERS, DeadLetterReason } from '../../schemas/kafka-message.schema.ts';
import { labourCompetition, marchEvents, marchLabourStandings, smallOrg } from '../support/fixtures.ts';
import { caughtUp, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { testConsumer } from '../support/test-consumer.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// HTTP -> Kafka -> scoring consumer -> ClickHouse -> standings, in one process, on the real broker.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
const kafka = testKafka();
let admin: Admin;
let lb: Leaderboard;

async function post(payload: unknown) {
  return lb.app.inject({ method: 'POST', url: '/v1/events', payload: payload as object });
}

async function standings(): Promise<unknown[][]> {
  const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/standings' });
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ rows: { crewId: string; rank: number | null; score: number }[] }>()
    .rows.map((r) => [r.crewId, r.rank, r.score]);
}

async function storedCount(where = '1'): Promise<{ rows: number; distinct: number }> {
  const r = await lb.client.query({
    query: `SELECT count() AS rows, uniqExact(crew_id, event_id) AS distinct FROM events WHERE ${where}`,
    format: 'JSONEachRow',
  });
  const [row] = await r.json<{ rows: string | number; distinct: string | number }>();
  return { rows: Number(row?.rows), distinct: Number(row?.distinct) };
}

/** crew_daily is fed by a view: a double insert would show here even if events were deduplicated. */
async function litresByCrew(): Promise<Record<string, number>> {
  const r = await lb.client.query({
    query: `SELECT crew_id, sum(value) AS litres FROM crew_daily WHERE metric = 'sales.volume_litres' GROUP BY crew_id ORDER BY crew_id`,
    format: 'JSONEachRow',
  });
  return Object.fromEntries((await r.json<{ crew_id: string; litres: number }>()).map((x) => [x.crew_id, x.litres]));
}

function extraConsumer(groupId: string, topic = env.KAFKA_EVENTS_TOPIC ?? ''): EventConsumer {
  return testConsumer(lb, kafka, clock, { ...env, KAFKA_CONSUMER_GROUP: groupId, KAFKA_EVENTS_TOPIC: topic });
}

const metricEvent = (eventId: string, crewId: string) => ({
  eventId,
  crewId,
  type: 'metric',
  occurredAt: '2026-03-10T09:00:00+08:00',
  name: 'kafka_test',
  value: 1,
});

async function produce(topic: string, messages: { key: string | null; value: string }[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  // In parts: the broker takes at most 1 MiB per record batch.
  for (let i = 0; i < messages.length; i += 100) {
    await producer.send({
      topic,
      messages: messages.slice(i, i + 100).map((m) => ({ ...m, timestamp: String(clock.now().getTime()) })),
    });
  }
  await producer.disconnect();
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  lb = await startTestLeaderboard(clock, env);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const res = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  expect(res.statusCode, res.body).toBe(200);
});

afterAll(async () => {
  await lb.close();
  await admin.disconnect();
});

describe('events through Kafka', () => {
  it('scores events posted over HTTP exactly, after the scoring consumer stored them', async () => {
    const res = await post(marchEvents);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: marchEvents.length, duplicates: [], conflicts: [], rejected: [] });
    await waitFor(async () => expect(await standings()).toEqual(marchLabourStandings), 20_000);
    expect(await storedCount()).toEqual({ rows: marchEvents.length, distinct: marchEvents.length });
  });

  it('publishes keyed by crew, the value being the event as sent', async () => {
    const consumer = kafka.consumer({ groupId: uniqueName('peek') });
    await consumer.connect();
    await consumer.subscribe({ topic: env.KAFKA_EVENTS_TOPIC ?? '', fromBeginning: true });
    const seen: { key: string; value: unknown; timestamp: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null'),
          timestamp: message.timestamp,
        });
        return Promise.resolve();
      },
    });
    await waitFor(async () => expect(seen.length).toBeGreaterThanOrEqual(marchEvents.length), 20_000);
    await consumer.disconnect();
    const first = seen.find((m) => (m.value as { eventId: string }).eventId === 'c1-s1');
    expect(first).toEqual({ key: 'C1', value: marchEvents[0], timestamp: String(clock.now().getTime()) });
    expect(seen.every((m) => (m.value as { crewId: string }).crewId === m.key)).toBe(true);
  });

  it('counts the same events posted twice once', async () => {
    const again = await post(marchEvents);
    expect(again.statusCode).toBe(200);
    await waitFor(() => caughtUp(admin, env.KAFKA_CONSUMER_GROUP ?? '', env.KAFKA_EVENTS_TOPIC ?? ''), 20_000);
    expect(await storedCount()).toEqual({ rows: marchEvents.length, distinct: marchEvents.length });
    expect(await standings()).toEqual(marchLabourStandings);
  });

  it('counts a topic replayed from offset 0 once', async () => {
    const before = await litresByCrew();
    const group = uniqueName('replay');
    const replay = extraConsumer(group);
    await replay.start();
    try {
      await waitFor(() => caughtUp(admin, group, env.KAFKA_EVENTS_TOPIC ?? ''), 20_000);
    } finally {
      await replay.stop();
    }
    expect(await storedCount()).toEqual({ rows: marchEvents.length, distinct: marchEvents.length });
    expect(await litresByCrew()).toEqual(before);
    expect(await standings()).toEqual(marchLabourStandings);
  });
});

describe('messages produced straight to the topic', () => {
  it('moves a poison message to the dead-letter topic, with reason and origin, and scores the rest', async () => {
    const topic = env.KAFKA_EVENTS_TOPIC ?? '';
    await produce(topic, [
      { key: 'C1', value: '{"eventId": "p-bad-json",' },
      { key: 'C2', value: JSON.stringify({ ...metricEvent('p-no-value', 'C2'), value: 'lots' }) },
      { key: 'C1', value: JSON.stringify(metricEvent('p-wrong-key', 'C3')) },
      { key: 'C4', value: JSON.stringify(metricEvent('p-ok-1', 'C4')) },
      { key: 'C5', value: JSON.stringify(metricEvent('p-ok-2', 'C5')) },
      // 1.5 MB of junk: more dead letters than the broker takes in one record batch.
      ...Array.from({ length: 300 }, (_, i) => ({ key: 'C1', value: `junk ${i} ${'#'.repeat(5_000)}` })),
    ]);
    const dead: { key: string; value: string; headers: Record<string, string> }[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('dlq') });
    await reader.connect();
    await reader.subscribe({ topic: env.KAFKA_DEAD_LETTER_TOPIC ?? '', fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]),
        );
        dead.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    try {
      await waitFor(async () => expect(dead).toHaveLength(303), 20_000);
    } finally {
      await reader.disconnect();
    }
    const byValue = new Map(dead.map((d) => [d.value, d]));
    const reasonOf = (value: string) => {
      const d = byValue.get(value);
      expect(d?.headers[DEAD_LETTER_HEADERS.topic]).toBe(topic);
      expect(Number(d?.headers[DEAD_LETTER_HEADERS.offset])).toBeGreaterThanOrEqual(0);
      expect(d?.headers[DEAD_LETTER_HEADERS.partition]).toMatch(/^\d+$/);
      return DeadLetterReason.parse(JSON.parse(d?.headers[DEAD_LETTER_HEADERS.reason] ?? 'null'));
    };
    expect(reasonOf('{"eventId": "p-bad-json",').code).toBe('malformed_json');
    const invalid = reasonOf(JSON.stringify({ ...metricEvent('p-no-value', 'C2'), value: 'lots' }));
    expect(invalid.code).toBe('invalid_event');
    expect(invalid.errors?.map((e) => e.path)).toEqual(['value']);
    expect(reasonOf(JSON.stringify(metricEvent('p-wrong-key', 'C3'))).code).toBe('key_mismatch');
    // The same dead letters are logged in ClickHouse for the pipeline dashboard: each once, with
    // its origin, reason and size, and the start of its value.
    const logged = await lb.client.query({
      query: `SELECT partition, toString(offset) AS offset_text, code, key, value_bytes, length(value_start) AS kept
              FROM dead_letters WHERE topic = {topic:String} ORDER BY partition, offset`,
      query_params: { topic },
      format: 'JSONEachRow',
    });
    const fromTopic = dead
      .map((d) => ({
        partition: Number(d.headers[DEAD_LETTER_HEADERS.partition]),
        offset_text: d.headers[DEAD_LETTER_HEADERS.offset],
        code: DeadLetterReason.parse(JSON.parse(d.headers[DEAD_LETTER_HEADERS.reason] ?? 'null')).code,
        key: d.key,
        value_bytes: Buffer.byteLength(d.value),
        kept: Math.min(1_000, Buffer.byteLength(d.value)),
      }))
      .sort((a, b) => a.partition - b.partition || Number(a.offset_text) - Number(b.offset_text));
    expect(await logged.json()).toEqual(fromTopic);
    await waitFor(async () =>
      expect(await storedCount("startsWith(event_id, 'p-')")).toEqual({ rows: 2, distinct: 2 }),
    );
    expect(await standings()).toEqual(marchLabourStandings);
  });
});

describe('two scoring instances in one group', () => {
  it('share the partitions and store every event once, resends included', async () => {
    const topic = uniqueName('two');
    await createTestTopic(admin, topic, 4);
    const group = uniqueName('two-group');
    const instances = [extraConsumer(group, topic), extraConsumer(group, topic)];
    await Promise.all(instances.map((i) => i.start()));
    try {
      await waitFor(async () => {
        const [a, b] = instances.map((i) => i.assignment());
        expect(a?.length).toBeGreaterThan(0);
        expect(b?.length).toBeGreaterThan(0);
        expect([...(a ?? []), ...(b ?? [])].sort()).toEqual([0, 1, 2, 3]);
      }, 30_000);
      const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
      const messages = Array.from({ length: 2_000 }, (_, i) => {
        const crewId = crews[i % crews.length] ?? 'C1';
        return { key: crewId, value: JSON.stringify(metricEvent(`two-${i}`, crewId)) };
      });
      // Every event twice, as a producer's or a client's retry would.
      await produce(topic, messages);
      await produce(topic, messages);
      await waitFor(() => caughtUp(admin, group, topic), 30_000);
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
    }
    expect(await storedCount("startsWith(event_id, 'two-')")).toEqual({ rows: 2_000, distinct: 2_000 });
    const r = await lb.client.query({
      query: `SELECT sum(value) AS total FROM crew_daily WHERE metric = 'metric.kafka_test'`,
      format: 'JSONEachRow',
    });
    // 2,000 here and the two valid messages of the poison test.
    expect((await r.json<{ total: number }>())[0]?.total).toBe(2_002);
  });
});

describe('ClickHouse refusing the batches', () => {
  it('pauses the partition, commits nothing meanwhile, and catches up afterwards', async () => {
    const group = env.KAFKA_CONSUMER_GROUP ?? '';
    const topic = env.KAFKA_EVENTS_TOPIC ?? '';
    const failures = async () => {
      const text = (await lb.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/^leaderboard_consumer_batch_failures_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await failures();
    // The table goes away: every lookup and insert of the consumer fails, as in an outage.
    await lb.client.command({ query: 'RENAME TABLE events TO events_away' });
    try {
      const res = await post([metricEvent('ch-1', 'C1'), metricEvent('ch-2', 'C2')]);
      expect(res.statusCode, res.body).toBe(200);
      await waitFor(async () => expect(await failures()).toBeGreaterThanOrEqual(before + 2), 20_000);
      await expect(caughtUp(admin, group, topic)).rejects.toThrow(/committed/);
    } finally {
      await lb.client.command({ query: 'RENAME TABLE events_away TO events' });
    }
    await waitFor(() => caughtUp(admin, group, topic), 30_000);
    expect(await storedCount("startsWith(event_id, 'ch-')")).toEqual({ rows: 2, distinct: 2 });
  });
});

describe('a request larger than one Kafka record batch', () => {
  it('is published in parts and stored whole', async () => {
    // Hazards with a field note: about 5 MB of messages, well over the 1 MiB the broker takes
    // in one record batch per partition.
    const note = '加油机旁消防器材过期，已登记。'.repeat(25);
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      eventId: `big-${i}`,
      crewId: `C${(i % 5) + 1}`,
      type: 'hazard_found',
      occurredAt: '2026-03-10T09:00:00+08:00',
      hazardId: `HB-${i}`,
      note,
    }));
    const res = await post(events);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 10_000, duplicates: [], conflicts: [], rejected: [] });
    await waitFor(
      async () => expect(await storedCount("startsWith(event_id, 'big-')")).toEqual({ rows: 10_000, distinct: 10_000 }),
      30_000,
    );
  });
});
