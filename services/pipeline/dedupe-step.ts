import type { MetricEvent } from '../../schemas/event.schema.ts';
import { contentOf, differingFields, eventKey, type EventContent } from '../storage/event-row.ts';
import type { KeyedRecord } from './ingest-pipeline.ts';
import type { KeyFilter } from './key-filter.ts';
import { conflict, duplicate, ok, type StepResult } from './step-result.ts';

export interface DedupeOutcome<T = MetricEvent> {
  results: StepResult<T>[];
  /**
   * Call once the fresh events' inserts have ended: `stored` are those that are (or, after an
   * outage, may be) stored; the key filter learns exactly these. Releases every claim.
   */
  release: (stored: readonly T[]) => void;
}

export interface DedupeStep<T extends KeyedRecord = MetricEvent> {
  (events: readonly T[]): Promise<DedupeOutcome<T>>;
  /** Keys claimed by batches between lookup and insert (for tests and metrics). */
  inFlight: () => number;
}

/**
 * What an event repeating `earlier` (stored, or before it in the same call) is: a duplicate when
 * the content is the same (a retry), a conflict naming the fields that differ when it is not (the
 * sender used an id twice: the first version stays).
 */
export function repeatOf(event: MetricEvent, earlier: EventContent): StepResult<MetricEvent> {
  return repeatWith(event, earlier, contentOf);
}

/** A record's content as stored (event-row.ts), to tell a retry from another record under a used id. */
export type ContentOf<T> = (record: T) => EventContent;

/** As repeatOf; without a content to compare (no `contentOf`, or none found) a repeat is a duplicate. */
function repeatWith<T>(record: T, earlier: EventContent | undefined, content?: ContentOf<T>): StepResult<T> {
  if (content === undefined || earlier === undefined) return duplicate;
  const fields = differingFields(content(record), earlier);
  return fields.length === 0 ? duplicate : conflict(fields);
}

/**
 * Marks as duplicates the events already stored or repeated earlier in the same batch:
 * (crewId, eventId) identifies an event, so a client's retry is counted once; a repeat with other
 * content is a conflict. Keys are claimed synchronously before the storage lookup, so batches may
 * be looked up and stored concurrently without both storing the same event. A batch that meets a
 * key another batch is still storing waits for that insert to end first: had it answered
 * "duplicate" at once and that insert then failed, the event would be lost.
 *
 * With a filter of the stored keys (only when this process is the only writer), storage is asked
 * only about the events the filter may have seen.
 */
export function createDedupeStep<T extends KeyedRecord = MetricEvent>(
  findStored: (events: readonly T[]) => Promise<ReadonlyMap<string, EventContent> | ReadonlySet<string>>,
  filter?: KeyFilter,
  content?: ContentOf<T>,
): DedupeStep<T> {
  /** Claimed key -> settles when the claiming batch's insert has ended, stored or not. */
  const claimed = new Map<string, Promise<void>>();

  const step = async (events: readonly T[]): Promise<DedupeOutcome<T>> => {
    const keys = events.map((event) => eventKey(event.crewId, event.eventId));
    for (;;) {
      const others = new Set(keys.flatMap((key) => claimed.get(key) ?? []));
      if (others.size === 0) break;
      await Promise.all(others);
    }
    let settle = (): void => undefined;
    const ended = new Promise<void>((resolve) => (settle = resolve));
    const mine: string[] = [];
    const candidates: T[] = [];
    const candidateIndexes: number[] = [];
    /** Events repeating an earlier one of this call (rare): compared with it below. */
    let repeats = false;
    keys.forEach((key, i) => {
      // Claimed here means claimed by this call: the others' claims were waited for above.
      if (claimed.has(key)) {
        repeats = true;
        return;
      }
      claimed.set(key, ended);
      mine.push(key);
      const event = events[i];
      if (event) {
        candidates.push(event);
        candidateIndexes.push(i);
      }
    });
    let stored: ReadonlyMap<string, EventContent> | ReadonlySet<string>;
    try {
      const maybeStored = filter ? candidates.filter((e) => filter.mightContain(e.crewId, e.eventId)) : candidates;
      stored = maybeStored.length > 0 ? await findStored(maybeStored) : new Map<string, EventContent>();
    } catch (err) {
      for (const key of mine) claimed.delete(key);
      settle();
      throw err;
    }
    // Already stored: nothing of ours to insert, so the claim goes at once.
    for (const key of mine) if (stored.has(key)) claimed.delete(key);
    const firstIndex = repeats ? new Map(mine.map((key, k) => [key, candidateIndexes[k] ?? -1])) : undefined;
    const results = events.map((event, i) => {
      const key = keys[i] ?? '';
      if (stored.size > 0 && stored.has(key))
        return repeatWith(event, 'get' in stored ? stored.get(key) : undefined, content);
      const first = firstIndex?.get(key) ?? i;
      const earlier = events[first];
      return first === i || earlier === undefined ? ok(event) : repeatWith(event, content?.(earlier), content);
    });
    return {
      results,
      release: (storedNow) => {
        // Into the filter before the claim goes, so no moment exists where neither knows the key.
        for (const event of storedNow) filter?.add(event.crewId, event.eventId);
        for (const key of mine) if (!stored.has(key)) claimed.delete(key);
        settle();
      },
    };
  };
  return Object.assign(step, { inFlight: () => claimed.size });
}

/**
 * Events bound for Kafka are checked against storage later, by the scoring consumer; here only
 * an event repeated within the batch is reported, as a duplicate or a conflict.
 */
export function dedupeWithinRequest<T extends KeyedRecord>(
  events: readonly T[],
  content?: ContentOf<T>,
): Promise<DedupeOutcome<T>> {
  const seen = new Map<string, T>();
  const results = events.map((event) => {
    const key = eventKey(event.crewId, event.eventId);
    const earlier = seen.get(key);
    if (earlier !== undefined) return repeatWith(event, content?.(earlier), content);
    seen.set(key, event);
    return ok(event);
  });
  return Promise.resolve({ results, release: () => undefined });
}
