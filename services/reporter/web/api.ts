/** A refusal by the server: not retried (the same request would be refused again). */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer, or an answer saying "later" (5xx, 429): the request is tried again. */
export class NotReached extends Error {}

export interface ReporterApi {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT', path: string, body: Blob | string, contentType: string): Promise<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function refusal(response: Response): Promise<ApiRefusal> {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body: unknown = await response.json();
    const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
    if (typeof error?.['code'] === 'string') code = error['code'];
    if (typeof error?.['message'] === 'string') message = error['message'];
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new ApiRefusal(response.status, code, message);
}

/** The public API with the reporter's token; `fetcher` is the browser's fetch. */
export function createReporterApi(
  token: () => string | undefined,
  fetcher: typeof fetch = fetch.bind(globalThis),
): ReporterApi {
  async function call<T>(method: string, path: string, body?: Blob | string, contentType?: string): Promise<T> {
    const headers: Record<string, string> = {};
    const secret = token();
    if (secret) headers['authorization'] = `Bearer ${secret}`;
    if (contentType) headers['content-type'] = contentType;
    let response: Response;
    try {
      response = await fetcher(path, { method, headers, body: body ?? null, cache: 'no-store' });
    } catch (err) {
      throw new NotReached(err instanceof Error ? err.message : String(err));
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new NotReached(`HTTP ${response.status}`);
    }
    if (!response.ok) throw await refusal(response);
    return (await response.json()) as T;
  }
  return {
    get: (path) => call('GET', path),
    send: (method, path, body, contentType) => call(method, path, body, contentType),
  };
}
