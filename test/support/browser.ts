import { chromium, type Browser } from 'playwright-core';
import { movedDate, movedDateOffsetMs } from './moved-date.ts';

/**
 * A name this Chromium resolves to 127.0.0.1. A page opened by it is not a secure context, as a
 * phone's is at a plain-http LAN address (http://192.168.…), where crypto.randomUUID, the
 * clipboard and service workers do not exist; at localhost or 127.0.0.1 they do.
 */
export const LAN_HOST = 'lan-address.test';

/** The same server's address by LAN_HOST: `http://127.0.0.1:4321` → `http://lan-address.test:4321`. */
export function lanAddress(base: string): string {
  const url = new URL(base);
  url.hostname = LAN_HOST;
  return url.origin;
}

/**
 * Debian's Chromium, driven by playwright-core: `npx playwright install` cannot download browsers
 * here, and a TV runs a Chromium of its own anyway. CHROMIUM_PATH points elsewhere if needed.
 * A missing browser fails the test run; it is never skipped.
 *
 * In a run with the system date moved (scripts/faketime-test.sh), Chromium starts without
 * libfaketime (under it, one page took 112 s instead of 2.5 s) and every new context's pages get
 * the same moved Date as the test's worker (moved-date.ts), so a page sees the date the machine
 * shows. Not playwright's `clock.setSystemTime`: it stamps its steps with the test process's
 * (moved) Date and replays them against the page's real one, so a page opened later in a context
 * ran behind by the context's age (6.7 s after 6 s, measured). A test can still set its pages'
 * clock with `page.clock` on top of this.
 */
export async function launchChromium(): Promise<Browser> {
  const env = { ...process.env };
  delete env['LD_PRELOAD'];
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    env,
    args: [`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`],
  });
  const offsetMs = movedDateOffsetMs();
  if (offsetMs === undefined) return browser;
  const script = `globalThis.Date = (${movedDate.toString()})(Date, ${String(offsetMs)});`;
  const newContext = browser.newContext.bind(browser);
  // Browser.newPage creates its context through newContext, so both are covered.
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript({ content: script });
    return context;
  };
  return browser;
}
