import { describe, expect, it } from 'vitest';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { useScoringProcess } from '../support/scoring-process.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// The scoring process (npm run scoring) is killed with SIGKILL while it works through a backlog,
// then started again on the same data: the standings must come out exactly as if nothing happened.
const TOTAL = 24_000;
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
/** A fixed clock (CLOCK_START), so the test is the same on every day it runs. */
const TODAY = '2026-11-24';
const env = kafkaEnv({
  CLOCK_START: `${TODAY}T10:00:00+08:00`,
  // The consumer judges an event's age by its message's timestamp, this machine's time: from 400
  // days after TODAY on (the default) every event would be dead-lettered as too old. (Stamping the
  // messages with TODAY instead would put them past a production topic's 7 days of retention; the
  // tests' topics keep records for a century, see kafka-retention.test.ts.)
  EVENT_MAX_AGE_DAYS: '36500',
  KAFKA_EVENTS_PARTITIONS: '3',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
});
const scoring = useScoringProcess(env, 'leaderboard-crash-');
const { topic, kafka } = scoring;
const committed = () => scoring.committed();
const startScoring = (extra: Record<string, string> = {}) =>
  scoring.start({
    ...extra,
    // Small fetches, each its own batch: many batches, so the kill lands inside one.
    KAFKA_FETCH_MAX_BYTES: '65536',
    KAFKA_BATCH_MAX_BYTES: '65536',
    STANDINGS_DEBOUNCE_MS: '50',
  });

describe('the scoring process killed in the middle of a batch', () => {
  it('restarts and ends with exactly the expected standings', async () => {
    // 1. It kills itself right after ClickHouse acknowledged its third batch, before the batch is
    //    marked stored and its offsets committed.
    startScoring({ FAULT_KILL_AFTER_INSERTS: '3' });
    await waitFor(() => scoring.api('GET', '/readyz'), 90_000, 200);
    const month = TODAY.slice(0, 7);
    await scoring.api('PUT', '/v1/org', smallOrg);
    await scoring.api('PUT', '/v1/competitions/crash', {
      name: { zh: '崩溃恢复测试', en: 'Crash recovery' },
      kind: 'labour',
      period: { start: `${month}-01`, end: `${month}-28` },
      indicators: [
        {
          id: 'units',
          name: { zh: '件数', en: 'Units' },
          rule: { kind: 'sum', metric: 'metric.crash_units', pointsPerUnit: 1 },
        },
      ],
    });

    const expected = new Map(crews.map((c) => [c, 0]));
    const occurredAt = `${TODAY}T09:00:00+08:00`;
    const producer = kafka.producer();
    await producer.connect();
    for (let from = 0; from < TOTAL; from += 2_000) {
      const messages = Array.from({ length: 2_000 }, (_, k) => {
        const i = from + k;
        const crewId = crews[i % crews.length] ?? 'C1';
        const value = (i % 7) + 1;
        expected.set(crewId, (expected.get(crewId) ?? 0) + value);
        const event = { eventId: `e-${i}`, crewId, type: 'metric', occurredAt, name: 'crash_units', value };
        return { key: crewId, value: JSON.stringify(event) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    expect(await scoring.current?.exited).toBeNull();
    expect(await committed()).toBeLessThan(TOTAL);

    // 2. Killed from outside while it works through the backlog.
    startScoring();
    await waitFor(async () => expect(await committed()).toBeGreaterThanOrEqual(6_000), 60_000, 10);
    let recoveryLog = scoring.current?.output() ?? '';
    await scoring.stop('SIGKILL');
    expect(await committed()).toBeLessThan(TOTAL);

    startScoring();
    await waitFor(() => scoring.api('GET', '/readyz'), 90_000, 200);
    await waitFor(async () => expect(await committed()).toBe(TOTAL), 120_000, 200);
    // The resend may come from the second process or, if it was killed first, the third.
    recoveryLog += scoring.current?.output() ?? '';
    // The batch stored before the first kill was sent again unchanged, and ClickHouse took it once.
    expect(recoveryLog).toContain('batch recorded by an attempt that did not finish: sending it again unchanged');
    const want = crews.map((c) => [c, expected.get(c)]).sort((a, b) => Number(b[1]) - Number(a[1]));
    await waitFor(async () => {
      const s = await scoring.api<{ rows: { crewId: string; score: number }[] }>(
        'GET',
        '/v1/competitions/crash/standings',
      );
      expect(s.rows.map((r) => [r.crewId, r.score])).toEqual(want);
    }, 30_000);
    await scoring.stop('SIGTERM');
    expect(await scoring.storedEvents()).toEqual({ rows: TOTAL, events: TOTAL });
    // Three starts of the service and a 24,000-event backlog: on a shared, loaded machine this
    // takes longer than the run's 60 s default (its own waits allow 90 s for a start).
  }, 300_000);
});
