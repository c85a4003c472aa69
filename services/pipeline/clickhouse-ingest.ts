import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { contentOf, toEventValues } from '../storage/event-row.ts';
import { findRefusedEventRows, findStoredEvents, insertEventRows } from '../storage/events.store.ts';
import { describeInsertError } from '../storage/insert-errors.ts';
import { insertIsolatingRefusedRows } from '../storage/isolate-refused-rows.ts';
import type { StoreTracker } from '../storage/store-tracker.ts';
import { createDedupeStep } from './dedupe-step.ts';
import { createIngestPipeline, type IngestMetrics, type IngestPipeline } from './ingest-pipeline.ts';
import type { KeyFilter } from './key-filter.ts';
import type { StepResult } from './step-result.ts';
import { lifecycleCrews } from '../corrections/correction-steps.ts';

/**
 * POST /v1/events without Kafka: validate -> dedupe against ClickHouse -> insert (group commit).
 * A group ClickHouse refuses for a value it cannot parse is split down to the batches at fault.
 */
export function createClickHouseIngest(deps: {
  client: ClickHouseClient;
  stores: StoreTracker;
  /** Only when this process is the only writer (embedded engine). */
  keyFilter: KeyFilter | undefined;
  validate: (raw: unknown) => StepResult<MetricEvent>;
  onStored: (events: readonly MetricEvent[]) => void;
  metrics: IngestMetrics;
}): IngestPipeline {
  const { client } = deps;
  return createIngestPipeline({
    validate: deps.validate,
    dedupe: createDedupeStep((batch) => findStoredEvents(client, batch), deps.keyFilter, contentOf),
    store: (events) =>
      deps.stores.run(
        (storedAt) =>
          insertEventRows(
            client,
            events.map((e) => toEventValues(e, storedAt)),
            storedAt,
          ),
        events.map((e) => e.crewId),
        lifecycleCrews(events),
      ),
    isolateRefused: (units, insert) => insertIsolatingRefusedRows(units, insert),
    describeRefusal: describeInsertError,
    // received_at is ours, never the reason: any time will do for the probe.
    findRefused: (events, refusal) =>
      findRefusedEventRows(
        client,
        events.map((e) => toEventValues(e, '1970-01-01T00:00:00Z')),
        refusal,
      ),
    onStored: deps.onStored,
    metrics: deps.metrics,
  });
}
