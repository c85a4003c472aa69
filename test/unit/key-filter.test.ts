import { describe, expect, it } from 'vitest';
import { createKeyFilter } from '../../services/pipeline/key-filter.ts';

describe('key filter', () => {
  it.each([
    ['within the first segment', 20_000, 10_000],
    ['after growing into more segments', 64, 5_000],
  ])('never forgets a key it was given (%s)', (_name, capacity, n) => {
    const filter = createKeyFilter(capacity);
    const keys = Array.from({ length: n }, (_, i) => `C${i % 97}\u0000evt-${i}`);
    for (const key of keys) filter.add(key);
    expect(keys.filter((k) => !filter.mightContain(k))).toEqual([]);
    expect(filter.size).toBe(n);
  });

  it('says "maybe" for few keys it was not given', () => {
    const filter = createKeyFilter(10_000);
    for (let i = 0; i < 10_000; i++) filter.add(`C1\u0000in-${i}`);
    let maybes = 0;
    for (let i = 0; i < 10_000; i++) if (filter.mightContain(`C1\u0000out-${i}`)) maybes++;
    // Designed for about 1 %; a broken hash would answer "maybe" for far more.
    expect(maybes).toBeLessThan(300);
  });
});
