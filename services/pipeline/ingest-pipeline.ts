import type { MetricEvent } from '../../schemas/event.schema.ts';
import { AppError, UnavailableError, type FieldError } from '../shared/errors.ts';
import { eventKey } from '../storage/event-row.ts';
import type { DedupeOutcome } from './dedupe-step.ts';
import type { StepResult } from './step-result.ts';

export interface RejectedEvent {
  index: number;
  eventId: string | null;
  errors: FieldError[];
}

export interface IngestReport {
  /** Events stored by this request. */
  accepted: number;
  /** Events that were stored before (or repeated within the request): not stored again. */
  duplicates: { index: number; eventId: string }[];
  /** Events whose id was used before for other content: not stored, the first version stays. */
  conflicts: { index: number; eventId: string; fields: string[] }[];
  /** Events refused (by validation, or by storage). When any is, nothing of the batch is stored. */
  rejected: RejectedEvent[];
  /** Set when storage, not validation, refused the batch: what it said. */
  storageRefusal?: string;
}

export interface IngestMetrics {
  accepted(n: number): void;
  duplicates(n: number): void;
  conflicts(n: number): void;
  rejected(n: number): void;
  /** Events of batches storage refused (a value it cannot parse that validation let through). */
  storageRefused(n: number): void;
  stored(seconds: number): void;
}

/** An event storage refuses: its index in the list given to findRefused, the field, and why. */
export interface RefusedEvent {
  index: number;
  path: string;
  message: string;
}

/** What the pipeline carries: events, or corrections of events (services/corrections/). */
export interface KeyedRecord {
  crewId: string;
  eventId: string;
}

export interface IngestDeps<T extends KeyedRecord = MetricEvent> {
  validate: (raw: unknown) => StepResult<T>;
  dedupe: (events: readonly T[]) => Promise<DedupeOutcome<T>>;
  store: (events: readonly T[]) => Promise<void>;
  /**
   * Storage refusing some of what it is given (a value it cannot parse), not failing for an
   * outage: stores `units` through `insert`, splitting them down to the units at fault, which it
   * returns with why; an outage is thrown. Without it every failure is an outage (503, resend).
   */
  isolateRefused?: <T>(
    units: readonly T[],
    insert: (part: readonly T[]) => Promise<void>,
  ) => Promise<{ row: T; cause: unknown }[]>;
  /** What storage said, in one line. */
  describeRefusal?: (cause: unknown) => string;
  /**
   * Which of these events storage refuses, storing none of them; `refusal` is what storage said
   * when it refused them (inserted alone, in this order).
   */
  findRefused?: (events: readonly T[], refusal: unknown) => Promise<RefusedEvent[]>;
  /** Called after the store acknowledged, e.g. to refresh standings. */
  onStored: (events: readonly T[]) => void;
  metrics: IngestMetrics;
}

function eventIdOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'eventId' in raw && typeof raw.eventId === 'string') {
    return raw.eventId;
  }
  return null;
}

export interface IngestPipeline {
  ingest: (items: readonly unknown[]) => Promise<IngestReport>;
  /** Resolves when the batches accepted so far are stored. */
  drain: () => Promise<void>;
}

interface PendingBatch<T> {
  valid: { index: number; event: T }[];
  resolve: (report: IngestReport) => void;
  reject: (err: unknown) => void;
}

/** One batch of a group after dedupe: what it has to store, and what it repeats. */
interface Part<T> {
  batch: PendingBatch<T>;
  /** The batch's new events, and the index of each in the request. */
  fresh: T[];
  freshIndexes: number[];
  duplicates: IngestReport['duplicates'];
  conflicts: IngestReport['conflicts'];
  /** Other batches of the group whose new events this one repeats: it is answered as they are stored. */
  repeats: Set<Part<T>>;
}

type PartOutcome =
  | { kind: 'stored' }
  | { kind: 'refused'; rejected: RejectedEvent[]; reason: string }
  | { kind: 'unavailable'; err: unknown };

/** Batches that arrive while a store runs are stored together in the next one (group commit). */
const MAX_GROUP_EVENTS = 50_000;
/**
 * Two groups in flight let one group's duplicate lookup overlap the other's insert; the dedupe
 * step's claims keep them from storing the same event twice.
 */
const MAX_CONCURRENT_GROUPS = 2;

const unavailable = (cause: unknown) =>
  cause instanceof AppError
    ? cause
    : new UnavailableError('the events could not be stored now; resend the batch', 5, { cause });

/**
 * validate -> dedupe -> store, all-or-nothing per batch: a batch with any invalid event stores
 * nothing and reports every problem, so a sender fixes and resends it whole (duplicates are
 * then recognised). Concurrent batches are stored together (group commit); each request is
 * answered only after ClickHouse acknowledged the insert that holds its events.
 *
 * One batch never fails the others of its group: when storage refuses a group for its events
 * (validation never knows every value storage refuses), the group is split in halves and each
 * stored again, down to the single batches at fault, which are refused whole (422, with the
 * events and fields storage named). A failed insert stores nothing, so no event is stored twice
 * or half. An outage fails the whole group with a 503 and refuses nothing.
 */
export function createIngestPipeline<T extends KeyedRecord = MetricEvent>(deps: IngestDeps<T>): IngestPipeline {
  const waiting: PendingBatch<T>[] = [];
  let active = 0;
  const idleWaiters: (() => void)[] = [];

  /** Sorts the group's events by the dedupe step's verdict into one part per batch. */
  async function dedupeGroup(group: PendingBatch<T>[]) {
    const events = group.flatMap((b) => b.valid.map((v) => v.event));
    const { results, release } = await deps.dedupe(events);
    /** The part storing each key new in this group; needed only when something repeats. */
    const owner = results.some((r) => r.kind !== 'ok') ? new Map<string, Part<T>>() : undefined;
    let at = 0;
    /** Every part's new events, in order: what the first insert sends. */
    const fresh: T[] = [];
    const parts = group.map((batch): Part<T> => {
      const part: Part<T> = { batch, fresh: [], freshIndexes: [], duplicates: [], conflicts: [], repeats: new Set() };
      for (const item of batch.valid) {
        const result = results[at++];
        const key = owner && eventKey(item.event.crewId, item.event.eventId);
        if (result?.kind === 'ok') {
          part.fresh.push(result.value);
          part.freshIndexes.push(item.index);
          fresh.push(result.value);
          if (key !== undefined) owner?.set(key, part);
          continue;
        }
        if (result?.kind === 'conflict') {
          part.conflicts.push({ index: item.index, eventId: item.event.eventId, fields: result.fields });
        } else part.duplicates.push({ index: item.index, eventId: item.event.eventId });
        const first = key === undefined ? undefined : owner?.get(key);
        if (first !== undefined && first !== part) part.repeats.add(first);
      }
      return part;
    });
    return { parts, fresh, release };
  }

  async function timedStore(events: readonly T[]): Promise<void> {
    const started = performance.now();
    await deps.store(events);
    deps.metrics.stored((performance.now() - started) / 1000);
  }

  /** A batch storage refused on its own: find the events at fault without storing any. */
  async function refusal(part: Part<T>, cause: unknown): Promise<PartOutcome> {
    const reason = deps.describeRefusal?.(cause) ?? String(cause);
    let refused: RefusedEvent[];
    try {
      refused = (await deps.findRefused?.(part.fresh, cause)) ?? [];
    } catch (probeErr) {
      return { kind: 'unavailable', err: probeErr };
    }
    const rejected = refused.flatMap(({ index, path, message }) => {
      const event = part.fresh[index];
      const at = part.freshIndexes[index];
      return event && at !== undefined ? [{ index: at, eventId: event.eventId, errors: [{ path, message }] }] : [];
    });
    return { kind: 'refused', rejected, reason };
  }

  /**
   * Stores the parts' new events in one insert; if storage refuses it for its events, in halves,
   * and so on down to the batches at fault (deps.isolateRefused). Each insert either stores all
   * its rows or none, and a stored part is never sent again. An outage fails the parts not stored
   * by then (resent, what was stored comes back as duplicates).
   */
  async function storeParts(
    parts: Part<T>[],
    outcomes: Map<Part<T>, PartOutcome>,
    events: readonly T[],
  ): Promise<void> {
    const insert = async (sub: readonly Part<T>[]) => {
      await timedStore(sub.length === parts.length ? events : sub.flatMap((p) => p.fresh));
      for (const part of sub) outcomes.set(part, { kind: 'stored' });
    };
    try {
      let refused: { row: Part<T>; cause: unknown }[] = [];
      if (deps.isolateRefused) refused = await deps.isolateRefused(parts, insert);
      else await insert(parts);
      for (const { row, cause } of refused) {
        outcomes.set(row, await refusal(row, cause));
      }
    } catch (err) {
      for (const part of parts) if (!outcomes.has(part)) outcomes.set(part, { kind: 'unavailable', err });
    }
  }

  async function runGroup(group: PendingBatch<T>[]): Promise<void> {
    let deduped: Awaited<ReturnType<typeof dedupeGroup>>;
    try {
      deduped = await dedupeGroup(group);
    } catch (err) {
      for (const batch of group) batch.reject(unavailable(err));
      return;
    }
    const { parts, fresh, release } = deduped;
    const outcomes = new Map<Part<T>, PartOutcome>();
    const toStore = parts.filter((p) => p.fresh.length > 0);
    try {
      if (toStore.length > 0) await storeParts(toStore, outcomes, fresh);
    } finally {
      // Stored, or failed in an outage (a timed-out insert may have been applied): the filter
      // learns them. Refused inserts stored nothing. Either way the claims go.
      const mayBeStored = toStore.filter((p) => outcomes.get(p)?.kind !== 'refused');
      release(mayBeStored.length === toStore.length ? fresh : mayBeStored.flatMap((p) => p.fresh));
    }
    const allStored = toStore.every((p) => outcomes.get(p)?.kind === 'stored');
    const storedEvents: T[] = allStored ? fresh : [];
    let duplicates = 0;
    let conflicts = 0;
    for (const part of parts) {
      const outcome = outcomes.get(part) ?? { kind: 'stored' };
      const { batch } = part;
      if (outcome.kind === 'unavailable') {
        batch.reject(unavailable(outcome.err));
        continue;
      }
      if (outcome.kind === 'refused') {
        deps.metrics.storageRefused(batch.valid.length);
        batch.resolve({
          accepted: 0,
          duplicates: [],
          conflicts: [],
          rejected: outcome.rejected,
          storageRefusal: outcome.reason,
        });
        continue;
      }
      if (!allStored) for (const event of part.fresh) storedEvents.push(event);
      duplicates += part.duplicates.length;
      conflicts += part.conflicts.length;
      // What this batch repeats was to be stored by another batch of the group that was not:
      // its answer would be wrong; the sender resends, and then it is stored or refused itself.
      const lost = [...part.repeats].find((p) => outcomes.get(p)?.kind !== 'stored');
      if (lost) {
        batch.reject(
          new UnavailableError(
            'an event of this batch (same crewId and eventId) came at the same time in another request that was not stored; resend the batch',
            1,
          ),
        );
        continue;
      }
      batch.resolve({
        accepted: part.fresh.length,
        duplicates: part.duplicates,
        conflicts: part.conflicts,
        rejected: [],
      });
    }
    if (storedEvents.length > 0) deps.onStored(storedEvents);
    deps.metrics.accepted(storedEvents.length);
    deps.metrics.duplicates(duplicates);
    deps.metrics.conflicts(conflicts);
  }

  /** Takes the waiting batches, up to MAX_GROUP_EVENTS, as one group. */
  function takeGroup(): PendingBatch<T>[] {
    const group: PendingBatch<T>[] = [];
    let size = 0;
    while (waiting.length > 0 && (group.length === 0 || size + (waiting[0]?.valid.length ?? 0) <= MAX_GROUP_EVENTS)) {
      const next = waiting.shift();
      if (!next) break;
      group.push(next);
      size += next.valid.length;
    }
    return group;
  }

  /** Starts groups while fewer than MAX_CONCURRENT_GROUPS run; each finished group starts the next. */
  function pump(): void {
    while (active < MAX_CONCURRENT_GROUPS && waiting.length > 0) {
      active++;
      void runGroup(takeGroup()).finally(() => {
        active--;
        pump();
        if (active === 0 && waiting.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      });
    }
  }

  function enqueue(valid: PendingBatch<T>['valid']): Promise<IngestReport> {
    const report = new Promise<IngestReport>((resolve, reject) => waiting.push({ valid, resolve, reject }));
    pump();
    return report;
  }

  return {
    ingest: async (items) => {
      const valid: PendingBatch<T>['valid'] = [];
      const rejected: RejectedEvent[] = [];
      items.forEach((raw, index) => {
        const result = deps.validate(raw);
        if (result.kind === 'ok') valid.push({ index, event: result.value });
        else if (result.kind === 'reject') rejected.push({ index, eventId: eventIdOf(raw), errors: result.errors });
      });
      if (rejected.length > 0) {
        deps.metrics.rejected(rejected.length);
        return { accepted: 0, duplicates: [], conflicts: [], rejected };
      }
      return enqueue(valid);
    },
    drain: async () => {
      if (active === 0 && waiting.length === 0) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
