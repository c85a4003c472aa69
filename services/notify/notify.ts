import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createChannels, type Channels } from './channels.ts';
import { createRobotPacer } from './robot-pacing.ts';
import { createDeliveryWorker, type DeliveryWorker, type Timers } from './delivery-worker.ts';
import type { Notifier } from './notify-fact.ts';
import { createNotifyMetrics } from './notify-metrics.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.ts';
import { webhookRequest, type WebhookAnswer, type WebhookMessage, type WebhookTarget } from './webhook-request.ts';
import { webhookHostAllowed } from './webhook-hosts.ts';
import { sendWebhook, type FetchLike } from './webhook-send.ts';

/** Messages to the work groups: channels, subscriptions, the outbox and its delivery worker. */
export interface Notify {
  /** What the fact sources (services/notify/facts/) post to. */
  notifier: Notifier;
  channels: Channels;
  subscriptions: Subscriptions;
  outbox: Outbox;
  /** Sends a test message to a channel now, not through the outbox. */
  test(channelId: string): Promise<WebhookAnswer>;
  /** Sends what the outbox holds; started only where NOTIFY=on. */
  worker: DeliveryWorker;
}

export interface NotifyDeps {
  client: ClickHouseClient;
  now: () => Date;
  logger: Logger;
  metrics: Registry;
  /** Where crews and organisers open the product: the links in messages. */
  publicUrl: string;
  maxAttempts: number;
  retryBaseMs: number;
  /** Hosts a webhook may point at (services/notify/webhook-hosts.ts). */
  webhookHosts: readonly string[];
  timers?: Timers;
  fetch?: FetchLike;
  /** How long one POST may take before it counts as a failed attempt. */
  timeoutMs?: number;
  pollMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createNotify(deps: NotifyDeps): Notify {
  const { client, now } = deps;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const channels = createChannels({ client, now, webhookHosts: deps.webhookHosts });
  const subscriptions = createSubscriptions({ client, now, channels: () => channels.byId() });
  const pacer = createRobotPacer();
  const send = async (target: WebhookTarget, message: WebhookMessage, nowMs: number): Promise<WebhookAnswer> => {
    // Checked again at sending: a host taken off the list since the channel was saved gets nothing.
    if (!webhookHostAllowed(target.webhookUrl, deps.webhookHosts))
      return { ok: false, answer: `主机不在允许列表 / host not allowed (NOTIFY_WEBHOOK_HOSTS)` };
    // Test messages count too: the platform counts every post to the robot.
    pacer.posted(target, nowMs);
    return sendWebhook(target.platform, webhookRequest(target, message, nowMs), {
      timeoutMs,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  };
  const worker = createDeliveryWorker({
    client,
    now,
    ...(deps.timers ? { timers: deps.timers } : {}),
    ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
    logger: deps.logger,
    metrics: createNotifyMetrics(deps.metrics),
    channels: () => channels.byId(),
    send,
    paceMs: (target, nowMs) => pacer.waitMs(target, nowMs),
    maxAttempts: deps.maxAttempts,
    retryBaseMs: deps.retryBaseMs,
  });
  const outbox = createOutbox({
    client,
    now,
    subscriptions,
    channels: () => channels.byId(),
    onPending: () => worker.wake(),
  });
  return {
    notifier: {
      async post(fact) {
        await outbox.post(fact);
      },
      subscriptions: () => subscriptions.all(),
    },
    channels,
    subscriptions,
    outbox,
    async test(channelId) {
      const channel = await channels.get(channelId);
      return send(
        channel,
        {
          title: `测试消息 · ${channel.name}`,
          markdown: [
            '## 测试消息',
            `劳动竞赛排行榜的群消息已接通：这个群（**${channel.name}**）会按竞赛的订阅收到每日亮晒、每周排名等消息。`,
            `[打开排行榜](${deps.publicUrl})`,
          ].join('\n'),
        },
        now().getTime(),
      );
    },
    worker,
  };
}
