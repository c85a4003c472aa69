import { movedDate, movedDateOffsetMs } from './moved-date.ts';

/**
 * vitest's setup file in a run with the system date moved (vitest.config.ts adds it only then):
 * moves the worker's Date and gives libfaketime back to the processes the tests start.
 */
const installed = Symbol.for('leaderboard.movedDate');
const offsetMs = movedDateOffsetMs();
const global = globalThis as typeof globalThis & { [installed]?: true };
if (offsetMs !== undefined && global[installed] !== true) {
  globalThis.Date = movedDate(Date, offsetMs);
  global[installed] = true;
  const preload = process.env['FAKETIME_CHILD_PRELOAD'];
  if (preload !== undefined && preload !== '') process.env['LD_PRELOAD'] = preload;
}
