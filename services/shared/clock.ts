/**
 * The product's notion of "now". Normally the machine's clock; with CLOCK_START the clock starts at
 * that instant and runs at real speed from there, so a demo, a training session or a test can run
 * "as of" a chosen day (the demo is seeded from the day the product starts) without touching the
 * machine's clock. Elapsed-time measurements (timeouts, debounces) keep using the real clock.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function clockFrom(start: Date | undefined): Clock {
  if (start === undefined) return systemClock;
  const offsetMs = start.getTime() - performance.timeOrigin - performance.now();
  return () => new Date(performance.timeOrigin + performance.now() + offsetMs);
}
