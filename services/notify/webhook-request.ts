import type { NotifyPlatform } from '../../schemas/notify.schema.ts';
import { dingtalkSign, feishuSign } from './signing.ts';
import { dingtalkText, feishuMarkdown, wecomContent } from './markdown-render.ts';

/** Where and how a channel's robot is reached (the stored channel, secret included). */
export interface WebhookTarget {
  platform: NotifyPlatform;
  webhookUrl: string;
  /** 加签 / 签名校验 secret; "" when the robot has none. */
  secret: string;
}

export interface WebhookMessage {
  title: string;
  markdown: string;
}

export interface WebhookRequest {
  url: string;
  /** The JSON body, as sent. */
  body: string;
}

/**
 * The platform's documented request for one message, signed at `nowMs` when the channel has a
 * secret (the signature is only valid for about an hour: a request is built right before it is sent).
 */
export function webhookRequest(target: WebhookTarget, message: WebhookMessage, nowMs: number): WebhookRequest {
  switch (target.platform) {
    case 'wecom':
      // 企业微信 group robots have no signature: the key in the address is the credential.
      return {
        url: target.webhookUrl,
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { content: wecomContent(message.title, message.markdown) },
        }),
      };
    case 'dingtalk': {
      const url = new URL(target.webhookUrl);
      if (target.secret !== '') {
        // URLSearchParams encodes the Base64 signature's + / = as %2B %2F %3D, as 钉钉 asks.
        url.searchParams.set('timestamp', String(nowMs));
        url.searchParams.set('sign', dingtalkSign(target.secret, nowMs));
      }
      return {
        url: url.toString(),
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: message.title, text: dingtalkText(message.title, message.markdown) },
        }),
      };
    }
    case 'feishu': {
      const seconds = Math.floor(nowMs / 1000);
      const signature =
        target.secret === '' ? {} : { timestamp: String(seconds), sign: feishuSign(target.secret, seconds) };
      return {
        url: target.webhookUrl,
        body: JSON.stringify({
          ...signature,
          msg_type: 'interactive',
          card: {
            config: { wide_screen_mode: true },
            header: { template: 'blue', title: { tag: 'plain_text', content: message.title } },
            elements: [{ tag: 'markdown', content: feishuMarkdown(message.markdown) }],
          },
        }),
      };
    }
  }
}

export interface WebhookAnswer {
  /** The platform took the message. */
  ok: boolean;
  /** What it answered (errcode/errmsg, code/msg), or the HTTP or network error, for the delivery log. */
  answer: string;
}

const MAX_ANSWER_CHARS = 500;

function numberField(body: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

function stringField(body: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string') return value;
  }
  return '';
}

/**
 * Success is HTTP 2xx with errcode 0 (企业微信, 钉钉) or code 0 (飞书; older answers StatusCode 0).
 * Anything else, a rate limit (45009, 130101, 11232) included, is a failed attempt.
 */
export function readAnswer(platform: NotifyPlatform, status: number, text: string): WebhookAnswer {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    body = undefined;
  }
  const short = text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}…` : text;
  if (body === undefined) return { ok: false, answer: `HTTP ${status}: ${short}` };
  const code = platform === 'feishu' ? numberField(body, 'code', 'StatusCode') : numberField(body, 'errcode');
  const message = platform === 'feishu' ? stringField(body, 'msg', 'StatusMessage') : stringField(body, 'errmsg');
  // JSON without the platform's fields (a proxy's or gateway's error page): the body says more.
  if (code === undefined && message === '') return { ok: false, answer: `HTTP ${status}: ${short}` };
  const label = platform === 'feishu' ? 'code' : 'errcode';
  const answer = `${status === 200 ? '' : `HTTP ${status} `}${label} ${code ?? '?'}: ${message}`;
  return { ok: status >= 200 && status < 300 && code === 0, answer };
}
