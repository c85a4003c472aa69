import type { z } from 'zod';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as is, with contentType. */
  body?: string | Uint8Array;
  contentType?: string;
}

export interface HttpAnswer {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  retryAfter: string | null;
}

export interface HttpClient {
  readonly serverUrl: string;
  /** Resolves with any HTTP status; rejects with ConnectionError when no answer came. */
  send: (request: HttpRequest) => Promise<HttpAnswer>;
}

/** No HTTP answer at all: refused, DNS, reset, timeout. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly serverUrl: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${serverUrl}: ${reason}`);
  }
}

/** The server answered with an error: `{ error: { code, message, details? } }`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: unknown,
  ) {
    super(`HTTP ${status} ${code}: ${serverMessage}`);
  }
}

/** The server answered 2xx with something this CLI does not understand (an older or newer server). */
export class UnexpectedAnswerError extends Error {
  override name = 'UnexpectedAnswerError';
}

function reasonOf(error: unknown): string {
  // undici reports "fetch failed" and puts the system error (ECONNREFUSED, ENOTFOUND) in cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export function createHttpClient(deps: {
  serverUrl: string;
  token: string | undefined;
  fetch: FetchLike;
  /** A stuck server must not hang a script forever; an events batch can take a while on a busy server. */
  timeoutMs?: number;
}): HttpClient {
  const timeoutMs = deps.timeoutMs ?? 300_000;
  return {
    serverUrl: deps.serverUrl,
    send: async (request) => {
      const url = new URL(`${deps.serverUrl}${request.path}`);
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      const headers: Record<string, string> = { accept: 'application/json' };
      if (deps.token !== undefined) headers['authorization'] = `Bearer ${deps.token}`;
      let body: string | Uint8Array | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.body !== undefined) {
        headers['content-type'] = request.contentType ?? 'application/octet-stream';
        body = request.body;
      }
      let response: Response;
      let text: string;
      try {
        response = await deps.fetch(url.toString(), {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new ConnectionError(deps.serverUrl, reasonOf(error));
      }
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          // Keep the text: the error message then shows what the server (or a proxy) sent.
        }
      }
      return { status: response.status, body: parsed, retryAfter: response.headers.get('retry-after') };
    },
  };
}

/** The error of a non-2xx answer, in the server's words when it used the common error shape. */
export function httpErrorOf(answer: HttpAnswer): HttpError {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    return new HttpError(answer.status, error.code, error.message, error.details);
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return new HttpError(answer.status, `http_${answer.status}`, text.slice(0, 500) || '(empty answer)', undefined);
}

/** Sends and throws HttpError on non-2xx; the body as the server wrote it (for --json). */
export async function callRaw(http: HttpClient, request: HttpRequest): Promise<unknown> {
  const answer = await http.send(request);
  if (answer.status < 200 || answer.status > 299) throw httpErrorOf(answer);
  return answer.body;
}

/** Sends, throws HttpError on non-2xx, and checks the answer against the API's own schema. */
export async function call<S extends z.ZodType>(
  http: HttpClient,
  schema: S,
  request: HttpRequest,
): Promise<z.infer<S>> {
  const answer = await http.send(request);
  if (answer.status < 200 || answer.status > 299) throw httpErrorOf(answer);
  const result = schema.safeParse(answer.body);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new UnexpectedAnswerError(
      `服务器的应答不符合预期 / unexpected answer from ${request.method} ${request.path}: ${problems}; is the server the same version as this CLI?`,
    );
  }
  return result.data;
}

/** A path segment for a URL: ids are plain ASCII (schemas/common.schema.ts), but a typo must not change the path. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
