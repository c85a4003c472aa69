import { describe, expect, it } from 'vitest';
import { dayInZone } from '../../services/shared/calendar.ts';

describe('dayInZone', () => {
  it.each([
    // Beijing midnight is 16:00 UTC; the last millisecond before it is still the day before.
    { instant: '2026-03-09T15:59:59.999Z', zone: 'Asia/Shanghai', day: '2026-03-09' },
    { instant: '2026-03-09T16:00:00.000Z', zone: 'Asia/Shanghai', day: '2026-03-10' },
    { instant: '2026-03-09T15:45:00.000Z', zone: 'Asia/Shanghai', day: '2026-03-09' },
    // UTC+05:45: midnight at 18:15 UTC, inside an hour.
    { instant: '2026-03-09T18:14:59.999Z', zone: 'Asia/Kathmandu', day: '2026-03-09' },
    { instant: '2026-03-09T18:15:00.000Z', zone: 'Asia/Kathmandu', day: '2026-03-10' },
    // New York on the night daylight saving starts (08 March 2026): midnight is 05:00 UTC, the next one 04:00 UTC.
    { instant: '2026-03-08T04:59:59.999Z', zone: 'America/New_York', day: '2026-03-07' },
    { instant: '2026-03-08T05:00:00.000Z', zone: 'America/New_York', day: '2026-03-08' },
    { instant: '2026-03-09T03:59:59.999Z', zone: 'America/New_York', day: '2026-03-08' },
    { instant: '2026-03-09T04:00:00.000Z', zone: 'America/New_York', day: '2026-03-09' },
  ])('$instant in $zone is $day', ({ instant, zone, day }) => {
    // Twice: the second answer comes from the kept quarter hour.
    expect(dayInZone(new Date(instant), zone)).toBe(day);
    expect(dayInZone(Date.parse(instant), zone)).toBe(day);
  });

  it('agrees with Intl for instants spread over two years in zones with odd offsets and daylight saving', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    let seed = 7;
    const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
    const from = Date.parse('2025-01-01T00:00:00Z');
    const formats = new Map(
      zones.map((zone) => [zone, new Intl.DateTimeFormat('en-CA', { timeZone: zone, dateStyle: 'short' })]),
    );
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = from + Math.floor(rand() * 2 * 365 * 86_400_000);
      const zone = zones[i % zones.length] ?? 'UTC';
      const expected = formats.get(zone)?.format(ms);
      const actual = dayInZone(ms, zone);
      if (actual !== expected) mismatches.push(`${new Date(ms).toISOString()} ${zone}: ${actual} != ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });
});
