import { insertFailureCause } from './insert-errors.ts';

export interface RefusedRow<T> {
  row: T;
  /** ClickHouse's reason, as it said it. */
  error: string;
  /** The error itself: its name and the column it names (insert-errors.ts). */
  cause: unknown;
}

export interface IsolateOptions {
  /** Runs before each further insert of a split (e.g. a consumer's group heartbeat). */
  between?: () => Promise<void>;
}

/**
 * Inserts `rows`; when ClickHouse refuses the insert because of some of its rows, splits it in
 * halves and inserts each, down to the single rows at fault, which are returned (every other row
 * is stored). An outage (insertFailureCause) at any step is thrown: nothing is judged during it.
 *
 * `insert` gets the rows and a label naming them within `rows` ('' for all, then `from-to`
 * index ranges). The split is deterministic, so a retry of the same rows sends the same parts with
 * the same labels: with a deduplication token derived from the label, ClickHouse drops the parts an
 * earlier attempt stored.
 */
export async function insertIsolatingRefusedRows<T>(
  rows: readonly T[],
  insert: (part: readonly T[], label: string) => Promise<void>,
  options: IsolateOptions = {},
): Promise<RefusedRow<T>[]> {
  const refused: RefusedRow<T>[] = [];
  async function attempt(from: number, to: number, label: string): Promise<void> {
    try {
      await insert(rows.slice(from, to), label);
      return;
    } catch (err) {
      if (insertFailureCause(err) === 'outage') throw err;
      const row = rows[from];
      if (to - from === 1 && row !== undefined) {
        refused.push({ row, error: err instanceof Error ? err.message : String(err), cause: err });
        return;
      }
    }
    const middle = from + Math.ceil((to - from) / 2);
    for (const [a, b] of [
      [from, middle],
      [middle, to],
    ] as const) {
      await options.between?.();
      await attempt(a, b, `${a}-${b - 1}`);
    }
  }
  if (rows.length > 0) await attempt(0, rows.length, '');
  return refused;
}
