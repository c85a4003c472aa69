/**
 * The system date moved inside vitest's workers (scripts/faketime-test.sh). libfaketime itself is
 * kept out of the workers (vitest.config.ts): with it preloaded, the embedded ClickHouse the
 * in-process tests start queues on libfaketime's lock for every clock read (a 2 s test file took
 * 110 s). Instead every JavaScript reading of the wall clock in the worker (`Date.now()`,
 * `new Date()`, `Date()`) is moved by libfaketime's own offset (`FAKETIME=+<n>s`), which is what
 * libfaketime does to the same calls; monotonic clocks stay real, as with
 * `FAKETIME_DONT_FAKE_MONOTONIC`. Processes the tests start get libfaketime back through
 * `LD_PRELOAD` (the product's own services then trade it for `CLOCK_START`: spawn-service.ts).
 */

/** The offset of the moved system date in milliseconds, or undefined in an ordinary run. */
export function movedDateOffsetMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const faketime = env['FAKETIME'];
  if (faketime === undefined || faketime === '') return undefined;
  const match = /^([+-]\d+)s$/.exec(faketime);
  if (!match) throw new Error(`FAKETIME=${faketime}: expected an offset like +86400s (scripts/faketime-test.sh)`);
  return Number(match[1]) * 1000;
}

/**
 * A Date whose "now" is the real one moved by offsetMs; everything else is the real Date. `now`
 * can be replaced (a test stepping a TV box's clock does `Date.now = …`). Self-contained: the
 * browser gets its source as an init script (browser.ts).
 */
export function movedDate(RealDate: DateConstructor, offsetMs: number): DateConstructor {
  const moved = (): number => RealDate.now() + offsetMs;
  let now: () => number = moved;
  return new Proxy(RealDate, {
    construct: (target, args: unknown[], newTarget: () => unknown) =>
      Reflect.construct(target, args.length === 0 ? [moved()] : args, newTarget) as object,
    apply: () => new RealDate(moved()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
    set: (target, property, value, receiver) => {
      if (property !== 'now') return Reflect.set(target, property, value, receiver);
      now = value as () => number;
      return true;
    },
  });
}
