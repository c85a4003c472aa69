import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';

// On whatever date the machine shows (scripts/faketime-test.sh moves it), a page sees that date,
// as a TV's browser would: launchChromium moves the pages' Date when the date is moved.
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const pageNow = () => Date.now();

it("a page's clock shows the machine's date, also for a page opened later in a context", async () => {
  const page = await browser.newPage();
  const context = await browser.newContext();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const later = await context.newPage();
  await later.goto('data:text/html,<p>later</p>');
  for (const shown of [await page.evaluate(pageNow), await later.evaluate(() => new Date().getTime())]) {
    expect(Math.abs(shown - Date.now())).toBeLessThan(1_500);
  }
  // A test can still step or fix a page's clock on top of it.
  await later.evaluate(() => {
    const base = Date.now.bind(Date);
    Date.now = () => base() - 3_600_000;
  });
  expect(Date.now() - (await later.evaluate(pageNow))).toBeGreaterThan(3_590_000);
  await later.clock.setFixedTime(Date.now() + 86_400_000);
  expect((await later.evaluate(pageNow)) - Date.now()).toBeGreaterThan(86_000_000);
  await context.close();
  await page.close();
});
