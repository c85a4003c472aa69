import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTokenCheck } from '../../services/ingest/token-check.ts';

/**
 * The API's GET /v1/whoami as the token check sees it: a function answering per token, which the
 * test can take down (connection refused) and bring back.
 */
function whoami() {
  const tokens = new Map<string, 'ok' | 'revoked'>([['Bearer station', 'ok']]);
  let up = true;
  const asked: string[] = [];
  const fetchFn = (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const authorization = (init?.headers as Record<string, string> | undefined)?.['authorization'] ?? '';
    asked.push(authorization);
    if (!up) return Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));
    const state = tokens.get(authorization);
    if (state === undefined) {
      return Promise.resolve(Response.json({ error: { code: 'token_unknown', message: 'unknown' } }, { status: 401 }));
    }
    if (state === 'revoked') {
      return Promise.resolve(Response.json({ error: { code: 'token_revoked', message: 'revoked' } }, { status: 403 }));
    }
    const token = {
      id: 'tok_1',
      name: 'station',
      role: 'ingest',
      branchIds: [],
      unitIds: ['U1'],
      createdAt: '2026-03-01T00:00:00Z',
      createdBy: 'admin',
      revokedAt: null,
    };
    return Promise.resolve(Response.json({ authenticated: true, open: false, token }));
  };
  return {
    fetch: fetchFn,
    asked,
    revoke: (key: string) => tokens.set(key, 'revoked'),
    down: () => (up = false),
    back: () => (up = true),
  };
}

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as FastifyRequest;

function setup(ttlMs = 10_000) {
  let t = 0;
  const api = whoami();
  const check = createTokenCheck({
    whoamiUrl: 'http://api.test/v1/whoami',
    ttlMs,
    allowOpen: false,
    now: () => t,
    fetch: api.fetch,
  });
  return { api, check, advance: (ms: number) => (t += ms) };
}

/** Lets the background question settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('token check of the ingest service', () => {
  it('asks the API once per token, refreshes in the background before the answer expires', async () => {
    const { api, check, advance } = setup();
    expect((await check.principal(request('Bearer station'))).tokenId).toBe('tok_1');
    advance(5_000);
    await check.principal(request('Bearer station'));
    expect(api.asked).toHaveLength(1);
    advance(3_000); // past 3/4 of the ttl: answered at once, asked again behind it
    await check.principal(request('Bearer station'));
    await settle();
    expect(api.asked).toHaveLength(2);
    advance(7_000); // the refreshed answer is still fresh
    await check.principal(request('Bearer station'));
    expect(api.asked).toHaveLength(2);
  });

  it('refuses a revoked token within the ttl while the API answers', async () => {
    const { api, check, advance } = setup();
    await check.principal(request('Bearer station'));
    api.revoke('Bearer station');
    advance(10_000);
    await expect(check.principal(request('Bearer station'))).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('judges a known token by the API’s last answer while the API is away, however long', async () => {
    const { api, check, advance } = setup();
    await check.principal(request('Bearer station'));
    await expect(check.principal(request('Bearer nobody'))).rejects.toMatchObject({ code: 'token_unknown' });
    api.down();
    advance(3_600_000);
    expect((await check.principal(request('Bearer station'))).tokenId).toBe('tok_1');
    expect(check.apiAwaySince()).toBe(new Date(3_600_000).toISOString());
    // A refusal stands too; a token never seen cannot be judged.
    await expect(check.principal(request('Bearer nobody'))).rejects.toMatchObject({ code: 'token_unknown' });
    await expect(check.principal(request('Bearer new'))).rejects.toMatchObject({ httpStatus: 503 });
    // Meanwhile the API is asked about a token at most once a second, not once per request.
    const asked = api.asked.length;
    for (let i = 0; i < 20; i++) await check.principal(request('Bearer station'));
    await settle();
    expect(api.asked.length - asked).toBeLessThanOrEqual(1);
    // Back: the next background question finds it, and answers are fresh again.
    api.back();
    advance(1_000);
    await check.principal(request('Bearer station'));
    await settle();
    expect(check.apiAwaySince()).toBeUndefined();
  });

  it('keeps the good answers when made-up tokens pour in', async () => {
    const { api, check } = setup();
    await check.principal(request('Bearer station'));
    for (let i = 0; i < 2_000; i++) {
      await check.principal(request(`Bearer made-up-${i}`)).catch(() => undefined);
    }
    api.down();
    expect(check.knownTokenId(request('Bearer station'))).toBe('tok_1');
  });
});
