import type { Browser, Page } from 'playwright-core';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from './browser.ts';
import { signedInConsolePage } from './console-page.ts';
import { freePort } from './spawn-service.ts';
import { startTestLeaderboard, type TestClock } from './test-leaderboard.ts';

/** What a console browser test works with: the product, its address, Chromium, the signed-in page. */
export interface ConsoleWorld {
  leaderboard: Leaderboard;
  base: string;
  browser: Browser;
  page: Page;
  /** Page and console errors, for the test to assert empty. */
  problems: string[];
  /** The first admin's token. */
  admin: string;
}

/** Calls the API as the first admin; anything but a 2xx fails the setup with the answer. */
export type AdminCall = (method: 'PUT' | 'POST' | 'PATCH', path: string, body: unknown) => Promise<unknown>;

/**
 * The product in token mode on a free loopback port, `seed` run against it as the first admin, then
 * Chromium with the console signed in. Stop it with stopConsoleWorld.
 */
export async function startConsoleWorld(
  clock: TestClock,
  seed: (call: AdminCall) => Promise<void> = async () => {},
  env: Record<string, string> = {},
): Promise<ConsoleWorld> {
  const leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', ...env });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  const base = `http://127.0.0.1:${port}`;
  const admin = leaderboard.firstAdminToken ?? '';
  await seed(async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  });
  const browser = await launchChromium();
  const problems: string[] = [];
  const page = await signedInConsolePage(browser, { base, token: admin, now: clock.now(), problems });
  return { leaderboard, base, browser, page, problems, admin };
}

export async function stopConsoleWorld(world: ConsoleWorld | undefined): Promise<void> {
  await world?.browser.close();
  await world?.leaderboard.close();
}
