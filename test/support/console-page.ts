import type { Browser, Page } from 'playwright-core';

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
  document: { getAnimations(): { playState: string }[] };
}

/** Once drawers and dialogs have finished opening (clicks during their motion can miss). */
export const settled = (target: Page): Promise<unknown> =>
  target.waitForFunction(() =>
    (globalThis as unknown as PageWithAnimations).document.getAnimations().every((a) => a.playState !== 'running'),
  );
