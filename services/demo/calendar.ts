/**
 * Calendar arithmetic for Asia/Shanghai. China has no daylight saving, so a fixed +08:00 offset
 * is exact and plain UTC arithmetic on shifted instants is enough (no Intl time-zone lookups).
 */

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcMidnight(date: string): number {
  const match = DATE_RE.exec(date);
  if (match === null) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Date.UTC rolls 2026-02-31 over into March; reject it rather than silently moving the day.
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: "${date}"`);
  return ms;
}

// Day arithmetic is shared with the rest of the product; only the Shanghai wall-clock helpers live here.
export { addDays, daysBetween, daysFrom as eachDay } from '../shared/calendar.ts';

/** 0 = Sunday ... 6 = Saturday, for the calendar day itself. */
export function dayOfWeek(date: string): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** The Shanghai calendar day an instant falls on. */
export function shanghaiDate(instant: Date | number): string {
  return new Date(new Date(instant).getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch milliseconds of a Shanghai wall-clock time on `date`, `second` seconds after midnight. */
export function shanghaiInstant(date: string, second: number): number {
  return utcMidnight(date) - OFFSET_MS + second * 1000;
}

/** ISO 8601 with the +08:00 offset, e.g. 2026-11-03T14:20:00+08:00 (whole seconds). */
export function toShanghaiIso(instant: Date | number): string {
  const ms = Math.floor(new Date(instant).getTime() / 1000) * 1000;
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
