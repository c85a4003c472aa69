import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';

/**
 * A console page at 1440x900 in Chinese, on the test's fixed clock, signed in with a token.
 * Page errors and console errors land in `problems` for the test to assert empty, except what the
 * console provokes on purpose: failed loads the test asks for, and the policy refusing Ant Design's
 * <style> probes of its table and dialog (console.test.ts checks the console injects no other).
 */
export async function signedInConsolePage(
  browser: Browser,
  o: { base: string; token: string; now: Date | number; problems: string[] },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => o.problems.push(err.message));
  page.on('console', (m) => {
    const expected =
      m.text().startsWith('Failed to load resource') || m.text().startsWith('Applying inline style violates');
    if (m.type() === 'error' && !expected) o.problems.push(m.text());
  });
  await page.clock.setFixedTime(new Date(o.now));
  await page.goto(`${o.base}/console`);
  await page.fill('[data-testid="token-input"]', o.token);
  await page.click('[data-testid="sign-in"]');
  await page.waitForSelector('.console-shell');
  return page;
}

/** What settled() reads in the page: test/support compiles without the DOM's types. */
interface PageWithAnimations {
  document: {
    getAnimations(): { playState: string; effect: { getTiming(): { iterations?: number } } | null }[];
  };
}

/** Once drawers and dialogs have finished moving (a spinner's endless turn does not count: it never ends). */
export const settled = (target: Page): Promise<unknown> =>
  target.waitForFunction(() =>
    (globalThis as unknown as PageWithAnimations).document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );

/**
 * Selector tail for an Ant Design popup (a select's dropdown, a popconfirm) that has finished
 * appearing: rc-motion first holds it transparent with its animation paused (which settled() cannot
 * see, and Playwright takes for stable), then grows it in with its -appear or -enter classes. A
 * button or option pressed before then moves from under the pointer before the release, and the
 * click does nothing. A popup closing carries -leave.
 */
export const APPEARED = ':not([class*="-appear"]):not([class*="-enter"]):not([class*="-leave"])';

/** Opens the Ant Design select holding what the selector finds: the select, and its dropdown once it has appeared. */
export async function openSelect(page: Page, selector: string): Promise<{ select: Locator; dropdown: Locator }> {
  const select = page
    .locator(selector)
    .first()
    .locator('xpath=ancestor-or-self::div[contains(concat(" ", @class, " "), " ant-select ")][1]');
  await select.click();
  // The dropdown this select opened (its list is named after the select's input), not one still fading out.
  const id = await select.locator('input').first().getAttribute('id');
  const dropdown = page.locator(`.ant-select-dropdown${APPEARED}:has([id="${id}_list"])`);
  await dropdown.waitFor();
  return { select, dropdown };
}

/**
 * Picks an option of an Ant Design select by its text, in the dropdown this select opened once it
 * has appeared (see APPEARED: under load a pick pressed earlier selected nothing), and waits for
 * the select to show it. A multiple select stays open: the test closes it (Escape) when done.
 */
export async function chooseOption(page: Page, selector: string, option: string): Promise<void> {
  await settled(page);
  const { select, dropdown } = await openSelect(page, selector);
  await dropdown.locator(`.ant-select-item-option[title="${option}"]`).click();
  await select.filter({ hasText: option }).waitFor();
  await settled(page);
}

/** Presses a button of the popconfirm showing now, once it has appeared (a press before may do nothing). */
export async function confirmPopconfirm(page: Page, button = '.ant-btn-primary'): Promise<void> {
  await page.locator(`.ant-popconfirm${APPEARED}:visible`).locator(button).click();
}

/** The dialog showing now, once it has finished appearing (its buttons then stay under the pointer). */
export async function openedDialog(page: Page): Promise<Locator> {
  const dialog = page.locator(`.ant-modal${APPEARED}:visible`).first();
  await dialog.waitFor();
  return dialog;
}

/**
 * Where a console page's picture goes: the README's JPEG under test/browser/screenshots when
 * UPDATE_SCREENSHOTS=1, else a PNG under .tmp/screenshots to look at (the folder is made).
 */
export function consoleShot(name: string): { path: string; type?: 'jpeg'; quality?: number } {
  const readme = process.env['UPDATE_SCREENSHOTS'] === '1';
  const dir = readme ? 'test/browser/screenshots' : '.tmp/screenshots';
  mkdirSync(dir, { recursive: true });
  return {
    path: join(dir, `console-${name}.${readme ? 'jpg' : 'png'}`),
    ...(readme ? { type: 'jpeg' as const, quality: 80 } : {}),
  };
}

/** The errors shown under the form field holding what the selector finds (antd's explain list). */
export function fieldErrors(page: Page, selector: string): Locator {
  return page
    .locator(selector)
    .first()
    .locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-form-item ")][1]')
    .locator('.ant-form-item-explain-error');
}
