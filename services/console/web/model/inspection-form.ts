/**
 * The inspection entry form (安全检查/考核录入) and the assessment event it sends
 * (schemas/event.schema.ts AssessmentEvent). Pure: no React, no DOM, no zod.
 */
import type { CompetitionInput } from '../../../../schemas/competition.schema.ts';
import type { MetricEventInput } from '../../../../schemas/event.schema.ts';

export interface InspectionForm {
  /** A crew id, or for a per-person competition a person id. */
  entrant?: string;
  itemId?: string;
  mode: 'findings' | 'points';
  value?: number | null;
  inspector?: string;
  /** YYYY-MM-DD */
  date?: string;
  note?: string;
}

export interface ItemChoiceGroup {
  group: string;
  options: { value: string; label: string }[];
}

/** The items an inspection may be recorded against: every category's items, the bonus items, the veto items. */
export function sheetItemChoices(sheet: CompetitionInput['sheet']): ItemChoiceGroup[] {
  if (!sheet) return [];
  const groups: ItemChoiceGroup[] = sheet.categories
    .filter((c) => (c.items ?? []).length > 0)
    .map((c) => ({
      group: `${c.name.zh}（${c.maxPoints} 分）`,
      options: (c.items ?? []).map((i) => ({ value: i.id, label: i.name.zh })),
    }));
  if (sheet.bonus) {
    groups.push({
      group: `鼓励项（最多加 ${sheet.bonus.cap} 分）`,
      options: sheet.bonus.items.map((i) => ({ value: i.id, label: i.name.zh })),
    });
  }
  if ((sheet.vetoItems ?? []).length > 0) {
    groups.push({
      group: '否决项（一票否决）',
      options: (sheet.vetoItems ?? []).map((i) => ({ value: i.id, label: i.name.zh })),
    });
  }
  return groups;
}

/** "+08:00" of a time zone on a day (Asia/Shanghai has no summer time; Europe/Berlin does). */
export function offsetOn(date: string, timeZone: string): string {
  const noonUtc = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(noonUtc.getTime())) return '+08:00';
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(noonUtc)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-]\d{2}:\d{2})/.exec(part ?? '');
  return match?.[1] ?? '+00:00';
}

/**
 * Noon of the day in the competition's time zone (the day it counts for, whatever the browser's
 * zone), or now when noon is still ahead.
 */
function occurredOn(date: string, timeZone: string, now: Date): string {
  if (date === '') return '';
  const noon = `${date}T12:00:00${offsetOn(date, timeZone)}`;
  return Date.parse(noon) > now.getTime() ? now.toISOString() : noon;
}

/**
 * The assessment event of a filled-in form. Blank fields go out as they are (empty, or null for a
 * number) so the API names every missing one at once.
 */
export function inspectionEvent(
  form: InspectionForm,
  options: {
    person: boolean;
    crewOf: (personId: string) => string | undefined;
    eventId: string;
    timeZone?: string;
    /** An inspection today is dated now (noon may be ahead, and the API refuses the future). */
    now?: Date;
  },
): MetricEventInput {
  const entrant = form.entrant ?? '';
  const crewId = options.person ? (options.crewOf(entrant) ?? '') : entrant;
  const date = form.date ?? '';
  const value =
    typeof form.value === 'number' && Number.isFinite(form.value) ? form.value : (null as unknown as number);
  const note = form.note?.trim() ?? '';
  return {
    type: 'assessment',
    eventId: options.eventId,
    crewId,
    ...(options.person ? { personId: entrant } : {}),
    occurredAt: occurredOn(date, options.timeZone ?? 'Asia/Shanghai', options.now ?? new Date()),
    itemId: form.itemId ?? '',
    ...(form.mode === 'points' ? { points: value } : { findings: value }),
    inspector: form.inspector?.trim() ?? '',
    ...(note === '' ? {} : { note }),
  };
}

/** The form field an API problem of the event belongs on; null when none. */
export function inspectionFieldOf(path: string): keyof InspectionForm | null {
  const head = path.split(/[.[]/)[0] ?? '';
  switch (head) {
    case 'crewId':
    case 'personId':
      return 'entrant';
    case 'itemId':
      return 'itemId';
    case 'findings':
    case 'points':
      // "give findings or points" lands on the one number the form has.
      return 'value';
    case 'inspector':
      return 'inspector';
    case 'occurredAt':
      return 'date';
    case 'note':
      return 'note';
    default:
      return null;
  }
}
