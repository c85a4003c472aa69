import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { openedDialog, signedInConsolePage } from '../support/console-page.ts';
import { smallOrg } from '../support/fixtures.ts';
import { apiCaller, freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Closing a period when the working-day calendar has no State Council notice for the 公示's year
 * (2027 here): the console says so and asks for the 公示's last day, and the period closes with
 * it. Without the field an organiser could not close any period whose 公示 runs into such a year.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const clock = fixedClock('2027-02-01T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const admin = () => leaderboard.firstAdminToken ?? '';
const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  apiCaller(base, admin())<T>(method, path, body);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', { ...smallOrg, targets: [] });
  await api('PUT', '/v1/competitions/jan', {
    name: { zh: '一月劳动竞赛', en: 'January competition' },
    kind: 'labour',
    period: { start: '2027-01-01', end: '2027-01-31' },
    indicators: [
      {
        id: 'volume',
        name: { zh: '销量', en: 'Volume' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.1 },
      },
    ],
  });
  browser = await launchChromium();
  page = await signedInConsolePage(browser, { base, token: admin(), now: clock.now(), problems });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('closing a period whose 公示 falls in a year the calendar does not have', () => {
  it('asks for the 公示’s last day and closes with it', async () => {
    await page.goto(`${base}/console/competitions/jan?tab=periods`);
    await page.click('[data-testid="close-final"]');
    // Pressed once the dialog has finished zooming in (a press before may miss the button).
    const dialog = await openedDialog(page);
    await dialog.locator('[data-testid="confirm-close"]').click();
    await page.waitForSelector('.ant-modal .ant-alert-error >> text=缺少 2027 年的节假日安排');
    // Nothing was frozen by the refused attempt.
    const before = await api<{ periods: { id: string; status: string }[] }>('GET', '/v1/competitions/jan/periods');
    expect(before.periods.find((p) => p.id === 'final')?.status).toBe('open');

    await page.click('[data-testid="notice-ends-on"]');
    await page.keyboard.type('2027-02-10');
    await page.keyboard.press('Enter');
    // Wait for the picker's panel to close (settled() once timed out here on a loaded machine).
    await page.waitForSelector('.ant-picker-dropdown', { state: 'hidden' });
    expect(await page.inputValue('input[data-testid="notice-ends-on"], [data-testid="notice-ends-on"] input')).toBe(
      '2027-02-10',
    );
    await page.screenshot({ path: join(SHOTS, 'console-close-missing-year.png') });
    await dialog.locator('[data-testid="confirm-close"]').click();
    await page.waitForSelector('[data-testid="periods-table"] >> text=公示中');
    const notice = await api<{ startsOn: string; endsOn: string }>('GET', '/v1/competitions/jan/periods/final/notice');
    expect(notice.endsOn).toBe('2027-02-10');
    expect(problems).toEqual([]);
  });
});
