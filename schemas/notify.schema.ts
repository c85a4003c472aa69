import { z } from 'zod';
import { Id, SafeLine, strictObject } from './common.schema.ts';

/**
 * Messages to the work groups (一天一亮晒、一周一排名): group robots of 企业微信 (wecom), 钉钉 (dingtalk)
 * and 飞书 (feishu). A channel is one group's robot webhook; a competition's subscriptions say which
 * facts go to which channel. Each fact is posted once per channel: its key is the idempotency key.
 */
export const NotifyPlatform = z
  .enum(['wecom', 'dingtalk', 'feishu'])
  .describe('wecom 企业微信; dingtalk 钉钉; feishu 飞书');
export type NotifyPlatform = z.infer<typeof NotifyPlatform>;

/** What happened that a work group hears about. */
export const NotifyFactKind = z
  .enum([
    'daily_standings',
    'weekly_ranking',
    'leader_changed',
    'veto',
    'notice_opened',
    'notice_confirmed',
    'hazard_overdue',
  ])
  .describe(
    'daily_standings 每日亮晒; weekly_ranking 每周排名; leader_changed 领先者变化; veto 一票否决; notice_opened 公示开始; notice_confirmed 公示结束、结果确认; hazard_overdue 隐患逾期未整改（发给所属单位的群）',
  );
export type NotifyFactKind = z.infer<typeof NotifyFactKind>;

/** HH:mm in the competition's time zone. */
export const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/u, 'HH:mm, e.g. 18:00')
  .describe('HH:mm in the competition’s time zone');

const WEBHOOK_HOSTS: Record<NotifyPlatform, string> = {
  wecom: 'qyapi.weixin.qq.com',
  dingtalk: 'oapi.dingtalk.com',
  feishu: 'open.feishu.cn',
};

export const ChannelRequest = strictObject({
  name: SafeLine(100).describe('the group’s name as organisers know it, e.g. 运营一部安全群'),
  platform: NotifyPlatform,
  webhookUrl: z
    .url({ protocol: /^https?$/u })
    .max(1000)
    .describe(
      `the robot's webhook address as the platform shows it (${Object.values(WEBHOOK_HOSTS).join(', ')}); another host is allowed for a private deployment or a test receiver`,
    ),
  secret: z
    .string()
    .max(200)
    .optional()
    .describe('加签 secret (钉钉 SEC…, 飞书 签名校验); omitted on update keeps the stored one; empty removes it'),
  unitIds: z
    .array(Id)
    .max(500)
    .default([])
    .describe('the units this group belongs to: overdue hazards of these units go here; empty = not a unit group'),
});
export type ChannelRequest = z.infer<typeof ChannelRequest>;

/** PUT of a channel: the console cannot show the stored address (only its hint), so omitted keeps it. */
export const ChannelUpdate = ChannelRequest.extend({
  webhookUrl: ChannelRequest.shape.webhookUrl.optional().describe('omitted: keep the stored webhook address'),
});
export type ChannelUpdate = z.infer<typeof ChannelUpdate>;

/** A channel as the API shows it: the webhook's key and the secret are never sent back. */
export const NotifyChannel = z.object({
  channelId: z.string(),
  name: z.string(),
  platform: NotifyPlatform,
  webhookHint: z
    .string()
    .describe('the webhook address with its key masked, e.g. https://qyapi.weixin.qq.com/…key=ab…9f'),
  hasSecret: z.boolean(),
  unitIds: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type NotifyChannel = z.infer<typeof NotifyChannel>;

/** One channel's subscription to one competition's facts. */
export const Subscription = strictObject({
  channelId: Id,
  daily: strictObject({ at: ClockTime }).optional().describe('post the day’s standings at this time'),
  weekly: strictObject({
    weekday: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday'),
    at: ClockTime,
  })
    .optional()
    .describe('post the past week’s ranking on this weekday at this time'),
  leaderChanged: z.boolean().default(false),
  veto: z.boolean().default(false),
  notice: z.boolean().default(false).describe('公示 opened, and the results confirmed'),
  hazardOverdue: z.boolean().default(false).describe('overdue hazards of the channel’s units'),
  top: z.number().int().min(3).max(30).default(10).describe('how many rows a standings message lists'),
});
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionsRequest = strictObject({ subscriptions: z.array(Subscription).max(50) });
export const Subscriptions = z.object({ competitionId: z.string(), subscriptions: z.array(Subscription) });

export const DeliveryStatus = z
  .enum(['pending', 'delivered', 'retrying', 'failed', 'uncertain'])
  .describe(
    'pending 待发送; delivered 已送达; retrying 发送失败、将重试; failed 多次失败已停止（可手动重发）; uncertain 发送中进程中断、不确定是否送达（不自动重发，以免重复）',
  );

export const Delivery = z.object({
  deliveryId: z.string().describe('channelId + fact key: the idempotency key'),
  channelId: z.string(),
  channelName: z.string(),
  platform: NotifyPlatform,
  competitionId: z.string(),
  factKey: z.string(),
  kind: NotifyFactKind,
  title: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastError: z.string().optional().describe('the platform’s answer or the network error of the last attempt'),
  createdAt: z.string(),
  deliveredAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;
export const Deliveries = z.object({ deliveries: z.array(Delivery) });

export const TestMessageResult = z.object({
  ok: z.boolean(),
  answer: z.string().describe('what the platform answered (errcode/errmsg, code/msg) or the network error'),
});
