import { IngestResponse } from '../../schemas/api.schema.ts';
import { retryAfterMs } from '../shared/retry-after.ts';
import {
  ConnectionError,
  httpErrorOf,
  UnexpectedAnswerError,
  type HttpAnswer,
  type HttpClient,
} from './http-client.ts';

/** An event read from the file, with where it came from. */
export interface BatchItem {
  line: number;
  end: number;
  event: unknown;
}

/** One line of `<file>.rejected.ndjson`: the line number, what was wrong, and the event as read. */
export interface RejectedRecord {
  line: number;
  eventId: string | null;
  errors: { path: string; message: string }[];
  event?: unknown;
  raw?: string;
}

export interface SendResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedRecord[];
}

/** The server stayed unreachable or unavailable through every retry: stop, the checkpoint lets the user resume. */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

type Rejection = { index: number; eventId: string | null; errors: { path: string; message: string }[] };

/**
 * After a 422 nothing of the batch was stored: the rejected events leave the batch (by the
 * index the server gave) and the rest is sent again.
 */
export function splitAfterRejection(
  items: readonly BatchItem[],
  rejections: readonly Rejection[],
): { keep: BatchItem[]; rejected: RejectedRecord[] } {
  const byIndex = new Map(rejections.map((r) => [r.index, r]));
  const keep: BatchItem[] = [];
  const rejected: RejectedRecord[] = [];
  items.forEach((item, index) => {
    const rejection = byIndex.get(index);
    if (rejection === undefined) keep.push(item);
    else rejected.push({ line: item.line, eventId: rejection.eventId, errors: rejection.errors, event: item.event });
  });
  return { keep, rejected };
}

/** Events the server answered as conflicts: their id was used before for other content. */
export function conflictRecords(
  items: readonly BatchItem[],
  conflicts: readonly { index: number; eventId: string; fields: string[] }[],
): RejectedRecord[] {
  return conflicts.flatMap(({ index, eventId, fields }) => {
    const item = items[index];
    if (item === undefined) return [];
    const message = `已存储的同一事件（同一 eventId）内容不同，保留第一版；新事件请用新的 eventId / differs from the event stored under this eventId (the first version is kept); a new event needs a new eventId`;
    return [{ line: item.line, eventId, errors: fields.map((path) => ({ path, message })), event: item.event }];
  });
}

/** 1, 2, 4 … seconds, never more than 30. */
export const backoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** (attempt - 1));

export interface BatchSenderDeps {
  http: HttpClient;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Says why it waits (throttled, server unavailable), for the progress line. */
  onWait?: (message: string) => void;
  /** Tries per request when the server is unreachable or answers 5xx. */
  maxAttempts?: number;
}

const MAX_WAIT_MS = 300_000;

/**
 * Sends batches of events to POST /v1/events as NDJSON and handles every answer the endpoint
 * gives: 200 counts, 422 drops the rejected events and resends the rest, 413 halves the batch
 * (and every later one), 429 waits as long as the server asks, 5xx and connection errors are
 * retried with backoff and then give up with ImportInterrupted. Anything else (401, 403, 400) is
 * an HttpError for the caller.
 */
export function createBatchSender(deps: BatchSenderDeps) {
  const maxAttempts = deps.maxAttempts ?? 6;
  let limit = Number.POSITIVE_INFINITY;
  let reached = false;

  async function post(items: readonly BatchItem[]): Promise<HttpAnswer> {
    const body = `${items.map((item) => JSON.stringify(item.event)).join('\n')}\n`;
    let attempt = 0;
    for (;;) {
      let answer: HttpAnswer | undefined;
      let failure: unknown;
      try {
        answer = await deps.http.send({
          method: 'POST',
          path: '/v1/events',
          body,
          contentType: 'application/x-ndjson',
        });
        reached = true;
      } catch (error) {
        // A server that never answered is a wrong address or a server not started: say so at once
        // instead of retrying for a minute. Once it has answered, a refusal is a restart: wait for it.
        if (!(error instanceof ConnectionError) || !reached) throw error;
        failure = error;
      }
      if (answer?.status === 429) {
        // Throttled, not broken: the server is alive and says when to come back; no try is used up.
        const wait = Math.min(MAX_WAIT_MS, retryAfterMs(answer.retryAfter, deps.now()) ?? 1000);
        deps.onWait?.(`限流，${Math.ceil(wait / 1000)} 秒后重发 / throttled: resending in ${Math.ceil(wait / 1000)} s`);
        await deps.sleep(wait);
        continue;
      }
      if (answer !== undefined && answer.status < 500) return answer;
      attempt++;
      const reason = answer === undefined ? failure : httpErrorOf(answer);
      if (attempt >= maxAttempts) throw new ImportInterrupted(reason);
      const asked = answer === undefined ? undefined : retryAfterMs(answer.retryAfter, deps.now());
      const wait = Math.min(MAX_WAIT_MS, asked ?? backoffMs(attempt));
      const why = reason instanceof Error ? reason.message : String(reason);
      deps.onWait?.(
        `服务器暂不可用（${why}），${Math.ceil(wait / 1000)} 秒后第 ${attempt} 次重试 / server unavailable (${why}): retry ${attempt} in ${Math.ceil(wait / 1000)} s`,
      );
      await deps.sleep(wait);
    }
  }

  async function send(items: readonly BatchItem[]): Promise<SendResult> {
    const result: SendResult = { accepted: 0, duplicates: 0, rejected: [] };
    const queue: BatchItem[][] = [];
    for (let i = 0; i < items.length; i += Math.min(limit, items.length)) {
      queue.push(items.slice(i, i + Math.min(limit, items.length)));
    }
    while (queue.length > 0) {
      const chunk = queue.shift() ?? [];
      if (chunk.length === 0) continue;
      const answer = await post(chunk);
      if (answer.status >= 200 && answer.status < 300) {
        const report = IngestResponse.safeParse(answer.body);
        if (!report.success) {
          throw new UnexpectedAnswerError(
            `服务器的应答不符合预期 / unexpected answer from POST /v1/events: ${JSON.stringify(answer.body).slice(0, 300)}`,
          );
        }
        result.accepted += report.data.accepted;
        result.duplicates += report.data.duplicates.length;
        // Not stored: the server keeps the first version of that eventId, so the line goes to the
        // rejected file for the user to see.
        result.rejected.push(...conflictRecords(chunk, report.data.conflicts));
        continue;
      }
      if (answer.status === 422) {
        const report = IngestResponse.safeParse(answer.body);
        if (!report.success || report.data.rejected.length === 0) throw httpErrorOf(answer);
        const { keep, rejected } = splitAfterRejection(chunk, report.data.rejected);
        // An answer naming no event of this batch would resend the same batch for ever.
        if (rejected.length === 0) throw httpErrorOf(answer);
        result.rejected.push(...rejected);
        if (keep.length > 0) queue.unshift(keep);
        continue;
      }
      if (answer.status === 413) {
        if (chunk.length === 1) {
          const error = httpErrorOf(answer);
          const [item] = chunk;
          if (item === undefined) continue;
          result.rejected.push({
            line: item.line,
            eventId: eventIdOf(item.event),
            errors: [{ path: '', message: `${error.code}: ${error.serverMessage}` }],
            event: item.event,
          });
          continue;
        }
        const half = Math.ceil(chunk.length / 2);
        limit = Math.min(limit, half);
        queue.unshift(chunk.slice(0, half), chunk.slice(half));
        continue;
      }
      throw httpErrorOf(answer);
    }
    return result;
  }

  return {
    send,
    /** The batch size the server accepted after a 413, if it asked for smaller ones. */
    limit: (): number | undefined => (Number.isFinite(limit) ? limit : undefined),
  };
}

function eventIdOf(event: unknown): string | null {
  const id = (event as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' ? id : null;
}
