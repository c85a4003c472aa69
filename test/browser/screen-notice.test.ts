import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { smallOrg } from '../support/fixtures.ts';
import { apiCaller, freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { screenSettled } from './screen-settled.ts';

/**
 * The 公示 banner on a big screen at 1920×1080 in a real Chromium on a fixed clock: a competition
 * of September 2026 closed on 09-30 shows 结果公示中 until 10-13 (国庆 and the 调休 Saturday
 * counted), and 正式结果 once the organiser confirms after the 公示.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const clock = fixedClock('2026-09-30T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
const problems: string[] = [];
const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  apiCaller(base, leaderboard.firstAdminToken ?? '')<T>(method, path, body);

const at = (day: string) => `2026-09-${day}T09:00:00+08:00`;
const events = [
  { eventId: 's1', crewId: 'C1', type: 'sales', occurredAt: at('02'), volume: 900, unit: 'litres' },
  { eventId: 's2', crewId: 'C2', type: 'sales', occurredAt: at('03'), volume: 700, unit: 'litres' },
  { eventId: 's3', crewId: 'C3', type: 'sales', occurredAt: at('04'), volume: 500, unit: 'litres' },
];

async function screen(): Promise<Page> {
  const link = await api<{ url: string }>('POST', '/v1/screens/hall/links', { label: '大厅' });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => problems.push(err.message));
  await page.clock.setFixedTime(new Date(clock.now()));
  await page.goto(`${base}${link.url}`);
  await page.waitForSelector('body[data-connection="live"] [data-crew-id]');
  await screenSettled(page);
  return page;
}

const banner = (page: Page) =>
  page.$eval('#notice', (n) => ({
    shown: !(n as HTMLElement).hidden,
    status: (n as HTMLElement).dataset['status'] ?? '',
    text: n.textContent ?? '',
  }));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', { ...smallOrg, targets: [] });
  await api('PUT', '/v1/competitions/sep', {
    name: { zh: '九月劳动竞赛', en: 'September competition' },
    kind: 'labour',
    period: { start: '2026-09-01', end: '2026-09-29' },
    indicators: [
      {
        id: 'volume',
        name: { zh: '销量', en: 'Volume' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.1 },
      },
    ],
  });
  await api('PUT', '/v1/screens/hall', {
    name: { zh: '大厅', en: 'Hall' },
    views: [{ kind: 'ranking', competitionId: 'sep', group: 'overall', seconds: 600 }],
  });
  await api('POST', '/v1/events', events);
  await waitFor(async () => {
    const standings = await api<{ rows: { crewId: string }[] }>('GET', '/v1/competitions/sep/standings?limit=1');
    if (standings.rows[0]?.crewId !== 'C1') throw new Error('not scored yet');
  }, 30_000);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('the 公示 banner on a big screen', () => {
  it('shows no banner before the closing, 结果公示中 until 10-13 after it, and 正式结果 once confirmed', async () => {
    const before = await screen();
    expect(await banner(before)).toMatchObject({ shown: false });
    await before.context().close();

    await api('POST', '/v1/competitions/sep/periods/final/close', { note: '九月结算' });
    const during = await screen();
    await waitFor(async () => {
      if (!(await banner(during)).shown) throw new Error('no banner yet');
    }, 10_000);
    expect(await banner(during)).toEqual({
      shown: true,
      status: 'in_notice',
      text: expect.stringMatching(/^结果公示中 · 公示至 .*10.*13/),
    });
    await during.screenshot({ path: join(SHOTS, 'screen-notice.png') });
    await during.context().close();

    clock.set('2026-10-14T09:00:00+08:00');
    await api('POST', '/v1/competitions/sep/periods/final/confirm', { note: '公示期满' });
    const after = await screen();
    await waitFor(async () => {
      if ((await banner(after)).status !== 'final') throw new Error('not final yet');
    }, 10_000);
    expect(await banner(after)).toEqual({ shown: true, status: 'final', text: '正式结果 · 已确认' });
    await after.screenshot({ path: join(SHOTS, 'screen-notice-final.png') });
    expect(problems).toEqual([]);
  });
});
