import { describe, expect, it } from 'vitest';
import { groupBacklog, killAfterFirstInsert, registerThenSend } from '../support/insert-group-backlog.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// A recorded insert group's batches need not come in one fetch. The broker returns a record batch
// larger than the per-partition fetch size (KAFKA_FETCH_MAX_BYTES) only for the first partition of
// a fetch that has data (KIP-74), and nothing more after it: a producer's record batches of a few
// hundred KB (one send of many events) come one partition per fetch when the fetch size is 64 KiB.
// A group recorded by a process with larger fetches (the default 4 MiB), killed after its insert
// and restarted with smaller ones (e.g. after running out of memory), has its batches gathered
// again one partition at a time. Before batches could wait for their group out of the fetch loop
// (parked, their partition paused), each was told to come again when complete, they were never in
// one fetch, and both partitions stalled for good (0 of 3,000 committed).
const TOTAL = 3_000;
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-group-small-fetch-');

describe('a recorded insert group after a restart with small fetches', () => {
  it('is formed again from batches that come in different fetches, and stored once', async () => {
    // Sends of 300 events: record batches of ~500 KB, far over the 64 KiB fetches below.
    await registerThenSend(scoring, groupBacklog(TOTAL, 'gg', 'x'.repeat(1500)), 300);
    // One insert holds partitions 0's and 2's batches; the process dies right after it.
    await killAfterFirstInsert(scoring);

    // Restarted with fetches far smaller than the group's batches: each is gathered over many
    // fetches, and the first one complete waits for the other.
    scoring.start({ KAFKA_FETCH_MAX_BYTES: '65536' });
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 90_000, 200);
    const output = scoring.current?.output() ?? '';
    expect(output).toContain("batch waits for its recorded insert group's other batches");
    expect(output).toContain('batch stored with its recorded insert group');
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
  }, 240_000);
});
