import type { Admin, ICustomPartitioner } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import type { EventConsumer } from '../../services/scoring/consumer/event-consumer.ts';
import { librdkafkaPartitioner } from '../support/crc32-partitioner.ts';
import { caughtUp, createTestTopic, kafkaEnv, testKafka, uniqueName } from '../support/kafka.ts';
import { testConsumer } from '../support/test-consumer.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// A crew's events arriving on two partitions: producers with kafkajs's murmur2 partitioner and with
// librdkafka's default CRC32 one send the same events, and the topic later gains partitions. Two
// scoring instances share the storage (as on a ClickHouse server) and must store each event once.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const env = kafkaEnv();
const kafka = testKafka();
const crews = Array.from({ length: 24 }, (_, i) => `K${i + 1}`);
let admin: Admin;
let lb: Leaderboard;

const org = {
  groupName: '分区测试集团',
  branches: [{ id: 'B1', name: '杭州分公司' }],
  units: [{ id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' }],
  crews: crews.map((id) => ({ id, unitId: 'U1', name: `班组${id}`, headcount: 4 })),
  targets: [],
};

const event = (i: number) => {
  const crewId = crews[i % crews.length] ?? 'K1';
  return { crewId, eventId: `pe-${i}`, value: (i % 5) + 1 };
};

async function produce(topic: string, partitioner: ICustomPartitioner, ids: readonly number[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: partitioner });
  await producer.connect();
  for (let from = 0; from < ids.length; from += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: ids.slice(from, from + 500).map((i) => {
        const e = event(i);
        const value = JSON.stringify({
          eventId: e.eventId,
          crewId: e.crewId,
          type: 'metric',
          occurredAt: '2026-03-10T09:00:00+08:00',
          name: 'partition_units',
          value: e.value,
        });
        return { key: e.crewId, value, timestamp: String(clock.now().getTime()) };
      }),
    });
  }
  await producer.disconnect();
}

async function stored(): Promise<{ rows: number; distinct: number; total: number }> {
  const r = await lb.client.query({
    query: `SELECT count() AS rows, uniqExact(crew_id, event_id) AS distinct,
              (SELECT sum(value) FROM crew_daily WHERE metric = 'metric.partition_units') AS total
            FROM events WHERE startsWith(event_id, 'pe-')`,
    format: 'JSONEachRow',
  });
  const [row] = await r.json<{ rows: string | number; distinct: string | number; total: number }>();
  return { rows: Number(row?.rows), distinct: Number(row?.distinct), total: Number(row?.total) };
}

const sumOf = (ids: readonly number[]) => ids.reduce((sum, i) => sum + event(i).value, 0);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  lb = await startTestLeaderboard(clock, env);
  const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org });
  expect(res.statusCode, res.body).toBe(200);
});

afterAll(async () => {
  await lb.close();
  await admin.disconnect();
});

describe('a crew whose events arrive on several partitions', () => {
  it('is counted once with murmur2 and CRC32 producers, and after the topic gains partitions', async () => {
    const topic = uniqueName('parts');
    const group = uniqueName('parts-group');
    await createTestTopic(admin, topic, 4);
    // The two partitioners disagree for most crews: each event lands on two partitions.
    const first = range(0, 3_000);
    await produce(topic, Partitioners.DefaultPartitioner, first);
    await produce(topic, librdkafkaPartitioner, first);

    const instances: EventConsumer[] = [0, 1].map(() =>
      testConsumer(
        lb,
        kafka,
        clock,
        { ...env, KAFKA_CONSUMER_GROUP: group, KAFKA_EVENTS_TOPIC: topic },
        {
          topologyCheckMs: 1_000,
        },
      ),
    );
    await Promise.all(instances.map((i) => i.start()));
    try {
      await waitFor(() => caughtUp(admin, group, topic), 60_000, 100);
      await waitFor(async () => expect(await stored()).toEqual({ rows: 3_000, distinct: 3_000, total: sumOf(first) }));

      // Eight partitions: crews move under both partitioners. The same events again, and new ones.
      await admin.createPartitions({ topicPartitions: [{ topic, count: 8 }] });
      const second = range(2_000, 4_000);
      await produce(topic, Partitioners.DefaultPartitioner, second);
      await produce(topic, librdkafkaPartitioner, second);
      const all = range(0, 4_000);
      // Nobody read the new partitions before the instances noticed them and rejoined.
      await waitFor(
        async () => expect(instances.flatMap((i) => i.assignment()).sort((a, b) => a - b)).toEqual(range(0, 8)),
        60_000,
        100,
      );
      await waitFor(() => caughtUp(admin, group, topic), 60_000, 100);
      await waitFor(async () => expect(await stored()).toEqual({ rows: 4_000, distinct: 4_000, total: sumOf(all) }));
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
    }
  }, 240_000);
});
