import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { parseInsertGroup, recordBatch } from '../../services/storage/consumer-batches.store.ts';
import { groupBacklog, killAfterFirstInsert, registerThenSend } from '../support/insert-group-backlog.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// The members of an insert group are marked stored in the ledger when each gets to it, with
// whatever ledger write comes next (the next batch's record, a quiet second's, the stop's): one
// member's mark can reach the ledger while another's is lost with the process. The next process
// finds the marked batch stored and commits it without joining the group, and the other batch,
// recorded in the group and not marked, waits for the group to be whole again: it never will be.
const TOTAL = 3_000;
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-group-marks-');
const { topic, dataDir } = scoring;

async function ledgerGroups(): Promise<string[]> {
  const client = createClickHouse({ mode: 'embedded', dataDir });
  try {
    const r = await client.query({
      query: "SELECT DISTINCT insert_group FROM consumer_batches WHERE insert_group != '' ORDER BY insert_group",
      format: 'JSONEachRow',
    });
    return (await r.json<{ insert_group: string }>()).map((row) => row.insert_group);
  } finally {
    await client.close();
  }
}

/** Marks one batch stored in the ledger, as a ledger write the process made before it died would have. */
async function markStored(extent: Parameters<typeof recordBatch>[1]): Promise<void> {
  const client = createClickHouse({ mode: 'embedded', dataDir });
  try {
    await recordBatch(client, extent, true, new Date());
  } finally {
    await client.close();
  }
}

describe('an insert group whose members were not all marked stored', () => {
  it('is completed by the next process: the unmarked batch does not wait for the group forever', async () => {
    await registerThenSend(scoring, groupBacklog(TOTAL, 'm'));
    // 1. One insert holds partitions 0's and 2's batches; the process dies right after ClickHouse
    //    acknowledged it.
    await killAfterFirstInsert(scoring);
    const [group] = await ledgerGroups();
    const batches = parseInsertGroup(topic, group ?? '');
    expect(batches.map((b) => b.partition)).toEqual([0, 2]);

    // 2. ... and one member's stored mark had reached the ledger.
    const last = batches.at(-1);
    if (!last) throw new Error('no batch');
    await markStored(last);

    // 3. The next process stores and commits everything, each event once.
    scoring.start();
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 60_000, 200);
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
  }, 240_000);
});
