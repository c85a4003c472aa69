import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.ts';
import { eventKey } from './events.store.ts';

/** An events row as it was stored, with the event as it was sent. */
export interface StoredEvent {
  event: MetricEvent;
  receivedAt: string;
  storedAt: string;
}

/** The columns read back, keyed as JSONEachRow answers them. */
export interface EventRow {
  event_id: string;
  crew_id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  stored_at: string;
  volume: number;
  unit: string;
  product: string;
  amount_cny: number;
  severity: string;
  hazard_id: string;
  violation_kind: string;
  person_count: number;
  innovation_id: string;
  category: string;
  status: string;
  award_level: number;
  benefit_cny: number;
  metric_name: string;
  value: number;
  note: string;
  person_id: string;
  item_id: string;
  findings: number;
  points: number;
  inspector: string;
  evidence: string;
}

export const EVENT_ROW_COLUMNS = `event_id, crew_id, type, occurred_at, received_at, stored_at, volume, unit, product,
  amount_cny, severity, hazard_id, violation_kind, person_count, innovation_id, category, status, award_level,
  benefit_cny, metric_name, value, note, person_id, item_id, findings, points, inspector, evidence`;

/**
 * The event a row holds, as its sender wrote it (toEventValues in reverse): optional fields the
 * row keeps as empty or 0 are left out. occurredAt reads in UTC.
 */
export function fromEventRow(row: EventRow): MetricEvent {
  const base = {
    eventId: row.event_id,
    crewId: row.crew_id,
    occurredAt: fromClickHouseTime(row.occurred_at),
    ...(row.note === '' ? {} : { note: row.note }),
  };
  const person = row.person_id === '' ? {} : { personId: row.person_id };
  switch (row.type) {
    case 'sales':
      return {
        ...base,
        type: 'sales',
        ...person,
        volume: row.volume,
        unit: row.unit === 'tonnes' ? 'tonnes' : 'litres',
        ...(row.product === '' ? {} : { product: row.product }),
        ...(row.amount_cny === 0 ? {} : { amountCny: row.amount_cny }),
      };
    case 'incident':
      return {
        ...base,
        type: 'incident',
        severity: row.severity as Extract<MetricEvent, { type: 'incident' }>['severity'],
      };
    case 'hazard_found':
    case 'hazard_rectified':
      return { ...base, type: row.type, hazardId: row.hazard_id };
    case 'violation':
      return {
        ...base,
        type: 'violation',
        ...person,
        kind: row.violation_kind as Extract<MetricEvent, { type: 'violation' }>['kind'],
        personCount: row.person_count,
      };
    case 'innovation':
      return {
        ...base,
        type: 'innovation',
        ...person,
        innovationId: row.innovation_id,
        category: row.category as Extract<MetricEvent, { type: 'innovation' }>['category'],
        status: row.status as Extract<MetricEvent, { type: 'innovation' }>['status'],
        ...(row.award_level === 0 ? {} : { awardLevel: row.award_level as 1 | 2 | 3 }),
        ...(row.benefit_cny === 0 ? {} : { benefitCny: row.benefit_cny }),
      };
    case 'assessment':
      return {
        ...base,
        type: 'assessment',
        ...person,
        itemId: row.item_id,
        // Exactly one of findings and points was sent (AssessmentEvent); the other is stored as 0.
        ...(row.points === 0 ? { findings: row.findings } : { points: row.points }),
        inspector: row.inspector,
        evidence: parseEvidence(row.evidence),
      };
    default:
      return { ...base, type: 'metric', ...person, name: row.metric_name, value: row.value };
  }
}

/** The stored JSON array of evidence references; a row written before migration 0016 has none. */
function parseEvidence(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    event: fromEventRow(row),
    receivedAt: fromClickHouseTime(row.received_at),
    storedAt: fromClickHouseTime(row.stored_at),
  };
}

/** The stored rows of these (crew, event id) pairs, keyed by eventKey. */
export async function readStoredEvents(
  client: ClickHouseClient,
  keys: readonly { crewId: string; eventId: string }[],
): Promise<Map<string, StoredEvent & { row: EventRow }>> {
  const out = new Map<string, StoredEvent & { row: EventRow }>();
  if (keys.length === 0) return out;
  const result = await client.query({
    query: `SELECT ${EVENT_ROW_COLUMNS} FROM events
            WHERE crew_id IN {crewIds:Array(String)} AND event_id IN {eventIds:Array(String)}`,
    query_params: {
      crewIds: [...new Set(keys.map((k) => k.crewId))],
      eventIds: [...new Set(keys.map((k) => k.eventId))],
    },
    format: 'JSONEachRow',
  });
  const asked = new Set(keys.map((k) => eventKey(k.crewId, k.eventId)));
  for (const row of await result.json<EventRow>()) {
    const key = eventKey(row.crew_id, row.event_id);
    if (asked.has(key) && !out.has(key)) out.set(key, { ...toStoredEvent(row), row });
  }
  return out;
}

/** The crews whose events carry this id (an id is unique per crew only). */
export async function crewsWithEventId(
  client: ClickHouseClient,
  eventId: string,
  crewIds?: readonly string[],
): Promise<string[]> {
  const result = await client.query({
    query: `SELECT DISTINCT crew_id FROM events WHERE event_id = {eventId:String}
            ${crewIds === undefined ? '' : 'AND crew_id IN {crewIds:Array(String)}'} ORDER BY crew_id LIMIT 100`,
    query_params: { eventId, ...(crewIds === undefined ? {} : { crewIds }) },
    format: 'JSONEachRow',
  });
  return (await result.json<{ crew_id: string }>()).map((r) => r.crew_id);
}

/** Where a page of events continues: after this (occurred_at, crew_id, event_id), newest first. */
export interface EventCursor {
  occurredAt: string;
  crewId: string;
  eventId: string;
}

/** One condition of an event filter: events of a type, optionally with a field among some values. */
export interface EventClause {
  type: string;
  column?: 'unit' | 'severity' | 'violation_kind' | 'metric_name' | 'category' | 'hazard_id';
  values?: readonly string[];
}

export interface EventFilter {
  /** Undefined: any crew. */
  crewIds?: readonly string[];
  /** Events naming this person (personId), whichever crew reported them. */
  personId?: string;
  eventId?: string;
  /** Instants [from, to). */
  from?: Date;
  to?: Date;
  /** Any of these (undefined: any event). */
  clauses?: readonly EventClause[];
}

function whereOf(filter: EventFilter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.crewIds !== undefined) {
    parts.push('crew_id IN {crewIds:Array(String)}');
    params['crewIds'] = filter.crewIds;
  }
  if (filter.personId !== undefined) {
    parts.push('person_id = {personId:String}');
    params['personId'] = filter.personId;
  }
  if (filter.eventId !== undefined) {
    parts.push('event_id = {eventId:String}');
    params['eventId'] = filter.eventId;
  }
  if (filter.from !== undefined) {
    parts.push(`occurred_at >= {from:DateTime64(3, 'UTC')}`);
    params['from'] = toClickHouseTime(filter.from);
  }
  if (filter.to !== undefined) {
    parts.push(`occurred_at < {to:DateTime64(3, 'UTC')}`);
    params['to'] = toClickHouseTime(filter.to);
  }
  if (filter.clauses !== undefined) {
    const any = filter.clauses.map((clause, i) => {
      params[`type${i}`] = clause.type;
      if (clause.column === undefined || clause.values === undefined) return `type = {type${i}:String}`;
      params[`values${i}`] = clause.values;
      return `(type = {type${i}:String} AND ${clause.column} IN {values${i}:Array(String)})`;
    });
    parts.push(any.length === 0 ? '0' : `(${any.join(' OR ')})`);
  }
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** Whether any stored event matches a filter (a screen asks before its competition's first report). */
export async function anyEvent(client: ClickHouseClient, filter: EventFilter): Promise<boolean> {
  const where = whereOf(filter);
  const result = await client.query({
    query: `SELECT 1 AS found FROM events WHERE ${where.sql} LIMIT 1`,
    query_params: where.params,
    format: 'JSONEachRow',
  });
  return (await result.json<{ found: number }>()).length > 0;
}

/** A page of stored events matching a filter, newest first, and how many match in all. */
export async function findEvents(
  client: ClickHouseClient,
  filter: EventFilter,
  page: { limit: number; after?: EventCursor },
): Promise<{ total: number; events: StoredEvent[]; next: EventCursor | null }> {
  const where = whereOf(filter);
  const after =
    page.after === undefined
      ? ''
      : `AND (occurred_at < {afterAt:DateTime64(3, 'UTC')} OR (occurred_at = {afterAt:DateTime64(3, 'UTC')}
           AND (crew_id, event_id) > ({afterCrew:String}, {afterEvent:String})))`;
  const afterParams =
    page.after === undefined
      ? {}
      : {
          afterAt: toClickHouseTime(new Date(page.after.occurredAt)),
          afterCrew: page.after.crewId,
          afterEvent: page.after.eventId,
        };
  const [rows, counted] = await Promise.all([
    client
      .query({
        query: `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE ${where.sql} ${after}
                ORDER BY occurred_at DESC, crew_id, event_id LIMIT {limit:UInt32}`,
        query_params: { ...where.params, ...afterParams, limit: page.limit + 1 },
        format: 'JSONEachRow',
      })
      .then((r) => r.json<EventRow>()),
    client
      .query({
        query: `SELECT count() AS n FROM events WHERE ${where.sql}`,
        query_params: where.params,
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ n: string | number }>()),
  ]);
  const events = rows.slice(0, page.limit).map(toStoredEvent);
  const last = events.at(-1);
  return {
    total: Number(counted[0]?.n ?? 0),
    events,
    next:
      rows.length > page.limit && last
        ? { occurredAt: last.event.occurredAt, crewId: last.event.crewId, eventId: last.event.eventId }
        : null,
  };
}
