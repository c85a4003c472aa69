import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '../../schemas/event.schema.ts';

/** The typed row of the events table (migrations/0001_events.sql). */
export interface EventRow {
  event_id: string;
  crew_id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  volume?: number;
  unit?: string;
  product?: string;
  amount_cny?: number;
  severity?: string;
  hazard_id?: string;
  violation_kind?: string;
  person_count?: number;
  innovation_id?: string;
  category?: string;
  status?: string;
  award_level?: number;
  benefit_cny?: number;
  metric_name?: string;
  value?: number;
  note?: string;
}

export function eventKey(crewId: string, eventId: string): string {
  return `${crewId}\u0000${eventId}`;
}

/** Maps a validated event to its typed row; times are stored in UTC. */
export function toEventRow(event: MetricEvent, receivedAt: Date): EventRow {
  const row: EventRow = {
    event_id: event.eventId,
    crew_id: event.crewId,
    type: event.type,
    occurred_at: new Date(event.occurredAt).toISOString(),
    received_at: receivedAt.toISOString(),
  };
  switch (event.type) {
    case 'sales':
      return { ...row, volume: event.volume, unit: event.unit, product: event.product, amount_cny: event.amountCny };
    case 'incident':
      return { ...row, severity: event.severity, note: event.note };
    case 'hazard_found':
    case 'hazard_rectified':
      return { ...row, hazard_id: event.hazardId, note: event.note };
    case 'violation':
      return { ...row, violation_kind: event.kind, person_count: event.personCount };
    case 'innovation':
      return {
        ...row,
        innovation_id: event.innovationId,
        category: event.category,
        status: event.status,
        award_level: event.awardLevel ?? 0,
        benefit_cny: event.benefitCny,
      };
    case 'metric':
      return { ...row, metric_name: event.name, value: event.value };
  }
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
  const rows = await result.json<{ crew_id: string; event_id: string }>();
  return new Set(rows.map((r) => eventKey(r.crew_id, r.event_id)));
}

export async function insertEventRows(client: ClickHouseClient, rows: readonly EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({ table: 'events', values: rows, format: 'JSONEachRow' });
}
