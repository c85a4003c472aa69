import type { ClickHouseClient } from '@clickhouse/client';
import { WHOLE_PERIOD_ID } from '../../schemas/competition.schema.ts';
import type { Periods } from '../competition/periods.ts';
import type { Notices } from '../notice/notices.ts';
import { loadClosures } from '../storage/closures.store.ts';
import type { FinalStandings } from './screen-data.ts';

/** What a screen needs of closed competitions: whether the whole period is closed, and its frozen standings. */
export function createFinalStandings(
  client: ClickHouseClient,
  periods: Pick<Periods, 'finalStandings'>,
  notices: Pick<Notices, 'view'>,
): FinalStandings {
  return {
    async notice(competitionId) {
      const notice = await notices.view(competitionId, WHOLE_PERIOD_ID);
      return (
        notice && {
          status: notice.status === 'final' ? 'final' : notice.status === 'in_notice' ? 'in_notice' : 'notice_ended',
          endsOn: notice.endsOn,
        }
      );
    },
    async closedAt(competitionId) {
      const closures = await loadClosures(client, competitionId);
      return closures.find((c) => c.periodId === WHOLE_PERIOD_ID)?.closedAt;
    },
    read: (competitionId, periodId, query) => periods.finalStandings(competitionId, periodId, query),
  };
}
