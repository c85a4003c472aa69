import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { parseConfig } from '../../services/api/config.ts';
import { createLeaderboard, type Leaderboard } from '../../services/api/leaderboard.ts';

/**
 * The embedded engine binds one data directory per process; vitest runs each test file in
 * its own process, so each file gets a fresh directory here.
 */
let dataDir: string | undefined;
export function testDataDir(): string {
  dataDir ??= mkdtempSync(join(tmpdir(), 'leaderboard-test-'));
  return dataDir;
}

export interface TestClock {
  now: () => Date;
  set(iso: string): void;
}

export function fixedClock(iso: string): TestClock {
  let current = new Date(iso);
  return { now: () => new Date(current), set: (next) => (current = new Date(next)) };
}

export async function startTestLeaderboard(
  clock: TestClock,
  env: Record<string, string> = {},
  logger: Logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
): Promise<Leaderboard> {
  const config = parseConfig({
    DATA_DIR: testDataDir(),
    DEMO: 'off',
    STANDINGS_DEBOUNCE_MS: '10',
    STANDINGS_HISTORY_DEBOUNCE_MS: '10',
    ...env,
  });
  return createLeaderboard(config, logger, clock.now);
}

/** Polls until the check passes or the time is up; tests never sleep a fixed time. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
