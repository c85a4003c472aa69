import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  createBatchSender,
  ImportInterrupted,
  splitAfterRejection,
  type BatchItem,
} from '../../services/cli/batch-sender.ts';
import { retryAfterMs } from '../../services/shared/retry-after.ts';
import {
  ConnectionError,
  HttpError,
  type HttpAnswer,
  type HttpClient,
  type HttpRequest,
} from '../../services/cli/http-client.ts';

const items = (n: number, firstLine = 1): BatchItem[] =>
  Array.from({ length: n }, (_, i) => ({
    line: firstLine + i,
    end: (firstLine + i) * 10,
    event: { eventId: `e${firstLine + i}` },
  }));

/** A server that answers from a script and records the batches it got (as event ids). */
function scriptedServer(script: ((batch: string[]) => HttpAnswer | Error)[]) {
  const batches: string[][] = [];
  const http: HttpClient = {
    serverUrl: 'http://lb.test',
    send: (request: HttpRequest) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const batch = body
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { eventId: string }).eventId);
      batches.push(batch);
      const next = script.shift();
      if (!next) throw new Error('no more answers scripted');
      const answer = next(batch);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return { http, batches };
}

const ok = (batch: string[]): HttpAnswer => ({
  status: 200,
  body: { accepted: batch.length, duplicates: [], rejected: [] },
  retryAfter: null,
});

function sender(http: HttpClient) {
  const waits: number[] = [];
  const messages: string[] = [];
  const s = createBatchSender({
    http,
    now: () => 0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    onWait: (m) => messages.push(m),
  });
  return { s, waits, messages };
}

describe('batch splitting after a 422', () => {
  it('drops the rejected events by index and keeps the rest in order', () => {
    const batch = items(5, 11);
    const { keep, rejected } = splitAfterRejection(batch, [
      { index: 0, eventId: 'e11', errors: [{ path: 'volume', message: 'Too small' }] },
      { index: 3, eventId: null, errors: [{ path: 'eventId', message: 'Required' }] },
    ]);
    expect(keep.map((i) => i.line)).toEqual([12, 13, 15]);
    expect(rejected).toEqual([
      { line: 11, eventId: 'e11', errors: [{ path: 'volume', message: 'Too small' }], event: { eventId: 'e11' } },
      { line: 14, eventId: null, errors: [{ path: 'eventId', message: 'Required' }], event: { eventId: 'e14' } },
    ]);
  });
});

describe('batch sender', () => {
  it('resends the rest of a batch after a 422, without the rejected events', async () => {
    const { http, batches } = scriptedServer([
      () => ({
        status: 422,
        body: {
          accepted: 0,
          duplicates: [],
          rejected: [{ index: 2, eventId: 'e3', errors: [{ path: 'crewId', message: 'unknown crew "C9"' }] }],
          error: { code: 'validation_failed', message: '1 of 4 events rejected' },
        },
        retryAfter: null,
      }),
      (batch) => ({
        status: 200,
        body: { accepted: 2, duplicates: [{ index: 0, eventId: batch[0] }], rejected: [] },
        retryAfter: null,
      }),
    ]);
    const { s } = sender(http);
    const result = await s.send(items(4));
    expect(batches).toEqual([
      ['e1', 'e2', 'e3', 'e4'],
      ['e1', 'e2', 'e4'],
    ]);
    expect(result).toMatchObject({ accepted: 2, duplicates: 1, rejected: [{ line: 3, eventId: 'e3' }] });
  });

  it('puts the events the server answers as conflicts in the rejected records, with the fields', async () => {
    const { http } = scriptedServer([
      () => ({
        status: 200,
        body: {
          accepted: 2,
          duplicates: [],
          conflicts: [{ index: 1, eventId: 'e2', fields: ['volume', 'product'] }],
          rejected: [],
        },
        retryAfter: null,
      }),
    ]);
    const { s } = sender(http);
    const result = await s.send(items(3));
    expect(result.accepted).toBe(2);
    expect(result.rejected).toMatchObject([
      {
        line: 2,
        eventId: 'e2',
        event: { eventId: 'e2' },
        errors: [
          { path: 'volume', message: expect.stringContaining('first version is kept') as string },
          { path: 'product' },
        ],
      },
    ]);
  });

  it('halves the batch on 413, and keeps later batches small', async () => {
    const tooLarge: HttpAnswer = {
      status: 413,
      body: { error: { code: 'too_many_events', message: 'at most 2' } },
      retryAfter: null,
    };
    const { http, batches } = scriptedServer([() => tooLarge, () => tooLarge, ok, ok, ok, ok, ok]);
    const { s } = sender(http);
    expect(await s.send(items(5))).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    expect(batches).toEqual([['e1', 'e2', 'e3', 'e4', 'e5'], ['e1', 'e2', 'e3'], ['e1', 'e2'], ['e3'], ['e4', 'e5']]);
    expect(s.limit()).toBe(2);
    await s.send(items(3, 6));
    expect(batches.slice(5)).toEqual([['e6', 'e7'], ['e8']]);
  });

  it('rejects a single event the server finds too large', async () => {
    const { http } = scriptedServer([
      () => ({ status: 413, body: { error: { code: 'body_too_large', message: 'over 16 MiB' } }, retryAfter: null }),
    ]);
    const { s } = sender(http);
    expect(await s.send(items(1))).toMatchObject({
      accepted: 0,
      rejected: [{ line: 1, errors: [{ message: 'body_too_large: over 16 MiB' }] }],
    });
  });

  it('waits as long as a 429 asks, without using up tries', async () => {
    const throttled: HttpAnswer = {
      status: 429,
      body: { error: { code: 'rate_limited', message: 'slow down' } },
      retryAfter: '3',
    };
    const { http } = scriptedServer([ok, ...Array.from({ length: 8 }, () => () => throttled), ok]);
    const { s, waits } = sender(http);
    await s.send(items(1));
    expect(await s.send(items(2, 2))).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(waits).toEqual(Array.from({ length: 8 }, () => 3000));
  });

  it('retries 5xx and a lost connection with backoff 1, 2, 4, 8, 16 s, then stops', async () => {
    const unavailable: HttpAnswer = {
      status: 503,
      body: { error: { code: 'unavailable', message: 'busy' } },
      retryAfter: null,
    };
    const refused = () => new ConnectionError('http://lb.test', 'ECONNREFUSED');
    const { http } = scriptedServer([
      ok,
      () => unavailable,
      refused,
      () => unavailable,
      refused,
      () => unavailable,
      refused,
    ]);
    const { s, waits, messages } = sender(http);
    await s.send(items(1));
    const failure = await s.send(items(1, 2)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportInterrupted);
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(messages[0]).toMatch(/retry 1 in 1 s/);
  });

  it('recovers when the server comes back within the tries', async () => {
    const unavailable: HttpAnswer = {
      status: 503,
      body: { error: { code: 'unavailable', message: 'busy' } },
      retryAfter: '5',
    };
    const { http, batches } = scriptedServer([ok, () => unavailable, ok]);
    const { s, waits } = sender(http);
    await s.send(items(1));
    expect(await s.send(items(2, 2))).toMatchObject({ accepted: 2 });
    expect(waits).toEqual([5000]);
    expect(batches[2]).toEqual(batches[1]);
  });

  it('fails at once when the server never answered (wrong address, not started)', async () => {
    const { http } = scriptedServer([() => new ConnectionError('http://lb.test', 'ECONNREFUSED')]);
    const { s, waits } = sender(http);
    await expect(s.send(items(1))).rejects.toBeInstanceOf(ConnectionError);
    expect(waits).toEqual([]);
  });

  it.each([401, 403, 400])('gives %i to the caller as an HttpError', async (status) => {
    const { http } = scriptedServer([
      () => ({ status, body: { error: { code: 'forbidden', message: 'not your branch' } }, retryAfter: null }),
    ]);
    const { s } = sender(http);
    const error = await s.send(items(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status, code: 'forbidden', serverMessage: 'not your branch' });
  });

  it('does not loop on a 422 that names no event of the batch', async () => {
    const { http } = scriptedServer([
      () => ({ status: 422, body: { error: { code: 'invalid', message: 'x' } }, retryAfter: null }),
    ]);
    const { s } = sender(http);
    await expect(s.send(items(2))).rejects.toBeInstanceOf(HttpError);
  });

  it.each([
    { header: '7', ms: 7000 },
    { header: null, ms: undefined },
    { header: 'soon', ms: undefined },
    { header: new Date(12_000).toUTCString(), ms: 12_000 },
  ])('Retry-After $header is $ms ms', ({ header, ms }) => {
    expect(retryAfterMs(header, 0)).toBe(ms);
  });

  it('backs off to at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
