import { describe, expect, it } from 'vitest';
import { SHORT_CODE_ALPHABET, newShortCode, normaliseShortCode, shortPath } from '../../services/screen/short-code.ts';
import { createMissLimiter } from '../../services/shared/miss-limiter.ts';

describe('short codes', () => {
  it('use 31 characters people do not confuse when reading or typing them', () => {
    expect(SHORT_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(SHORT_CODE_ALPHABET).size).toBe(31);
    for (const confusable of ['0', 'O', '1', 'I', 'L']) expect(SHORT_CODE_ALPHABET).not.toContain(confusable);
  });

  it('are 8 characters drawn from the random source', () => {
    const picks = [0, 30, 1, 29, 2, 28, 3, 27];
    let i = 0;
    expect(newShortCode(() => picks[i++] ?? 0)).toBe('2Z3Y4X5W');
    expect(newShortCode()).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  });

  it('are read back as typed: lower case, hyphens, spaces and full-width forgiven; anything else is no code', () => {
    expect(normaliseShortCode('7kq2-mx4p')).toBe('7KQ2MX4P');
    expect(normaliseShortCode(' 7KQ2 MX4P ')).toBe('7KQ2MX4P');
    expect(normaliseShortCode('７ＫＱ２ＭＸ４Ｐ')).toBe('7KQ2MX4P');
    for (const bad of ['7KQ2MX4', '7KQ2MX4PQ', '7KQ2MX4O', '0KQ2MX4P', 'dl_abcdefgh', '', '7KQ2_MX4P']) {
      expect(normaliseShortCode(bad), bad).toBeNull();
    }
    expect(shortPath('7KQ2MX4P')).toBe('/s/7KQ2MX4P');
  });
});

describe('the miss limiter', () => {
  it('holds a key back after max misses within the window from its first miss, then lets it go', () => {
    let now = 1_000_000;
    const misses = createMissLimiter({ max: 3, windowMs: 60_000, now: () => now });
    misses.missed('a');
    misses.missed('a');
    expect(misses.retryAfter('a')).toBe(0);
    now += 10_000;
    misses.missed('a');
    expect(misses.retryAfter('a')).toBe(50);
    expect(misses.retryAfter('b')).toBe(0);
    now += 49_500;
    expect(misses.retryAfter('a')).toBe(1);
    now += 500;
    expect(misses.retryAfter('a')).toBe(0);
    // A new window starts with the next miss.
    misses.missed('a');
    expect(misses.retryAfter('a')).toBe(0);
  });
});
