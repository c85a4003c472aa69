import { periodsOf } from '../../competition/periods.ts';
import type { Notices } from '../../notice/notices.ts';
import { noticeConfirmedMessage, noticeOpenedMessage, type PublicLinks } from './fact-messages.ts';
import type { PostFact, Subscribed } from './fact-post.ts';
import { noticeNews } from './notice-decisions.ts';

export interface NoticeFactsDeps {
  notices: Pick<Notices, 'statuses' | 'view'>;
  links: PublicLinks;
  post: PostFact;
}

/** 公示 opened and results confirmed, from the notice actions (services/notice/notices.ts). */
export function createNoticeFacts(deps: NoticeFactsDeps) {
  const { notices, links, post } = deps;
  // Periods whose news is over (confirmed long enough ago): not read again by this process.
  const settled = new Set<string>();
  return async function noticeFacts({ competition, subscriptions }: Subscribed, now: Date): Promise<void> {
    if (!subscriptions.some((s) => s.notice)) return;
    const def = competition.definition;
    const statuses = await notices.statuses(competition.id);
    for (const [periodId, status] of statuses) {
      const id = `${competition.id}\u0000${periodId}`;
      if ((status !== 'in_notice' && status !== 'final') || settled.has(id)) continue;
      const notice = await notices.view(competition.id, periodId);
      if (!notice) continue;
      const news = noticeNews(notice, now);
      if (status === 'final' && !news.confirmed) settled.add(id);
      const period = {
        competitionName: def.name.zh,
        competitionId: competition.id,
        periodId,
        periodName: periodsOf(def).find((p) => p.id === periodId)?.name.zh ?? periodId,
      };
      if (news.opened) {
        await post({
          key: news.opened.key,
          competitionId: competition.id,
          kind: 'notice_opened',
          ...noticeOpenedMessage(links, {
            ...period,
            startsOn: notice.startsOn,
            endsOn: notice.endsOn,
            workingDays: notice.workingDays,
          }),
          occurredAt: notice.openedAt,
        });
      }
      if (news.confirmed) {
        await post({
          key: news.confirmed.key,
          competitionId: competition.id,
          kind: 'notice_confirmed',
          ...noticeConfirmedMessage(links, {
            ...period,
            confirmedOn: news.confirmed.confirmedOn,
            objections: notice.objections.length,
          }),
          occurredAt: notice.confirmedAt ?? now.toISOString(),
        });
      }
    }
  };
}
