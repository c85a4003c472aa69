import type { ClickHouseClient } from '@clickhouse/client';
import type { NotifyPlatform } from '../../schemas/notify.schema.ts';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

/** One save of a group robot's channel (migration 0035), secret and webhook key included. */
export interface StoredChannel {
  channelId: string;
  revision: number;
  name: string;
  platform: NotifyPlatform;
  webhookUrl: string;
  secret: string;
  unitIds: string[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  deleted: boolean;
}

interface ChannelRow {
  channel_id: string;
  revision: number;
  name: string;
  platform: NotifyPlatform;
  webhook_url: string;
  secret: string;
  unit_ids: string[];
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  deleted: number;
}

export async function writeChannel(client: ClickHouseClient, channel: StoredChannel): Promise<void> {
  await insertRows(client, 'notify_channels', [
    {
      channel_id: channel.channelId,
      revision: channel.revision,
      name: channel.name,
      platform: channel.platform,
      webhook_url: channel.webhookUrl,
      secret: channel.secret,
      unit_ids: channel.unitIds,
      created_at: channel.createdAt,
      created_by: channel.createdBy,
      updated_at: channel.updatedAt,
      updated_by: channel.updatedBy,
      deleted: channel.deleted ? 1 : 0,
    },
  ]);
}

/** The latest save of every channel, deleted ones included (the caller drops them), by channel id. */
export async function loadChannels(client: ClickHouseClient): Promise<StoredChannel[]> {
  const result = await client.query({
    query: `SELECT channel_id, revision, name, platform, webhook_url, secret, unit_ids,
                   created_at, created_by, updated_at, updated_by, deleted
            FROM notify_channels
            ORDER BY channel_id, revision DESC LIMIT 1 BY channel_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<ChannelRow>()).map((row) => ({
    channelId: row.channel_id,
    revision: row.revision,
    name: row.name,
    platform: row.platform,
    webhookUrl: row.webhook_url,
    secret: row.secret,
    unitIds: row.unit_ids,
    createdAt: fromClickHouseTime(row.created_at),
    createdBy: row.created_by,
    updatedAt: fromClickHouseTime(row.updated_at),
    updatedBy: row.updated_by,
    deleted: row.deleted === 1,
  }));
}
