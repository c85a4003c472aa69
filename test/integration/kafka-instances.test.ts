import type { Admin } from 'kafkajs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg } from '../support/fixtures.ts';
import { caughtUp, kafkaEnv, testKafka } from '../support/kafka.ts';
import { freePort, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// Scoring processes (npm run scoring) on the embedded engine, as an operator starts them: a second
// instance with its own data folder, and the first one killed (SIGKILL) and started again.
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '4' });
const topic = env.KAFKA_EVENTS_TOPIC ?? '';
const group = env.KAFKA_CONSUMER_GROUP ?? '';
const kafka = testKafka();
const receivedAt = String(Date.parse('2026-03-10T12:00:00+08:00'));
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-instance-a-'));
let port: number;
let first: Service | undefined;
let second: Service | undefined;

function scoring(dir: string, at: number): Service {
  return spawnService('services/scoring/main.ts', {
    ...env,
    DATA_DIR: dir,
    DEMO: 'off',
    PORT: String(at),
    LOG_LEVEL: 'info',
  });
}

async function answer(at: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${at}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function consumed(outcome: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(
    new RegExp(`^leaderboard_consumer_events_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0,
  );
}

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

async function produce(from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: count }, (_, k) => {
    const crewId = smallOrg.crews[(from + k) % smallOrg.crews.length]?.id ?? 'C1';
    const event = {
      eventId: `in-${from + k}`,
      crewId,
      type: 'metric',
      occurredAt: '2026-03-10T09:00:00+08:00',
      name: 'units',
      value: 1,
    };
    return { key: crewId, value: JSON.stringify(event), timestamp: receivedAt };
  });
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

beforeAll(async () => {
  port = await freePort();
  first = scoring(dataDir, port);
  await waitFor(async () => expect((await answer(port, '/readyz')).status).toBe(200), 120_000, 200);
  const res = await fetch(`http://127.0.0.1:${port}/v1/org`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(smallOrg),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await second?.stop('SIGKILL');
  await first?.stop('SIGKILL');
});

describe('a second scoring instance on the embedded engine, with its own data folder', () => {
  it('refuses to join the group and says how to run several; the first one stores every event', async () => {
    second = scoring(mkdtempSync(join(tmpdir(), 'leaderboard-instance-b-')), await freePort());
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('already has another scoring instance');
    expect(second.output()).toContain('CLICKHOUSE_URL');
    await produce(0, 500);
    await waitFor(() => withAdmin((admin) => caughtUp(admin, group, topic)), 60_000, 200);
    expect(await consumed('dead_letter')).toBe(0);
    expect(await consumed('stored')).toBeGreaterThan(0);
  });
});

describe('the scoring process killed with SIGKILL and started again', () => {
  it('answers at once, says "joining" until its predecessor times out, then consumes', async () => {
    await first?.stop('SIGKILL');
    const killedAt = Date.now();
    first = scoring(dataDir, port);
    const firstAnswer = await waitFor(() => answer(port, '/readyz'), 120_000, 50);
    const httpUpMs = Date.now() - killedAt;
    // The group join waits for the killed member's session (KAFKA_SESSION_TIMEOUT_MS, 10 s) to end;
    // reads and /readyz do not wait for it.
    expect(firstAnswer).toEqual({
      status: 503,
      body: { status: 'not ready', clickhouse: 'ok', kafkaConsumer: 'joining' },
    });
    const standings = await fetch(`http://127.0.0.1:${port}/v1/org`);
    expect(standings.status).toBe(200);
    await waitFor(async () => expect((await answer(port, '/readyz')).status).toBe(200), 60_000, 50);
    const rejoinedMs = Date.now() - killedAt;
    await produce(500, 100);
    // Committed to the end (a counter of this process would miss a batch that a rebalance under
    // load made it finish as "already stored").
    await waitFor(() => withAdmin((admin) => caughtUp(admin, group, topic)), 60_000, 50);
    const consumingMs = Date.now() - killedAt;
    expect(await consumed('dead_letter')).toBe(0);
    // Before: 26–66 s (a 30 s session and the join holding start-up). Allow a slow, shared machine.
    expect(rejoinedMs).toBeLessThan(25_000);
    process.stdout.write(
      `recovery after SIGKILL: HTTP ${httpUpMs} ms, rejoined ${rejoinedMs} ms, consuming ${consumingMs} ms\n`,
    );
  }, 180_000);
});
