import type { Subscription } from '../../../schemas/notify.schema.ts';
import { addDays, dayInZone, zoneOffsetMinutes } from '../../shared/calendar.ts';

/** The wall clock of an instant in a time zone: its day, HH:mm and ISO weekday (1 = Monday … 7 = Sunday). */
export interface LocalTime {
  day: string;
  time: string;
  weekday: number;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return { day: dayInZone(instant, timeZone), time: `${hh}:${mm}`, weekday: local.getUTCDay() || 7 };
}

/** ISO 8601 week of a calendar day, e.g. 2026-12-05 → 2026-W49 (the week's Thursday names the year). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = date.getUTCDay() || 7;
  const thursday = addDays(day, 4 - weekday);
  const year = Number(thursday.slice(0, 4));
  const firstThursdayWeek = Math.floor(
    (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${String(year)}-01-01T00:00:00Z`)) / (7 * 86_400_000),
  );
  return `${String(year)}-W${String(firstThursdayWeek + 1).padStart(2, '0')}`;
}

/** A standings message due now for some of a competition's channels. */
export interface DuePost {
  kind: 'daily_standings' | 'weekly_ranking';
  /** The fact's key: the same for every channel; the notifier keeps one delivery per channel and key. */
  key: string;
  /** The local day it is posted on (the standings' asOf). */
  day: string;
  /** The subscription time it answers (HH:mm), shown in the message. */
  at: string;
  /** Weekly: the first day ranked (the 7 days ending `day`, not before the competition starts). */
  from: string;
  top: number;
  /** The channels whose subscription asked for this time and length. */
  channelIds: string[];
}

export interface ScheduleInput {
  competitionId: string;
  timeZone: string;
  period: { start: string; end: string };
  subscriptions: readonly Subscription[];
  now: Date;
}

/**
 * The daily and weekly messages due at `now`: each subscription's time has come today (in the
 * competition's zone) and today is inside the competition. A time passed while the process was
 * down is still due later the same day (the key keeps it once); yesterday's is never posted late,
 * since only today's key is ever asked for. Channels asking the same time and length share a post.
 */
export function duePosts(input: ScheduleInput): DuePost[] {
  const { day, time, weekday } = localTime(input.now, input.timeZone);
  if (day < input.period.start || day > input.period.end) return [];
  const groups = new Map<string, DuePost>();
  const add = (post: Omit<DuePost, 'channelIds'>, channelId: string) => {
    const id = `${post.kind}\u0000${post.at}\u0000${String(post.top)}`;
    const group = groups.get(id) ?? { ...post, channelIds: [] };
    group.channelIds.push(channelId);
    groups.set(id, group);
  };
  for (const s of input.subscriptions) {
    if (s.daily && s.daily.at <= time) {
      add(
        {
          kind: 'daily_standings',
          key: `daily:${input.competitionId}:${day}`,
          day,
          at: s.daily.at,
          from: day,
          top: s.top,
        },
        s.channelId,
      );
    }
    if (s.weekly && s.weekly.weekday === weekday && s.weekly.at <= time) {
      const weekStart = addDays(day, -6);
      add(
        {
          kind: 'weekly_ranking',
          key: `weekly:${input.competitionId}:${isoWeek(day)}`,
          day,
          at: s.weekly.at,
          from: weekStart < input.period.start ? input.period.start : weekStart,
          top: s.top,
        },
        s.channelId,
      );
    }
  }
  return [...groups.values()];
}
