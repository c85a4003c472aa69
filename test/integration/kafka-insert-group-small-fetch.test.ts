import { describe, expect, it } from 'vitest';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// A recorded insert group is formed again only when all its batches are in one fetch. The broker
// returns a record batch larger than the per-partition fetch size (KAFKA_FETCH_MAX_BYTES) only for
// the first partition of a fetch that has data (KIP-74), and nothing more after it: a producer's
// record batches of a few hundred KB (one send of many events) come one partition per fetch when
// the fetch size is 64 KiB. A group recorded by a process with larger fetches (the default 4 MiB),
// killed after its insert and restarted with smaller ones (e.g. after running out of memory), has
// its batches gathered again one partition at a time, each complete in turn and told 'not-now':
// they are never in one fetch, and both partitions stall for good, silently.
const TOTAL = 3_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-insert-group-small-fetch-');
const { topic, kafka } = scoring;

describe('a recorded insert group after a restart with small fetches', () => {
  it('shows the partitions waiting for it as stalled', async () => {
    scoring.start();
    await waitFor(() => scoring.api('GET', '/readyz'), 90_000, 200);
    await scoring.api('PUT', '/v1/org', smallOrg);
    await scoring.stop('SIGTERM');
    const producer = kafka.producer();
    await producer.connect();
    const all = Array.from({ length: TOTAL }, (_, i) => {
      const crewId = crews[i % crews.length] ?? 'C1';
      const event = {
        eventId: `gg-${i}`,
        crewId,
        type: 'metric',
        occurredAt: '2026-11-24T09:00:00+08:00',
        name: 'group_units',
        value: 1,
        note: 'x'.repeat(1500),
      };
      return { key: crewId, value: JSON.stringify(event) };
    });
    for (let k = 0; k < TOTAL; k += 300) await producer.send({ topic, acks: -1, messages: all.slice(k, k + 300) });
    await producer.disconnect();

    // One insert holds partitions 0's and 2's batches; the process dies right after it.
    scoring.start({ FAULT_KILL_AFTER_INSERTS: '1' });
    expect(await scoring.current?.exited).toBeNull();
    expect(await scoring.committed()).toBe(0);

    // Restarted with fetches far smaller than the group's batches: each is gathered over many fetches.
    scoring.start({ KAFKA_FETCH_MAX_BYTES: '65536', KAFKA_STALL_AFTER_MS: '5000' });
    // However long the group waits, it is not silent: /readyz says the partitions are stalled.
    await waitFor(
      async () => {
        await expect(scoring.api('GET', '/readyz')).rejects.toThrow(/503.*"kafkaConsumer":"stalled"/);
      },
      60_000,
      500,
    );
  }, 240_000);

  // KNOWN DEFECT: the group is never formed again. Remove `.fails` once the consumer can form a
  // recorded group across fetches.
  it.fails(
    'is formed again and stored once',
    async () => {
      await waitFor(async () => expect(await scoring.committed()).toBe(TOTAL), 30_000, 200);
    },
    60_000,
  );
});
