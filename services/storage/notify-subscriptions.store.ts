import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from './insert-rows.ts';

/** One save of a competition's subscriptions (migration 0036): the list as JSON. */
export interface StoredSubscriptions {
  competitionId: string;
  revision: number;
  /** JSON of Subscription[] (schemas/notify.schema.ts), parsed by the caller. */
  subscriptions: string;
  savedAt: string;
  savedBy: string;
}

interface SubscriptionsRow {
  competition_id: string;
  revision: number;
  subscriptions: string;
}

export async function writeSubscriptions(client: ClickHouseClient, saved: StoredSubscriptions): Promise<void> {
  await insertRows(client, 'notify_subscriptions', [
    {
      competition_id: saved.competitionId,
      revision: saved.revision,
      subscriptions: saved.subscriptions,
      saved_at: saved.savedAt,
      saved_by: saved.savedBy,
    },
  ]);
}

/** The latest save of every competition's subscriptions (or of one). */
export async function loadSubscriptions(
  client: ClickHouseClient,
  competitionId?: string,
): Promise<{ competitionId: string; revision: number; subscriptions: string }[]> {
  const result = await client.query({
    query: `SELECT competition_id, revision, subscriptions
            FROM notify_subscriptions
            WHERE {competitionId:String} = '' OR competition_id = {competitionId:String}
            ORDER BY competition_id, revision DESC LIMIT 1 BY competition_id`,
    query_params: { competitionId: competitionId ?? '' },
    format: 'JSONEachRow',
  });
  return (await result.json<SubscriptionsRow>()).map((row) => ({
    competitionId: row.competition_id,
    revision: row.revision,
    subscriptions: row.subscriptions,
  }));
}
