import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { apiCaller, freePort, getJson, spawnApiWithAdmin, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

/**
 * docs/operations.md, "备份与恢复": stop the product, archive the data folder, and a product started
 * on the restored copy answers as the first one did: registry, competitions, events, standings.
 */
const run = promisify(execFile);
const CLOCK_START = '2026-11-24T10:00:00+08:00';
const ADMIN = `lbt_${'b'.repeat(43)}`;
const work = mkdtempSync(join(tmpdir(), 'leaderboard-backup-'));
const running: Service[] = [];

async function start(dataDir: string): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  running.push(spawnApiWithAdmin({ dataDir, port, adminToken: ADMIN, env: { CLOCK_START, DEMO: 'auto' } }));
  await waitFor(() => getJson(base, '/readyz'), 120_000);
  return base;
}

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
});

describe('backing up and restoring the data folder', () => {
  it('a product started on the restored archive answers as the stopped one did', async () => {
    const first = await start(join(work, 'data'));
    const call = apiCaller(first, ADMIN);
    await call('POST', '/v1/events', [
      {
        eventId: 'backup-1',
        crewId: 'C-HZ-XH-1',
        type: 'sales',
        occurredAt: '2026-11-23T08:00:00+08:00',
        volume: 5000,
        unit: 'litres',
      },
    ]);
    const read = (base: string) =>
      Promise.all([
        getJson<{ crews: unknown[] }>(base, '/v1/org'),
        getJson<{ competitions: { id: string; currentVersion: number }[] }>(base, '/v1/competitions'),
        apiCaller(base, ADMIN)<{ total: number }>('GET', '/v1/events?crewId=C-HZ-XH-1&eventId=backup-1'),
        getJson<{ rows: { crewId: string; score: number }[] }>(
          base,
          '/v1/competitions/wbyc-2026q4/standings?asOf=2026-11-23&limit=100',
        ),
      ]);
    // The late event's day is recomputed in the background: wait until the answer is current.
    await waitFor(async () => {
      const s = await getJson<{ recomputing: boolean }>(
        first,
        '/v1/competitions/wbyc-2026q4/standings?asOf=2026-11-23',
      );
      expect(s.recomputing).toBe(false);
    }, 60_000);
    const before = await read(first);
    expect(before[2].total).toBe(1);

    // As the guide says: stop (SIGTERM), archive, restore elsewhere, start.
    expect(await running[0]?.stop('SIGTERM')).toBe(0);
    await run('tar', ['czf', 'backup.tgz', 'data'], { cwd: work });
    const restored = join(work, 'restored');
    mkdirSync(restored);
    await run('tar', ['xzf', join(work, 'backup.tgz')], { cwd: restored });
    const second = await start(join(restored, 'data'));
    const after = await read(second);

    expect(after[0]).toEqual(before[0]);
    expect(after[1].competitions.map((c) => [c.id, c.currentVersion])).toEqual(
      before[1].competitions.map((c) => [c.id, c.currentVersion]),
    );
    expect(after[2].total).toBe(1);
    expect(after[3].rows.map((r) => [r.crewId, r.score])).toEqual(before[3].rows.map((r) => [r.crewId, r.score]));
  }, 300_000);
});
