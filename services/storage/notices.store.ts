import type { ClickHouseClient } from '@clickhouse/client';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export type NoticeActionKind = 'opened' | 'objected' | 'rejected' | 'upheld' | 'rechecked' | 'confirmed';

/** Actions stamped at the same instant happened in this order (an objection before its decision). */
const ORDER: Record<NoticeActionKind, number> = {
  opened: 0,
  objected: 1,
  rejected: 2,
  upheld: 2,
  rechecked: 3,
  confirmed: 4,
};

/** One stored action of a period's 公示 (migration 0034). */
export interface StoredNoticeAction {
  competitionId: string;
  periodId: string;
  actionId: string;
  action: NoticeActionKind;
  at: string;
  by: string;
  objectionId: string;
  detail: Record<string, unknown>;
}

interface NoticeActionRow {
  competition_id: string;
  period_id: string;
  action_id: string;
  action: NoticeActionKind;
  at: string;
  by: string;
  objection_id: string;
  detail: string;
}

export async function writeNoticeAction(client: ClickHouseClient, action: StoredNoticeAction): Promise<void> {
  await insertRows(client, 'period_notice_actions', [
    {
      competition_id: action.competitionId,
      period_id: action.periodId,
      action_id: action.actionId,
      action: action.action,
      at: action.at,
      by: action.by,
      objection_id: action.objectionId,
      detail: JSON.stringify(action.detail),
    },
  ]);
}

/** The actions of a competition's notices (of one period, or all), in the order they happened. */
export async function loadNoticeActions(
  client: ClickHouseClient,
  competitionId: string,
  periodId?: string,
): Promise<StoredNoticeAction[]> {
  const result = await client.query({
    query: `SELECT competition_id, period_id, action_id, action, at, by, objection_id, detail
            FROM period_notice_actions
            WHERE competition_id = {competitionId:String}
              AND ({periodId:String} = '' OR period_id = {periodId:String})
            ORDER BY period_id, action_id, at LIMIT 1 BY period_id, action_id`,
    query_params: { competitionId, periodId: periodId ?? '' },
    format: 'JSONEachRow',
  });
  return (await result.json<NoticeActionRow>())
    .map((row) => ({
      competitionId: row.competition_id,
      periodId: row.period_id,
      actionId: row.action_id,
      action: row.action,
      at: fromClickHouseTime(row.at),
      by: row.by,
      objectionId: row.objection_id,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }))
    .sort(
      (a, b) => a.at.localeCompare(b.at) || ORDER[a.action] - ORDER[b.action] || a.actionId.localeCompare(b.actionId),
    );
}
