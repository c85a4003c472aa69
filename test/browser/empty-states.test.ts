import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { apiCaller, freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * Every empty page of a new installation says in one sentence what to do next and links to the
 * console page or the handbook section that does it: the start page, the console's lists, a big
 * screen before its first report, the print page without crews. Open mode (no tokens yet), on a
 * clock the test fixes, so it passes on any date.
 */

const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const clock = fixedClock('2026-03-10T10:00:00+08:00');

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
const problems: string[] = [];

vi.setConfig({ testTimeout: 90_000 });

async function open(path: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.clock.setFixedTime(new Date(clock.now()));
  await page.goto(`${base}${path}`);
  return page;
}

/** A picture once fades and moving rows have settled (a list fades in as its loading ends). */
async function shoot(page: Page, name: string, moving = 'body'): Promise<void> {
  await page.waitForFunction(
    (scope) =>
      document.getAnimations().every((animation) => {
        const target = animation.effect instanceof KeyframeEffect ? animation.effect.target : null;
        // Pulses that never end (the live dot) are not motion to wait for.
        const endless = animation.effect?.getComputedTiming().iterations === Infinity;
        return animation.playState !== 'running' || endless || !target?.closest(scope);
      }),
    moving,
  );
  await page.screenshot({ path: join(SHOTS, `empty-${name}.jpg`), type: 'jpeg', quality: 80 });
}

/** The API as JSON; base is known once the server listens. */
const call = (method: string, path: string, body?: unknown) =>
  apiCaller(base)<Record<string, unknown>>(method, path, body);

/** The hint's sentence, its action and its handbook link, as the page shows them. */
async function hint(page: Page, testId: string) {
  const box = page.locator(`[data-testid="${testId}"]`);
  await box.waitFor();
  return {
    text: (await box.textContent()) ?? '',
    handbook: await page.getAttribute(`[data-testid="${testId}-handbook"]`, 'href'),
  };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { SCREEN_HEARTBEAT_MS: '1000' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('an empty database', () => {
  it('the start page says what to do first and links the console and the handbook', async () => {
    const page = await open('/');
    const box = page.locator('[data-testid="no-competitions"]');
    await box.waitFor();
    expect(await box.textContent()).toContain('还没有竞赛：打开工会工作台，导入花名册，再从模板创建第一个竞赛。');
    expect(await box.textContent()).toContain('No competitions yet');
    expect(await box.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '/console',
      '/handbook#first-run',
    ]);
    expect(await page.textContent('[data-testid="no-screens"]')).toContain('每个竞赛发布后自动生成默认大屏');
    await shoot(page, 'landing');

    // The handbook opens from there, rendered by this server with its pictures, at the section.
    await Promise.all([
      page.waitForURL(/\/handbook#first-run$/),
      page.click('[data-testid="no-competitions"] >> text=组织者手册'),
    ]);
    expect(await page.textContent('h1')).toBe('组织者手册');
    expect(await page.$('#first-run')).not.toBeNull();
    const pictures = await page.$$eval('img', (images) =>
      images.map((img) => ({ src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 })),
    );
    expect(pictures.length).toBeGreaterThan(10);
    for (const picture of pictures) {
      expect(picture.src).toMatch(/^\/handbook\/screenshots\/[a-z0-9-]+\.jpg$/);
      await waitFor(async () => {
        const loaded = await page.$eval(`img[src="${picture.src}"]`, (img) => (img as HTMLImageElement).naturalWidth);
        expect(loaded, String(picture.src)).toBeGreaterThan(0);
      }, 10_000);
    }
    await shoot(page, 'handbook');
    await page.close();
  });

  it('each console list says what to do next, with its button and handbook section', async () => {
    const page = await open('/console/competitions');
    const competitions = await hint(page, 'competitions-empty');
    expect(competitions.text).toContain('还没有竞赛：点“新建竞赛”，从安康杯等模板开始，每个数字都能改。');
    expect(competitions.handbook).toBe('/handbook#first-competition');
    await shoot(page, 'competitions');
    // Its button does what the sentence says: the templates to start from.
    await page.click('[data-testid="competitions-empty-action"]');
    await page.waitForSelector('[data-testid="template-ankang"]');
    await page.keyboard.press('Escape');
    // The help link beside the language switch opens the handbook.
    expect(await page.getAttribute('[data-testid="help-link"]', 'href')).toBe('/handbook');

    await page.goto(`${base}/console/screens`);
    const screens = await hint(page, 'screens-empty');
    expect(screens.text).toContain('还没有大屏：每个竞赛发布后自动生成默认大屏，请先新建并发布一个竞赛。');
    expect(screens.handbook).toBe('/handbook#screens');
    await shoot(page, 'screens');

    await page.goto(`${base}/console/corrections`);
    expect((await hint(page, 'events-empty')).text).toContain('按班组、日期、类型或事件编号点“查找”');
    await page.click('[data-testid="find-events"]');
    await page.waitForSelector('text=还没有收到任何上报');
    const events = await hint(page, 'events-empty');
    expect(events.text).toContain('还没有收到任何上报：站点上报数据后会在这里查到，报错的可以撤回或更正。');
    expect(events.handbook).toBe('/handbook#corrections');
    await shoot(page, 'corrections');

    await page.goto(`${base}/console/tokens`);
    const tokens = await hint(page, 'tokens-empty');
    expect(tokens.text).toContain('还没有令牌：点“创建令牌”，为分公司工会、上报系统或查看者各建一个。');
    expect(tokens.handbook).toBe('/handbook#tokens');
    await shoot(page, 'tokens');

    // In English, the same sentences from the English catalogue.
    await page.goto(`${base}/console/tokens?lang=en`);
    expect((await hint(page, 'tokens-empty')).text).toContain('No tokens yet: choose “New token”');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('a competition before its crews and its first report', () => {
  it('the big screen says no crew takes part yet, then that it waits for the first report', async () => {
    await call('PUT', '/v1/competitions/march', labourCompetition);
    const created = (await call('POST', '/v1/screens/competition.march/links', { label: '营业厅' })) as { url: string };
    const url = new URL(created.url, base);
    const tv = await open(`${url.pathname}${url.search}`, { width: 1920, height: 1080 });
    await tv.waitForSelector('body[data-connection="live"] #empty:not([hidden])');
    expect(await tv.textContent('#empty')).toBe('尚无参赛班组 · 请在工会工作台导入花名册');

    // The print page has no crew to list either: it says why and where to fix it, on screen only.
    const sheet = await open('/print/competitions/march/standings?title=notice');
    const printHint = sheet.locator('[data-testid="empty-hint"]');
    expect(await printHint.textContent()).toContain('这一页没有班组：竞赛还没有排名，或表彰名单只列有名次的班组。');
    expect(await printHint.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '/console',
      '/handbook#print',
    ]);
    await shoot(sheet, 'print');
    await sheet.emulateMedia({ media: 'print' });
    expect(await printHint.isVisible()).toBe(false);
    await sheet.close();

    // Crews enter; nothing has been reported: the scores come from the rules alone, and the bar says so.
    await call('PUT', '/v1/org', smallOrg);
    await tv.waitForSelector('[data-crew-id]', { timeout: 30_000 });
    await tv.waitForSelector('[data-testid="notice"]:not([hidden])');
    expect(await tv.textContent('[data-testid="notice"]')).toBe('尚无上报数据 · 等待第一条上报');
    const layout = await tv.evaluate(() => ({
      fontPx: parseFloat(getComputedStyle(document.querySelector('[data-testid="notice"]') as Element).fontSize),
      overflow: document.documentElement.scrollHeight > window.innerHeight,
    }));
    // Readable from across the room on a 1080p TV, and the rows still fit.
    expect(layout.fontPx).toBeGreaterThanOrEqual(28);
    expect(layout.overflow).toBe(false);
    expect(await tv.getAttribute('body', 'data-phase')).toBe('live');
    await shoot(tv, 'screen', '[data-crew-id]');

    // The first report arrives: the bar goes, as it is no longer true.
    await call('POST', '/v1/events', [
      {
        eventId: 'first',
        crewId: 'C1',
        type: 'sales',
        occurredAt: '2026-03-10T09:00:00+08:00',
        volume: 100,
        unit: 'litres',
      },
    ]);
    await tv.waitForSelector('[data-testid="notice"][hidden]', { state: 'attached', timeout: 30_000 });
    expect(await tv.isVisible('[data-testid="notice"]')).toBe(false);
    await tv.close();
  });
});
