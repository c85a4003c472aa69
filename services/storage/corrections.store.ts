import type { ClickHouseClient } from '@clickhouse/client';
import type { CorrectionAction, CorrectionRecord } from '../../schemas/correction.schema.ts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.ts';
import type { EventRow } from './event-reads.store.ts';
import { eventKey, type EventSource } from './events.store.ts';
import { insertRows } from './insert-rows.ts';

/**
 * Rows (of events or lifecycle_events) of events that still count: a withdrawn or corrected event
 * drops out of a hazard's or an innovation's lifecycle, and its replacement, an event of its own,
 * comes in. Sums need no such filter: the rollup holds compensating rows.
 */
export const NOT_WITHDRAWN = `(crew_id, event_id) NOT IN (SELECT crew_id, event_id FROM event_corrections)`;

/** A stored correction (migrations/0013_event_corrections.sql). */
export interface StoredCorrection {
  correctionId: string;
  action: CorrectionAction;
  crewId: string;
  eventId: string;
  reason: string;
  author: string;
  requestedAt: string;
  storedAt: string;
  replacement: { crewId: string; eventId: string } | null;
  /** When the corrected event happened (its day is the one the rollup changes). */
  occurredAt: string;
  /** The person the corrected event names, if any (a person-level competition's entrant). */
  personId?: string | undefined;
  source: EventSource;
}

interface CorrectionRow {
  crew_id: string;
  event_id: string;
  correction_id: string;
  action: string;
  reason: string;
  author: string;
  requested_at: string;
  stored_at: string;
  replacement_crew_id: string;
  replacement_event_id: string;
  occurred_at: string;
  person_id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string | number;
}

const COLUMNS = `crew_id, event_id, correction_id, action, reason, author, requested_at, stored_at,
  replacement_crew_id, replacement_event_id, occurred_at, person_id, source_topic, source_partition, source_offset`;

function fromRow(row: CorrectionRow): StoredCorrection {
  return {
    correctionId: row.correction_id,
    action: row.action === 'correct' ? 'correct' : 'withdraw',
    crewId: row.crew_id,
    eventId: row.event_id,
    reason: row.reason,
    author: row.author,
    requestedAt: fromClickHouseTime(row.requested_at),
    storedAt: fromClickHouseTime(row.stored_at),
    replacement:
      row.replacement_event_id === '' ? null : { crewId: row.replacement_crew_id, eventId: row.replacement_event_id },
    occurredAt: fromClickHouseTime(row.occurred_at),
    ...(row.person_id === '' ? {} : { personId: row.person_id }),
    source: { topic: row.source_topic, partition: row.source_partition, offset: Number(row.source_offset) },
  };
}

async function select(
  client: ClickHouseClient,
  where: string,
  params: Record<string, unknown>,
): Promise<StoredCorrection[]> {
  const result = await client.query({
    query: `SELECT ${COLUMNS} FROM event_corrections WHERE ${where} ORDER BY stored_at, crew_id, event_id`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return (await result.json<CorrectionRow>()).map(fromRow);
}

/**
 * The corrections of these events, keyed by the corrected event's eventKey. A correction stored
 * twice (only ever by a consumer's retry) reads as the first.
 */
export async function findCorrectionsOf(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, StoredCorrection>> {
  const out = new Map<string, StoredCorrection>();
  if (events.length === 0) return out;
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  const found = await select(client, 'crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}', {
    crewIds: [...new Set(events.map((e) => e.crewId))],
    eventIds: [...new Set(events.map((e) => e.eventId))],
  });
  for (const c of found) {
    const key = eventKey(c.crewId, c.eventId);
    if (asked.has(key) && !out.has(key)) out.set(key, c);
  }
  return out;
}

/** Every stored copy of the corrections of these events, with where each came from (the consumer's dedupe). */
export async function findCorrectionSources(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, EventSource[]>> {
  const out = new Map<string, EventSource[]>();
  if (events.length === 0) return out;
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  const found = await select(client, 'crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}', {
    crewIds: [...new Set(events.map((e) => e.crewId))],
    eventIds: [...new Set(events.map((e) => e.eventId))],
  });
  for (const c of found) {
    const key = eventKey(c.crewId, c.eventId);
    if (asked.has(key)) out.set(key, [...(out.get(key) ?? []), c.source]);
  }
  return out;
}

/** The corrections whose replacement is one of these events, keyed by the replacement's eventKey. */
export async function findCorrectionsReplacedBy(
  client: ClickHouseClient,
  events: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, StoredCorrection>> {
  const out = new Map<string, StoredCorrection>();
  if (events.length === 0) return out;
  const asked = new Set(events.map((e) => eventKey(e.crewId, e.eventId)));
  const found = await select(
    client,
    'replacement_event_id IN {eventIds:Array(String)} AND replacement_crew_id IN {crewIds:Array(String)}',
    {
      crewIds: [...new Set(events.map((e) => e.crewId))],
      eventIds: [...new Set(events.map((e) => e.eventId))],
    },
  );
  for (const c of found) {
    if (!c.replacement) continue;
    const key = eventKey(c.replacement.crewId, c.replacement.eventId);
    if (asked.has(key) && !out.has(key)) out.set(key, c);
  }
  return out;
}

/**
 * Corrections that touch a crew between two instants: of its events, or bringing a replacement to
 * it. Newest first, at most `limit`, and how many there are.
 */
export async function correctionsTouchingCrew(
  client: ClickHouseClient,
  crewId: string,
  window: { from: Date; to: Date },
  limit: number,
): Promise<{ total: number; corrections: StoredCorrection[] }> {
  const where = `(crew_id = {crewId:String} OR replacement_crew_id = {crewId:String})
                 AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}`;
  const params = { crewId, from: toClickHouseTime(window.from), to: toClickHouseTime(window.to) };
  const [all, counted] = await Promise.all([
    select(client, where, params),
    client
      .query({
        query: `SELECT uniqExact(crew_id, event_id) AS n FROM event_corrections WHERE ${where}`,
        query_params: params,
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ n: string | number }>()),
  ]);
  const seen = new Set<string>();
  const unique = all.filter((c) => {
    const key = eventKey(c.crewId, c.eventId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { total: Number(counted[0]?.n ?? 0), corrections: unique.reverse().slice(0, limit) };
}

/** The event_corrections columns in the order rows are sent. */
const INSERT_COLUMNS = [
  'crew_id',
  'event_id',
  'correction_id',
  'action',
  'reason',
  'author',
  'author_token_id',
  'requested_at',
  'stored_at',
  'replacement_crew_id',
  'replacement_event_id',
  'type',
  'occurred_at',
  'volume',
  'unit',
  'amount_cny',
  'severity',
  'violation_kind',
  'person_count',
  'metric_name',
  'value',
  'person_id',
  'item_id',
  'findings',
  'points',
  'source_topic',
  'source_partition',
  'source_offset',
] as const;

/**
 * A correction's row: its own fields, and the corrected event's scored fields as stored (the
 * rollup subtracts exactly these). Without a source (the HTTP path) the source columns keep their
 * defaults' values.
 */
export function toCorrectionValues(
  record: CorrectionRecord,
  target: EventRow,
  storedAt: string,
  source: EventSource = { topic: '', partition: -1, offset: -1 },
): unknown[] {
  return [
    record.crewId,
    record.eventId,
    record.correctionId,
    record.action,
    record.reason,
    record.author,
    record.authorTokenId,
    record.requestedAt,
    storedAt,
    record.replacement?.crewId ?? '',
    record.replacement?.eventId ?? '',
    target.type,
    target.occurred_at,
    target.volume,
    target.unit,
    target.amount_cny,
    target.severity,
    target.violation_kind,
    target.person_count,
    target.metric_name,
    target.value,
    target.person_id,
    target.item_id,
    target.findings,
    target.points,
    source.topic,
    source.partition,
    source.offset,
  ];
}

/**
 * Inserts correction rows. The Kafka consumer passes its batch's deduplication token (suffixed),
 * so a retried batch stores them once, and the rollup's compensating rows once.
 */
export async function insertCorrectionRows(
  client: ClickHouseClient,
  rows: readonly unknown[][],
  deduplicationToken?: string,
): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(
    client,
    'event_corrections',
    rows,
    INSERT_COLUMNS,
    deduplicationToken === undefined
      ? {}
      : { insert_deduplication_token: deduplicationToken, deduplicate_blocks_in_dependent_materialized_views: 1 },
  );
}
