import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Requests a client library would never send, written byte by byte on a socket to the running
 * server: every answer has the product's error shape, whether Node's HTTP parser, fastify's
 * router, the body parser or a route refused it.
 */
let lb: Leaderboard;
let port: number;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes the bytes, half-closes, and reads until the server closes the connection. */
function send(bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.end(bytes);
  });
}

const request = (method: string, path: string, body: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}` +
  `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

function expectProductError(answer: RawAnswer, status: number, code: string): { message: string; details?: unknown } {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  // Refused before any route or hook ran, and still never sniffed as something else.
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  const parsed = JSON.parse(answer.body) as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(parsed.error.code).toBe(code);
  // Chinese for the organiser, then English.
  expect(parsed.error.message).toMatch(/[\u3000-\u9fff][^/]* \/ [a-z]/);
  return parsed.error;
}

beforeAll(async () => {
  lb = await startTestLeaderboard(fixedClock('2026-03-10T12:00:00+08:00'));
  await lb.app.listen({ port: 0, host: '127.0.0.1' });
  port = (lb.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await lb.close();
});

describe("refused by Node's HTTP parser", () => {
  it('a Content-Length that is not a number', async () => {
    const answer = await send(
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1e3\r\n\r\n[]',
    );
    expect(expectProductError(answer, 400, 'bad_content_length').details).toMatchObject({
      reason: 'HPE_INVALID_CONTENT_LENGTH',
    });
  });

  it('a body that ends before its Content-Length', async () => {
    const answer = await send(
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[]',
    );
    expectProductError(answer, 400, 'body_incomplete');
  });

  it('a chunked body with a chunk size that is not hex', async () => {
    const answer = await send(
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n',
    );
    expectProductError(answer, 400, 'bad_chunked_body');
  });

  it('Transfer-Encoding together with Content-Length (request smuggling), in either order', async () => {
    const chunked = '2\r\n[]\r\n0\r\n\r\n';
    const teFirst = await send(request('POST', '/v1/events', chunked, 'Transfer-Encoding: chunked\r\n'));
    expect(expectProductError(teFirst, 400, 'bad_content_length').message).toContain('Transfer-Encoding');
    const clFirst = await send(
      `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${chunked.length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
    );
    expect(expectProductError(clFirst, 400, 'bad_transfer_encoding').message).toContain('Content-Length');
  });

  it('headers over 16 KiB: 431', async () => {
    const answer = await send(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(expectProductError(answer, 431, 'headers_too_large').details).toMatchObject({ maxHeaderBytes: 16384 });
  });

  it('a URL over 16 KiB: 431 as well (it counts with the headers)', async () => {
    const answer = await send(`GET /v1/competitions?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expectProductError(answer, 431, 'headers_too_large');
  });

  it('a request line that is not HTTP', async () => {
    expectProductError(await send('HELLO THERE\r\n\r\n'), 400, 'malformed_request');
  });
});

describe("refused by fastify's router", () => {
  it('a URL whose % escapes do not decode', async () => {
    const answer = await send(request('GET', '/v1/competitions/%zz/standings', ''));
    expectProductError(answer, 400, 'bad_url');
  });

  it('a path segment longer than any id: 414', async () => {
    const answer = await send(request('GET', `/v1/competitions/${'a'.repeat(400)}/standings`, ''));
    expectProductError(answer, 414, 'url_too_long');
  });

  it('routes an id of the longest length ids may have (128)', async () => {
    const answer = await send(request('GET', `/v1/competitions/${'a'.repeat(128)}/standings`, ''));
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'competition_not_found' } });
  });
});

describe('refused by the body parser', () => {
  it.each([
    ['{"__proto__":{"admin":true},"branches":[],"units":[],"crews":[]}', '__proto__'],
    ['{"\\u005f_proto__":{"admin":true}}', '__proto__'],
    ['{"branches":[{"id":"B1","constructor":{"prototype":{"admin":true}}}]}', 'branches[0].constructor.prototype'],
  ])('says what is wrong with %s, and where', async (body, path) => {
    const answer = await send(request('PUT', '/v1/org', body));
    const error = expectProductError(answer, 400, 'forbidden_key');
    expect(error.details).toEqual({ path });
    expect(error.message).toContain('prototype pollution');
  });

  it('finds a forbidden key deep down at once: a deeply nested body does not hold up the server', async () => {
    // 50,000 levels (300 KB, well under the 1 MiB limit) took minutes of the one event loop every
    // screen and sender shares: the walk copied the path so far at every level.
    const depth = 50_000;
    const body = `{"a":${'{"a":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth + 1)}`;
    const started = performance.now();
    const answer = await send(request('PUT', '/v1/org', body));
    const error = expectProductError(answer, 400, 'forbidden_key');
    expect(error.details).toEqual({ path: `${'a.'.repeat(depth + 1)}__proto__` });
    console.log(`forbidden key at depth ${depth}: answered in ${Math.round(performance.now() - started)} ms`);
  });

  it('an empty JSON body is not JSON: malformed_json, saying it is empty', async () => {
    for (const path of ['/v1/events', '/v1/competitions/x']) {
      const answer = await send(request(path === '/v1/events' ? 'POST' : 'PUT', path, ''));
      expect(expectProductError(answer, 400, 'malformed_json').message).toContain('the body is empty');
    }
  });

  it('an empty array is JSON without events: empty_batch', async () => {
    expectProductError(await send(request('POST', '/v1/events', '[]')), 400, 'empty_batch');
  });
});
