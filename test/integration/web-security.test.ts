import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { percentEncodeEvery, rawRequest, type RawResponse } from '../support/raw-http.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Input handling and web security of a running app (open mode, the npm start default, over real
 * HTTP): every route's params and query validated, Host and cross-origin write checks, headers.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;
let base: string;

const roster = readFileSync(new URL('../../schemas/examples/org-roster.csv', import.meta.url));

function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return rawRequest(base, {
    method,
    path,
    headers: json === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(json === undefined ? {} : { body: json }),
  });
}

function importCsv(query: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(base, {
    method: 'POST',
    path: `/v1/org/import${query}`,
    headers: { 'content-type': 'text/csv', ...headers },
    body: roster,
  });
}

const competitionIds = async (): Promise<string[]> =>
  ((await send('GET', '/v1/competitions')).json()['competitions'] as { id: string }[]).map((c) => c.id);

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  expect((await send('PUT', '/v1/org', smallOrg)).status).toBe(200);
  expect((await send('PUT', '/v1/competitions/labour-m3', labourCompetition)).status).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('params and query of every route', () => {
  it.each([`x'%20OR%20'1'='1`, '..%2F..%2Fetc', 'abc%00def', 'a'.repeat(129)])(
    'refuses PUT /v1/competitions/%s with 400 naming params.id, and saves nothing',
    async (id) => {
      const res = await send('PUT', `/v1/competitions/${id}`, labourCompetition);
      expect(res.status).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_request' });
      expect(res.json().error?.message).toContain('params.id');
      expect(await competitionIds()).toEqual(['labour-m3']);
    },
  );

  it('accepts an id of 128 characters, the longest the rule allows, percent-encoded or not', async () => {
    const id = `c:${'a'.repeat(126)}`;
    expect((await send('PUT', `/v1/competitions/${encodeURIComponent(id)}`, labourCompetition)).status).toBe(200);
    expect((await send('GET', `/v1/competitions/${id}`)).json()).toMatchObject({ id });
  });

  it.each(['1', '0', 'yes', 'maybe', 'TRUE', ''])(
    'refuses POST /v1/org/import?dryRun=%s with 400 and imports nothing',
    async (value) => {
      const before = lb.catalog.orgVersion();
      const res = await importCsv(`?dryRun=${value}`);
      expect(res.status).toBe(400);
      expect(res.json().error?.message).toContain('querystring.dryRun: use true or false');
      expect(lb.catalog.orgVersion()).toBe(before);
    },
  );

  it('takes dryRun=true as a dry run and dryRun=false (or none) as an import', async () => {
    const before = lb.catalog.orgVersion();
    const dry = await importCsv('?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, version: null });
    expect(lb.catalog.orgVersion()).toBe(before);
    const real = await importCsv('?dryRun=false');
    expect(real.status).toBe(200);
    expect(real.json()).toMatchObject({ dryRun: false, version: before + 1 });
  });

  it('refuses an unknown query parameter on a route that reads its own body, naming it', async () => {
    const before = lb.catalog.orgVersion();
    const typo = await importCsv('?dryrun=true');
    expect(typo.status).toBe(400);
    expect(typo.json().error?.message).toContain('unknown query parameter "dryrun"; this address takes dryRun');
    expect(lb.catalog.orgVersion()).toBe(before);
    const events = await send('POST', '/v1/events?async=1', []);
    expect(events.status).toBe(400);
    expect(events.json().error?.message).toContain('"async"');
    const put = await send('PUT', '/v1/competitions/labour-m3?force=true', labourCompetition);
    expect(put.status).toBe(400);
    expect(put.json().error?.message).toContain('"force"');
  });

  it('refuses malformed numbers in paths and query strings', async () => {
    for (const path of [
      '/v1/competitions/labour-m3/standings?limit=1e2',
      '/v1/competitions/labour-m3/standings?limit=0x10',
      '/v1/competitions/labour-m3/standings?offset=-1',
      '/v1/competitions/labour-m3/standings?limit=5&limit=6',
      '/v1/competitions/labour-m3/versions/1.0',
    ]) {
      const res = await send('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.json().error?.code, path).toBe('invalid_request');
    }
    expect((await send('GET', '/v1/competitions/labour-m3/standings?limit=5&offset=0')).status).toBe(200);
  });

  it('refuses an unknown query parameter on every GET route, pages and docs included', async () => {
    const doc = (await send('GET', '/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([path]) => path.replace('{version}', '1').replace(/\{[^}]+\}/g, 'x1'))
      // An evidence id has its own shape (sha256:…): a well-formed one reaches the query check.
      .map((path) => path.replace('/v1/evidence/x1', `/v1/evidence/sha256:${'0'.repeat(64)}`));
    expect(documented.length).toBeGreaterThan(10);
    const hidden = ['/', '/screens/x1', '/screens/assets/screen.js', '/healthz', '/readyz', '/metrics', '/docs'];
    for (const path of [...documented, ...hidden]) {
      const res = await send('GET', `${path}?bogus=1`);
      expect(res.status, path).toBe(400);
      expect(res.json().error?.message, path).toContain('unknown query parameter "bogus"');
    }
  });

  it('opens a screen link that WeChat passed on with its from= and isappinstalled=', async () => {
    const res = await send('GET', '/screens/competition.labour-m3?token=dl_x&from=singlemessage&isappinstalled=0');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});

describe('an id stored before the rule', () => {
  const LEGACY = `x' OR '1'='1`;
  const path = `/v1/competitions/${encodeURIComponent(LEGACY)}`;

  beforeAll(async () => {
    // As PUT saved it while that route's validation was off.
    await lb.catalog.saveCompetition(LEGACY, Competition.parse(labourCompetition), clock.now());
  });

  it('is listed, read and managed: new versions, drafts, publish, periods, standings', async () => {
    expect(await competitionIds()).toContain(LEGACY);
    expect((await send('GET', path)).json()).toMatchObject({ id: LEGACY, version: 1 });
    const put = await send('PUT', path, { ...labourCompetition, name: { zh: '改名', en: 'Renamed' } });
    expect(put.status).toBe(200);
    expect(put.json()).toMatchObject({ id: LEGACY, version: 2 });
    const draft = await send('POST', `${path}/versions`, { definition: labourCompetition, note: '草稿' });
    expect(draft.status).toBe(200);
    expect((await send('POST', `${path}/publish`, {})).status).toBe(200);
    expect((await send('GET', `${path}/versions`)).json()).toMatchObject({ currentVersion: 3 });
    expect((await send('GET', `${path}/versions/3`)).status).toBe(200);
    expect((await send('GET', `${path}/periods`)).status).toBe(200);
    await lb.refresher.flush();
    expect((await send('GET', `${path}/standings?asOf=2026-03-09`)).status).toBe(200);
  });

  it('keeps its built-in screen: definition, display link and page', async () => {
    const screen = `/v1/screens/${encodeURIComponent(`competition.${LEGACY}`)}`;
    expect((await send('GET', screen)).status).toBe(200);
    const link = await send('POST', `${screen}/links`, { label: '旧编号大屏' });
    expect(link.status).toBe(201);
    const page = await send('GET', String(link.json()['url']));
    expect(page.status).toBe(200);
    expect((await send('GET', `${screen}/data?token=${String(link.json()['token'])}`)).status).toBe(200);
  });

  it('does not open the door to a new id of that shape', async () => {
    const other = `/v1/competitions/${encodeURIComponent(`y' OR '1'='1`)}`;
    expect((await send('PUT', other, labourCompetition)).status).toBe(400);
    expect((await send('POST', `${other}/versions`, { definition: labourCompetition })).status).toBe(400);
    expect((await send('GET', other)).status).toBe(400);
  });
});

describe('Host and cross-origin writes in open mode (the npm start default)', () => {
  const port = () => new URL(base).port;

  it('answers only to its own names: addresses, localhost and the listen address', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, '192.168.1.20:3000']) {
      expect((await send('GET', '/v1/competitions', undefined, { host })).status, host).toBe(200);
    }
  });

  it('refuses another name with 421: a page that rebinds its own name to this address gets nothing', async () => {
    for (const path of ['/v1/competitions', '/', '/v1/org', '/metrics']) {
      const res = await send('GET', path, undefined, { host: `evil.example:${port()}` });
      expect(res.status, path).toBe(421);
      expect(res.json().error?.code).toBe('host_not_allowed');
      expect(res.json().error?.message).toContain('ALLOWED_HOSTS');
    }
  });

  it('refuses a text/plain import another site’s page sends without asking, and imports nothing', async () => {
    const before = lb.catalog.orgVersion();
    const res = await importCsv('', { 'content-type': 'text/plain', origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'cross_origin_refused' });
    expect(res.json().error?.message).toContain('http://evil.example');
    const rebound = await importCsv('', { 'content-type': 'text/plain', host: `evil.example:${port()}` });
    expect(rebound.status).toBe(421);
    expect(lb.catalog.orgVersion()).toBe(before);
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'another site', headers: { origin: 'http://evil.example' } },
    { name: 'another port of this machine', headers: { origin: 'http://127.0.0.1:1' } },
    { name: 'a sandboxed frame or a file', headers: { origin: 'null' } },
    { name: 'a browser that sent no Origin but Sec-Fetch-Site', headers: { 'sec-fetch-site': 'cross-site' } },
  ])('refuses writes from $name, whatever the route', async ({ headers }) => {
    for (const [method, path, body] of [
      ['PUT', '/v1/org', smallOrg],
      ['POST', '/v1/events', []],
      ['POST', '/v1/screens/competition.labour-m3/links', { label: 'x' }],
      ['DELETE', '/v1/tokens/tok_0000000000', undefined],
    ] as const) {
      const res = await send(method, path, body, headers);
      expect(res.status, path).toBe(403);
      expect(res.json().error?.code).toBe('cross_origin_refused');
    }
  });

  it('takes writes from its own pages and from clients that send no Origin (CLI, scripts)', async () => {
    const own = await send('PUT', '/v1/org', smallOrg, { origin: base, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect((await send('PUT', '/v1/org', smallOrg)).status).toBe(200);
    // Reads are for anyone: another site's page cannot read the answer without CORS anyway.
    expect((await send('GET', '/v1/competitions', undefined, { origin: 'http://evil.example' })).status).toBe(200);
  });
});

const ADMIN = `lbt_${'a'.repeat(43)}`;

/** Starts the app again on the same data, with this environment. */
async function restart(env: Record<string, string>, logger?: Logger): Promise<void> {
  await lb.close();
  lb = await startTestLeaderboard(clock, env, logger);
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
}

describe('failed authentication and the rate limit', () => {
  const LIMIT = 40;
  beforeAll(async () => {
    await restart({ AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN, RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });

  const madeUp = () => `lbt_${randomBytes(32).toString('base64url')}`;
  const withToken = (token: string) => send('GET', '/v1/tokens', undefined, { authorization: `Bearer ${token}` });

  it('counts each refused token against the address, and refuses the address when it is used up', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await withToken(madeUp())).status).toBe(401);
    // The address is used up: neither a read without a token nor any further guess gets through.
    expect((await send('GET', '/v1/competitions')).status).toBe(429);
    const guesses = await Promise.all(Array.from({ length: 200 }, () => withToken(madeUp())));
    expect(guesses.map((r) => r.status)).toEqual(guesses.map(() => 429));
    expect(guesses[0]?.json().error?.code).toBe('rate_limited');
    // A real token counts on its own.
    expect((await withToken(ADMIN)).status).toBe(200);
  });
});

describe('Host and cross-origin writes with access control on and ALLOWED_HOSTS', () => {
  beforeAll(async () => {
    await restart({ AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN, ALLOWED_HOSTS: 'leaderboard.example.com' });
  });
  const admin = { authorization: `Bearer ${ADMIN}` };

  it('answers to a configured public name', async () => {
    const res = await send('GET', '/v1/whoami', undefined, { ...admin, host: 'leaderboard.example.com' });
    expect(res.status).toBe(200);
    expect((await send('GET', '/v1/whoami', undefined, { host: 'other.example.com' })).status).toBe(421);
  });

  it('refuses a cross-site write even with a valid token', async () => {
    const res = await send(
      'POST',
      '/v1/tokens',
      { name: 'x', role: 'viewer' },
      { ...admin, origin: 'http://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(res.json().error?.code).toBe('cross_origin_refused');
  });

  it('takes writes from pages under the public name behind a proxy that passes its own Host', async () => {
    const res = await send(
      'POST',
      '/v1/tokens',
      { name: 'proxied', role: 'viewer' },
      { ...admin, origin: 'https://leaderboard.example.com' },
    );
    expect(res.status).toBe(201);
  });
});

describe('tokens in the log', () => {
  const lines: string[] = [];
  const BOOTSTRAP = `bootstrap-${randomBytes(24).toString('hex')}`;

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await restart({ AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP }, logger);
  });

  it('holds no token, whatever the query name, encoding or place', async () => {
    const auth = { authorization: `Bearer ${BOOTSTRAP}` };
    const link = await send('POST', '/v1/screens/competition.labour-m3/links', { label: '日志' }, auth);
    const display = String(link.json()['token']);
    const created = await send('POST', '/v1/tokens', { name: 'log', role: 'viewer' }, auth);
    const api = String(created.json()['token']);
    expect([display, api]).toEqual([expect.stringMatching(/^dl_/), expect.stringMatching(/^lbt_/)]);
    const secrets = [display, api, BOOTSTRAP];
    const paths = [
      `/v1/screens/competition.labour-m3/data?token=${display}`,
      `/screens/competition.labour-m3?token=${encodeURIComponent(display)}&lang=en`,
      `/v1/competitions?access_token=${api}`,
      `/v1/competitions?%74oken=${api}`,
      `/v1/competitions?q=${percentEncodeEvery(api)}`,
      `/v1/competitions?q=${encodeURIComponent(percentEncodeEvery(display))}`,
      `/v1/competitions?t=${BOOTSTRAP}`,
      `/v1/competitions?t=${percentEncodeEvery(BOOTSTRAP)}`,
      `/v1/tokens/${api}`,
      `/v1/competitions?${api}`,
    ];
    for (const path of paths) await send('GET', path, undefined, auth);
    await send('GET', '/v1/competitions', undefined, { host: api });
    const log = lines.join('');
    expect(lines.filter((l) => l.includes('"url"')).length).toBeGreaterThanOrEqual(paths.length);
    for (const secret of secrets) {
      for (const form of [secret, encodeURIComponent(secret), percentEncodeEvery(secret), secret.slice(4, 30)]) {
        expect(log).not.toContain(form);
      }
    }
    // What is not secret is still there to read.
    expect(log).toContain('"url":"/v1/screens/competition.labour-m3/data?token=[redacted]"');
    expect(log).toContain('"url":"/screens/competition.labour-m3?token=[redacted]&lang=en"');
    expect(log).toContain('"url":"/v1/competitions?%74oken=[redacted]"');
  });
});

describe('headers, and what needs a token with access control on', () => {
  const admin = { authorization: `Bearer ${ADMIN}` };
  beforeAll(async () => {
    await restart({ AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  });

  it('sends the usual headers on pages and on JSON answers, refusals included', async () => {
    const answers = {
      page: await send('GET', '/'),
      screen: await send('GET', '/screens/competition.labour-m3'),
      json: await send('GET', '/v1/competitions'),
      error: await send('GET', '/v1/tokens'),
      refused: await send('GET', '/v1/competitions', undefined, { host: 'evil.example' }),
      docs: await send('GET', '/docs/json'),
    };
    expect(answers.error.status).toBe(401);
    expect(answers.refused.status).toBe(421);
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers['x-content-type-options'], name).toBe('nosniff');
      expect(res.headers['content-security-policy'], name).toContain("frame-ancestors 'self'");
      expect(res.headers['content-security-policy'], name).toContain("script-src 'self';");
      expect(res.headers['content-security-policy'], name).not.toContain('unsafe-inline');
      expect(res.headers['content-security-policy'], name).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options'], name).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], name).toBe('no-referrer');
      expect(res.headers['strict-transport-security'], name).toBeUndefined();
    }
  });

  it('lets no cache keep an answer that carries a secret', async () => {
    const token = await send('POST', '/v1/tokens', { name: 'cache', role: 'viewer' }, admin);
    expect(token.status).toBe(201);
    expect(token.headers['cache-control']).toBe('no-store');
    const link = await send('POST', '/v1/screens/competition.labour-m3/links', { label: 'cache' }, admin);
    expect(link.status).toBe(201);
    expect(link.headers['cache-control']).toBe('no-store');
    expect((await send('GET', '/v1/tokens', undefined, admin)).headers['cache-control']).toBeUndefined();
  });

  it('sends the headers on a screen’s event stream too', async () => {
    const link = await send('POST', '/v1/screens/competition.labour-m3/links', { label: 'sse' }, admin);
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/screens/competition.labour-m3/stream?token=${String(link.json()['token'])}`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    controller.abort();
  });

  it('asks a token for /metrics, and none for /docs and the probes', async () => {
    const metrics = await send('GET', '/metrics');
    expect(metrics.status).toBe(401);
    expect(metrics.json().error?.code).toBe('token_required');
    const viewer = await send('POST', '/v1/tokens', { name: 'prometheus', role: 'viewer' }, admin);
    const scraped = await send('GET', '/metrics', undefined, {
      authorization: `Bearer ${String(viewer.json()['token'])}`,
    });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('process_cpu_seconds_total');
    for (const path of ['/docs', '/docs/json', '/healthz', '/readyz']) {
      expect((await send('GET', path)).status, path).toBe(200);
    }
  });
});
