import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * The organisers' console (/console) in a real Chromium, from an empty database with access
 * control on: what a union staff member does in the browser, with no terminal. The server runs on
 * a clock the test controls (and the browser's clock is set to match), so it passes on any date.
 */

// Screenshots land in .tmp/ (git-ignored) on every run; UPDATE_SCREENSHOTS=1 writes the README's.
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const START = '2026-03-10T10:00:00+08:00';
const clock = fixedClock(START);
// The strictest policy the console promises to work under: nothing inline, nothing from elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

async function openConsole(path = '/console'): Promise<Page> {
  const next = await context.newPage();
  next.on('console', (m) => {
    // Refusals the test provokes (a wrong token) show as failed loads; anything else is a defect.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  next.on('pageerror', (err) => problems.push(err.message));
  await next.clock.setFixedTime(new Date(clock.now()));
  await next.goto(`${base}${path}`);
  return next;
}

const shoot = (target: Page, name: string) => target.screenshot({ path: join(SHOTS, `console-${name}.png`) });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  // Every console answer carries the strict policy, so an inline style or script would fail here.
  await context.route('**/console**', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('the console from an empty database', () => {
  it('asks for the first admin token, refuses a wrong one, and signs in with the right one', async () => {
    const admin = leaderboard.firstAdminToken;
    expect(admin).toMatch(/^lbt_/);
    page = await openConsole();
    await page.waitForSelector('[data-testid="token-input"]');
    await shoot(page, 'sign-in');
    await page.fill('[data-testid="token-input"]', 'lbt_not-a-real-token-at-all-000000000000000');
    await page.click('[data-testid="sign-in"]');
    await page.waitForSelector('text=令牌未通过');
    await page.fill('[data-testid="token-input"]', admin ?? '');
    await page.click('[data-testid="sign-in"]');
    await page.waitForSelector('.console-shell');
    expect(await page.textContent('[data-testid="user-menu"]')).toContain('first admin');
    // Remembered for the tab: a reload stays signed in.
    await page.reload();
    await page.waitForSelector('.console-shell');
  });

  it('injects no style or script the strict CSP would block', async () => {
    expect(await page.evaluate(() => document.querySelectorAll('style, script:not([src])').length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
