import { sameFacts } from './engine/score-memo.ts';
import type { CrewFacts } from './engine/types.ts';

/**
 * Today's facts of the last read, so a crew whose facts did not change keeps the same record
 * (issue 19). Every competition's score memo then sees an unchanged crew by identity (sameFacts'
 * first test): 300 competitions over 10,000 crews compared each crew's sums by value 300 times per
 * refresh cycle; now the read compares them once. Records are read-only once loaded.
 */
export interface KeptFacts {
  /** The read, with each entrant whose facts equal the last read's of the same window given that record. */
  keep(window: { start: string; asOf: string }, read: Map<string, CrewFacts>): Map<string, CrewFacts>;
}

export function createKeptFacts(): KeptFacts {
  const last = new Map<string, Map<string, CrewFacts>>();
  return {
    keep(window, read) {
      const key = `${window.start}\u0000${window.asOf}`;
      const before = last.get(key);
      if (before) {
        for (const [id, facts] of read) {
          const kept = before.get(id);
          if (kept !== undefined && kept !== facts && sameFacts(kept, facts)) read.set(id, kept);
        }
      }
      // Only the latest day is kept: when the day turns, the day before is left behind.
      for (const k of last.keys()) if (!k.endsWith(`\u0000${window.asOf}`)) last.delete(k);
      last.set(key, read);
      return read;
    },
  };
}
