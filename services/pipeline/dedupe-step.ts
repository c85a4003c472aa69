import type { MetricEvent } from '../../schemas/event.schema.ts';
import { eventKey } from '../storage/events.store.ts';
import type { KeyFilter } from './key-filter.ts';
import { duplicate, ok, type StepResult } from './step-result.ts';

export interface DedupeOutcome<T = MetricEvent> {
  results: StepResult<T>[];
  /** Call once the fresh events are stored, or failed to be: releases their claims. */
  release: () => void;
}

export interface DedupeStep<T extends { crewId: string; eventId: string } = MetricEvent> {
  (events: readonly T[]): Promise<DedupeOutcome<T>>;
  /** Keys claimed by batches between lookup and insert (for tests and metrics). */
  inFlight: () => number;
}

/**
 * Marks as duplicates the events already stored or repeated earlier in the same batch:
 * (crewId, eventId) identifies an event, so a client's retry is counted once. Keys are claimed
 * synchronously before the storage lookup, so batches may be looked up and stored concurrently
 * without both storing the same event. A batch that meets a key another batch is still storing
 * waits for that insert to end first: had it answered "duplicate" at once and that insert then
 * failed, the event would be lost.
 *
 * With a filter of the stored keys (only when this process is the only writer), storage is asked
 * only about the events the filter may have seen.
 */
export function createDedupeStep<T extends { crewId: string; eventId: string } = MetricEvent>(
  findStored: (events: readonly T[]) => Promise<Set<string>>,
  filter?: KeyFilter,
): DedupeStep<T> {
  /** Claimed key -> settles when the claiming batch's insert has ended, stored or not. */
  const claimed = new Map<string, Promise<void>>();

  const step = async (events: readonly T[]): Promise<DedupeOutcome<T>> => {
    const allKeys = events.map((event) => eventKey(event.crewId, event.eventId));
    for (;;) {
      const others = new Set(allKeys.flatMap((key) => claimed.get(key) ?? []));
      if (others.size === 0) break;
      await Promise.all(others);
    }
    let settle = (): void => undefined;
    const ended = new Promise<void>((resolve) => (settle = resolve));
    const mine: string[] = [];
    const candidates: T[] = [];
    const keys = events.map((event, i) => {
      const key = allKeys[i] ?? '';
      // Claimed here means claimed by this batch: an earlier event of it has the same key.
      if (claimed.has(key)) return null;
      claimed.set(key, ended);
      mine.push(key);
      candidates.push(event);
      return key;
    });
    let stored: Set<string>;
    try {
      const maybeStored = filter ? candidates.filter((e) => filter.mightContain(e.crewId, e.eventId)) : candidates;
      stored = maybeStored.length > 0 ? await findStored(maybeStored) : new Set();
    } catch (err) {
      for (const key of mine) claimed.delete(key);
      settle();
      throw err;
    }
    // Already stored: nothing of ours to insert, so the claim goes at once.
    for (const key of mine) if (stored.has(key)) claimed.delete(key);
    const results = events.map((event, i) => {
      const key = keys[i];
      return key === null || key === undefined || stored.has(key) ? duplicate : ok(event);
    });
    return {
      results,
      release: () => {
        // Into the filter before the claim goes, so no moment exists where neither knows the key.
        // Also after a failed insert: it may have stored part of the rows, and a key the filter
        // knows but storage does not only costs a lookup.
        candidates.forEach((event, i) => {
          const key = mine[i];
          if (key === undefined || stored.has(key)) return;
          filter?.add(event.crewId, event.eventId);
          claimed.delete(key);
        });
        settle();
      },
    };
  };
  return Object.assign(step, { inFlight: () => claimed.size });
}

/**
 * Events bound for Kafka are checked against storage later, by the scoring consumer; here only
 * an event repeated within the batch is reported as a duplicate.
 */
export function dedupeWithinRequest<T extends { crewId: string; eventId: string }>(
  events: readonly T[],
): Promise<DedupeOutcome<T>> {
  const seen = new Set<string>();
  const results = events.map((event) => {
    const key = eventKey(event.crewId, event.eventId);
    if (seen.has(key)) return duplicate;
    seen.add(key);
    return ok(event);
  });
  return Promise.resolve({ results, release: () => undefined });
}
