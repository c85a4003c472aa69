import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';

// On whatever date the machine shows (scripts/faketime-test.sh moves it), a page sees that date,
// as a TV's browser would: launchChromium sets the page's clock when the date is moved.
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it("a page's clock shows the machine's date, for pages and for pages of a context", async () => {
  const page = await browser.newPage();
  const context = await browser.newContext();
  const inContext = await context.newPage();
  for (const shown of [await page.evaluate(() => Date.now()), await inContext.evaluate(() => new Date().getTime())]) {
    expect(Math.abs(shown - Date.now())).toBeLessThan(10_000);
  }
  await context.close();
  await page.close();
});
