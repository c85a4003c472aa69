import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { screenSettled as settled } from './screen-settled.ts';
import { labourCompetition, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * A TV in real Chromium opening a display link's short address (/s/<code>) as someone typed it:
 * the screen, live; the same TV when the link is revoked; a mistyped code. Screenshots land in
 * .tmp/screenshots to look at.
 */
const SHOTS = '.tmp/screenshots';
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const LABOUR = 'competition.labour-m3';
let lb: Leaderboard;
let base: string;
let browser: Browser;

async function tvPage(): Promise<{ tv: Page; problems: string[] }> {
  const tv = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  await tv.clock.setFixedTime(clock.now());
  const problems: string[] = [];
  tv.on('pageerror', (err) => problems.push(err.message));
  tv.on('console', (m) => {
    // The refusals this test provokes show as failed loads; anything else is a defect.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  tv.on('request', (request) => {
    if (!request.url().startsWith(`${base}/`) && !request.url().startsWith('data:')) problems.push(request.url());
  });
  return { tv, problems };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
  await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents })).statusCode).toBe(200);
  await lb.refresher.flush();
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('a TV opening a short address', () => {
  it('shows the screen live, then the revocation, then a page saying so on reload', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: `/v1/screens/${LABOUR}/links`,
      payload: { label: '西湖加油站营业厅' },
    });
    const link = res.json<{ id: string; shortCode: string }>();
    const { tv, problems } = await tvPage();
    // Typed with a TV remote: lower case, with the hyphen people put in when reading it out.
    const typed = `${link.shortCode.slice(0, 4)}-${link.shortCode.slice(4)}`.toLowerCase();
    await tv.goto(`${base}/s/${typed}`);
    await tv.waitForSelector('body[data-connection="live"] [data-crew-id]');
    expect(tv.url()).toBe(`${base}/screens/${LABOUR}?token=${link.shortCode}`);
    const apiRows = (await lb.app.inject({ url: `/v1/screens/${LABOUR}/data?token=${link.shortCode}` })).json<{
      views: { rows: unknown[] }[];
    }>();
    expect(await tv.locator('[data-crew-id]').count()).toBe(Math.min(apiRows.views[0]?.rows.length ?? 0, 10));
    await settled(tv);
    await tv.screenshot({ path: join(SHOTS, 'short-link-tv.png') });

    expect((await lb.app.inject({ method: 'DELETE', url: `/v1/display-links/${link.id}` })).statusCode).toBe(200);
    await tv.waitForSelector('[data-testid="revoked"]:not([hidden])');
    await settled(tv);
    await tv.screenshot({ path: join(SHOTS, 'short-link-revoked-live.png') });

    const again = await tv.goto(`${base}/s/${link.shortCode}`);
    expect(again?.status()).toBe(410);
    expect(await tv.textContent('h1')).toBe('此大屏链接已撤销');
    expect(await tv.textContent('h2')).toBe('This display link was revoked');
    // Styled by the server's own sheet under its policy (no inline style): a dark page, large type.
    expect(await tv.$eval('h1', (h1) => parseFloat(getComputedStyle(h1).fontSize))).toBeGreaterThan(40);
    expect(await tv.$eval('html', (html) => getComputedStyle(html).backgroundColor)).toBe('rgb(18, 6, 9)');
    await tv.screenshot({ path: join(SHOTS, 'short-link-revoked.png') });
    expect(problems).toEqual([]);
    await tv.close();
  });

  it('says in Chinese and English that a mistyped code is no display link', async () => {
    const { tv, problems } = await tvPage();
    const res = await tv.goto(`${base}/s/7KQ2MX4O`);
    expect(res?.status()).toBe(404);
    expect(await tv.textContent('h1')).toBe('没有这个大屏链接');
    expect(await tv.textContent('main')).toContain('不含 0、O、1、I、L');
    expect(await tv.textContent('h2')).toBe('No such display link');
    await tv.screenshot({ path: join(SHOTS, 'short-link-unknown.png') });
    expect(problems).toEqual([]);
    await tv.close();
  });
});
