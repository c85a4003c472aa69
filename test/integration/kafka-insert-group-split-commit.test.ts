import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { parseInsertGroup } from '../../services/storage/consumer-batches.store.ts';
import { groupBacklog, killAfterFirstInsert, registerThenSend } from '../support/insert-group-backlog.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// The members of an insert group commit their offsets one by one, each in its own request, once
// the group's insert is acknowledged (and once each has sent its refused rows' dead letters). A
// process that dies between two of those commits (SIGKILL, OOM, a power cut), or a member that
// fails after the insert while another commits, leaves a group whose insert was acknowledged, one
// partition committed past its batch and another not. That partition's batch is found recorded in
// the group and waits for the group to be whole again: it never will be, the other partition has
// moved on. The partition must not stall.
const TOTAL = 3_000;
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-group-split-');
const { topic, dataDir, kafka } = scoring;
const groupId = env['KAFKA_CONSUMER_GROUP'] ?? '';

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

/** Commits one partition's offset for the (stopped) consumer group, as its member would have. */
async function commitFor(admin: Admin, partition: number, offset: number): Promise<void> {
  await waitFor(
    async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      expect(group?.state).toBe('Empty');
    },
    30_000,
    200,
  );
  await admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: String(offset) }] });
}

describe('an insert group whose members were not all committed', () => {
  it('is completed by the next process: the uncommitted partition does not wait for the group forever', async () => {
    await registerThenSend(scoring, groupBacklog(TOTAL, 's'));
    // 1. One insert holds partitions 0's and 2's batches; the process dies right after ClickHouse
    //    acknowledged it.
    await killAfterFirstInsert(scoring);
    const [group] = await ledgerGroups();
    const batches = parseInsertGroup(topic, group ?? '');
    expect(batches.map((b) => b.partition)).toEqual([0, 2]);

    // 2. ... but one member had committed its batch before the process died.
    const last = batches.at(-1);
    if (!last) throw new Error('no batch');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await commitFor(admin, last.partition, last.lastOffset + 1);
    } finally {
      await admin.disconnect();
    }

    // 3. The next process stores and commits everything, each event once.
    scoring.start();
    await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 60_000, 200);
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
  }, 240_000);
});
