import type { ClickHouseClient } from '@clickhouse/client';
import { Counter, type Registry } from 'prom-client';
import type { CorrectionRecord } from '../../schemas/correction.schema.ts';
import { createDedupeStep, dedupeWithinRequest } from '../pipeline/dedupe-step.ts';
import { createIngestPipeline, type IngestMetrics, type IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import type { KeyFilter } from '../pipeline/key-filter.ts';
import { ConflictError } from '../shared/errors.ts';
import { findCorrectionsOf, insertCorrectionRows, toCorrectionValues } from '../storage/corrections.store.ts';
import { readStoredEvents } from '../storage/event-reads.store.ts';
import { eventKey, findStoredEventKeys, insertEventRows, toEventValues } from '../storage/events.store.ts';
import type { StoreTracker } from '../storage/store-tracker.ts';
import { changedCrews, type ValidateCorrection } from './correction-steps.ts';

export function createCorrectionMetrics(registry: Registry): IngestMetrics {
  const corrections = new Counter({
    name: 'leaderboard_corrections_total',
    help: 'Corrections (withdrawn or corrected events) seen by the pipeline, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    accepted: (n) => corrections.inc({ outcome: 'accepted' }, n),
    duplicates: (n) => corrections.inc({ outcome: 'duplicate' }, n),
    // Corrections carry no content to compare, and are never split from a refused insert.
    conflicts: (n) => corrections.inc({ outcome: 'conflict' }, n),
    storageRefused: (n) => corrections.inc({ outcome: 'storage_refused' }, n),
    rejected: (n) => corrections.inc({ outcome: 'rejected' }, n),
    stored: () => undefined,
  };
}

/**
 * Stores corrections: the replacements not stored yet, then the corrections with their events'
 * scored fields as stored. The correction goes last, so a retry after a failure in between finds
 * it missing and completes it, and finds the replacement stored and does not store it twice.
 */
export async function storeCorrections(
  client: ClickHouseClient,
  records: readonly CorrectionRecord[],
  storedAt: string,
  keyFilter?: KeyFilter,
): Promise<void> {
  const targets = await readStoredEvents(client, records);
  const missing = records.find((r) => {
    const target = targets.get(eventKey(r.crewId, r.eventId));
    return !target || Date.parse(target.event.occurredAt) !== Date.parse(r.occurredAt);
  });
  if (missing) {
    // The API corrects only events it has just read, and stored events are never removed.
    throw new ConflictError(
      'event_not_found',
      `事件 "${missing.eventId}"（班组 ${missing.crewId}）未按所述存储，无法更正 / event "${missing.eventId}" of crew ${missing.crewId} is not stored as the correction says; nothing was stored`,
    );
  }
  const replacements = records.flatMap((r) => (r.replacement ? [{ record: r, event: r.replacement }] : []));
  const stored = await findStoredEventKeys(
    client,
    replacements.map((r) => r.event),
  );
  const fresh = replacements.filter((r) => !stored.has(eventKey(r.event.crewId, r.event.eventId)));
  await insertEventRows(
    client,
    fresh.map((r) => toEventValues(r.event, r.record.requestedAt)),
    storedAt,
  );
  for (const r of fresh) keyFilter?.add(r.event.crewId, r.event.eventId);
  await insertCorrectionRows(
    client,
    records.map((r) => {
      const target = targets.get(eventKey(r.crewId, r.eventId));
      if (!target) throw new Error('a corrected event went missing');
      return toCorrectionValues(r, target.row, storedAt);
    }),
  );
}

/**
 * Corrections stored straight into ClickHouse (no Kafka): the ingest pipeline events go through,
 * validate -> dedupe (the corrected event's key in the corrections table) -> store.
 */
export function createStoredCorrectionPipeline(deps: {
  client: ClickHouseClient;
  validate: ValidateCorrection;
  stores: StoreTracker;
  keyFilter?: KeyFilter;
  onStored: (records: readonly CorrectionRecord[]) => void;
  metrics: IngestMetrics;
}): IngestPipeline {
  const { client } = deps;
  return createIngestPipeline<CorrectionRecord>({
    validate: (raw) => deps.validate(raw),
    dedupe: createDedupeStep<CorrectionRecord>(
      async (records) => new Set((await findCorrectionsOf(client, records)).keys()),
    ),
    store: (records) =>
      deps.stores.run((storedAt) => storeCorrections(client, records, storedAt, deps.keyFilter), changedCrews(records)),
    onStored: deps.onStored,
    metrics: deps.metrics,
  });
}

/**
 * Corrections through Kafka: validate -> publish, as events are; the scoring consumer stores them
 * (and finds a retried one stored) exactly as it stores events.
 */
export function createPublishedCorrectionPipeline(deps: {
  validate: ValidateCorrection;
  publish: (records: readonly CorrectionRecord[]) => Promise<void>;
  metrics: IngestMetrics;
}): IngestPipeline {
  return createIngestPipeline<CorrectionRecord>({
    validate: (raw) => deps.validate(raw),
    dedupe: dedupeWithinRequest,
    store: deps.publish,
    onStored: () => undefined,
    metrics: deps.metrics,
  });
}
