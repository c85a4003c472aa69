import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createDisplayLinks } from '../../services/screen/display-links.ts';
import { SHORT_CODE_ALPHABET } from '../../services/screen/short-code.ts';
import { labourCompetition, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * Short addresses of display links (/s/<code>) against the real embedded chdb: made with the
 * link, stored as a hash, opened by a TV (a redirect to the screen with the code as its token),
 * revoked with the link, refused with a page in Chinese and English, and not worth guessing.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const LABOUR = 'competition.labour-m3';
let lb: Leaderboard;
let base: string;

interface CreatedLink {
  id: string;
  token: string;
  url: string;
  shortCode: string;
  shortUrl: string;
}

async function createLink(label = '西湖加油站营业厅'): Promise<CreatedLink> {
  const res = await lb.app.inject({ method: 'POST', url: `/v1/screens/${LABOUR}/links`, payload: { label } });
  expect(res.statusCode).toBe(201);
  return res.json();
}

/** GET from a given client address (each test its own, so the guess limit of one does not reach another). */
function get(url: string, remoteAddress: string) {
  return lb.app.inject({ method: 'GET', url, remoteAddress });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { SCREEN_HEARTBEAT_MS: '1000' });
  await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
  await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  expect((await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents })).statusCode).toBe(200);
  await lb.refresher.flush();
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await lb.close();
});

describe('a display link’s short address', () => {
  it('is made with the link: 8 characters without 0, O, 1, I or L, only its hash stored in ClickHouse', async () => {
    const link = await createLink();
    expect(link.shortCode).toMatch(new RegExp(`^[${SHORT_CODE_ALPHABET}]{8}$`));
    expect(link.shortCode).not.toMatch(/[01OIL]/);
    expect(link.shortUrl).toBe(`/s/${link.shortCode}`);
    const stored = await lb.client.query({
      query: `SELECT * FROM display_links WHERE link_id = {id:String} ORDER BY version`,
      query_params: { id: link.id },
      format: 'JSONEachRow',
    });
    const rows = await stored.json<Record<string, unknown>>();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.['short_code_hash']).toBe(sha256(link.shortCode));
    expect(JSON.stringify(rows)).not.toContain(link.shortCode);
    // Listing never shows it again.
    const listed = (await lb.app.inject({ url: `/v1/screens/${LABOUR}/links` })).json();
    expect(JSON.stringify(listed)).not.toContain(link.shortCode);
  });

  it('redirects a TV to the screen, with the code as the link’s token, as typed or sloppily typed', async () => {
    const link = await createLink();
    const at = '10.0.1.1';
    const res = await get(`/s/${link.shortCode}`, at);
    expect(res.statusCode).toBe(302);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.location).toBe(`/screens/${LABOUR}?token=${link.shortCode}`);
    // Lower case, a hyphen in the middle, full-width (a Chinese input method), capitals in the path.
    const lower = link.shortCode.toLowerCase();
    // ASCII only: each character's full-width form is 0xFEE0 further on.
    const fullWidth = link.shortCode.replace(/./g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    for (const typed of [lower, `${lower.slice(0, 4)}-${lower.slice(4)}`, encodeURIComponent(fullWidth)]) {
      const again = await get(`/s/${typed}`, at);
      expect(again.statusCode, typed).toBe(302);
      expect(again.headers.location).toBe(`/screens/${LABOUR}?token=${link.shortCode}`);
    }
    expect((await get(`/S/${link.shortCode}`, at)).headers.location).toBe(`/screens/${LABOUR}?token=${link.shortCode}`);
    expect((await get(`/s/${link.shortCode}?lang=en&from=groupmessage`, at)).headers.location).toBe(
      `/screens/${LABOUR}?token=${link.shortCode}&lang=en`,
    );

    // The screen's page, data and stream take the code as they take the token, and show the same.
    expect((await get(`/screens/${LABOUR}?token=${link.shortCode}`, at)).statusCode).toBe(200);
    const byCode = await get(`/v1/screens/${LABOUR}/data?token=${link.shortCode}`, at);
    const byToken = await get(`/v1/screens/${LABOUR}/data?token=${link.token}`, at);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.json()).toEqual(byToken.json());
  });

  it('opens nothing once its link is revoked: 410 in Chinese and English, and a TV showing it stops', async () => {
    const link = await createLink('北仑站休息室');
    const at = '10.0.2.1';
    const stream = await fetch(`${base}/v1/screens/${LABOUR}/stream?token=${link.shortCode}`);
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    let received = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        received += new TextDecoder().decode(chunk.value);
      }
    })();
    await waitFor(async () => expect(received).toContain('event: standings'));

    expect((await lb.app.inject({ method: 'DELETE', url: `/v1/display-links/${link.id}` })).statusCode).toBe(200);
    await waitFor(async () => expect(received).toContain('event: revoked'));
    await reading;

    const res = await get(`/s/${link.shortCode}`, at);
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('此大屏链接已撤销');
    expect(res.body).toContain('“北仑站休息室”');
    expect(res.body).toContain('This display link was revoked');
    const data = await get(`/v1/screens/${LABOUR}/data?token=${link.shortCode}`, at);
    expect(data.statusCode).toBe(403);
    expect(data.json().error.code).toBe('display_token_revoked');

    // What a restart (or another instance) loads from ClickHouse: the code, revoked.
    const reloaded = await createDisplayLinks({ client: lb.client, now: clock.now });
    expect(reloaded.lookUpShortCode(link.shortCode)).toMatchObject({ state: 'revoked', link: { id: link.id } });
  });

  it('survives a restart: what is loaded from ClickHouse opens the code', async () => {
    const link = await createLink();
    const reloaded = await createDisplayLinks({ client: lb.client, now: clock.now });
    expect(reloaded.lookUpShortCode(link.shortCode.toLowerCase())).toEqual({
      state: 'open',
      link: expect.objectContaining({ id: link.id, screenId: LABOUR }),
      code: link.shortCode,
    });
    expect(reloaded.authorize(link.shortCode, LABOUR).id).toBe(link.id);
  });

  it('answers an unknown or malformed code with 404 and a page in Chinese and English', async () => {
    const at = '10.0.3.1';
    for (const typed of ['7KQ2MX4P', 'OOOO0000', 'abc', 'x'.repeat(32), encodeURIComponent('<b>大屏</b>')]) {
      const res = await get(`/s/${typed}`, at);
      expect(res.statusCode, typed).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('没有这个大屏链接');
      expect(res.body).toContain('No such display link');
      expect(res.body).not.toContain('<b>');
    }
    expect((await get('/s/7KQ2MX4P', at)).body).toContain('不含 0、O、1、I、L');
  });
});

describe('guessing codes', () => {
  it('holds an address back after 20 unknown codes, hits included, at /s/ and as a token, for a minute', async () => {
    const link = await createLink();
    const guesser = '10.0.4.1';
    // Hits are never counted: a TV reloading its code all day is not limited.
    for (let i = 0; i < 30; i++) expect((await get(`/s/${link.shortCode}`, guesser)).statusCode).toBe(302);

    // 10 misses at /s/ and 10 as a screen's token.
    for (let i = 0; i < 10; i++)
      expect((await get(`/s/ZZZZZZ${SHORT_CODE_ALPHABET[i]}Z`, guesser)).statusCode).toBe(404);
    for (let i = 0; i < 10; i++) {
      const res = await get(`/v1/screens/${LABOUR}/data?token=YYYYYY${SHORT_CODE_ALPHABET[i]}Y`, guesser);
      expect(res.statusCode).toBe(401);
    }
    const held = await get(`/s/ZZZZZZZZ`, guesser);
    expect(held.statusCode).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(held.body).toContain('输入错误次数过多');
    expect(held.body).toContain('Too many wrong codes');
    // The right code gets the same answer: a guesser cannot tell a hit from the refusal.
    expect((await get(`/s/${link.shortCode}`, guesser)).statusCode).toBe(429);
    const asToken = await get(`/v1/screens/${LABOUR}/data?token=${link.shortCode}`, guesser);
    expect(asToken.statusCode).toBe(429);
    expect(asToken.json().error.code).toBe('display_token_guessing');
    expect(asToken.headers['retry-after']).toBe('60');

    // Other addresses are not held back.
    expect((await get(`/s/${link.shortCode}`, '10.0.4.2')).statusCode).toBe(302);

    clock.set(new Date(clock.now().getTime() + 30_000).toISOString());
    expect((await get(`/s/${link.shortCode}`, guesser)).headers['retry-after']).toBe('30');
    clock.set(new Date(clock.now().getTime() + 30_000).toISOString());
    expect((await get(`/s/${link.shortCode}`, guesser)).statusCode).toBe(302);
  });
});
