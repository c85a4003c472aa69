import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { CompetitionList, StandingsResponse as StandingsSchema } from '../../schemas/api.schema.ts';
import { freePort, getJson as getJsonFrom, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

// What a new user gets from `npm start` on an empty data directory, and `npm run simulate` beside it.
type StandingsResponse = z.infer<typeof StandingsSchema>;
let api: Service;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-start-'));

const getJson = <T = StandingsResponse>(path: string): Promise<T> => getJsonFrom<T>(base, path);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = spawnService('services/api/main.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  await waitFor(() => getJson<unknown>('/readyz'), 90_000, 200);
});

afterAll(async () => {
  await api.stop('SIGKILL');
});

describe('npm start', () => {
  it('prints where everything is', async () => {
    await waitFor(async () => expect(api.output()).toContain(`${base}/docs`), 10_000);
    expect(api.output()).toContain('安康杯竞赛');
    expect(api.output()).toContain(`${base}/v1/competitions/wbyc-2026q4/standings`);
    // A first try on loopback runs open, and says so where it cannot be missed.
    expect(api.output()).toContain('开放模式');
    expect(api.output()).toContain('OPEN MODE: every request is allowed without an API token');
  });

  it('loads the demo: a 五比一创 labour competition and an Ankang Cup with standings', async () => {
    const { competitions } = await getJson<z.infer<typeof CompetitionList>>('/v1/competitions');
    expect(competitions.map((c) => [c.id, c.kind])).toEqual([
      ['ankang-2026', 'ankang'],
      ['wbyc-2026q4', 'labour'],
    ]);
    const labour = await getJson('/v1/competitions/wbyc-2026q4/standings?limit=100');
    expect(labour.total).toBe(36);
    expect(labour.rows[0]?.rank).toBe(1);
    // The one serious injury of the demo disqualifies its crew in the labour competition …
    expect(labour.rows.filter((r) => r.disqualified)).toHaveLength(1);
    // … and zeroes its safe days in the Ankang Cup.
    const ankang = await getJson('/v1/competitions/ankang-2026/standings?limit=100');
    const vetoed = ankang.rows.filter((r) => r.vetoes.length > 0);
    expect(vetoed).toHaveLength(1);
    expect(vetoed[0]?.indicators.find((i) => i.indicatorId === 'safety-days')?.points).toBe(0);
    const branch = await getJson('/v1/competitions/wbyc-2026q4/standings?group=branch:B-HZ');
    expect(branch.total).toBe(12);
  });

  it('keeps standings moving while npm run simulate sends events', async () => {
    const before = await getJson('/v1/competitions/wbyc-2026q4/standings?limit=1');
    const simulator = spawnService('services/simulator/main.ts', {
      API_URL: base,
      SIMULATE_EVENTS_PER_SECOND: '200',
      SIMULATE_BATCH_SIZE: '50',
    });
    try {
      await waitFor(
        async () => {
          const now = await getJson('/v1/competitions/wbyc-2026q4/standings?limit=1');
          expect(now.computedAt > before.computedAt).toBe(true);
        },
        30_000,
        200,
      );
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/leaderboard_ingest_events_total\{outcome="accepted"\} [1-9]/);
    } finally {
      expect(await simulator.stop('SIGTERM')).toBe(0);
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    expect(await api.stop('SIGTERM')).toBe(0);
  });
});

describe('npm start with AUTH_MODE=tokens', () => {
  async function start(): Promise<Service> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const service = spawnService('services/api/main.ts', {
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'tokens',
    });
    await waitFor(async () => expect(service.output()).toContain(`${base}/docs`), 90_000, 200);
    return service;
  }

  it('prints the first admin token once; it works, and the next start prints none', async () => {
    api = await start();
    const output = api.output();
    expect(output).not.toContain('OPEN MODE');
    expect(output).toContain('首个管理员令牌（只显示这一次，请立即保存）');
    const token = /lbt_[A-Za-z0-9_-]{43}/.exec(output)?.[0];
    expect(token).toBeDefined();
    const refused = await fetch(`${base}/v1/tokens`);
    expect(refused.status).toBe(401);
    const who = await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${token ?? ''}` } });
    expect(await who.json()).toMatchObject({ authenticated: true, open: false, token: { role: 'admin' } });
    expect(await api.stop('SIGTERM')).toBe(0);

    api = await start();
    expect(api.output()).not.toContain('首个管理员令牌');
    expect(api.output()).not.toMatch(/lbt_[A-Za-z0-9_-]{43}/);
    expect(await api.stop('SIGTERM')).toBe(0);
  });
});
