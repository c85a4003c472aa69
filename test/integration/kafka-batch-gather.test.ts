import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// A partition behind its end gathers several fetches into one batch (one insert: each costs
// ClickHouse tens of ms before its rows), recorded in the ledger as one extent, so a SIGKILL after
// its insert is completed exactly once by the next process; a partition at its end stores what it
// fetched at once, whatever the batch bounds.
const TOTAL = 8_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  // Events are judged old against the message timestamp (this machine's time), as in kafka-crash.
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '1',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  // Fetches of 64 KiB hold about 250 of these events; a batch may gather 4 MiB, all 8,000 of them.
  KAFKA_FETCH_MAX_BYTES: String(64 * 1024),
  KAFKA_BATCH_MAX_BYTES: String(4 * 1024 * 1024),
  // No time bound in the way on a loaded machine: the byte bound and the partition's end decide.
  KAFKA_BATCH_MAX_WAIT_MS: '60000',
});
const scoring = useScoringProcess(env, 'leaderboard-batch-gather-');
const { topic, dataDir, kafka } = scoring;
const api = (method: string, path: string, body?: unknown) => scoring.api(method, path, body);

function event(i: number) {
  const crewId = crews[i % crews.length] ?? 'C1';
  const value = {
    eventId: `e-${i}`,
    crewId,
    type: 'metric',
    occurredAt: '2026-11-24T09:00:00+08:00',
    name: 'gather_units',
    value: 1,
    note: 'x'.repeat(100),
  };
  return { key: crewId, value: JSON.stringify(value) };
}

/** The events stored, and the batches the ledger recorded. */
async function stored(): Promise<unknown> {
  const client = createClickHouse({ mode: 'embedded', dataDir });
  try {
    const batches = await client.query({
      query: `SELECT count() AS batches, max(last_offset) AS last, countIf(marked = 0) AS unmarked
              FROM (SELECT first_offset, max(last_offset) AS last_offset, max(stored) AS marked
                    FROM consumer_batches GROUP BY first_offset)`,
      format: 'JSONEachRow',
    });
    const [ledger] = await batches.json<object>();
    // Each insert into a MergeTree table takes the next block number (merges keep the highest).
    const inserts = await client.query({
      query: `SELECT max(max_block_number) AS ledgerInserts FROM system.parts
              WHERE database = currentDatabase() AND table = 'consumer_batches'`,
      format: 'JSONEachRow',
    });
    const [writes] = await inserts.json<object>();
    return { ...(await scoring.storedEvents()), ...ledger, ...writes };
  } finally {
    await client.close();
  }
}

describe('a partition behind its end', () => {
  it('stores many fetches as one batch, exactly once across a SIGKILL after its insert', async () => {
    scoring.start();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await api('PUT', '/v1/org', smallOrg);
    await scoring.stop('SIGTERM');
    const producer = kafka.producer();
    await producer.connect();
    // Small record batches (100 messages each), so a fetch's size bounds what it brings.
    for (let from = 0; from < TOTAL; from += 100) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 100 }, (_, k) => event(from + k)) });
    }

    // 1. The first insert holds the whole backlog; the process dies right after ClickHouse
    //    acknowledged it, before the batch is marked stored and committed.
    scoring.start({ FAULT_KILL_AFTER_INSERTS: '1' });
    expect(await scoring.current?.exited).toBeNull();
    expect(await scoring.committed()).toBe(0);

    // 2. The next process gathers the recorded batch again and completes it: once, as one batch.
    scoring.start();
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 90_000, 200);
    expect(scoring.current?.output()).toContain(
      'batch recorded by an attempt that did not finish: sending it again unchanged',
    );
    await scoring.stop('SIGTERM');
    // The first process recorded the batch's start; the second its being stored (at its stop).
    expect(await stored()).toEqual({
      rows: TOTAL,
      events: TOTAL,
      batches: 1,
      last: TOTAL - 1,
      unmarked: 0,
      ledgerInserts: 2,
    });

    // 3. At the partition's end nothing is gathered: a live event is stored without waiting for
    //    the batch's byte or time bound (60 s here).
    scoring.start();
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    const live = 4;
    for (let i = 0; i < live; i++) {
      await producer.send({ topic, acks: -1, messages: [event(TOTAL + i)] });
      await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL + i + 1), 20_000, 100);
    }
    await producer.disconnect();
    await scoring.stop('SIGTERM');
    // One ledger insert per batch: a batch's being stored is recorded with the next batch's start,
    // the last one's at the stop (two per batch before).
    expect(await stored()).toEqual({
      rows: TOTAL + live,
      events: TOTAL + live,
      batches: 1 + live,
      last: TOTAL + live - 1,
      unmarked: 0,
      ledgerInserts: 2 + live + 1,
    });
  }, 240_000);
});
