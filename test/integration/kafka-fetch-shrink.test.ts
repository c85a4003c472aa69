import { describe, expect, it } from 'vitest';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// A batch recorded by a process with large fetches, which died before marking it stored, must be
// completed by a process whose fetches are smaller than that batch (KAFKA_FETCH_MAX_BYTES lowered,
// or an upgrade whose default is smaller): it gathers the recorded batch over several fetches and
// sends it again unchanged, instead of waiting for one fetch that will never hold it.
const TOTAL = 8_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const env = kafkaEnv({
  CLOCK_START: '2026-11-24T10:00:00+08:00',
  // The consumer judges an event's age by its message's timestamp, this machine's time: from 400
  // days after the fixed day on (the default) every event would be dead-lettered as too old (seen
  // by `npm run test:dates` on 2028-02-29), as in kafka-crash.test.ts.
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '1',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-fetch-shrink-');
const { topic, kafka } = scoring;
const api = (method: string, path: string, body?: unknown) => scoring.api(method, path, body);
const committed = () => scoring.committed();
const startScoring = (fetchMaxBytes: number, extra: Record<string, string> = {}) =>
  scoring.start({ ...extra, KAFKA_FETCH_MAX_BYTES: String(fetchMaxBytes) });

describe('a recorded batch larger than the fetches of the process that completes it', () => {
  it('is gathered over several fetches and stored exactly once', async () => {
    startScoring(1024 * 1024);
    await waitFor(() => api('GET', '/readyz'), 90_000, 200);
    await api('PUT', '/v1/org', smallOrg);
    await scoring.stop('SIGTERM');
    const producer = kafka.producer();
    await producer.connect();
    // Small record batches (100 messages each), so a fetch's size bounds what it brings.
    for (let from = 0; from < TOTAL; from += 100) {
      const messages = Array.from({ length: 100 }, (_, k) => {
        const i = from + k;
        const crewId = crews[i % crews.length] ?? 'C1';
        const event = {
          eventId: `e-${i}`,
          crewId,
          type: 'metric',
          occurredAt: '2026-11-24T09:00:00+08:00',
          name: 'shrink_units',
          value: 1,
          note: 'x'.repeat(100),
        };
        return { key: crewId, value: JSON.stringify(event) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    // 1. Fetches of 1 MiB: the first batch holds several thousand events; the process kills
    //    itself right after ClickHouse acknowledged it, before it is marked stored and committed.
    startScoring(1024 * 1024, { FAULT_KILL_AFTER_INSERTS: '1' });
    expect(await scoring.current?.exited).toBeNull();
    expect(await committed()).toBe(0);

    // 2. Fetches of 64 KiB (the smallest allowed), a fraction of the recorded batch.
    startScoring(64 * 1024);
    await waitFor(async () => expect(await committed()).toBe(TOTAL), 90_000, 200);
    const log = scoring.current?.output();
    expect(log).toContain('gathering the whole recorded batch over several fetches');
    expect(log).toContain('batch recorded by an attempt that did not finish: sending it again unchanged');
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
  }, 240_000);
});
