import { describe, expect, it } from 'vitest';
import { createWorkingDayCalendar } from '../../services/notice/working-days.ts';

const calendar = createWorkingDayCalendar();

describe('working-day calendar from the State Council notices', () => {
  it.each([
    // 2026 国庆 10-01..07 off, 10-10 (Sat) works; 中秋 09-25..27 off, 09-20 (Sun) works.
    ['2026-10-01', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true],
    ['2026-10-11', false],
    ['2026-09-20', true],
    ['2026-09-25', false],
    // 2026 春节 02-15..23 off; 02-14 and 02-28 (Saturdays) work.
    ['2026-02-14', true],
    ['2026-02-16', false],
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2026-02-28', true],
    ['2026-03-01', false],
    // 2026 元旦 01-01..03 off, 01-04 (Sun) works; 劳动节 05-09 (Sat) works.
    ['2026-01-02', false],
    ['2026-01-04', true],
    ['2026-05-09', true],
    // 2025 国庆中秋 10-01..08 off, 09-28 (Sun) and 10-11 (Sat) work; 春节 01-26 (Sun) works.
    ['2025-10-08', false],
    ['2025-09-28', true],
    ['2025-10-11', true],
    ['2025-01-26', true],
    ['2025-01-28', false],
    // Ordinary weekdays and weekends.
    ['2026-12-07', true],
    ['2026-12-05', false],
  ])('%s is a working day: %s', (day, expected) => {
    expect(calendar.isWorkingDay(day)).toBe(expected);
  });

  it('counts 5 working days from 2026-09-30 across 国庆 and its working Saturday: 10-08, 09, 10 (Sat), 12, 13', () => {
    expect(calendar.addWorkingDays('2026-09-30', 5)).toBe('2026-10-13');
  });

  it('counts 5 working days from 2026-02-13 across 春节: 02-14 (Sat), 24, 25, 26, 27', () => {
    expect(calendar.addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
  });

  it('refuses a year without a notice instead of counting weekdays, saying what to do (zh/en)', () => {
    expect(() => calendar.addWorkingDays('2026-12-28', 5)).toThrow(
      expect.objectContaining({ code: 'calendar_year_missing', message: expect.stringContaining('缺少 2027 年') }),
    );
    expect(() => calendar.isWorkingDay('2024-06-03')).toThrow(/no holiday notice for 2024/);
  });
});
