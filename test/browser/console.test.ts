import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { freePort } from '../support/spawn-service.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

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
    // Refusals the test provokes (a wrong token) show as failed loads, and the policy's report of
    // the one <style> the table's scrollbar probe tries (checked below); anything else is a defect.
    const expected =
      m.text().startsWith('Failed to load resource') || m.text().startsWith('Applying inline style violates');
    if (m.type() === 'error' && !expected) problems.push(m.text());
  });
  next.on('pageerror', (err) => problems.push(err.message));
  await next.clock.setFixedTime(new Date(clock.now()));
  // Records every <style> put into the document: the console must inject none (see CSP above).
  await next.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { insertedStyles: string[] }).insertedStyles = seen;
    for (const name of ['appendChild', 'insertBefore'] as const) {
      const original = Object.getOwnPropertyDescriptor(Node.prototype, name)?.value as (...args: unknown[]) => unknown;
      Object.defineProperty(Node.prototype, name, {
        value(this: Node, ...args: unknown[]) {
          const child = args[0];
          if (child instanceof HTMLStyleElement && this.isConnected) seen.push(child.textContent ?? '');
          return original.apply(this, args);
        },
      });
    }
  });
  await next.goto(`${base}${path}`);
  return next;
}

/** A picture for the README once drawers and dialogs have finished opening, without passing toasts. */
async function shoot(target: Page, name: string): Promise<void> {
  await target.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await target.evaluate(() => document.querySelectorAll('.ant-message-notice').forEach((n) => n.remove()));
  await target.screenshot({ path: join(SHOTS, `console-${name}.png`) });
}

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
    await expectNoInlineStyles(page);
  });
});

/**
 * The console never styles the page inline. Two helpers of Ant Design's components try a <style>
 * that the policy refuses harmlessly: the table's scrollbar-width probe (it falls back to the
 * default width) and a dialog's page-scroll lock (the page behind it can still scroll).
 */
const REFUSED_HARMLESSLY = [/#rc-scrollbar-measure-/, /^\s*html body \{\s*overflow-y: hidden;\s*\}\s*$/];
async function expectNoInlineStyles(target: Page): Promise<void> {
  const inserted = await target.evaluate(() => (window as unknown as { insertedStyles: string[] }).insertedStyles);
  expect(inserted.filter((css) => css.trim() !== '' && !REFUSED_HARMLESSLY.some((known) => known.test(css)))).toEqual(
    [],
  );
  expect(await target.evaluate(() => document.querySelectorAll('style, script:not([src])').length)).toBe(0);
  expect(problems).toEqual([]);
}

async function api(method: string, path: string, body?: unknown, token = leaderboard.firstAdminToken ?? '') {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const at = (day: string, time = '10:00:00') => `2026-03-${day}T${time}+08:00`;

/** Text of a crew's score cell on the standings tab, after asking for a fresh answer. */
async function scoreOf(target: Page, crewId: string): Promise<string> {
  await target.click('[data-testid="refresh-standings"]');
  await target.waitForSelector(`[data-testid="score-${crewId}"]`);
  return (await target.textContent(`[data-testid="score-${crewId}"]`)) ?? '';
}

describe('an Ankang Cup from the template', () => {
  beforeAll(async () => {
    // TODO(first run): replaced by the roster upload of the first-run wizard.
    await api('PUT', '/v1/org', smallOrg);
  });

  it('is created from the template, previewed and published with every number editable', async () => {
    await page.goto(`${base}/console/competitions`);
    await page.click('[data-testid="new-competition"]');
    await shoot(page, 'templates');
    await page.click('[data-testid="template-ankang"]');
    await page.waitForSelector('[data-testid="indicator-0"]');
    // The period defaults to this month (the browser's clock is the server's: March 2026).
    expect(await page.inputValue('[data-testid="competition-id"]')).toBe('ankang-2026-03');
    await page.click('text=按月生成');
    await shoot(page, 'editor');
    await page.fill('[data-testid="version-note"]', '首次发布');
    await page.click('[data-testid="save-publish"]');
    await page.waitForSelector('[data-testid="standings-table"] .ant-table-row');
    expect(await page.locator('[data-testid="standings-table"] .ant-table-row').count()).toBe(5);
    await expectNoInlineStyles(page);
  });

  it('shows the standings events make, and a crew’s breakdown', async () => {
    await api('POST', '/v1/events', [
      { eventId: 'h1', crewId: 'C1', type: 'hazard_found', occurredAt: at('02'), hazardId: 'H1' },
      { eventId: 'h1r', crewId: 'C1', type: 'hazard_rectified', occurredAt: at('03'), hazardId: 'H1' },
      { eventId: 'v1', crewId: 'C2', type: 'violation', occurredAt: at('04'), kind: 'operation', personCount: 2 },
      { eventId: 'x1', crewId: 'C4', type: 'incident', occurredAt: at('05'), severity: 'serious_injury' },
    ]);
    // C1: 10 safe days × 1.29 + one hazard found (2) + rectification 100 % (40).
    await waitFor(async () => expect(await scoreOf(page, 'C1')).toBe('54.9'));
    expect(await scoreOf(page, 'C2')).toBe('42.9');
    expect(await page.textContent('[data-testid="standings-table"]')).toContain('一票否决');
    await page.click('[data-crew-id="C1"]');
    await page.waitForSelector('[data-testid="breakdown-score"]');
    expect(await page.textContent('[data-testid="breakdown-indicators"]')).toContain('隐患整改率');
    await shoot(page, 'standings');
    await page.keyboard.press('Escape');
  });

  it('previews a changed weight beside the current standings, saves it as a draft and publishes it with a note', async () => {
    await page.click('[data-testid="edit-rules"]');
    await page.waitForSelector('[data-testid="indicator-0"]');
    // Safe days count double.
    await page.fill('#indicators_0_weight', '2');
    await page.fill('[data-testid="version-note"]', '安全天数权重调为 2');
    await page.click('[data-testid="preview"]');
    await page.waitForSelector('[data-testid="preview-table"] .ant-table-row');
    const previewText = await page.textContent('[data-testid="preview-table"]');
    expect(previewText).toContain('+12.9');
    await shoot(page, 'preview');
    await page.keyboard.press('Escape');
    await page.click('[data-testid="save-draft"]');
    await page.waitForSelector('[data-testid="versions-table"] .ant-table-row');
    await page.click('[data-testid="publish-v2"]');
    await page.waitForSelector('.ant-modal [data-testid="preview-table"] .ant-table-row');
    await page.fill('[data-testid="publish-note"]', '经工会例会同意');
    await page.click('[data-testid="confirm-publish"]');
    await page.waitForSelector('text=已发布 v2');
    const versions = await page.textContent('[data-testid="versions-table"]');
    expect(versions).toContain('经工会例会同意');
    expect(versions).toContain('安全天数权重调为 2');
    expect(versions).toContain('first admin');
    await shoot(page, 'versions');
    await page.click('.ant-tabs-tab >> text=排行榜');
    await waitFor(async () => expect(await scoreOf(page, 'C1')).toBe('67.8'));
    await expectNoInlineStyles(page);
  });
});
