import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { GROUP_CREWS, groupBacklog, killAfterFirstInsert, registerThenSend } from '../support/insert-group-backlog.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// On the embedded engine the batches of several partitions processed together are stored in one
// insert (each insert costs the engine tens of ms before its rows). The ledger records the group
// before its insert; a process killed right after ClickHouse acknowledged it is followed by one
// that forms exactly that insert again, from the same batches, so the events table and the views
// hold every event once.
const TOTAL = 3_000;
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  // Events are judged old against the message timestamp (this machine's time), as in kafka-crash.
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-groups-');
const { topic, dataDir, kafka } = scoring;

/** What the events table, its busiest view and the ledger hold (the process must be stopped). */
async function stored(): Promise<{
  rows: number;
  events: number;
  units: number;
  groups: { group: string; batches: number; marked: number }[];
}> {
  const client = createClickHouse({ mode: 'embedded', dataDir });
  const rows = async <T>(query: string) => (await client.query({ query, format: 'JSONEachRow' })).json<T>();
  try {
    const [events] = await rows<{ rows: number; events: number }>(
      'SELECT count() AS rows, uniqExact(event_id) AS events FROM events',
    );
    const [view] = await rows<{ units: number }>(
      "SELECT sum(value) AS units FROM crew_daily WHERE metric = 'metric.group_units'",
    );
    const groups = await rows<{ group: string; batches: number; marked: number }>(
      `SELECT insert_group AS group, count() AS batches, sum(marked) AS marked
       FROM (SELECT partition, first_offset, max(insert_group) AS insert_group, max(stored) AS marked
             FROM consumer_batches GROUP BY partition, first_offset)
       GROUP BY insert_group ORDER BY min(first_offset), insert_group`,
    );
    return { ...(events ?? { rows: 0, events: 0 }), units: view?.units ?? 0, groups };
  } finally {
    await client.close();
  }
}

describe('batches of several partitions in one insert', () => {
  it('are recorded as one group, and formed again exactly after a SIGKILL following the insert', async () => {
    // A backlog on every partition with data, so that the first fetch brings a batch of each.
    await registerThenSend(scoring, groupBacklog(TOTAL, 'g'));
    // 1. The first insert holds the partitions' batches; the process dies right after ClickHouse
    //    acknowledged it, before anything is marked stored or committed.
    await killAfterFirstInsert(scoring);

    // 2. The next process forms that insert again from the same batches: stored once.
    scoring.start();
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 90_000, 200);
    expect(scoring.current?.output()).toContain(
      'batch recorded by an attempt that did not finish: sending it again unchanged',
    );
    // Live events after it, one per crew's partition in one send: stored too.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: GROUP_CREWS.slice(0, 3).map((crewId, k) => ({
        key: crewId,
        value: JSON.stringify({
          eventId: `live-${k}`,
          crewId,
          type: 'metric',
          occurredAt: '2026-11-24T09:30:00+08:00',
          name: 'group_units',
          value: 1,
        }),
      })),
    });
    await producer.disconnect();
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL + 3), 20_000, 100);
    await scoring.stop('SIGTERM');

    const after = await stored();
    expect({ rows: after.rows, events: after.events, units: after.units }).toEqual({
      rows: TOTAL + 3,
      events: TOTAL + 3,
      units: TOTAL + 3,
    });
    const [first] = after.groups;
    // The five crews live on partitions 0 and 2: the first insert held both partitions' backlog.
    expect(first?.group).toMatch(new RegExp(`^${topic}:group:0:0-\\d+:\\d+,2:0-\\d+:\\d+$`));
    expect(first).toMatchObject({ batches: 2, marked: 2 });
    // Every recorded batch is marked stored by the stop, and every one was stored in a group.
    for (const g of after.groups) expect(g).toMatchObject({ marked: g.batches });
    expect(after.groups.some((g) => g.group === '')).toBe(false);
  }, 240_000);
});
