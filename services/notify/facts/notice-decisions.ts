import type { PeriodNotice } from '../../../schemas/notice.schema.ts';
import { addDays, dayInZone } from '../../shared/calendar.ts';

/** A confirmation older than this many days is history, not news, for a group subscribing late. */
export const CONFIRMED_NEWS_DAYS = 7;

export interface NoticeNews {
  opened?: { key: string };
  confirmed?: { key: string; confirmedOn: string };
}

/**
 * What a period's 公示 has to tell the groups now: its opening while it runs, its confirmation
 * within CONFIRMED_NEWS_DAYS of it. Asked again (every sweep, every restart) it answers the same
 * keys, which the outbox keeps once per channel; a 公示 that ended unannounced (no group asked
 * then) is not announced after the fact.
 */
export function noticeNews(notice: PeriodNotice, now: Date): NoticeNews {
  const base = `${notice.competitionId}:${notice.periodId}`;
  const news: NoticeNews = {};
  if (notice.status === 'in_notice') news.opened = { key: `notice-opened:${base}` };
  if (notice.status === 'final' && notice.confirmedAt !== null) {
    const confirmedOn = dayInZone(new Date(notice.confirmedAt), notice.timeZone);
    if (addDays(confirmedOn, CONFIRMED_NEWS_DAYS) >= dayInZone(now, notice.timeZone)) {
      news.confirmed = { key: `notice-confirmed:${base}`, confirmedOn };
    }
  }
  return news;
}
