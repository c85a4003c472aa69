import type { ClickHouseClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import type { ChannelRequest, ChannelUpdate, NotifyChannel } from '../../schemas/notify.schema.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import { loadChannels, writeChannel, type StoredChannel } from '../storage/notify-channels.store.ts';
import { webhookHint } from './webhook-hint.ts';
import { refuseWebhookHost } from './webhook-hosts.ts';

export interface Channels {
  /** The channels not deleted, by name. */
  list(): Promise<StoredChannel[]>;
  /** Every channel not deleted, by id. */
  byId(): Promise<Map<string, StoredChannel>>;
  get(channelId: string): Promise<StoredChannel>;
  create(by: string, request: ChannelRequest): Promise<StoredChannel>;
  /** webhookUrl and secret omitted keep the stored ones (the API never shows them to be sent back). */
  update(by: string, channelId: string, request: ChannelUpdate): Promise<StoredChannel>;
  /** usedBy: the competitions whose subscriptions name the channel (it is not deleted then). */
  remove(by: string, channelId: string, usedBy: (channelId: string) => Promise<string[]>): Promise<void>;
}

export interface ChannelsDeps {
  client: ClickHouseClient;
  now: () => Date;
  newId?: () => string;
  /** Hosts a webhook may point at: a channel naming another is refused (422 webhook_host_not_allowed). */
  webhookHosts: readonly string[];
}

/** A channel as the API shows it: never the webhook's key nor the secret. */
export function channelView(channel: StoredChannel): NotifyChannel {
  return {
    channelId: channel.channelId,
    name: channel.name,
    platform: channel.platform,
    webhookHint: webhookHint(channel.webhookUrl),
    hasSecret: channel.secret !== '',
    unitIds: channel.unitIds,
    createdAt: channel.createdAt,
    createdBy: channel.createdBy,
    updatedAt: channel.updatedAt,
  };
}

const notFound = (channelId: string) =>
  new NotFoundError('channel_not_found', `没有工作群机器人 "${channelId}" / no group robot channel "${channelId}"`);

export function createChannels(deps: ChannelsDeps): Channels {
  const { client, now } = deps;
  const newId = deps.newId ?? (() => `ch-${randomBytes(4).toString('hex')}`);
  // Each save reads the channel's revision and writes the next: saves go one at a time.
  const oneAtATime = createOneAtATime();

  async function all(): Promise<StoredChannel[]> {
    return loadChannels(client);
  }

  async function current(channelId: string): Promise<StoredChannel> {
    const found = (await all()).find((c) => c.channelId === channelId && !c.deleted);
    if (!found) throw notFound(channelId);
    return found;
  }

  return {
    async list() {
      return (await all()).filter((c) => !c.deleted).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    },
    async byId() {
      return new Map((await all()).filter((c) => !c.deleted).map((c) => [c.channelId, c]));
    },
    get: current,
    create: (by, request) =>
      oneAtATime(async () => {
        refuseWebhookHost(request.webhookUrl, deps.webhookHosts);
        const at = now().toISOString();
        const channel: StoredChannel = {
          channelId: newId(),
          revision: 1,
          name: request.name,
          platform: request.platform,
          webhookUrl: request.webhookUrl,
          secret: request.secret ?? '',
          unitIds: request.unitIds,
          createdAt: at,
          createdBy: by,
          updatedAt: at,
          updatedBy: by,
          deleted: false,
        };
        await writeChannel(client, channel);
        return channel;
      }),
    update: (by, channelId, request) =>
      oneAtATime(async () => {
        if (request.webhookUrl !== undefined) refuseWebhookHost(request.webhookUrl, deps.webhookHosts);
        const before = await current(channelId);
        const channel: StoredChannel = {
          ...before,
          revision: before.revision + 1,
          name: request.name,
          platform: request.platform,
          webhookUrl: request.webhookUrl ?? before.webhookUrl,
          // Omitted keeps the stored secret (the console never has it to send back); "" removes it.
          secret: request.secret ?? before.secret,
          unitIds: request.unitIds,
          updatedAt: now().toISOString(),
          updatedBy: by,
        };
        await writeChannel(client, channel);
        return channel;
      }),
    remove: (by, channelId, usedBy) =>
      oneAtATime(async () => {
        const before = await current(channelId);
        const competitions = await usedBy(channelId);
        if (competitions.length > 0) {
          throw new ConflictError(
            'channel_in_use',
            `工作群机器人 "${before.name}" 仍被竞赛 ${competitions.join('、')} 订阅，请先取消订阅 / channel "${channelId}" is still subscribed by competition(s) ${competitions.join(', ')}: remove those subscriptions first`,
          );
        }
        await writeChannel(client, {
          ...before,
          revision: before.revision + 1,
          updatedAt: now().toISOString(),
          updatedBy: by,
          deleted: true,
        });
      }),
  };
}
