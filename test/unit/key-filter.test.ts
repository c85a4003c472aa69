import { describe, expect, it } from 'vitest';
import { createKeyFilter } from '../../services/pipeline/key-filter.ts';

const keyAt = (i: number): [string, string] => [`C${i % 97}-${i % 7}`, `evt-${i}`];

describe('key filter', () => {
  it.each([
    { name: 'within the first filter', capacity: 20_000, n: 10_000 },
    { name: 'after growing into a chain of filters', capacity: 64, n: 20_000 },
  ])('never forgets a key it was given ($name)', ({ capacity, n }) => {
    const filter = createKeyFilter(capacity);
    for (let i = 0; i < n; i++) filter.add(...keyAt(i));
    const forgotten: number[] = [];
    for (let i = 0; i < n; i++) if (!filter.mightContain(...keyAt(i))) forgotten.push(i);
    expect(forgotten).toEqual([]);
    expect(filter.size).toBe(n);
  });

  it('knows a key given as ClickHouse TabSeparated bytes by its crew and event id', () => {
    const filter = createKeyFilter(1_000);
    const output = Buffer.from('C1\tevt-1\nC2\tevt-2\n', 'latin1');
    filter.addLine(output, 0, 8);
    filter.addLine(output, 9, 17);
    expect([filter.mightContain('C1', 'evt-1'), filter.mightContain('C2', 'evt-2')]).toEqual([true, true]);
    // The separator counts: the same characters split elsewhere are another key.
    expect(filter.mightContain('C1e', 'vt-1')).toBe(false);
  });

  it('answers "maybe" for very few keys it was not given, even after growing', () => {
    const filter = createKeyFilter(10_000);
    for (let i = 0; i < 40_000; i++) filter.add('C1', `in-${i}`);
    let maybes = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mightContain('C1', `out-${i}`)) maybes++;
    // Designed for about 2 in 10,000 (3 after growing); a weak hash, correlated bit positions or a
    // wrong size answer "maybe" far more often (bits in an arithmetic progression: 29 in 10,000).
    expect(maybes).toBeLessThan(60);
  });
});
