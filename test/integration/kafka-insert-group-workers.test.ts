import { describe, expect, it } from 'vitest';
import { groupBacklog, killAfterFirstInsert, registerThenSend } from '../support/insert-group-backlog.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// A recorded insert group is formed again only when all its batches are being processed at once,
// and kafkajs processes at most KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY batches at once (its
// workers take a fetch's batches in order). A process restarted after a crash with fewer workers
// than the group has batches (the setting lowered, or a topic that gained partitions beyond
// KAFKA_EVENTS_PARTITIONS, which sets the default) can never form it again: its batches are told
// 'not-now' at every fetch and their partitions stall, silently.
const TOTAL = 3_000;
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-group-workers-');

describe('a recorded insert group after a restart with one partition processed at a time', () => {
  it('is formed again and stored once', async () => {
    await registerThenSend(scoring, groupBacklog(TOTAL, 'w'));
    // One insert holds partitions 0's and 2's batches; the process dies right after it.
    await killAfterFirstInsert(scoring);

    // The operator restarts it processing one partition at a time.
    scoring.start({ KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '1' });
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 60_000, 200);
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
  }, 240_000);
});
