import type { ClickHouseClient } from '@clickhouse/client';
import type { IngestRecord } from '../../corrections/correction-steps.ts';
import type { ConsumedMessage } from '../../kafka/event-message.ts';
import { findCorrectionSources, insertCorrectionRows, toCorrectionValues } from '../../storage/corrections.store.ts';
import { readStoredEvents, type EventRow } from '../../storage/event-reads.store.ts';
import { replayable } from '../../storage/native-insert.ts';
import {
  eventKey,
  findStoredEventSources,
  insertConsumedEvents,
  sourcedEventValues,
  toEventValues,
  type EventSource,
} from '../../storage/events.store.ts';
import { recordKey, type MessageOutcome } from './consume-steps.ts';

/** The stored copies of these records, keyed by recordKey: events in events, corrections in event_corrections. */
export async function findStoredRecordSources(
  client: ClickHouseClient,
  records: readonly IngestRecord[],
): Promise<Map<string, EventSource[]>> {
  const events = records.filter((r) => r.type !== 'correction');
  const corrections = records.filter((r) => r.type === 'correction');
  const [ofEvents, ofCorrections] = await Promise.all([
    findStoredEventSources(client, events),
    findCorrectionSources(client, corrections),
  ]);
  const out = new Map(ofEvents);
  for (const c of corrections) {
    const sources = ofCorrections.get(eventKey(c.crewId, c.eventId));
    if (sources) out.set(recordKey(c), sources);
  }
  return out;
}

/**
 * The corrected events of the batch's fresh corrections, as stored; a correction of an event that
 * is not stored, or that names it with another time, is a dead letter (only the API sends
 * corrections, and it corrects stored events only).
 */
export async function checkCorrectionTargets(
  client: ClickHouseClient,
  outcomes: readonly MessageOutcome[],
): Promise<{ outcomes: readonly MessageOutcome[]; targets: Map<string, EventRow> }> {
  const corrections = outcomes.flatMap((o) => (o.kind === 'ok' && o.event.type === 'correction' ? [o.event] : []));
  const targets = new Map<string, EventRow>();
  if (corrections.length === 0) return { outcomes, targets };
  for (const [key, stored] of await readStoredEvents(client, corrections)) targets.set(key, stored.row);
  const checked = outcomes.map((o): MessageOutcome => {
    if (o.kind !== 'ok' || o.event.type !== 'correction') return o;
    const target = targets.get(eventKey(o.event.crewId, o.event.eventId));
    const sameTime =
      target && Date.parse(`${target.occurred_at.replace(' ', 'T')}Z`) === Date.parse(o.event.occurredAt);
    if (target && sameTime) return o;
    return {
      kind: 'dead-letter',
      message: o.message,
      reason: {
        code: 'correction_target_unknown',
        message: target
          ? `event "${o.event.eventId}" of crew "${o.event.crewId}" happened at ${target.occurred_at} UTC, not ${o.event.occurredAt}`
          : `no stored event "${o.event.eventId}" of crew "${o.event.crewId}" to correct`,
      },
    };
  });
  return { outcomes: checked, targets };
}

/** A fresh record of a consumed batch, as decodeBatch found it. */
export interface ConsumedRow {
  message: ConsumedMessage;
  event: IngestRecord;
  receivedAtMs: number;
}

/**
 * Stores a batch's fresh records: events and the corrections' replacements in one events insert
 * (the batch's token), then the corrections (the token suffixed). A retry of the batch sends both
 * again unchanged and ClickHouse completes what the first attempt missed; the corrections go last,
 * so a withdrawal is never stored without its replacement. Each events row is built as the body
 * is sent and dropped once serialised.
 */
export async function insertConsumedRecords(
  client: ClickHouseClient,
  rows: readonly ConsumedRow[],
  /** Where the rows were consumed from: one partition, or each row's (an insert group's rows). */
  from: { topic: string; partition: number | ((row: ConsumedRow) => number) },
  targets: ReadonlyMap<string, EventRow>,
  deduplicationToken: string,
  storedAt: string,
): Promise<void> {
  const { topic, partition } = from;
  const receivedAt = isoTimes();
  const sourceOf = (row: ConsumedRow): EventSource => ({
    topic,
    partition: typeof partition === 'number' ? partition : partition(row),
    offset: Number(row.message.offset),
  });
  function* eventRows(): Generator<unknown[]> {
    for (const row of rows) {
      const { event, receivedAtMs } = row;
      const record = event.type === 'correction' ? event.replacement : event;
      if (record === undefined) continue;
      yield sourcedEventValues(toEventValues(record, receivedAt(receivedAtMs)), storedAt, sourceOf(row));
    }
  }
  await insertConsumedEvents(client, replayable(eventRows), deduplicationToken);
  const corrections = rows.flatMap((row) => {
    const { event } = row;
    if (event.type !== 'correction') return [];
    const target = targets.get(eventKey(event.crewId, event.eventId));
    return target ? [toCorrectionValues(event, target, storedAt, sourceOf(row))] : [];
  });
  await insertCorrectionRows(client, corrections, `${deduplicationToken}:corrections`);
}

/** ISO 8601 of epoch milliseconds, remembering the last: a batch's messages share few timestamps. */
function isoTimes(): (ms: number) => string {
  let lastMs = Number.NaN;
  let last = '';
  return (ms) => {
    if (ms !== lastMs) {
      last = new Date(ms).toISOString();
      lastMs = ms;
    }
    return last;
  };
}

/** The event keys a batch stored: its events and the corrections' replacements. */
export function storedEventKeys(records: readonly IngestRecord[]): { crewId: string; eventId: string }[] {
  return records.flatMap((r) => (r.type !== 'correction' ? [r] : r.replacement ? [r.replacement] : []));
}
