import type { MetricEvent } from '../../schemas/event.schema.ts';
import type { FieldError } from '../shared/errors.ts';
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

export interface IngestDeps {
  validate: (raw: unknown) => StepResult<MetricEvent>;
  dedupe: (events: readonly MetricEvent[]) => Promise<StepResult<MetricEvent>[]>;
  store: (events: readonly MetricEvent[]) => Promise<void>;
  /** Called after the store acknowledged, e.g. to refresh standings. */
  onStored: (events: readonly MetricEvent[]) => void;
  metrics: IngestMetrics;
}

function eventIdOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'eventId' in raw && typeof raw.eventId === 'string') {
    return raw.eventId;
  }
  return null;
}

/**
 * validate -> dedupe -> store, all-or-nothing per batch: a batch with any invalid event stores
 * nothing and reports every problem, so a sender fixes and resends it whole (duplicates are
 * then recognised). Dedupe and store run one batch at a time, so two concurrent requests with
 * the same event cannot both store it.
 */
export interface IngestPipeline {
  ingest: (items: readonly unknown[]) => Promise<IngestReport>;
  /** Resolves when the batches accepted so far are stored. */
  drain: () => Promise<void>;
}

export function createIngestPipeline(deps: IngestDeps): IngestPipeline {
  let tail: Promise<unknown> = Promise.resolve();

  async function dedupeAndStore(valid: { index: number; event: MetricEvent }[]): Promise<IngestReport> {
    const results = await deps.dedupe(valid.map((v) => v.event));
    const fresh: MetricEvent[] = [];
    const duplicates: IngestReport['duplicates'] = [];
    results.forEach((result, i) => {
      const item = valid[i];
      if (!item) return;
      if (result.kind === 'ok') fresh.push(result.value);
      else duplicates.push({ index: item.index, eventId: item.event.eventId });
    });
    if (fresh.length > 0) {
      const started = performance.now();
      await deps.store(fresh);
      deps.metrics.stored((performance.now() - started) / 1000);
      deps.onStored(fresh);
    }
    deps.metrics.accepted(fresh.length);
    deps.metrics.duplicates(duplicates.length);
    return { accepted: fresh.length, duplicates, rejected: [] };
  }

  return {
    ingest: async (items) => {
      const valid: { index: number; event: MetricEvent }[] = [];
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
      const run = tail.then(() => dedupeAndStore(valid));
      tail = run.catch(() => undefined);
      return run;
    },
    drain: async () => {
      await tail;
    },
  };
}
