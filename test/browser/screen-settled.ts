import type { Page } from 'playwright-core';

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
