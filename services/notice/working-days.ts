import { addDays } from '../shared/calendar.ts';
import { ConflictError } from '../shared/errors.ts';
import { HOLIDAY_NOTICES, type HolidayNotice } from './holiday-notices.ts';

/** A day's status in the calendar of the State Council's notices. */
export interface WorkingDayCalendar {
  /** Whether a day is a working day; throws calendar_year_missing for a year without a notice. */
  isWorkingDay(day: string): boolean;
  /** The day on which the n-th working day after `day` falls (`day` itself not counted). */
  addWorkingDays(day: string, n: number): string;
  /** The years the calendar knows. */
  years(): number[];
}

function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function createWorkingDayCalendar(notices: readonly HolidayNotice[] = HOLIDAY_NOTICES): WorkingDayCalendar {
  const off = new Set<string>();
  const working = new Set<string>();
  const years = new Set<number>();
  for (const notice of notices) {
    years.add(notice.year);
    for (const holiday of notice.holidays) {
      for (let day = holiday.from; day <= holiday.to; day = addDays(day, 1)) off.add(day);
    }
    for (const day of notice.workingWeekends) working.add(day);
  }
  const known = [...years].sort((a, b) => a - b);

  function isWorkingDay(day: string): boolean {
    const year = Number(day.slice(0, 4));
    if (!years.has(year)) {
      throw new ConflictError(
        'calendar_year_missing',
        `缺少 ${year} 年的节假日安排，无法计算工作日（已有 ${known.join('、')} 年）：请升级到包含国务院办公厅 ${year} 年节假日安排通知的版本，或在结算时用 noticeEndsOn 自行填写公示截止日 / the working-day calendar has no holiday notice for ${year} (it knows ${known.join(', ')}): working days are not guessed from weekdays; upgrade to a release with the State Council's ${year} holiday notice (services/notice/holiday-notices.ts), or give the 公示's last day as noticeEndsOn when closing`,
      );
    }
    if (off.has(day)) return false;
    if (working.has(day)) return true;
    const d = weekday(day);
    return d !== 0 && d !== 6;
  }

  return {
    isWorkingDay,
    addWorkingDays(day, n) {
      let current = day;
      for (let counted = 0; counted < n;) {
        current = addDays(current, 1);
        if (isWorkingDay(current)) counted += 1;
      }
      return current;
    },
    years: () => known,
  };
}
