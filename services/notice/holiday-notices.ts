/**
 * The State Council's yearly holiday notices (国务院办公厅关于部分节假日安排的通知) as data: the
 * days off (放假) and the weekend days that are working days (调休上班). A year that is not here
 * has no calendar: working days are never guessed from weekdays (working-days.ts says so).
 * Adding a year: copy the notice's seven lines (published each November for the next year) and
 * add a case for its long holidays to test/unit/working-days.test.ts.
 */
export interface HolidayNotice {
  year: number;
  /** Where the notice was published. */
  source: string;
  /** Days off, as inclusive ranges of YYYY-MM-DD, each with the holiday's name. */
  holidays: readonly { name: string; from: string; to: string }[];
  /** Saturdays and Sundays that are working days (调休上班). */
  workingWeekends: readonly string[];
}

export const HOLIDAY_NOTICES: readonly HolidayNotice[] = [
  {
    // 国办发明电〔2024〕12号, 2024-11-12.
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
    holidays: [
      { name: '元旦', from: '2025-01-01', to: '2025-01-01' },
      { name: '春节', from: '2025-01-28', to: '2025-02-04' },
      { name: '清明节', from: '2025-04-04', to: '2025-04-06' },
      { name: '劳动节', from: '2025-05-01', to: '2025-05-05' },
      { name: '端午节', from: '2025-05-31', to: '2025-06-02' },
      { name: '国庆节、中秋节', from: '2025-10-01', to: '2025-10-08' },
    ],
    workingWeekends: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    // Published 2025-11-04 (新华社).
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    holidays: [
      { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
      { name: '春节', from: '2026-02-15', to: '2026-02-23' },
      { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
      { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
      { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
      { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
      { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
    ],
    workingWeekends: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
