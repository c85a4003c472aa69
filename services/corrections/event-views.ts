import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type { CorrectionView, EventWithState } from '../../schemas/correction.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { findCorrectionsOf, findCorrectionsReplacedBy, type StoredCorrection } from '../storage/corrections.store.ts';
import { readStoredEvents, type StoredEvent } from '../storage/event-reads.store.ts';
import { eventKey } from '../storage/events.store.ts';
import { lateNotices, scoreChangeOf, type ScoreChange } from './late-notices.ts';

export type EventView = z.infer<typeof EventWithState>;
export type CorrectionViewT = z.infer<typeof CorrectionView>;

export interface EventViewsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
}

/** The changes to scores a correction makes: its event's, and its replacement's when stored. */
function changesOf(c: StoredCorrection, replacement: StoredEvent | undefined): ScoreChange[] {
  const storedAt = c.storedAt;
  return [
    { crewId: c.crewId, personId: c.personId, occurredAt: c.occurredAt, storedAt },
    ...(replacement ? [{ ...scoreChangeOf(replacement.event), storedAt }] : []),
  ];
}

export function correctionView(c: StoredCorrection, late: CorrectionViewT['late']): CorrectionViewT {
  return {
    correctionId: c.correctionId,
    action: c.action,
    crewId: c.crewId,
    eventId: c.eventId,
    reason: c.reason,
    author: c.author,
    requestedAt: c.requestedAt,
    storedAt: c.storedAt,
    replacement: c.replacement,
    late,
  };
}

/** Views of stored corrections, each with the closed periods it reached late. */
export async function correctionViews(
  deps: EventViewsDeps,
  corrections: readonly StoredCorrection[],
): Promise<CorrectionViewT[]> {
  const replacements = await readStoredEvents(
    deps.client,
    corrections.flatMap((c) => c.replacement ?? []),
  );
  const late = await lateNotices(
    deps.client,
    deps.catalog,
    corrections.map((c) =>
      changesOf(c, c.replacement ? replacements.get(eventKey(c.replacement.crewId, c.replacement.eventId)) : undefined),
    ),
  );
  return corrections.map((c, i) => correctionView(c, late[i] ?? []));
}

/**
 * Stored events with their correction state: withdrawn or corrected (by which correction, why,
 * who, when, and the closed periods it reached late), and whether an event replaces another.
 */
export async function describeEvents(deps: EventViewsDeps, stored: readonly StoredEvent[]): Promise<EventView[]> {
  const keys = stored.map((s) => s.event);
  const [corrections, replacing] = await Promise.all([
    findCorrectionsOf(deps.client, keys),
    findCorrectionsReplacedBy(deps.client, keys),
  ]);
  const ordered = [...corrections.values()];
  const views = new Map(
    (await correctionViews(deps, ordered)).map((v, i) => [
      eventKey(ordered[i]?.crewId ?? '', ordered[i]?.eventId ?? ''),
      v,
    ]),
  );
  return stored.map((s) => {
    const key = eventKey(s.event.crewId, s.event.eventId);
    const correction = views.get(key) ?? null;
    const replaced = replacing.get(key);
    const crew = deps.catalog.crew(s.event.crewId);
    return {
      event: s.event,
      crewName: crew?.crewName ?? null,
      branchId: crew?.branchId ?? null,
      receivedAt: s.receivedAt,
      storedAt: s.storedAt,
      state: correction === null ? 'counted' : correction.action === 'withdraw' ? 'withdrawn' : 'corrected',
      correction,
      replaces: replaced
        ? { crewId: replaced.crewId, eventId: replaced.eventId, correctionId: replaced.correctionId }
        : null,
    };
  });
}
