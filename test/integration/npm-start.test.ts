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

const getJson = <T = StandingsResponse>(path: string): Promise<T> => getJsonFrom<T>(base, path);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = spawnService('services/api/main.ts', {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-start-')),
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
