import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core: `npx playwright install` cannot download browsers
 * here, and a TV runs a Chromium of its own anyway. CHROMIUM_PATH points elsewhere if needed.
 * A missing browser fails the test run; it is never skipped.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true });
}

/** Until a big screen's rows have glided into place and banners are gone: what a viewer sees after a moment. */
export const screenSettled = (page: Page) =>
  page.waitForFunction(
    () =>
      document.getAnimations().every((animation) => {
        // The live dot pulses and the page timer runs all the time; rows and banners settle.
        const target = animation.effect instanceof KeyframeEffect ? animation.effect.target : null;
        return !target?.closest('[data-crew-id], #celebration');
      }),
    undefined,
    // A queue of up to five 3.2 s celebrations may be showing.
    { timeout: 25_000 },
  );
