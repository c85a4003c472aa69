import type { MessageKey } from './i18n/i18n.ts';

export const REPORT_KINDS = ['hazard_found', 'hazard_rectified', 'violation', 'incident', 'innovation'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** At most this many photos per report (the contract's evidence limit). */
export const MAX_PHOTOS = 9;

export type Field =
  | { name: string; label: MessageKey; kind: 'text' | 'textarea'; required: boolean }
  | { name: string; label: MessageKey; kind: 'number'; required: boolean; min: number }
  | {
      name: string;
      label: MessageKey;
      kind: 'choice';
      required: true;
      options: readonly { value: string; label: MessageKey }[];
    }
  | { name: string; label: MessageKey; kind: 'hazard' | 'persons'; required: boolean };

const choice = <T extends string>(prefix: string, values: readonly T[]) =>
  values.map((value) => ({ value, label: `${prefix}.${value}` as MessageKey }));

/** What each form asks, besides crew, time and photos. */
export const FORM_FIELDS: Record<ReportKind, { fields: Field[]; photos: MessageKey }> = {
  hazard_found: {
    fields: [
      { name: 'location', label: 'field.location', kind: 'text', required: true },
      { name: 'description', label: 'field.description', kind: 'textarea', required: true },
    ],
    photos: 'field.photos',
  },
  hazard_rectified: {
    fields: [
      { name: 'hazardId', label: 'field.hazard', kind: 'hazard', required: true },
      { name: 'description', label: 'field.measures', kind: 'textarea', required: true },
    ],
    photos: 'field.photosAfter',
  },
  violation: {
    fields: [
      {
        name: 'kind',
        label: 'field.violationKind',
        kind: 'choice',
        required: true,
        options: choice('violation', ['operation', 'command', 'discipline']),
      },
      { name: 'persons', label: 'field.persons', kind: 'persons', required: false },
      { name: 'description', label: 'field.description', kind: 'textarea', required: false },
    ],
    photos: 'field.photos',
  },
  incident: {
    fields: [
      {
        name: 'severity',
        label: 'field.severity',
        kind: 'choice',
        required: true,
        options: choice('severity', ['near_miss', 'minor_injury', 'serious_injury', 'fatality']),
      },
      { name: 'location', label: 'field.location', kind: 'text', required: false },
      { name: 'description', label: 'field.description', kind: 'textarea', required: true },
    ],
    photos: 'field.photos',
  },
  innovation: {
    fields: [
      { name: 'title', label: 'field.title', kind: 'text', required: true },
      {
        name: 'category',
        label: 'field.category',
        kind: 'choice',
        required: true,
        options: choice('category', ['invention', 'creation', 'renovation', 'design', 'suggestion']),
      },
      { name: 'description', label: 'field.description', kind: 'textarea', required: true },
      { name: 'benefitCny', label: 'field.benefit', kind: 'number', required: false, min: 0 },
    ],
    photos: 'field.attachments',
  },
};

/** What the form holds when submitted: text fields by name, persons as ids. */
export interface FormValues {
  kind: ReportKind;
  crewId: string;
  occurredAt: string;
  values: Record<string, string>;
  personIds: string[];
}

/** A local time as ISO 8601 with the phone's offset, e.g. 2026-03-10T09:30:00+08:00. */
export function withOffset(date: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** A new id for a report, hazard or innovation, chosen on the phone: a resend carries the same one. */
export function newId(prefix: string, random: () => string = randomUuid): string {
  return `${prefix}-${random()}`;
}

/** What randomUuid needs of the page's crypto (randomUUID is missing outside a secure context). */
export interface RandomSource {
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  randomUUID?: (() => string) | undefined;
}

/**
 * A random (version 4) UUID. crypto.randomUUID exists only in a secure context (https, localhost):
 * a phone that opens the product at a plain-http LAN address (http://192.168.…) has
 * crypto.getRandomValues alone, and every report failed there with a TypeError.
 */
export function randomUuid(source: RandomSource = crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b: number) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The body of POST /v1/reports (less evidence) for what the form holds. */
export function reportBody(
  form: FormValues,
  reportId: string,
): {
  event: Record<string, unknown> & { type: string; crewId: string; occurredAt: string };
  location?: string;
  description?: string;
} {
  const v = form.values;
  const text = (name: string) => (v[name] ?? '').trim() || undefined;
  const event: Record<string, unknown> & { type: string; crewId: string; occurredAt: string } = {
    type: form.kind,
    crewId: form.crewId,
    occurredAt: form.occurredAt,
  };
  switch (form.kind) {
    case 'hazard_found':
      event['hazardId'] = `hz-${reportId}`;
      break;
    case 'hazard_rectified':
      event['hazardId'] = v['hazardId'];
      break;
    case 'violation':
      event['kind'] = v['kind'];
      event['personCount'] = Math.max(1, form.personIds.length);
      if (form.personIds.length === 1) event['personId'] = form.personIds[0];
      break;
    case 'incident':
      event['severity'] = v['severity'];
      break;
    case 'innovation': {
      event['innovationId'] = `inv-${reportId}`;
      event['category'] = v['category'];
      event['status'] = 'submitted';
      // The innovation event has no title field: its 备注 carries it to the review queue and the screens.
      event['note'] = text('title');
      const benefit = text('benefitCny');
      if (benefit !== undefined) event['benefitCny'] = Number(benefit);
      break;
    }
  }
  const body: ReturnType<typeof reportBody> = { event };
  const location = text('location');
  const description = text('description');
  if (location !== undefined) body.location = location;
  if (description !== undefined) body.description = description;
  return body;
}
