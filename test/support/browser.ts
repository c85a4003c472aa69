import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core: `npx playwright install` cannot download browsers
 * here, and a TV runs a Chromium of its own anyway. CHROMIUM_PATH points elsewhere if needed.
 * A missing browser fails the test run; it is never skipped.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true });
}
