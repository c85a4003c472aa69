import type { MetricEvent } from '../../schemas/event.schema.ts';
import { AppError, UnavailableError, type FieldError } from '../shared/errors.ts';
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
  /** Events that failed validation. When any is rejected, nothing of the batch is stored. */
  rejected: RejectedEvent[];
}

export interface IngestMetrics {
  accepted(n: number): void;
  duplicates(n: number): void;
  rejected(n: number): void;
  stored(seconds: number): void;
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

/** Batches that arrive while a store runs are stored together in the next one (group commit). */
const MAX_GROUP_EVENTS = 50_000;
/**
 * Two groups in flight let one group's duplicate lookup overlap the other's insert; the dedupe
 * step's claims keep them from storing the same event twice.
 */
const MAX_CONCURRENT_GROUPS = 2;

/**
 * validate -> dedupe -> store, all-or-nothing per batch: a batch with any invalid event stores
 * nothing and reports every problem, so a sender fixes and resends it whole (duplicates are
 * then recognised). Concurrent batches are stored together (group commit); each request is
 * answered only after ClickHouse acknowledged the insert that holds its events.
 */
export function createIngestPipeline<T extends KeyedRecord = MetricEvent>(deps: IngestDeps<T>): IngestPipeline {
  const waiting: PendingBatch<T>[] = [];
  let active = 0;
  const idleWaiters: (() => void)[] = [];

  async function storeGroup(group: PendingBatch<T>[]): Promise<IngestReport[]> {
    const events = group.flatMap((b) => b.valid.map((v) => v.event));
    const { results, release } = await deps.dedupe(events);
    const fresh: T[] = [];
    let at = 0;
    const reports = group.map((batch) => {
      const duplicates: IngestReport['duplicates'] = [];
      let accepted = 0;
      for (const item of batch.valid) {
        const result = results[at++];
        if (result?.kind === 'ok') {
          fresh.push(result.value);
          accepted++;
        } else duplicates.push({ index: item.index, eventId: item.event.eventId });
      }
      return { accepted, duplicates, rejected: [] };
    });
    try {
      if (fresh.length > 0) {
        const started = performance.now();
        await deps.store(fresh);
        deps.metrics.stored((performance.now() - started) / 1000);
      }
    } finally {
      // Stored (from now on found by the lookup) or failed (the sender retries): either way, unclaim.
      release();
    }
    if (fresh.length > 0) deps.onStored(fresh);
    deps.metrics.accepted(fresh.length);
    deps.metrics.duplicates(events.length - fresh.length);
    return reports;
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

  async function runGroup(group: PendingBatch<T>[]): Promise<void> {
    try {
      const reports = await storeGroup(group);
      group.forEach((batch, i) => {
        const report = reports[i];
        if (report) batch.resolve(report);
      });
    } catch (err) {
      // Storage did not take the group: the sender resends (what was stored comes back as duplicates).
      const answer =
        err instanceof AppError
          ? err
          : new UnavailableError('the events could not be stored now; resend the batch', 5, { cause: err });
      for (const batch of group) batch.reject(answer);
    }
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
        return { accepted: 0, duplicates: [], rejected };
      }
      return enqueue(valid);
    },
    drain: async () => {
      if (active === 0 && waiting.length === 0) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
