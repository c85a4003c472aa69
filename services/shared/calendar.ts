/** Calendar-day arithmetic on YYYY-MM-DD strings, and day boundaries in a time zone. */

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_QUARTERS = 100_000;
const dayFormats = new Map<string, { format: Intl.DateTimeFormat; days: Map<number, string> }>();

/**
 * The calendar day of an instant (a Date or epoch milliseconds) in a time zone. This runs for
 * every stored event, and formatting costs about a microsecond, so days are kept per quarter hour
 * of UTC: every zone's offset is a whole number of quarter hours, so a local midnight never falls
 * inside one.
 */
export function dayInZone(instant: Date | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  let zone = dayFormats.get(timeZone);
  if (!zone) {
    // en-CA formats as YYYY-MM-DD.
    const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    zone = { format, days: new Map() };
    dayFormats.set(timeZone, zone);
  }
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let day = zone.days.get(quarter);
  if (day === undefined) {
    day = zone.format.format(ms);
    if (zone.days.size >= MAX_CACHED_QUARTERS) zone.days.clear();
    zone.days.set(quarter, day);
  }
  return day;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of a time zone from UTC at an instant, in minutes (Asia/Shanghai: 480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar day starts in a time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  return new Date(guess.getTime() - zoneOffsetMinutes(guess, timeZone) * 60_000);
}

export function clampDay(day: string, min: string, max: string): string {
  if (day < min) return min;
  if (day > max) return max;
  return day;
}

/** Every day from a to b inclusive. */
export function daysFrom(a: string, b: string): string[] {
  const out: string[] = [];
  for (let d = a; d <= b; d = addDays(d, 1)) out.push(d);
  return out;
}
