import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../schemas/notify.schema.ts';
import { duePosts, isoWeek, localTime } from '../../services/notify/facts/schedule.ts';

const sub = (channelId: string, extra: Partial<Subscription> = {}): Subscription => ({
  channelId,
  leaderChanged: false,
  veto: false,
  notice: false,
  hazardOverdue: false,
  top: 10,
  ...extra,
});

// 2026-12-05 is a Saturday (2026-01-01 is a Thursday; 338 days later, 338 = 48 × 7 + 2).
const period = { start: '2026-12-01', end: '2026-12-31' };
const at = (iso: string) => new Date(iso);

describe('localTime', () => {
  it.each([
    // Beijing is UTC+8: 10:00 UTC is 18:00 the same day.
    { instant: '2026-12-05T10:00:00Z', zone: 'Asia/Shanghai', day: '2026-12-05', time: '18:00', weekday: 6 },
    // 16:30 UTC is 00:30 the next day (a Sunday: 7).
    { instant: '2026-12-05T16:30:00Z', zone: 'Asia/Shanghai', day: '2026-12-06', time: '00:30', weekday: 7 },
    // The same instant in UTC is still Saturday.
    { instant: '2026-12-05T16:30:00Z', zone: 'UTC', day: '2026-12-05', time: '16:30', weekday: 6 },
    { instant: '2026-12-07T01:05:59Z', zone: 'Asia/Singapore', day: '2026-12-07', time: '09:05', weekday: 1 },
  ])('$instant in $zone is $day $time (weekday $weekday)', ({ instant, zone, day, time, weekday }) => {
    expect(localTime(at(instant), zone)).toEqual({ day, time, weekday });
  });
});

describe('isoWeek', () => {
  it.each([
    // Thursday 2026-12-03 is 336 days (48 weeks) after Thursday 2026-01-01: week 49.
    { day: '2026-12-05', week: '2026-W49' },
    { day: '2026-12-06', week: '2026-W49' },
    { day: '2026-12-07', week: '2026-W50' },
    { day: '2026-01-01', week: '2026-W01' },
    // 2026 starts on a Thursday, so it has 53 weeks; Friday 2027-01-01 is in the last one.
    { day: '2027-01-01', week: '2026-W53' },
    { day: '2027-01-04', week: '2027-W01' },
    // Monday 2024-12-30's Thursday is 2025-01-02: the first week of 2025.
    { day: '2024-12-30', week: '2025-W01' },
  ])('$day is in $week', ({ day, week }) => {
    expect(isoWeek(day)).toBe(week);
  });
});

describe('duePosts', () => {
  const base = { competitionId: 'c1', timeZone: 'Asia/Shanghai', period };

  it.each([
    { name: 'at the minute', now: '2026-12-05T10:00:00Z', due: ['daily:c1:2026-12-05'] },
    { name: 'a second before', now: '2026-12-05T09:59:59Z', due: [] },
    // Down at 18:00, up at 23:59: still the same day, still due (the key keeps it once).
    { name: 'late the same day', now: '2026-12-05T15:59:00Z', due: ['daily:c1:2026-12-05'] },
    // 00:30 the next morning: yesterday's is never posted late, today's is not due before 18:00.
    { name: 'after midnight', now: '2026-12-05T16:30:00Z', due: [] },
    // The competition's last day, then the day after it.
    { name: 'on the last day', now: '2026-12-31T10:00:00Z', due: ['daily:c1:2026-12-31'] },
    { name: 'after the competition', now: '2027-01-01T10:00:00Z', due: [] },
    { name: 'before the competition', now: '2026-11-30T10:00:00Z', due: [] },
  ])('daily at 18:00, $name', ({ now, due }) => {
    const posts = duePosts({ ...base, subscriptions: [sub('ch-a', { daily: { at: '18:00' } })], now: at(now) });
    expect(posts.map((p) => p.key)).toEqual(due);
  });

  it('groups channels asking the same time and length; another length is another post with the same key', () => {
    const posts = duePosts({
      ...base,
      subscriptions: [
        sub('ch-a', { daily: { at: '18:00' } }),
        sub('ch-b', { daily: { at: '18:00' } }),
        sub('ch-c', { daily: { at: '18:00' }, top: 5 }),
        // 20:00 is not due at 19:00.
        sub('ch-d', { daily: { at: '20:00' } }),
        sub('ch-e', { leaderChanged: true }),
      ],
      now: at('2026-12-05T11:00:00Z'),
    });
    expect(posts).toEqual([
      {
        kind: 'daily_standings',
        key: 'daily:c1:2026-12-05',
        day: '2026-12-05',
        at: '18:00',
        from: '2026-12-05',
        top: 10,
        channelIds: ['ch-a', 'ch-b'],
      },
      {
        kind: 'daily_standings',
        key: 'daily:c1:2026-12-05',
        day: '2026-12-05',
        at: '18:00',
        from: '2026-12-05',
        top: 5,
        channelIds: ['ch-c'],
      },
    ]);
  });

  it.each([
    // Saturday = 6; the 7 days ending Saturday 12-05 start on 11-29, clamped to the start 12-01.
    { name: 'Saturday 09:00, at 18:00', weekly: { weekday: 6, at: '09:00' }, now: '2026-12-05T10:00:00Z', due: true },
    { name: 'Saturday 18:01, at 18:00', weekly: { weekday: 6, at: '18:01' }, now: '2026-12-05T10:00:00Z', due: false },
    { name: 'Friday, on a Saturday', weekly: { weekday: 5, at: '09:00' }, now: '2026-12-05T10:00:00Z', due: false },
    // Sunday 00:30 in Beijing is still Saturday in UTC: the competition's zone decides.
    {
      name: 'Sunday 00:10, at 00:30 Beijing',
      weekly: { weekday: 7, at: '00:10' },
      now: '2026-12-05T16:30:00Z',
      due: true,
    },
  ])('weekly $name', ({ weekly, now, due }) => {
    const posts = duePosts({ ...base, subscriptions: [sub('ch-w', { weekly })], now: at(now) });
    expect(posts.map((p) => p.key)).toEqual(due ? [`weekly:c1:2026-W49`] : []);
  });

  it('ranks the 7 days ending today, from the competition start when it began less than a week ago', () => {
    const subscriptions = [sub('ch-w', { weekly: { weekday: 6, at: '09:00' } })];
    const [early] = duePosts({ ...base, subscriptions, now: at('2026-12-05T10:00:00Z') });
    expect(early).toMatchObject({ kind: 'weekly_ranking', day: '2026-12-05', from: '2026-12-01' });
    // Saturday 12-12: 12-06 … 12-12.
    const [later] = duePosts({ ...base, subscriptions, now: at('2026-12-12T10:00:00Z') });
    expect(later).toMatchObject({ key: 'weekly:c1:2026-W50', day: '2026-12-12', from: '2026-12-06' });
  });
});
