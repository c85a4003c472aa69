import type { NotifyPlatform } from '../../schemas/notify.schema.ts';
import { readAnswer, type WebhookAnswer, type WebhookRequest } from './webhook-request.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface SendOptions {
  fetch?: FetchLike;
  timeoutMs: number;
}

/** Why a request did not get an answer, without the address (it holds the robot's key). */
function networkProblem(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `超时 / no answer within ${timeoutMs} ms`;
  }
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const message = err instanceof Error ? err.message : String(err);
  return `网络错误 / network error: ${message}${detail === '' ? '' : ` (${detail})`}`;
}

/** POSTs one webhook request and reads the platform's answer. Never throws: a failure is ok=false. */
export async function sendWebhook(
  platform: NotifyPlatform,
  request: WebhookRequest,
  options: SendOptions,
): Promise<WebhookAnswer> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return readAnswer(platform, response.status, await response.text());
  } catch (err) {
    return { ok: false, answer: networkProblem(err, options.timeoutMs) };
  }
}
