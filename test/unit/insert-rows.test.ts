import { describe, expect, it } from 'vitest';
import { rowChunks } from '../../services/storage/insert-rows.ts';

describe('rowChunks: the body of a JSON rows insert, in pieces', () => {
  it('is every row once, in order, as comma-separated JSON values, whatever the row count', () => {
    for (const count of [1, 1_999, 2_000, 2_001, 4_500]) {
      const rows = Array.from({ length: count }, (_, i) => [`e-${i}`, 'say "hi",\n[ok]', i, 1.5]);
      const pieces = [...rowChunks(rows)];
      expect(pieces).toHaveLength(Math.ceil(count / 2_000));
      // Comma-separated rows are what JSONCompactEachRow and JSONEachRow read; inside brackets
      // they are one JSON array, which shows that nothing was lost, split or doubled.
      expect(JSON.parse(`[${pieces.join('')}]`)).toEqual(rows);
    }
  });

  it('takes rows from a generator as the body is read: one piece of rows at a time, not the whole insert', () => {
    let made = 0;
    function* rows() {
      for (let i = 0; i < 4_500; i++) {
        made++;
        yield [`e-${i}`, i];
      }
    }
    const pieces = rowChunks(rows());
    const first = pieces.next();
    expect(first.done).toBe(false);
    expect(made).toBe(2_000);
    const rest = [...pieces];
    expect(made).toBe(4_500);
    expect(JSON.parse(`[${[first.value as string, ...rest].join('')}]`)).toHaveLength(4_500);
  });

  it('serialises objects the same way (JSONEachRow)', () => {
    const rows = [
      { a: 'x', b: 1 },
      { a: 'y,}', b: 2 },
    ];
    expect([...rowChunks(rows)]).toEqual(['{"a":"x","b":1},{"a":"y,}","b":2}']);
  });
});
