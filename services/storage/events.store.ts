import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { insertRows } from './insert-rows.ts';

/** Columns of the events table (migrations/0001_events.sql) in the order rows are sent. */
export const EVENT_COLUMNS = [
  'event_id',
  'crew_id',
  'type',
  'occurred_at',
  'received_at',
  'volume',
  'unit',
  'product',
  'amount_cny',
  'severity',
  'hazard_id',
  'violation_kind',
  'person_count',
  'innovation_id',
  'category',
  'status',
  'award_level',
  'benefit_cny',
  'metric_name',
  'value',
  'note',
] as const;

/** One events row as a positional array (JSONCompactEachRow parses far faster than keyed JSON). */
export type EventValues = [
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  string,
  number,
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  number,
  number,
  string,
  number,
  string,
];

export function eventKey(crewId: string, eventId: string): string {
  return `${crewId}\u0000${eventId}`;
}

/**
 * Maps a validated event to its row. occurredAt goes in as sent (ISO 8601 with offset); ClickHouse
 * parses it into UTC, which saves a Date round trip per event on the hot path.
 */
export function toEventValues(event: MetricEvent, receivedAt: string): EventValues {
  const row: EventValues = [
    event.eventId,
    event.crewId,
    event.type,
    event.occurredAt,
    receivedAt,
    0,
    '',
    '',
    0,
    '',
    '',
    '',
    0,
    '',
    '',
    '',
    0,
    0,
    '',
    0,
    event.note ?? '',
  ];
  switch (event.type) {
    case 'sales':
      row[5] = event.volume;
      row[6] = event.unit;
      row[7] = event.product ?? '';
      row[8] = event.amountCny ?? 0;
      break;
    case 'incident':
      row[9] = event.severity;
      break;
    case 'hazard_found':
    case 'hazard_rectified':
      row[10] = event.hazardId;
      break;
    case 'violation':
      row[11] = event.kind;
      row[12] = event.personCount;
      break;
    case 'innovation':
      row[13] = event.innovationId;
      row[14] = event.category;
      row[15] = event.status;
      row[16] = event.awardLevel ?? 0;
      row[17] = event.benefitCny ?? 0;
      break;
    case 'metric':
      row[18] = event.name;
      row[19] = event.value;
      break;
  }
  return row;
}

/** Which of these (crew, event id) pairs are stored already. */
export async function findStoredEventKeys(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const crewIds = [...new Set(events.map((e) => e.crewId))];
  const eventIds = [...new Set(events.map((e) => e.eventId))];
  // The primary key (crew_id, event_id) narrows this to the granules of the batch's crews.
  const result = await client.query({
    query: `SELECT crew_id, event_id FROM events
            WHERE crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}`,
    query_params: { crewIds, eventIds },
    format: 'JSONEachRow',
  });
  // The two IN lists match every crew with every id: keep the pairs that were asked about.
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  const rows = await result.json<{ crew_id: string; event_id: string }>();
  return new Set(rows.map((r) => eventKey(r.crew_id, r.event_id)).filter((key) => asked.has(key)));
}

/**
 * Inserts events; with `storedAt` (migration 0011 on) each row records when it was stored.
 * Without it (a database before 0011) the column is left to its default.
 */
export async function insertEventRows(
  client: ClickHouseClient,
  rows: readonly EventValues[],
  storedAt?: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (storedAt === undefined) await insertRows(client, 'events', rows, EVENT_COLUMNS);
  else
    await insertRows(
      client,
      'events',
      rows.map((r) => [...r, storedAt]),
      STORED_EVENT_COLUMNS,
    );
}

const STORED_EVENT_COLUMNS = [...EVENT_COLUMNS, 'stored_at'] as const;

/** Where an event read from Kafka came from (migrations/0006_kafka_consumer.sql). */
export interface EventSource {
  topic: string;
  partition: number;
  offset: number;
}

const SOURCED_EVENT_COLUMNS = [
  ...EVENT_COLUMNS,
  'stored_at',
  'source_topic',
  'source_partition',
  'source_offset',
] as const;

/**
 * Inserts one consumed batch as one INSERT. The token names the batch (topic, partition, offsets):
 * a retry of the same batch sends the same rows with the same token, and ClickHouse drops what
 * the events table and each view already hold from the first attempt, and adds what they miss.
 */
export async function insertConsumedEvents(
  client: ClickHouseClient,
  rows: readonly { values: EventValues; source: EventSource }[],
  deduplicationToken: string,
  storedAt: string,
): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(
    client,
    'events',
    // A retry carries a later stored_at; the token makes ClickHouse keep the first attempt's rows.
    rows.map(({ values, source }) => [...values, storedAt, source.topic, source.partition, source.offset]),
    SOURCED_EVENT_COLUMNS,
    { insert_deduplication_token: deduplicationToken, deduplicate_blocks_in_dependent_materialized_views: 1 },
  );
}

/** The stored copies of these (crew, event id) pairs, with where each came from. */
export async function findStoredEventSources(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, EventSource[]>> {
  const out = new Map<string, EventSource[]>();
  if (events.length === 0) return out;
  const crewIds = [...new Set(events.map((e) => e.crewId))];
  const eventIds = [...new Set(events.map((e) => e.eventId))];
  const result = await client.query({
    query: `SELECT crew_id, event_id, source_topic, source_partition, source_offset FROM events
            WHERE crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}`,
    query_params: { crewIds, eventIds },
    format: 'JSONCompactEachRow',
  });
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  for (const [crewId, eventId, topic, partition, offset] of await result.json<
    [string, string, string, number, string | number]
  >()) {
    const key = eventKey(crewId, eventId);
    if (!asked.has(key)) continue;
    const sources = out.get(key) ?? [];
    sources.push({ topic, partition, offset: Number(offset) });
    out.set(key, sources);
  }
  return out;
}

export async function countStoredEvents(client: ClickHouseClient): Promise<number> {
  const result = await client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

/** Rows per slice of the key scan: bounds the memory one answer takes (about 50 MB). */
const KEYS_PER_SLICE = 2_000_000;

/**
 * Hands every stored event's key to `onKey` as the bytes `crewId<TAB>eventId` of ClickHouse's
 * TabSeparated output (ids never hold a tab or newline): no string per key, as a table may hold
 * tens of millions. Read in slices by a hash of the key, so no single answer is huge.
 */
export async function forEachStoredEventKey(
  client: ClickHouseClient,
  total: number,
  onKey: (bytes: Uint8Array, start: number, end: number) => void,
): Promise<void> {
  const slices = Math.max(1, Math.ceil(total / KEYS_PER_SLICE));
  for (let slice = 0; slice < slices; slice++) {
    const result = await client.exec({
      query: `SELECT crew_id, event_id FROM events
              WHERE cityHash64(crew_id, event_id) % {slices:UInt32} = {slice:UInt32}
              FORMAT TabSeparated`,
      query_params: { slices, slice },
    });
    let rest: Buffer | undefined;
    for await (const chunk of result.stream as AsyncIterable<Buffer>) {
      const bytes = rest ? Buffer.concat([rest, chunk]) : chunk;
      let from = 0;
      for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, from)) {
        onKey(bytes, from, newline);
        from = newline + 1;
      }
      rest = from < bytes.length ? bytes.subarray(from) : undefined;
    }
    if (rest) onKey(rest, 0, rest.length);
  }
}
