/**
 * The fields of each event type as the correction form edits them (schemas/event.schema.ts): a
 * replacement is the event as it was sent with the organiser's changes, without its eventId
 * (the API assigns fix-…). Kept free of zod so the console's bundle ships none.
 */
/** list: several references in one text box, separated by ; (evidence). */
export type FieldKind = 'number' | 'int' | 'text' | 'choice' | 'list';

export interface EventField {
  key: string;
  kind: FieldKind;
  /** choice: the values the API takes, labelled by message key `${choicePrefix}.${value}`. */
  choices?: readonly (string | number)[];
  choicePrefix?: string;
  required: boolean;
}

const f = (
  key: string,
  kind: FieldKind,
  required: boolean,
  choices?: readonly (string | number)[],
  choicePrefix?: string,
): EventField => ({
  key,
  kind,
  required,
  ...(choices ? { choices, choicePrefix: choicePrefix ?? key } : {}),
});

const personId = f('personId', 'text', false);

export const EVENT_FIELDS: Record<string, readonly EventField[]> = {
  sales: [
    personId,
    f('volume', 'number', true),
    f('unit', 'choice', true, ['litres', 'tonnes'], 'salesUnit'),
    f('product', 'text', false),
    f('amountCny', 'number', false),
  ],
  incident: [f('severity', 'choice', true, ['near_miss', 'minor_injury', 'serious_injury', 'fatality'], 'severity')],
  hazard_found: [f('hazardId', 'text', true)],
  hazard_rectified: [f('hazardId', 'text', true)],
  violation: [
    f('kind', 'choice', true, ['command', 'operation', 'discipline'], 'violation'),
    f('personCount', 'int', true),
    personId,
  ],
  innovation: [
    f('innovationId', 'text', true),
    f(
      'category',
      'choice',
      true,
      ['invention', 'creation', 'renovation', 'design', 'suggestion'],
      'innovationCategory',
    ),
    f('status', 'choice', true, ['submitted', 'adopted', 'awarded'], 'innovationStatus'),
    f('awardLevel', 'choice', false, [1, 2, 3], 'awardLevel'),
    f('benefitCny', 'number', false),
    personId,
  ],
  metric: [f('name', 'text', true), f('value', 'number', true), personId],
  assessment: [
    f('itemId', 'text', true),
    f('findings', 'int', false),
    f('points', 'number', false),
    f('inspector', 'text', true),
    f('evidence', 'list', false),
    personId,
  ],
};

const LIST_SEPARATOR = /[;；、]/;

/** Fields every event has that the form edits too. */
export const COMMON_FIELDS = ['crewId', 'occurredAt', 'note'] as const;

export interface StoredEvent {
  eventId: string;
  crewId: string;
  type: string;
  occurredAt: string;
  [field: string]: unknown;
}

/** An instant as Beijing time with its offset, as organisers write it: 2026-03-04T10:00:00+08:00. */
export function beijingIso(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** The form's starting values: the event as stored, its time in Beijing time. */
export function formValuesOf(event: StoredEvent): Record<string, unknown> {
  const values: Record<string, unknown> = {
    crewId: event.crewId,
    occurredAt: beijingIso(event.occurredAt),
    note: event.note ?? '',
  };
  for (const field of EVENT_FIELDS[event.type] ?? []) {
    const value = event[field.key];
    values[field.key] = field.kind === 'list' && Array.isArray(value) ? value.join('; ') : value;
  }
  return values;
}

/**
 * The replacement event the API is sent: the stored event's type, the form's values, blank
 * optional fields left out (a blank required one is sent as it is, so the API names its field).
 */
export function replacementOf(event: StoredEvent, values: Record<string, unknown>): Record<string, unknown> {
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  const replacement: Record<string, unknown> = { type: event.type };
  for (const key of COMMON_FIELDS) {
    if (!blank(values[key])) replacement[key] = typeof values[key] === 'string' ? values[key].trim() : values[key];
  }
  for (const field of EVENT_FIELDS[event.type] ?? []) {
    const value = values[field.key];
    if (blank(value)) {
      if (field.required) replacement[field.key] = value ?? null;
      continue;
    }
    replacement[field.key] =
      field.kind === 'list' && typeof value === 'string'
        ? value
            .split(LIST_SEPARATOR)
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : typeof value === 'string'
          ? value.trim()
          : value;
  }
  return replacement;
}

/** What an event says in a line, e.g. "volume 1200 · unit litres": its fields of its type, in order. */
export function eventFieldsShown(event: StoredEvent): { key: string; value: unknown }[] {
  return (EVENT_FIELDS[event.type] ?? [])
    .filter((field) => event[field.key] !== undefined)
    .map((field) => ({ key: field.key, value: event[field.key] }));
}
