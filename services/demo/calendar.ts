/**
 * The demo's own wall-clock helpers; day arithmetic and zone lookups are in services/shared/calendar.ts.
 * Demo events are reported from stations in Beijing time (+08:00, no daylight saving).
 */

const DEMO_ZONE_OFFSET_MS = 8 * 60 * 60 * 1000;

/** 0 = Sunday ... 6 = Saturday, for the calendar day itself. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** ISO 8601 with the +08:00 offset, e.g. 2026-11-03T14:20:00+08:00 (whole seconds). */
export function toShanghaiIso(instant: Date | number): string {
  const ms = Math.floor(new Date(instant).getTime() / 1000) * 1000;
  return `${new Date(ms + DEMO_ZONE_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
