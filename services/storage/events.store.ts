import type { ClickHouseClient } from '@clickhouse/client';
import {
  CONTENT_COLUMNS,
  EVENT_COLUMNS,
  EVENT_FIELD_OF_COLUMN,
  eventKey,
  type EventColumn,
  type EventContent,
  type EventValues,
} from './event-row.ts';
import { describeInsertError, refusedColumn, refusedRowIndex } from './insert-errors.ts';
import { insertIsolatingRefusedRows } from './isolate-refused-rows.ts';
import { insertRows, tableProbe } from './insert-rows.ts';

// The row mapping lives in event-row.ts; these are re-exported for the modules that store events.
export { EVENT_COLUMNS, eventKey, toEventValues, type EventValues } from './event-row.ts';

const CONTENT_SELECT = CONTENT_COLUMNS.map((c) => (c === 'occurred_at' ? 'toUnixTimestamp64Milli(occurred_at)' : c));
const OCCURRED_AT = CONTENT_COLUMNS.indexOf('occurred_at');

/**
 * The stored content (event-row.ts) of those of these (crew, event id) pairs that are stored, by
 * eventKey. A fresh event is found nowhere, so asking costs what asking for the keys alone did.
 */
export async function findStoredEvents(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, EventContent>> {
  const out = new Map<string, EventContent>();
  if (events.length === 0) return out;
  const crewIds = [...new Set(events.map((e) => e.crewId))];
  const eventIds = [...new Set(events.map((e) => e.eventId))];
  // The primary key (crew_id, event_id) narrows this to the granules of the batch's crews.
  const result = await client.query({
    query: `SELECT crew_id, event_id, ${CONTENT_SELECT.join(', ')} FROM events
            WHERE crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}`,
    query_params: { crewIds, eventIds },
    format: 'JSONCompactEachRow',
  });
  // The two IN lists match every crew with every id: keep the pairs that were asked about.
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  for (const [crewId, eventId, ...content] of await result.json<[string, string, ...(string | number)[]]>()) {
    const key = eventKey(crewId, eventId);
    if (!asked.has(key)) continue;
    // Int64 comes quoted in JSON.
    content[OCCURRED_AT] = Number(content[OCCURRED_AT]);
    out.set(key, content);
  }
  return out;
}

/** Which of these (crew, event id) pairs are stored already. */
export async function findStoredEventKeys(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Set<string>> {
  return new Set((await findStoredEvents(client, events)).keys());
}

/** An events row the table refuses: its index in the rows given, the event field, and why. */
export interface RefusedRow {
  index: number;
  path: string;
  message: string;
}

/**
 * Finds the rows the events table refuses (a value ClickHouse cannot parse or convert) by
 * splitting them as insertIsolatingRefusedRows does, into a probe that keeps nothing
 * (insert-rows.ts tableProbe): nothing is stored. A failure that is not the rows' (an outage) is
 * thrown.
 *
 * The probe has the table's columns but not its constraints: when it takes every row, the insert
 * of these rows was refused by a table rule, and `refusal` (ClickHouse's error for that insert)
 * names the first row and column at fault ("violated at row 3 … Column values: product = …").
 */
export async function findRefusedEventRows(
  client: ClickHouseClient,
  rows: readonly EventValues[],
  refusal?: unknown,
): Promise<RefusedRow[]> {
  if (rows.length === 0) return [];
  const probe = await tableProbe(client, 'events');
  const refused = await insertIsolatingRefusedRows(
    rows.map((values, index) => ({ values, index })),
    (part) =>
      probe(
        part.map((r) => r.values),
        EVENT_COLUMNS,
      ),
  );
  const named = refusedRowIndex(refusal);
  const found =
    refused.length > 0 || named === undefined || named >= rows.length
      ? refused.map(({ row, cause }) => ({ index: row.index, cause }))
      : [{ index: named, cause: refusal }];
  return found.map(({ index, cause }) => {
    const column = refusedColumn(cause);
    const path = column === undefined ? '(root)' : (EVENT_FIELD_OF_COLUMN[column as EventColumn] ?? column);
    return {
      index,
      path,
      message: `存储拒绝了这个值 / storage refused this value: ${describeInsertError(cause)}`,
    };
  });
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

/** An events row with where it was consumed from, as insertConsumedEvents sends it (`values` extended in place). */
export function sourcedEventValues(values: EventValues, storedAt: string, source: EventSource): unknown[] {
  const row: unknown[] = values;
  row.push(storedAt, source.topic, source.partition, source.offset);
  return row;
}

/**
 * Inserts one consumed batch as one INSERT. The token names the batch (topic, partition, offsets):
 * a retry of the same batch sends the same rows with the same token, and ClickHouse drops what
 * the events table and each view already hold from the first attempt, and adds what they miss.
 * `rows` (sourcedEventValues; a retry carries a later stored_at, and the token makes ClickHouse
 * keep the first attempt's rows) is read as the body is sent: a generator's rows need not all
 * exist at once.
 */
export async function insertConsumedEvents(
  client: ClickHouseClient,
  rows: Iterable<readonly unknown[]>,
  deduplicationToken: string,
): Promise<void> {
  await insertRows(client, 'events', rows, SOURCED_EVENT_COLUMNS, {
    insert_deduplication_token: deduplicationToken,
    deduplicate_blocks_in_dependent_materialized_views: 1,
  });
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
