import { createHash } from 'node:crypto';

/**
 * An event is corrected at most once: its correction and its replacement take ids derived from
 * the event's key, so a retried correction carries the same ids and is stored once, and the
 * replacement's id cannot be taken by any other correction.
 */
function digest(crewId: string, eventId: string): string {
  return createHash('sha256').update(`${crewId}\u0000${eventId}`).digest('hex').slice(0, 24);
}

export function correctionIdFor(crewId: string, eventId: string): string {
  return `corr-${digest(crewId, eventId)}`;
}

/** The eventId of the event that replaces (crewId, eventId) when it is corrected. */
export function replacementIdFor(crewId: string, eventId: string): string {
  return `fix-${digest(crewId, eventId)}`;
}
