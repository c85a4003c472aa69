import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { servedHref } from '../../services/handbook/handbook-page.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/** The handbook served at /handbook: the guide, its pictures and sibling guides, nothing else of the disk. */

let leaderboard: Leaderboard;

beforeAll(async () => {
  leaderboard = await startTestLeaderboard(fixedClock('2026-03-10T10:00:00+08:00'), { AUTH_MODE: 'tokens' });
}, 60_000);

afterAll(async () => {
  await leaderboard.close();
});

const get = (url: string) => leaderboard.app.inject({ method: 'GET', url });

describe('GET /handbook', () => {
  it('serves the handbook as a page with its own style and no script, without a token', async () => {
    const res = await get('/handbook');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<title>组织者手册</title>');
    expect(res.body).toContain('<link rel="stylesheet" href="/handbook/assets/handbook.css">');
    expect(res.body).not.toMatch(/<script/);
    // Pictures and guides point here, so they open without the internet.
    expect(res.body).toContain('src="/handbook/screenshots/console-first-run.jpg"');
    expect(res.body).toContain(`href="/handbook/${encodeURIComponent('计分说明.md')}"`);
    expect(res.body).toContain('<a id="first-run"></a>');
    const css = await get('/handbook/assets/handbook.css');
    expect(css.statusCode).toBe(200);
  });

  it('serves a guide of docs/ by its name and the pictures by theirs, and nothing outside', async () => {
    expect((await get(`/handbook/${encodeURIComponent('组织者手册.md')}`)).statusCode).toBe(200);
    const picture = await get('/handbook/screenshots/console-first-run.jpg');
    expect(picture.statusCode).toBe(200);
    expect(picture.headers['content-type']).toBe('image/jpeg');
    const missing = await get('/handbook/nope.md');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'guide_not_found' } });
    expect((await get('/handbook/screenshots/nope.jpg')).statusCode).toBe(404);
    for (const url of [
      '/handbook/..%2Fpackage.json',
      '/handbook/..%2F..%2Fsecret.md',
      '/handbook/screenshots/..%2Fx.jpg',
    ]) {
      expect((await get(url)).statusCode, url).toBe(400);
    }
  });

  it('maps the Markdown’s links to this server’s addresses', () => {
    expect(servedHref('考核细则.md')).toBe(`/handbook/${encodeURIComponent('考核细则.md')}`);
    expect(servedHref('组织者手册.md#rules')).toBe('/handbook#rules');
    expect(servedHref('api.md#events')).toBe('/handbook/api.md#events');
    expect(servedHref('../test/browser/screenshots/overall.jpg')).toBe('/handbook/screenshots/overall.jpg');
    expect(servedHref('#pitfalls')).toBe('#pitfalls');
    expect(servedHref('https://example.org/a.md')).toBe('https://example.org/a.md');
  });
});
