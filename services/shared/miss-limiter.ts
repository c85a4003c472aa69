/**
 * Counts misses (unknown codes) per key, usually a client address, and holds a key back once it
 * has missed `max` times within `windowMs` of its first miss. Hits are not counted: a TV that
 * opens its code is never limited; an address that guesses is, hits included, so a guesser
 * cannot tell a hit from the refusal.
 */
export interface MissLimiter {
  /** Whole seconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string): number;
  missed(key: string): void;
}

export interface MissLimiterOptions {
  max: number;
  windowMs: number;
  /** Milliseconds; the product's clock, so a test can move it. */
  now: () => number;
}

export function createMissLimiter(options: MissLimiterOptions): MissLimiter {
  const { max, windowMs, now } = options;
  const windows = new Map<string, { misses: number; endsAt: number }>();

  function current(key: string, at: number) {
    const window = windows.get(key);
    if (window && window.endsAt <= at) {
      windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Ended windows go, so many addresses trying once each do not grow the map for ever. */
  function prune(at: number): void {
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key);
  }

  return {
    retryAfter(key) {
      const at = now();
      const window = current(key, at);
      return window && window.misses >= max ? Math.ceil((window.endsAt - at) / 1000) : 0;
    },
    missed(key) {
      const at = now();
      if (windows.size >= 10_000) prune(at);
      const window = current(key, at);
      if (window) window.misses += 1;
      else windows.set(key, { misses: 1, endsAt: at + windowMs });
    },
  };
}
