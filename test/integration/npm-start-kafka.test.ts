import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaEnv } from '../support/kafka.ts';
import { freePort, getJson as getJsonFrom, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// `KAFKA_BROKERS=… npm start` as a user runs it: the demo goes through Kafka and the scoring
// consumer before its standings are computed. On a fixed clock (CLOCK_START): the demo's data is
// seeded from its day, and its competition (2026 Q4) must be running, whatever day the test runs.
const CLOCK_START = '2026-11-24T10:00:00+08:00';
let api: Service;
let base: string;

const getJson = <T>(path: string): Promise<T> => getJsonFrom<T>(base, path);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = spawnService('services/api/main.ts', {
    ...kafkaEnv(),
    CLOCK_START,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-start-kafka-')),
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  await waitFor(() => getJson('/readyz'), 120_000, 200);
});

afterAll(async () => {
  expect(await api.stop('SIGTERM')).toBe(0);
});

describe('npm start with KAFKA_BROKERS', () => {
  it('says where the events go, and loads the demo through Kafka', async () => {
    await waitFor(
      async () => expect(api.output()).toMatch(/事件流 \/ Event stream: +Kafka .+ → t-[0-9a-f]+\.events/),
      10_000,
    );
    const labour = await getJson<{ total: number; rows: { rank: number | null; score: number }[] }>(
      '/v1/competitions/wbyc-2026q4/standings?limit=100',
    );
    expect(labour.total).toBe(36);
    // Scores come from the demo's events, stored by the consumer before the standings were computed.
    expect(labour.rows.filter((r) => r.score > 0).length).toBeGreaterThan(30);
    expect(labour.rows[0]?.rank).toBe(1);
  });

  it('takes new events over HTTP into the standings', async () => {
    const org = await getJson<{ crews: { id: string }[] }>('/v1/org');
    const crewId = org.crews[0]?.id ?? '';
    const before = await getJson<{
      rows: { crewId: string; indicators: { indicatorId: string; value: number | null }[] }[];
    }>(`/v1/competitions/wbyc-2026q4/standings?limit=100`);
    const row = before.rows.find((r) => r.crewId === crewId);
    expect(row).toBeDefined();
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          eventId: 'kafka-start-1',
          crewId,
          type: 'violation',
          occurredAt: '2026-11-24T09:30:00+08:00',
          kind: 'operation',
          personCount: 1,
        },
      ]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: [], conflicts: [], rejected: [] });
    const violations = (r: typeof row) => r?.indicators.find((i) => i.indicatorId === 'violations')?.value ?? 0;
    await waitFor(async () => {
      const after = await getJson<typeof before>(`/v1/competitions/wbyc-2026q4/standings?limit=100`);
      expect(violations(after.rows.find((r) => r.crewId === crewId))).toBe(violations(row) + 1);
    }, 20_000);
  });
});
