import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv } from '../support/kafka.ts';
import { freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// A broker of this test's own (the shared one serves the other test files), stopped while
// clients post and started again.
const run = promisify(execFile);
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let brokerEnv: Record<string, string>;
let lb: Leaderboard | undefined;

async function broker(command: 'start' | 'stop'): Promise<void> {
  await run('infra/kafka/local.sh', [command], { env: { ...process.env, ...brokerEnv }, timeout: 120_000 });
}

beforeAll(async () => {
  brokerEnv = {
    KAFKA_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-kafka-')),
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP: '256m',
    // As the shared test broker (kafka-global-setup.ts): records stamped by the fixed clock are kept.
    KAFKA_RETENTION_MS: '-1',
  };
  await broker('start');
});

afterAll(async () => {
  await lb?.close();
  await broker('stop');
});

describe('the broker stopped while clients post', () => {
  it('answers 503 meanwhile, recovers, and every event that got a 2xx is scored', async () => {
    lb = await startTestLeaderboard(
      clock,
      kafkaEnv({
        KAFKA_BROKERS: `127.0.0.1:${brokerEnv['KAFKA_PORT']}`,
        KAFKA_PRODUCE_TIMEOUT_MS: '1500',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        // The poster below sends as fast as it is answered (tens of requests a second): this test
        // is about the broker, not the per-client rate limit, which would answer 429.
        RATE_LIMIT_PER_MINUTE: '1000000',
      }),
    );
    const app = lb.app;
    expect((await app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/competitions/units',
      payload: {
        name: { zh: '件数', en: 'Units' },
        kind: 'labour',
        period: { start: '2026-03-01', end: '2026-03-31' },
        indicators: [
          {
            id: 'units',
            name: { zh: '件数', en: 'Units' },
            rule: { kind: 'sum', metric: 'metric.units', pointsPerUnit: 1 },
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);

    const accepted: string[] = []; // event ids answered with a 2xx
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    let n = 0;
    let posting = true;
    const poster = (async () => {
      while (posting) {
        const batch = Array.from({ length: 10 }, () => {
          n++;
          return {
            eventId: `o-${n}`,
            crewId: smallOrg.crews[n % smallOrg.crews.length]?.id ?? 'C1',
            type: 'metric',
            occurredAt: '2026-03-10T09:00:00+08:00',
            name: 'units',
            value: 1,
          };
        });
        const answer = await app.inject({ method: 'POST', url: '/v1/events', payload: batch });
        statuses.push(answer.statusCode);
        if (answer.statusCode === 200) {
          accepted.push(...batch.map((e) => e.eventId));
        } else if (answer.statusCode === 503) {
          retryAfter = answer.headers['retry-after']?.toString();
        }
      }
    })();
    const count = (status: number) => statuses.filter((s) => s === status).length;

    try {
      await waitFor(async () => expect(count(200)).toBeGreaterThan(5), 20_000);
      await broker('stop');
      await waitFor(async () => expect(count(503)).toBeGreaterThan(2), 30_000);
      const okBeforeRestart = count(200);
      await broker('start');
      await waitFor(async () => expect(count(200)).toBeGreaterThan(okBeforeRestart + 5), 60_000);
    } finally {
      // Also when a step above fails: a poster left running would post to the closed app.
      posting = false;
      await poster;
    }

    expect(retryAfter).toMatch(/^\d+$/);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    // Events answered 503 may or may not have reached Kafka; every one answered 200 did.
    const client = lb.client;
    await waitFor(async () => {
      const r = await client.query({
        query: `SELECT count() AS n FROM events WHERE event_id IN {ids:Array(String)}`,
        query_params: { ids: accepted },
        format: 'JSONEachRow',
      });
      expect((await r.json<{ n: number }>())[0]?.n).toBe(accepted.length);
    }, 60_000);
    // The standings count every stored event once (a send that timed out may still land: re-read both).
    await waitFor(async () => {
      const perCrew = await client.query({
        query: `SELECT crew_id, count() AS n, uniqExact(event_id) AS events FROM events GROUP BY crew_id ORDER BY crew_id`,
        format: 'JSONEachRow',
      });
      const stored = await perCrew.json<{ crew_id: string; n: number; events: number }>();
      expect(stored.every((c) => c.n === c.events)).toBe(true);
      const r = await app.inject({ method: 'GET', url: '/v1/competitions/units/standings' });
      const rows = r.json<{ rows: { crewId: string; score: number }[] }>().rows;
      expect(Object.fromEntries(rows.map((row) => [row.crewId, row.score]))).toEqual(
        Object.fromEntries(stored.map((c) => [c.crew_id, c.n])),
      );
    }, 30_000);
    // Its own waits allow a slow broker restart (a JVM sharing two cores with the browser tests'
    // Chromium and product): the run's 60 s default cut one short.
  }, 240_000);
});
