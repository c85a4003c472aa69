import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { chooseOption, confirmPopconfirm, fieldErrors, openedDialog, settled } from '../support/console-page.ts';
import { scanQr } from './scan-qr.ts';
import { freePort } from '../support/spawn-service.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { readBack, ROSTER_HEADER, workbookOf, type Row } from '../support/workbooks.ts';

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
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'";

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
/** The branch organiser's token, made on the tokens page. */
let hangzhouToken = '';

async function openConsole(path = '/console', within: BrowserContext = context): Promise<Page> {
  const next = await within.newPage();
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

/** Until no dialog is on screen any more (closing one fades it out first). */
const dialogsClosed = (target: Page) =>
  target.waitForFunction(() =>
    [...document.querySelectorAll('.ant-modal-wrap')].every((wrap) => getComputedStyle(wrap).display === 'none'),
  );

/** A picture for the README once drawers and dialogs have finished opening, without passing toasts. */
async function shoot(target: Page, name: string): Promise<void> {
  await settled(target);
  await target.evaluate(() => document.querySelectorAll('.ant-message-notice').forEach((n) => n.remove()));
  // The README's pictures are JPEG (a fifth of the size); the ones in .tmp are PNG to look at.
  const readme = SHOTS.startsWith('test/');
  await target.screenshot({
    path: join(SHOTS, `console-${name}.${readme ? 'jpg' : 'png'}`),
    ...(readme ? { type: 'jpeg', quality: 80 } : {}),
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  context = await strictContext();
}, 120_000);

/** A browser profile at 1440x900 in Chinese whose console answers carry the strict policy. */
async function strictContext(): Promise<BrowserContext> {
  const created = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await created.route('**/console**', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  return created;
}

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
    // An empty database: the guided start.
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
  const inDocument = await target.$$eval('style, script:not([src])', (nodes) => nodes.map((n) => n.textContent ?? ''));
  expect(inDocument.filter((css) => !REFUSED_HARMLESSLY.some((known) => known.test(css)))).toEqual([]);
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

/** How long a recomputation may take to show on a busy machine (each look clicks refresh and waits). */
const SETTLE_MS = 45_000;
// A step that waits for a recomputation may take that long on top of its clicks.
vi.setConfig({ testTimeout: 120_000 });

const at = (day: string, time = '10:00:00') => `2026-03-${day}T${time}+08:00`;

/** The small registry of the fixtures as the roster a union office keeps in Excel: a title row, then the header. */
const rosterRows = (): Row[] => [
  ['浙江能源集团班组花名册（2026年3月）'],
  ROSTER_HEADER,
  ...(smallOrg.crews ?? []).map((crew) => {
    const unit = smallOrg.units.find((u) => u.id === crew.unitId);
    const branch = smallOrg.branches.find((b) => b.id === unit?.branchId);
    const type = unit?.type === 'depot' ? '油库' : '加油站';
    return [branch?.id, branch?.name, unit?.id, unit?.name, type, crew.id, crew.name, crew.headcount] as Row;
  }),
];
const rosterXlsx = (rows: Row[]) =>
  workbookOf({ 花名册: rows }, (workbook) => workbook.getWorksheet('花名册')?.mergeCells('A1:H1'));

/** The file a click makes the browser save, read back as a workbook. */
async function downloaded(target: Page, click: () => Promise<void>): Promise<{ name: string; rows: unknown[][] }> {
  const [file] = await Promise.all([target.waitForEvent('download'), click()]);
  const workbook = await readBack(readFileSync(await file.path()));
  const sheet = workbook.worksheets[0];
  const rows: unknown[][] = [];
  sheet?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { name: file.suggestedFilename(), rows };
}

/** Text of a crew's score cell on the standings tab, after asking for a fresh answer. */
async function scoreOf(target: Page, crewId: string): Promise<string> {
  // This refresh's own answer: the cell already holds the last one, which a read could get.
  await Promise.all([
    target.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/standings')),
    target.click('[data-testid="refresh-standings"]'),
  ]);
  await target.waitForSelector(`[data-testid="score-${crewId}"]`);
  return (await target.textContent(`[data-testid="score-${crewId}"]`)) ?? '';
}

describe('the first run', () => {
  it('starts with the group’s name and colours', async () => {
    await page.waitForSelector('[data-testid="first-run-1"]');
    await shoot(page, 'first-run');
    await page.fill('[data-testid="group-name-input"]', '浙江能源集团');
    await page.click('[data-testid="save-group"]');
    await page.waitForSelector('[data-testid="first-run-2"]');
    expect(await page.textContent('[data-testid="group-name"]')).toBe('浙江能源集团');
    expect(leaderboard.catalog.org().branding).toEqual({ primaryColour: '#c62828', accentColour: '#ffc107' });
  });

  it('imports the roster the union keeps in Excel (.xlsx): errors at their sheet, cell and column first, then a dry run, then the save', async () => {
    const upload = async (rows: Row[]) =>
      page.setInputFiles('.ant-upload input[type=file]', {
        name: '花名册.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await rosterXlsx(rows),
      });
    // Row 4 (西湖乙班) has no headcount and row 5 a unit type nobody uses.
    const wrong = rosterRows().map((row) =>
      row[6] === '西湖乙班' ? row.slice(0, 7) : row[4] === '油库' && row[3] === '半山油库' ? row.with(4, '仓库') : row,
    );
    await upload(wrong);
    await page.waitForSelector('[data-testid="import-errors"] .ant-table-row');
    const errors = await page.locator('[data-testid="import-errors"] .ant-table-row').allTextContents();
    expect(errors).toEqual([expect.stringMatching(/^花名册H44人数/), expect.stringMatching(/^花名册E55单位类型/)]);
    await shoot(page, 'import-errors');
    expect(leaderboard.catalog.org().crews).toHaveLength(0);

    await page.click('text=重新选择文件');
    await upload(rosterRows());
    await page.waitForSelector('[data-testid="import-plan"]');
    expect(await page.textContent('[data-testid="import-plan"]')).toContain('花名册（组织架构表，5 行）');
    expect(await page.textContent('[data-testid="import-plan"]')).toContain('新增 5，修改 0，不变 0');
    expect(leaderboard.catalog.org().crews).toHaveLength(0);
    await page.click('[data-testid="import-save"]');
    await page.waitForSelector('[data-testid="first-run-3"]');
    expect(leaderboard.catalog.org().crews.map((c) => c.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
  });

  it('creates an Ankang Cup from the template, with every number editable, and publishes it', async () => {
    await page.click('[data-testid="template-ankang"]');
    await page.waitForSelector('[data-testid="indicator-0"]');
    // The period defaults to this month (the browser's clock is the server's: March 2026).
    expect(await page.inputValue('[data-testid="competition-id"]')).toBe('ankang-2026-03');
    await page.click('text=按月生成');
    // The union posts results for 7 working days instead of the usual 5.
    await page.fill('#noticeWorkingDays', '7');
    await page.locator('[data-testid="notice-card"]').scrollIntoViewIfNeeded();
    await shoot(page, 'editor-notice');
    await page.locator('[data-testid="competition-id"]').scrollIntoViewIfNeeded();
    await shoot(page, 'editor');
    await page.fill('[data-testid="version-note"]', '首次发布');
    await page.click('[data-testid="save-publish"]');
    await page.waitForSelector('[data-testid="first-run-4"]');
    expect(leaderboard.catalog.competition('ankang-2026-03')?.version).toBe(1);
    expect(leaderboard.catalog.competition('ankang-2026-03')?.definition.noticeWorkingDays).toBe(7);
  });

  it('opens the competition’s screen on a TV from the QR code a phone scans', async () => {
    await page.fill('[data-testid="link-label"]', '西湖加油站营业厅');
    await page.click('[data-testid="create-link"]');
    await page.waitForSelector('[data-testid="link-qr"] svg');
    await shoot(page, 'screen-link');
    const scanned = await scanQr(page, '[data-testid="link-qr"] svg');
    expect(scanned).toBe(await page.textContent('[data-testid="link-url"]'));
    expect(scanned).toMatch(new RegExp(`^${base}/screens/competition\\.ankang-2026-03\\?token=dl_`));
    const tv = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await tv.goto(scanned);
    await tv.waitForSelector('body[data-connection="live"] [data-crew-id]');
    expect(await tv.locator('[data-crew-id]').count()).toBe(5);
    // The TV loads none of the console: no request under /console, and its scripts carry neither
    // React nor Ant Design (markers the console's own bundle does carry, so the check can fail).
    const tvRequests = await tv.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
    expect(tvRequests.filter((url) => new URL(url).pathname.startsWith('/console'))).toEqual([]);
    const scriptsOf = async (target: Page) => {
      const sources = await target.$$eval('script[src]', (scripts) => scripts.map((s) => (s as HTMLScriptElement).src));
      expect(sources.length).toBeGreaterThan(0);
      return (await Promise.all(sources.map(async (src) => (await fetch(src)).text()))).join('\n');
    };
    const markers = ['react.dev/errors', '@ant-design'];
    const consoleScripts = await scriptsOf(page);
    const tvScripts = await scriptsOf(tv);
    expect(markers.filter((marker) => consoleScripts.includes(marker))).toEqual(markers);
    expect(markers.filter((marker) => tvScripts.includes(marker))).toEqual([]);
    await tv.close();

    // Beside the QR code, the short address to type into a TV's browser, with its copy button.
    const shortUrl = (await page.textContent('[data-testid="link-short-url"]')) ?? '';
    expect(shortUrl).toMatch(new RegExp(`^${base}/s/[2-9A-HJKMNP-Z]{8}$`));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.click('[data-testid="copy-short-url"]');
    await page.waitForSelector('text=已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shortUrl);
    // A console opened at a plain-http LAN address has no navigator.clipboard at all: the button
    // copies the older way (a selected text), as antd's own copy buttons do.
    await page.evaluate(async () => {
      await navigator.clipboard.writeText('something copied before');
      Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
      document.querySelectorAll('.ant-message-notice').forEach((n) => n.remove());
    });
    await page.click('[data-testid="copy-short-url"]');
    await page.waitForSelector('text=已复制');
    expect(
      await page.evaluate(() => {
        delete (navigator as unknown as { clipboard?: unknown }).clipboard;
        return navigator.clipboard.readText();
      }),
    ).toBe(shortUrl);
    // A second TV, its address typed by hand: the same screen, live.
    const typedTv = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await typedTv.goto(shortUrl);
    await typedTv.waitForSelector('body[data-connection="live"] [data-crew-id]');
    expect(await typedTv.locator('[data-crew-id]').count()).toBe(5);
    const code = shortUrl.slice(-8);
    expect(typedTv.url()).toBe(`${base}/screens/competition.ankang-2026-03?token=${code}`);
    await typedTv.close();
    await page.click('[data-testid="first-run-finish"]');
    await page.waitForSelector('text=浙江能源集团 · 工作台');
    await shoot(page, 'dashboard');
    await page.goto(`${base}/console/registry`);
    await page.waitForSelector('[data-testid="crews-table"] .ant-table-row');
    await shoot(page, 'registry');
    // The registry comes back as a workbook the import reads, with Chinese headers.
    const registry = await downloaded(page, () => page.click('[data-testid="download-registry"]'));
    expect(registry.name).toMatch(/^浙江能源集团-组织架构-第\d+版\.xlsx$/);
    const header = registry.rows.findIndex((row) => ROSTER_HEADER.every((heading) => row.includes(heading)));
    expect(header).toBeGreaterThanOrEqual(0);
    const crewColumn = registry.rows[header]?.indexOf('班组编号') ?? -1;
    expect(registry.rows.slice(header + 1).map((row) => row[crewColumn])).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    await page.goto(`${base}/console/settings`);
    await page.waitForSelector('[data-testid="group-name-input"]');
    await shoot(page, 'settings');
    await expectNoInlineStyles(page);
  });
});

describe('an Ankang Cup from the template', () => {
  it('is listed as running, with its standings', async () => {
    await page.goto(`${base}/console/competitions`);
    await page.waitForSelector('.ant-table-row');
    expect(await page.textContent('.ant-table-row')).toContain('进行中');
    await page.click('[data-testid="new-competition"]');
    await shoot(page, 'templates');
    await page.keyboard.press('Escape');
    await dialogsClosed(page);
    await shoot(page, 'competitions');
    await page.click('text=安康杯竞赛');
    await page.waitForSelector('[data-testid="standings-table"] .ant-table-row');
    expect(await page.locator('[data-testid="standings-table"] .ant-table-row').count()).toBe(5);
  });

  it('shows the standings events make, and a crew’s breakdown', async () => {
    await api('POST', '/v1/events', [
      { eventId: 'h1', crewId: 'C1', type: 'hazard_found', occurredAt: at('02'), hazardId: 'H1' },
      { eventId: 'h1r', crewId: 'C1', type: 'hazard_rectified', occurredAt: at('03'), hazardId: 'H1' },
      { eventId: 'v1', crewId: 'C2', type: 'violation', occurredAt: at('04'), kind: 'operation', personCount: 2 },
      { eventId: 'x1', crewId: 'C4', type: 'incident', occurredAt: at('05'), severity: 'serious_injury' },
    ]);
    // C1: 10 safe days × 1.29 + one hazard found (1) and rectified (2) + rectification 100 % (30).
    await waitFor(async () => expect(await scoreOf(page, 'C1')).toBe('45.9'), SETTLE_MS);
    // C2: 12.9 safe days, no hazard reported (no rate points), 2 三违 person-times × −5.
    expect(await scoreOf(page, 'C2')).toBe('2.9');
    expect(await page.textContent('[data-testid="standings-table"]')).toContain('一票否决');
    await page.click('[data-crew-id="C1"]');
    await page.waitForSelector('[data-testid="breakdown-score"]');
    expect(await page.textContent('[data-testid="breakdown-indicators"]')).toContain('隐患整改率');
    await shoot(page, 'standings');
    // One click on an indicator shows the events its points came from.
    await settled(page);
    await page.click('[data-testid="breakdown-indicators"] tr[data-indicator-id="rectified"]');
    await page.waitForSelector('[data-testid="explain-rectified"]');
    const rate = await page.textContent('[data-testid="explain-rectified"]');
    expect(rate).toContain('h1r');
    expect(rate).toContain('整改本期隐患');
    expect(rate).toContain('已整改');
    expect(rate).toContain('已显示 2 / 共 2 条');
    await shoot(page, 'breakdown-explain');
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
    // The table re-reads the versions after the toast: under load it may not show the note yet.
    await page.waitForSelector('[data-testid="versions-table"] >> text=经工会例会同意');
    const versions = await page.textContent('[data-testid="versions-table"]');
    expect(versions).toContain('经工会例会同意');
    expect(versions).toContain('安全天数权重调为 2');
    expect(versions).toContain('first admin');
    await shoot(page, 'versions');
    await page.click('.ant-tabs-tab >> text=排行榜');
    await waitFor(async () => expect(await scoreOf(page, 'C1')).toBe('58.8'), SETTLE_MS);
    await expectNoInlineStyles(page);
  });
});

describe('corrections', () => {
  const standingsText = async () => {
    await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/standings')),
      page.click('[data-testid="refresh-standings"]'),
    ]);
    await page.waitForSelector('[data-testid="standings-table"] .ant-table-row');
    return (await page.textContent('[data-testid="standings-table"]')) ?? '';
  };

  it('withdraws a wrong event with a reason: the standings and the crew’s breakdown change', async () => {
    const before = Number(await scoreOf(page, 'C2'));
    await page.goto(`${base}/console/corrections`);
    await page.fill('[data-testid="filter-event-id"]', 'v1');
    await page.click('[data-testid="find-events"]');
    await page.click('[data-testid="withdraw-v1"]');
    const dialog = await openedDialog(page);
    await page.fill('[data-testid="correction-reason"]', '重复上报，同一起违章已由班组长报过');
    await shoot(page, 'withdraw');
    await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.waitForSelector('[data-testid="events-table"] >> text=已撤回');
    await page.goto(`${base}/console/competitions/ankang-2026-03`);
    // Two persons' 三违 at −5 each no longer count.
    await waitFor(async () => expect(Number(await scoreOf(page, 'C2'))).toBeCloseTo(before + 10, 5), SETTLE_MS);
    await page.click('[data-crew-id="C2"]');
    await page.waitForSelector('[data-testid="breakdown-corrections"]');
    const breakdown = await page.textContent('[data-testid="breakdown-corrections"]');
    expect(breakdown).toContain('重复上报');
    expect(breakdown).toContain('first admin');
    // The 三违 indicator shows the withdrawn event, which no longer costs points, and why.
    await settled(page);
    await page.click('[data-testid="breakdown-indicators"] tr[data-indicator-id="violations"]');
    await page.waitForSelector('[data-testid="explain-violations"]');
    const violations = await page.textContent('[data-testid="explain-violations"]');
    expect(violations).toContain('v1');
    expect(violations).toContain('不计入');
    expect(violations).toContain('已撤回：重复上报');
    await shoot(page, 'breakdown-corrections');
    await page.keyboard.press('Escape');
  });

  it('corrects an event found by crew and type: a serious injury reported by mistake for a near miss', async () => {
    expect(await standingsText()).toContain('一票否决');
    await page.goto(`${base}/console/corrections`);
    await chooseOption(page, '[data-testid="filter-crew"]', '北仑甲班（C4）');
    await chooseOption(page, '[data-testid="filter-type"]', '安全事件');
    await page.click('[data-testid="find-events"]');
    await page.click('[data-testid="correct-x1"]');
    const dialog = await openedDialog(page);
    await chooseOption(page, '[data-testid="fix-severity"]', '未遂');
    // Without a reason: said under the field, and nothing thrown on the page (expectNoInlineStyles
    // below checks the page's errors).
    await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await fieldErrors(page, '[data-testid="correction-reason"]').first().waitFor();
    await page.fill('[data-testid="correction-reason"]', '现场核实为未遂事件');
    await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.waitForSelector('[data-testid="events-table"] >> text=已更正');
    await shoot(page, 'corrections');
    await page.click('[data-testid="history-x1"]');
    await page.waitForSelector('[data-testid="history-drawer"] >> text=现场核实为未遂事件');
    await page.keyboard.press('Escape');
    await page.goto(`${base}/console/competitions/ankang-2026-03`);
    await waitFor(async () => expect(await standingsText()).not.toContain('一票否决'), SETTLE_MS);
    await expectNoInlineStyles(page);
  });

  it('deletes a competition saved as a draft and never published', async () => {
    const { definition } = (await api('GET', '/v1/competitions/ankang-2026-03')) as { definition: unknown };
    await api('POST', '/v1/competitions/trial-2026-03/versions', { definition, note: '试填' });
    await page.goto(`${base}/console/competitions/trial-2026-03`);
    await page.click('[data-testid="delete-draft"]');
    await confirmPopconfirm(page, '.ant-btn-dangerous');
    await page.waitForSelector('[data-testid="new-competition"]');
    const list = (await api('GET', '/v1/competitions?drafts=true')) as { competitions: { id: string }[] };
    expect(list.competitions.map((c) => c.id)).toEqual(['ankang-2026-03']);
  });
});

describe('screens and tokens', () => {
  it('lists the competition’s display links, revokes one, and saves a custom screen set', async () => {
    await page.goto(`${base}/console/screens`);
    await page.waitForSelector('[data-testid="screens-table"] .ant-table-row');
    await shoot(page, 'screens');
    await page.click('[data-testid="screen-competition.ankang-2026-03"]');
    await page.waitForSelector('[data-testid="links-table"] .ant-table-row');
    expect(await page.textContent('[data-testid="links-table"]')).toContain('西湖加油站营业厅');
    await page.click('[data-testid="revoke-西湖加油站营业厅"]');
    await confirmPopconfirm(page);
    await page.waitForSelector('[data-testid="links-table"] >> text=已于');
    expect(leaderboard.displayLinks.list().every((link) => link.revokedAt !== null)).toBe(true);
    await shoot(page, 'screen-links');

    await page.click('text=复制为自定义大屏');
    await page.waitForSelector('[data-testid="save-screen"]');
    await page.fill('[data-testid="screen-name"]', '营业厅大屏');
    await shoot(page, 'screen-editor');
    await page.click('[data-testid="save-screen"]');
    await page.waitForSelector('[data-testid="links-table"]');
    expect(leaderboard.screens.screen('screen-1')?.definition.name.zh).toBe('营业厅大屏');
  });

  it('makes a token for a branch union office, shown once, limited to its branch', async () => {
    await page.goto(`${base}/console/tokens`);
    await page.click('[data-testid="new-token"]');
    await page.fill('[data-testid="token-name"]', '杭州分公司工会');
    await openedDialog(page);
    await chooseOption(page, '[data-testid="token-branches"]', '杭州分公司');
    await page.keyboard.press('Escape');
    await page.click('[data-testid="create-token"]');
    await page.waitForSelector('[data-testid="new-token-secret"]');
    hangzhouToken = (await page.textContent('[data-testid="new-token-secret"]')) ?? '';
    expect(hangzhouToken).toMatch(/^lbt_/);
    await shoot(page, 'token-created');
    await page.click('[data-testid="close-token"]');
    // The table reloads after the dialog: its new row comes with that answer.
    await page.locator('[data-testid="tokens-table"] .ant-table-row', { hasText: '杭州分公司' }).waitFor();
    await dialogsClosed(page);
    await shoot(page, 'tokens');
    expect(JSON.stringify(await api('GET', '/v1/tokens'))).not.toContain(hangzhouToken);
  });
});

describe('a branch union office', () => {
  let branch: Page;

  beforeAll(async () => {
    // Another person, another browser: nothing of the admin's session carries over.
    branch = await openConsole('/console', await strictContext());
    await branch.fill('[data-testid="token-input"]', hangzhouToken);
    await branch.click('[data-testid="sign-in"]');
    await branch.waitForSelector('.console-shell');
  });

  it('sees no tokens or group settings, and the group-wide competition read-only', async () => {
    const menu = await branch.textContent('.console-sider');
    expect(menu).not.toContain('访问令牌');
    expect(menu).not.toContain('集团设置');
    await branch.goto(`${base}/console/competitions`);
    await branch.waitForSelector('.ant-table-row');
    expect(await branch.textContent('.ant-table-row')).toContain('只读');
    await branch.click('text=安康杯竞赛');
    await branch.waitForSelector('[data-testid="standings-table"] .ant-table-row');
    expect(await branch.$('[data-testid="edit-rules"]')).toBeNull();
  });

  it('changes only the crews of its branch; the API refuses the others anyway', async () => {
    await branch.goto(`${base}/console/registry`);
    await branch.waitForSelector('[data-testid="crews-table"] .ant-table-row');
    const row = (crewId: string) => branch.locator('[data-testid="crews-table"] .ant-table-row', { hasText: crewId });
    expect(await row('C4').textContent()).toContain('只读');
    expect(await row('C1').textContent()).toContain('编辑');
    await shoot(branch, 'registry-branch');
    await row('C1').locator('text=编辑').click();
    const dialog = await openedDialog(branch);
    await branch.fill('[data-testid="row-headcount"]', '6');
    await dialog.locator('[data-testid="save-row"]').click();
    // The page was just opened: the only 已保存 toast it can show is this save's.
    await branch.locator('.ant-message-notice', { hasText: '已保存' }).waitFor();
    expect(leaderboard.catalog.crew('C1')?.headcount).toBe(6);
    const refused = await fetch(`${base}/v1/org`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${hangzhouToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ crews: [{ id: 'C4', unitId: 'U3', name: '北仑甲班', headcount: 9 }] }),
    });
    expect(refused.status).toBe(422);
    expect(leaderboard.catalog.crew('C4')?.headcount).toBe(4);

    // A new crew under a code already taken would rename (and move) that crew: refused on the form.
    await branch.click('[data-testid="add-crew"]');
    const adding = await openedDialog(branch);
    await branch.fill('[data-testid="row-id"]', 'C1');
    await adding.locator('input#name').fill('新建的班组');
    await adding.locator('[data-testid="save-row"]').click();
    await adding.getByText('编号已被「西湖甲班」使用，请换一个（修改那一行请在列表里点它的“编辑”）').waitFor();
    expect(leaderboard.catalog.crew('C1')?.crewName).toBe('西湖甲班');
    await expectNoInlineStyles(branch);
  });
});

describe('closing the period', () => {
  it('closes the month once it has ended, saying what freezes, and shows the frozen standings and late events', async () => {
    clock.set('2026-04-02T09:00:00+08:00');
    await page.clock.setFixedTime(new Date(clock.now()));
    await page.goto(`${base}/console/competitions/ankang-2026-03?tab=periods`);
    await page.waitForSelector('[data-testid="periods-table"] .ant-table-row');
    await page.click('[data-testid="close-2026-03"]');
    await page.waitForSelector('.ant-modal >> text=冻结');
    expect(await page.textContent('.ant-modal')).toContain('2026-03-01 至 2026-03-31');
    await shoot(page, 'close-period');
    await page.click('[data-testid="confirm-close"]');
    await page.waitForSelector('text=“2026年3月”已结算');
    await page.click('[data-testid="close-final"]');
    await page.click('[data-testid="confirm-close"]');
    await page.waitForSelector('text=“全程”已结算');
    // Closed on Thursday 2 April: 7 working days are 3 April, then (清明 4–6 April off) 7–10 and 13–14 April.
    const notice = (await api('GET', '/v1/competitions/ankang-2026-03/periods/2026-03/notice')) as { endsOn: string };
    expect(notice.endsOn).toBe('2026-04-14');

    // A report about March that arrives now is late: recorded, not counted.
    await api('POST', '/v1/events', [
      { eventId: 'late1', crewId: 'C3', type: 'hazard_found', occurredAt: at('30'), hazardId: 'H9' },
    ]);
    await page.reload();
    await page.waitForSelector('[data-testid="periods-table"] >> text=迟到数据 1 条');
    await page.click('[data-testid="final-2026-03"]');
    await page.waitForSelector('[data-testid="final-table"] .ant-table-row');
    expect(await page.locator('[data-testid="final-table"] .ant-table-row').count()).toBe(5);
    expect(await page.textContent('[data-testid="late-table"]')).toContain('late1');
    await shoot(page, 'final-standings');

    // The frozen standings as the .xlsx union offices file: the same crews, ranks and scores as the API's.
    const final = (await api('GET', '/v1/competitions/ankang-2026-03/periods/2026-03/standings')) as {
      rows: { rank: number | null; crewName: string; score: number }[];
    };
    const workbook = await downloaded(page, () => page.click('.ant-modal [data-testid="download-xlsx"]'));
    expect(workbook.name).toMatch(/^安康杯竞赛.*结算排名\.xlsx$/);
    for (const row of final.rows) {
      const line = workbook.rows.find((cells) => cells[1] === row.crewName);
      expect(line, row.crewName).toBeDefined();
      if (row.rank !== null) expect(line?.[0]).toBe(row.rank);
      expect(line).toContain(row.score);
    }

    // The A4 公示 page, fetched with the token and printed from a frame of the console.
    await page.click('.ant-modal [data-testid="print-page"]');
    await page.click('[data-testid="print-notice"]');
    const sheet = page.frameLocator('[data-testid="print-frame"]');
    await sheet.locator('tbody tr').first().waitFor();
    expect(await sheet.locator('body').textContent()).toContain('浙江能源集团');
    expect(await sheet.locator('tbody tr').count()).toBe(5);
    await shoot(page, 'print');
    // Its print button works inside the console's frame (its script is this server's, as the policy allows).
    await page.$eval('[data-testid="print-frame"]', (frame) => {
      const view = (frame as HTMLIFrameElement).contentWindow;
      if (view) view.print = () => document.body.setAttribute('data-printed', 'yes');
    });
    await sheet.locator('#print-button').click();
    await page.waitForSelector('body[data-printed="yes"]');
    await page.keyboard.press('Escape');
    await settled(page);
    await page.keyboard.press('Escape');
    await page.goto(`${base}/console/competitions`);
    await page.waitForSelector('.ant-table-row');
    expect(await page.textContent('.ant-table-row')).toContain('已结算');
    await expectNoInlineStyles(page);
  });
});
