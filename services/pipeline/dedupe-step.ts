import type { MetricEvent } from '../../schemas/event.schema.ts';
import { eventKey } from '../storage/events.store.ts';
import { duplicate, ok, type StepResult } from './step-result.ts';

/**
 * Marks events already stored, or repeated earlier in the same batch, as duplicates:
 * (crewId, eventId) identifies an event, so a client's retry is counted once.
 */
export async function dedupeBatch(
  events: readonly MetricEvent[],
  findStored: (events: readonly MetricEvent[]) => Promise<Set<string>>,
): Promise<StepResult<MetricEvent>[]> {
  const stored = await findStored(events);
  const seen = new Set<string>();
  return events.map((event) => {
    const key = eventKey(event.crewId, event.eventId);
    if (stored.has(key) || seen.has(key)) return duplicate;
    seen.add(key);
    return ok(event);
  });
}
