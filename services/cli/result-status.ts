import type { ResultStatus } from '../../schemas/notice.schema.ts';

/** The 公示 dates a status line names, when the period has a notice. */
export interface NoticeDates {
  startsOn: string;
  endsOn: string;
}

/**
 * A period's result status as organisers say it, Chinese / English. A closed period's standings
 * are not official until the 公示 is over and confirmed, so every place the CLI prints frozen
 * results says which of these they are.
 */
export function resultStatusWords(status: ResultStatus, notice?: NoticeDates): string {
  switch (status) {
    case 'open':
      return '进行中 / open';
    case 'closed':
      return '已结算（无公示记录） / closed (no 公示 on record)';
    case 'in_notice':
      return notice
        ? `公示中，${notice.startsOn} 至 ${notice.endsOn}，可实名提出异议 / in 公示 ${notice.startsOn} – ${notice.endsOn}, objections open`
        : '公示中 / in 公示';
    case 'notice_ended':
      return notice
        ? `公示期满（${notice.endsOn}），待组织者确认 / 公示 ended ${notice.endsOn}, awaiting confirmation`
        : '公示期满，待组织者确认 / 公示 ended, awaiting confirmation';
    case 'final':
      return '正式结果（已确认） / final (confirmed)';
  }
}

/** The same, short enough for a table column. */
export function resultStatusShort(status: ResultStatus, notice?: NoticeDates): string {
  switch (status) {
    case 'open':
      return '进行中 / open';
    case 'closed':
      return '已结算 / closed';
    case 'in_notice':
      return notice ? `公示中，至 ${notice.endsOn} / in 公示 until ${notice.endsOn}` : '公示中 / in 公示';
    case 'notice_ended':
      return '公示期满待确认 / awaiting confirmation';
    case 'final':
      return '正式结果 / final';
  }
}
