import type { MetricEvent } from '../../schemas/event.schema.ts';

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
  'person_id',
  'item_id',
  'findings',
  'points',
  'inspector',
  'evidence',
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
  string,
  string,
  number,
  number,
  string,
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
    'personId' in event ? (event.personId ?? '') : '',
    '',
    0,
    0,
    '',
    '[]',
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
    case 'assessment':
      row[22] = event.itemId;
      row[23] = event.findings ?? 0;
      row[24] = event.points ?? 0;
      row[25] = event.inspector;
      row[26] = JSON.stringify(event.evidence);
      break;
  }
  return row;
}

export type EventColumn = (typeof EVENT_COLUMNS)[number];

/** The event field each column holds: a value ClickHouse refuses is reported at this path. */
export const EVENT_FIELD_OF_COLUMN: Readonly<Record<EventColumn, string>> = {
  event_id: 'eventId',
  crew_id: 'crewId',
  type: 'type',
  occurred_at: 'occurredAt',
  received_at: 'receivedAt',
  volume: 'volume',
  unit: 'unit',
  product: 'product',
  amount_cny: 'amountCny',
  severity: 'severity',
  hazard_id: 'hazardId',
  violation_kind: 'kind',
  person_count: 'personCount',
  innovation_id: 'innovationId',
  category: 'category',
  status: 'status',
  award_level: 'awardLevel',
  benefit_cny: 'benefitCny',
  metric_name: 'name',
  value: 'value',
  note: 'note',
  person_id: 'personId',
  item_id: 'itemId',
  findings: 'findings',
  points: 'points',
  inspector: 'inspector',
  evidence: 'evidence',
};

/**
 * What the sender said about an event, as stored: every column but the key and received_at, with
 * occurred_at as epoch milliseconds (so 08:00+08:00 and 00:00Z are the same content). Comparing
 * the stored row with a resend's row tells a retry (same content) from a sender's bug (another
 * event under an id already used). Fields the row does not keep cannot differ: the event schema
 * keeps nothing else, and an optional field left out reads as its stored default.
 */
export const CONTENT_COLUMNS = EVENT_COLUMNS.filter(
  (c) => c !== 'event_id' && c !== 'crew_id' && c !== 'received_at',
) as readonly EventColumn[];

export type EventContent = readonly (string | number)[];

const CONTENT_INDEXES = CONTENT_COLUMNS.map((c) => EVENT_COLUMNS.indexOf(c));
const OCCURRED_AT = CONTENT_COLUMNS.indexOf('occurred_at');

export function contentOf(event: MetricEvent): EventContent {
  const row = toEventValues(event, '');
  const content = CONTENT_INDEXES.map((i) => row[i] ?? '');
  content[OCCURRED_AT] = Date.parse(event.occurredAt);
  return content;
}

/** The event fields in which two contents differ; empty when they are the same event. */
export function differingFields(a: EventContent, b: EventContent): string[] {
  return CONTENT_COLUMNS.flatMap((column, i) => (a[i] === b[i] ? [] : [EVENT_FIELD_OF_COLUMN[column]]));
}
