import { describe, expect, it } from 'vitest';
import { insertFailureCause } from '../../services/storage/insert-errors.ts';
import { insertIsolatingRefusedRows } from '../../services/storage/isolate-refused-rows.ts';

/** An error as @clickhouse/client's ClickHouseError carries it. */
const clickHouseError = (type: string) => Object.assign(new Error(`${type} happened`), { code: '1', type });

describe('insertFailureCause', () => {
  it.each([
    { name: 'a lone surrogate', err: clickHouseError('CANNOT_PARSE_ESCAPE_SEQUENCE'), want: 'rows' },
    { name: 'a bad date', err: clickHouseError('CANNOT_PARSE_DATETIME'), want: 'rows' },
    { name: 'a constraint', err: clickHouseError('VIOLATED_CONSTRAINT'), want: 'rows' },
    { name: 'a missing table', err: clickHouseError('UNKNOWN_TABLE'), want: 'outage' },
    { name: 'memory', err: clickHouseError('MEMORY_LIMIT_EXCEEDED'), want: 'outage' },
    { name: 'too many parts', err: clickHouseError('TOO_MANY_PARTS'), want: 'outage' },
    {
      name: 'a refused connection',
      err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      want: 'outage',
    },
    { name: 'anything else', err: 'boom', want: 'outage' },
  ])('$name -> $want', ({ err, want }) => {
    expect(insertFailureCause(err)).toBe(want);
  });
});

describe('insertIsolatingRefusedRows', () => {
  function store(refuse: (row: number) => Error | undefined) {
    const stored: number[] = [];
    const labels: string[] = [];
    const insert = (rows: readonly number[], label: string) => {
      labels.push(label);
      const err = rows.map(refuse).find((e) => e !== undefined);
      if (err) return Promise.reject(err);
      stored.push(...rows);
      return Promise.resolve();
    };
    return { stored, labels, insert };
  }
  const rows = Array.from({ length: 10 }, (_, i) => i);

  it('stores everything in one insert when nothing is refused', async () => {
    const s = store(() => undefined);
    expect(await insertIsolatingRefusedRows(rows, s.insert)).toEqual([]);
    expect(s.labels).toEqual(['']);
    expect(s.stored).toEqual(rows);
  });

  it('finds the refused rows by halves and stores every other row, the same way on a retry', async () => {
    const refuse = (row: number) =>
      row === 3 || row === 8 ? clickHouseError('CANNOT_PARSE_ESCAPE_SEQUENCE') : undefined;
    const s = store(refuse);
    const refused = await insertIsolatingRefusedRows(rows, s.insert);
    expect(refused.map((r) => r.row)).toEqual([3, 8]);
    expect(refused[0]?.error).toBe('CANNOT_PARSE_ESCAPE_SEQUENCE happened');
    expect(s.stored.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 9]);
    const again = store(refuse);
    await insertIsolatingRefusedRows(rows, again.insert);
    expect(again.labels).toEqual(s.labels);
  });

  it('throws an outage at any step instead of judging rows', async () => {
    let calls = 0;
    const insert = () =>
      Promise.reject(calls++ === 0 ? clickHouseError('VIOLATED_CONSTRAINT') : clickHouseError('UNKNOWN_TABLE'));
    await expect(insertIsolatingRefusedRows(rows, insert)).rejects.toThrow('UNKNOWN_TABLE');
  });
});
