import { chromium, type Browser } from 'playwright-core';
import { movedDateOffsetMs } from './moved-date.ts';

/**
 * Debian's Chromium, driven by playwright-core: `npx playwright install` cannot download browsers
 * here, and a TV runs a Chromium of its own anyway. CHROMIUM_PATH points elsewhere if needed.
 * A missing browser fails the test run; it is never skipped.
 *
 * In a run with the system date moved (scripts/faketime-test.sh), Chromium starts without
 * libfaketime (under it, one page took 112 s instead of 2.5 s) and every new context's clock is
 * set to the moved date with playwright's clock (Date, Intl and timers of the page), so a page
 * sees the date the machine shows. A test can still fix the clock of its own pages.
 */
export async function launchChromium(): Promise<Browser> {
  const env = { ...process.env };
  delete env['LD_PRELOAD'];
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    env,
  });
  if (movedDateOffsetMs() === undefined) return browser;
  const newContext = browser.newContext.bind(browser);
  // Browser.newPage creates its context through newContext, so both are covered.
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.clock.setSystemTime(Date.now());
    return context;
  };
  return browser;
}
