import type { z } from 'zod';
import type { ImportCounts } from '../../schemas/org-import.schema.ts';

type Counts = z.infer<typeof ImportCounts>;

export const ZERO: Counts = { created: 0, updated: 0, unchanged: 0 };

/**
 * Upserts by key: known items keep their place (replaced when they differ), new ones follow in file
 * order. `onChange` hears each item created or updated, with what it replaces.
 */
export function upsert<T>(
  current: readonly T[],
  incoming: Iterable<T>,
  keyOf: (item: T) => string,
  differs: (existing: T, next: T) => boolean,
  onChange?: (next: T, existing: T | undefined) => void,
): { items: T[]; counts: Counts } {
  const items = [...current];
  const position = new Map(items.map((item, index) => [keyOf(item), index]));
  const counts = { ...ZERO };
  for (const next of incoming) {
    const index = position.get(keyOf(next));
    const existing = index === undefined ? undefined : items[index];
    if (index === undefined || existing === undefined) {
      position.set(keyOf(next), items.length);
      items.push(next);
      counts.created++;
      onChange?.(next, undefined);
    } else if (differs(existing, next)) {
      items[index] = next;
      counts.updated++;
      onChange?.(next, existing);
    } else {
      counts.unchanged++;
    }
  }
  return { items, counts };
}
