import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { cameraPhoto } from './camera-photo.ts';
import { labourCompetition, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * The pages under the Content-Security-Policy the server sends, in a real Chromium: the landing
 * page, a big screen opened from it (its display link made by a same-origin POST), Swagger UI
 * at /docs and the reporters' phone page (React + antd-mobile, a photo's thumbnail) work, and the
 * browser reports no violation.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;
let base: string;
let browser: Browser;

/** A page that records every CSP violation the browser reports, from its console and its events. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportViolation: (text: string) => void }).reportViolation;
      report(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, violations };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { SCREEN_HEARTBEAT_MS: '1000' });
  await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
  await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents });
  await lb.refresher.flush();
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('pages under the Content-Security-Policy', () => {
  it('shows the landing page and opens a big screen from it', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('text=三月劳动竞赛');
    await Promise.all([page.waitForURL(/\/screens\/.+\?token=dl_/), page.click('text=打开大屏 >> nth=0')]);
    await page.waitForSelector('body[data-connection="live"] [data-crew-id]');
    // The celebration and row motion set styles from script, which the policy allows.
    expect(await page.$$eval('[data-crew-id]', (rows) => rows.length)).toBe(5);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows the reporters’ phone page (antd-mobile) with a photo thumbnail and 我的上报', async () => {
    const { page, violations } = await watchedPage();
    const created = await lb.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      payload: { name: '周安全员', role: 'reporter', unitIds: ['U1'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(`${base}/reporter#t=${created.json<{ token: string }>().token}`);
    await page.waitForSelector('body[data-sign-in="signed-in"] [data-kind="hazard_found"] form');
    await page.setInputFiles('[data-testid="photo-input"]', {
      name: 'IMG.jpg',
      mimeType: 'image/jpeg',
      buffer: await cameraPhoto(browser),
    });
    await page.waitForSelector('[data-testid="thumbs"] img');
    await page.getByRole('option', { name: '五小创新' }).click();
    await page.waitForSelector('[data-kind="innovation"] form');
    await page.getByRole('tab', { name: '我的上报' }).click();
    await page.waitForSelector('[data-testid="my-reports"]');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('renders Swagger UI at /docs with its list of operations', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.opblock-summary-path');
    const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.textContent));
    expect(paths).toContain('/v1/competitions/{id}/standings');
    expect(paths.length).toBeGreaterThan(20);
    // An operation opens with its parameters.
    await page.click('#operations-standings-get_v1_competitions__id__standings');
    await page.waitForSelector('text=asOf');
    expect(violations).toEqual([]);
    await page.close();
  });
});
