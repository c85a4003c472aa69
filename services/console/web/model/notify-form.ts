/**
 * The 工作群机器人 forms as organisers fill them, and the API requests they become. Pure: the
 * channels page, the competition's 群消息 tab and the unit tests share it.
 */
import type { z } from 'zod';
import type {
  ChannelUpdate,
  DeliveryStatus,
  NotifyChannel,
  Subscriptions,
  SubscriptionsRequest,
} from '../../../../schemas/notify.schema.ts';

// Types only, from the API's own schemas (this module also runs in the unit tests, outside the browser).
type Channel = NotifyChannel;
type ChannelChange = z.input<typeof ChannelUpdate>;
type DeliveryState = z.infer<typeof DeliveryStatus>;
type CompetitionSubscriptions = z.infer<typeof Subscriptions>;
type SubscriptionsInput = z.input<typeof SubscriptionsRequest>;

export type Platform = Channel['platform'];
export const PLATFORMS: readonly Platform[] = ['wecom', 'dingtalk', 'feishu'];

/** Each platform's robot address as its app shows it: host and the part that names the robot. */
const WEBHOOK_SHAPES: Record<Platform, { host: string; path: RegExp }> = {
  wecom: { host: 'qyapi.weixin.qq.com', path: /^\/cgi-bin\/webhook\/send\?(.*&)?key=[^&]+/u },
  dingtalk: { host: 'oapi.dingtalk.com', path: /^\/robot\/send\?(.*&)?access_token=[^&]+/u },
  feishu: { host: 'open.feishu.cn', path: /^\/open-apis\/bot\/v2\/hook\/[^/?]+/u },
};

/** What the organiser pastes looks like: https://oapi.dingtalk.com/robot/send?access_token=… */
export const webhookExample = (platform: Platform): string =>
  `https://${WEBHOOK_SHAPES[platform].host}${
    {
      wecom: '/cgi-bin/webhook/send?key=…',
      dingtalk: '/robot/send?access_token=…',
      feishu: '/open-apis/bot/v2/hook/…',
    }[platform]
  }`;

/**
 * What is wrong with a pasted robot address, for the form to say before saving:
 * - invalid: not an http(s) address at all (refused);
 * - otherPlatform: the address of another platform's robot (refused: the platform select is wrong);
 * - incomplete: the platform's host, but the robot's key/token part is missing (refused: half copied);
 * - otherHost: a host none of the platforms uses (allowed: a private deployment or a test receiver,
 *   but said, because it is usually a wrong paste).
 */
export type WebhookProblem =
  { kind: 'invalid' } | { kind: 'otherPlatform'; platform: Platform } | { kind: 'incomplete' } | { kind: 'otherHost' };

export function webhookProblem(platform: Platform, address: string): WebhookProblem | undefined {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return { kind: 'invalid' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'invalid' };
  const host = url.hostname.toLowerCase();
  const owner = PLATFORMS.find((p) => WEBHOOK_SHAPES[p].host === host);
  if (owner === undefined) return { kind: 'otherHost' };
  if (owner !== platform) return { kind: 'otherPlatform', platform: owner };
  return WEBHOOK_SHAPES[platform].path.test(`${url.pathname}${url.search}`) ? undefined : { kind: 'incomplete' };
}

/** A problem that keeps the form from saving (otherHost only warns). */
export const blocksSaving = (problem: WebhookProblem | undefined): boolean =>
  problem !== undefined && problem.kind !== 'otherHost';

export interface ChannelForm {
  name: string;
  platform: Platform;
  webhookUrl: string;
  /** Empty on an edit keeps the stored secret (unless removeSecret); empty on a new channel: none. */
  secret: string;
  removeSecret: boolean;
  unitIds: string[];
}

export function newChannelForm(): ChannelForm {
  return { name: '', platform: 'dingtalk', webhookUrl: '', secret: '', removeSecret: false, unitIds: [] };
}

/**
 * An existing channel in the form. The API never sends back the address (its key is the robot's
 * password) nor the secret: both start empty, and empty means "keep the stored one".
 */
export function channelToForm(channel: Channel): ChannelForm {
  return {
    name: channel.name,
    platform: channel.platform,
    webhookUrl: '',
    secret: '',
    removeSecret: false,
    unitIds: [...channel.unitIds],
  };
}

/** The request for POST (editing: false) or PUT (editing: true). */
export function formToChannelRequest(form: ChannelForm, editing: boolean): ChannelChange {
  const secret = form.secret.trim();
  const webhookUrl = form.webhookUrl.trim();
  const request: ChannelChange = {
    name: form.name.trim(),
    platform: form.platform,
    ...(webhookUrl !== '' || !editing ? { webhookUrl } : {}),
    unitIds: form.unitIds,
  };
  // 企业微信 robots have no 加签: a secret left from another platform is removed.
  if (form.platform === 'wecom') return editing ? { ...request, secret: '' } : request;
  if (secret !== '' && !form.removeSecret) return { ...request, secret };
  // PUT: omitted keeps the stored secret, "" removes it. POST: omitted means none.
  return editing && form.removeSecret ? { ...request, secret: '' } : request;
}

// ---- subscriptions (群消息) ----

/** One channel's card on the competition's 群消息 tab. */
export interface SubscriptionForm {
  channelId: string;
  dailyOn: boolean;
  dailyAt: string;
  weeklyOn: boolean;
  weekday: number;
  weeklyAt: string;
  leaderChanged: boolean;
  veto: boolean;
  notice: boolean;
  hazardOverdue: boolean;
  top: number;
}

/** What a card starts with when a channel is not subscribed yet: the usual 18:00 亮晒 and Monday 09:00 排名, off. */
export const DEFAULT_DAILY_AT = '18:00';
export const DEFAULT_WEEKLY = { weekday: 1, at: '09:00' } as const;
export const DEFAULT_TOP = 10;

/** One card per channel, in the channels' order; the competition's subscription filled in where there is one. */
export function subscriptionsToForm(
  channels: readonly Channel[],
  saved: CompetitionSubscriptions['subscriptions'],
): SubscriptionForm[] {
  const byChannel = new Map(saved.map((s) => [s.channelId, s]));
  return channels.map((channel) => {
    const s = byChannel.get(channel.channelId);
    return {
      channelId: channel.channelId,
      dailyOn: s?.daily !== undefined,
      dailyAt: s?.daily?.at ?? DEFAULT_DAILY_AT,
      weeklyOn: s?.weekly !== undefined,
      weekday: s?.weekly?.weekday ?? DEFAULT_WEEKLY.weekday,
      weeklyAt: s?.weekly?.at ?? DEFAULT_WEEKLY.at,
      leaderChanged: s?.leaderChanged ?? false,
      veto: s?.veto ?? false,
      notice: s?.notice ?? false,
      hazardOverdue: s?.hazardOverdue ?? false,
      top: s?.top ?? DEFAULT_TOP,
    };
  });
}

/** Whether a card asks for anything at all: a card that asks for nothing is no subscription. */
export const subscribes = (f: SubscriptionForm): boolean =>
  f.dailyOn || f.weeklyOn || f.leaderChanged || f.veto || f.notice || f.hazardOverdue;

/** The PUT body: the cards that ask for something, each channel once. */
export function formToSubscriptions(forms: readonly SubscriptionForm[]): SubscriptionsInput {
  return {
    subscriptions: forms.filter(subscribes).map((f) => ({
      channelId: f.channelId,
      ...(f.dailyOn ? { daily: { at: f.dailyAt } } : {}),
      ...(f.weeklyOn ? { weekly: { weekday: f.weekday, at: f.weeklyAt } } : {}),
      leaderChanged: f.leaderChanged,
      veto: f.veto,
      notice: f.notice,
      hazardOverdue: f.hazardOverdue,
      top: f.top,
    })),
  };
}

// ---- the delivery log ----

/** Deliveries that may still change on their own: the log refreshes itself while there are some. */
export const STILL_MOVING: readonly DeliveryState[] = ['pending', 'retrying'];
/** Deliveries an organiser may send again: the worker gave up, or does not know whether the group got it. */
export const RETRYABLE: readonly DeliveryState[] = ['failed', 'uncertain'];

/**
 * The platform's answer codes an organiser can act on (each platform's robot documentation):
 * a wrong 加签 / 签名校验 secret, a keyword or IP security setting the messages do not satisfy,
 * a robot address the platform does not know (removed from the group, or copied in part), and rate limits. The page says what to do next; other answers are shown as they are.
 */
export type AnswerHint = 'sign' | 'keywords' | 'ip' | 'rateLimit' | 'address';

export function answerHint(answer: string): AnswerHint | undefined {
  // 企业微信 93000 invalid webhook url, 钉钉 300001 token is not exist, 飞书 19001 access token invalid.
  if (/\b(93000|300001|19001)\b/u.test(answer)) return 'address';
  if (/\b310000\b/u.test(answer)) return /keyword/iu.test(answer) ? 'keywords' : 'sign';
  if (/\b19021\b/u.test(answer)) return 'sign';
  if (/\b19024\b/u.test(answer)) return 'keywords';
  if (/\b19022\b/u.test(answer)) return 'ip';
  if (/\b(45009|9499|11232|130101)\b/u.test(answer)) return 'rateLimit';
  return undefined;
}

/**
 * The competitions a 409 channel_in_use names (by id, in its message), in the list's order: the
 * page links each to its 群消息 tab, where the organiser switches the group off.
 */
export function competitionsNamedIn<C extends { id: string }>(message: string, competitions: readonly C[]): C[] {
  const words = new Set(message.split(/[\s、,，"“”「」（）()]+/u));
  return competitions.filter((c) => words.has(c.id));
}
