import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenData } from '../../schemas/screen.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createDisplayLinks } from '../../services/screen/display-links.ts';
import { ankangCompetition, labourCompetition, marchAt, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

const clock = fixedClock('2026-03-10T12:00:00+08:00');
const LABOUR = 'competition.labour-m3';
let lb: Leaderboard;
let base: string;

async function createLink(screenId: string, label = '测试屏'): Promise<{ id: string; token: string; url: string }> {
  const res = await lb.app.inject({ method: 'POST', url: `/v1/screens/${screenId}/links`, payload: { label } });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function screenData(screenId: string, query: string): Promise<{ status: number; body: Record<string, never> }> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/screens/${screenId}/data?${query}` });
  return { status: res.statusCode, body: res.json() };
}

/** Reads a server-sent event stream over real HTTP, event by event. */
function openStream(path: string) {
  const controller = new AbortController();
  const events: { event: string; data: unknown }[] = [];
  let ended = false;
  let status = 0;
  const done = (async () => {
    const res = await fetch(`${base}${path}`, { signal: controller.signal });
    status = res.status;
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return {
    events,
    ended: () => ended,
    status: () => status,
    standings: () => events.filter((e) => e.event === 'standings').map((e) => e.data as ScreenData),
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { SCREEN_HEARTBEAT_MS: '1000' });
  await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
  await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3', payload: labourCompetition });
  await lb.app.inject({ method: 'PUT', url: '/v1/competitions/ankang-m3', payload: ankangCompetition });
  const ingest = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: marchEvents });
  expect(ingest.statusCode).toBe(200);
  await lb.refresher.flush();
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await lb.close();
});

describe('screens', () => {
  it('lists every competition’s built-in screen with its page', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/v1/screens' });
    expect(res.statusCode).toBe(200);
    const screens = res.json().screens;
    expect(screens.map((s: { id: string }) => s.id)).toEqual(['competition.ankang-m3', LABOUR]);
    expect(screens[1]).toMatchObject({
      builtIn: true,
      competitionIds: ['labour-m3'],
      links: { page: `/screens/${LABOUR}` },
    });
  });

  it('serves the screen page, the landing page and their bundled assets, offline', async () => {
    for (const [url, type] of [
      ['/', 'text/html'],
      [`/screens/${LABOUR}`, 'text/html'],
      ['/screens/assets/screen.js', 'text/javascript'],
      ['/screens/assets/screen.css', 'text/css'],
      ['/screens/assets/landing.js', 'text/javascript'],
    ] as const) {
      const res = await lb.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain(type);
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      // Nothing from another origin: a TV in a lamp room may have no internet.
      expect(res.body, url).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      const again = await lb.app.inject({ method: 'GET', url, headers: { 'if-none-match': res.headers.etag } });
      expect(again.statusCode, url).toBe(304);
    }
    expect((await lb.app.inject({ method: 'GET', url: '/screens/assets/nothing.js' })).statusCode).toBe(404);
  });
});

describe('display links', () => {
  it('refuses screen data without a token, with an unknown one, and for another screen', async () => {
    expect(await screenData(LABOUR, '')).toMatchObject({
      status: 401,
      body: { error: { code: 'display_token_required' } },
    });
    expect(await screenData(LABOUR, 'token=dl_nonsense')).toMatchObject({
      status: 401,
      body: { error: { code: 'display_token_unknown' } },
    });
    const ankang = await createLink('competition.ankang-m3');
    expect(await screenData(LABOUR, `token=${ankang.token}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'display_token_not_for_screen' } },
    });
    expect((await screenData('competition.nothing', `token=${ankang.token}`)).status).toBe(404);
  });

  it('shows a token once, stores only its hash, and refuses it once revoked', async () => {
    const link = await createLink(LABOUR, '一站营业厅');
    expect(link.token).toMatch(/^dl_[A-Za-z0-9_-]{32}$/);
    expect(link.url).toBe(`/screens/${LABOUR}?token=${link.token}`);
    expect((await screenData(LABOUR, `token=${link.token}`)).status).toBe(200);
    const bearer = await lb.app.inject({
      method: 'GET',
      url: `/v1/screens/${LABOUR}/data`,
      headers: { authorization: `Bearer ${link.token}` },
    });
    expect(bearer.statusCode).toBe(200);

    const stored = await lb.client.query({ query: 'SELECT * FROM display_links', format: 'JSONEachRow' });
    expect(JSON.stringify(await stored.json())).not.toContain(link.token);

    const listed = await lb.app.inject({ method: 'GET', url: `/v1/screens/${LABOUR}/links` });
    expect(listed.json().links.find((l: { id: string }) => l.id === link.id)).toEqual({
      id: link.id,
      screenId: LABOUR,
      label: '一站营业厅',
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(listed.body).not.toContain(link.token);

    const revoke = await lb.app.inject({ method: 'DELETE', url: `/v1/display-links/${link.id}` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).toBe(clock.now().toISOString());
    expect(await screenData(LABOUR, `token=${link.token}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'display_token_revoked' } },
    });
    expect((await lb.app.inject({ method: 'DELETE', url: '/v1/display-links/link-none' })).statusCode).toBe(404);

    // What a restart (or another instance) loads from storage: the link, revoked.
    const reloaded = await createDisplayLinks({ client: lb.client, now: clock.now });
    expect(() => reloaded.authorize(link.token, LABOUR)).toThrow(/revoked/);
    expect(reloaded.list(LABOUR).find((l) => l.id === link.id)?.revokedAt).toBe(clock.now().toISOString());
  });
});

describe('screen data', () => {
  it('shows the standings of each view: overall, each branch’s top, the month’s innovations', async () => {
    const { token } = await createLink(LABOUR);
    const { status, body } = await screenData(LABOUR, `token=${token}`);
    expect(status).toBe(200);
    const data = body as unknown as ScreenData;
    expect(data.title).toEqual({ zh: '测试集团', en: '测试集团' });
    expect(data.heartbeatSeconds).toBe(1);
    expect(data.views.map((v) => v.key)).toEqual(['0', '1:branch:B1', '1:branch:B2', '3']);

    const overall = data.views[0];
    const api = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/standings' });
    expect(overall?.rows.map((r) => [r.crewId, r.rank, r.score])).toEqual(
      api.json().rows.map((r: { crewId: string; rank: number; score: number }) => [r.crewId, r.rank, r.score]),
    );
    // A penalty column shows the points deducted, not the persons counted.
    expect(overall?.columns.map((c) => [c.id, c.format])).toEqual([
      ['volume', 'percent'],
      ['innovation', 'count'],
      ['violations', 'points'],
    ]);
    // Every entrant (the built-in screen sets no limit), the ranking named, the competition's zone.
    expect(overall).toMatchObject({
      series: '0',
      ranking: { zh: '总排名' },
      group: 'overall',
      limit: null,
      total: api.json().total,
      timeZone: 'Asia/Shanghai',
      closedAt: null,
    });
    expect(overall?.rows).toHaveLength(api.json().total);
    expect(data.timeZone).toBe('Asia/Shanghai');
    // C1 sold 11,000 L of a 10,000 L target; C4 is vetoed with the reason.
    expect(overall?.rows.find((r) => r.crewId === 'C1')).toMatchObject({ cells: [110, 1, 0], targetReached: true });
    expect(overall?.rows.find((r) => r.crewId === 'C4')).toMatchObject({
      rank: null,
      disqualified: true,
      vetoes: [{ name: { zh: '重大事故一票否决' }, reason: { zh: expect.stringContaining('重伤') } }],
      targetReached: false,
    });
    expect(overall?.rows.find((r) => r.crewId === 'C5')?.targetReached).toBeNull();

    // Each branch's own ranks.
    expect(data.views[1]).toMatchObject({ title: { zh: '杭州分公司排名' }, series: '1', group: 'branch:B1' });
    expect(data.views[2]?.series).toBe('1');
    expect(data.views[1]?.rows.map((r) => [r.crewId, r.rank])).toEqual([
      ['C1', 1],
      ['C2', 2],
      ['C3', 2],
    ]);
    expect(data.views[2]?.rows.map((r) => [r.crewId, r.rank])).toEqual([
      ['C5', 1],
      ['C4', null],
    ]);

    // March: I2 won a 二等奖 (C2), I1 was adopted (C1), I5 submitted (C5).
    const innovations = data.views[3];
    expect(innovations?.title.zh).toBe('2026年3月 五小创新');
    expect(innovations?.rows.map((r) => [r.crewId, r.rank, r.cells])).toEqual([
      ['C2', 1, [0, 1, 0, 0, 0]],
      ['C1', 2, [0, 0, 0, 1, 0]],
      ['C5', 3, [0, 0, 0, 0, 1]],
    ]);
  });

  it('adds the crew’s own neighbourhood on a crew’s screen, and refuses an unknown crew', async () => {
    const { token } = await createLink(LABOUR);
    const { body } = await screenData(LABOUR, `token=${token}&crew=C5`);
    const around = (body as unknown as ScreenData).views.find((v) => v.kind === 'around');
    expect(around?.highlightCrewId).toBe('C5');
    expect(around?.highlightIds).toEqual(['C5']);
    expect(around?.rows.map((r) => r.crewId)).toEqual(['C1', 'C2', 'C3', 'C5', 'C4']);
    expect(await screenData(LABOUR, `token=${token}&crew=C99`)).toMatchObject({
      status: 400,
      body: { error: { code: 'crew_not_found' } },
    });
  });
});

describe('saved screen sets', () => {
  it('reports every problem of a screen set with its path, and saves nothing', async () => {
    const res = await lb.app.inject({
      method: 'PUT',
      url: '/v1/screens/hall',
      payload: {
        name: { zh: '大厅', en: 'Hall' },
        views: [
          { kind: 'ranking', competitionId: 'nope' },
          { kind: 'ranking', competitionId: 'labour-m3', group: 'branch:B9', indicators: ['volume', 'speed'] },
          { kind: 'branch_tops', competitionId: 'ankang-m3' },
          { kind: 'innovations', competitionId: 'ankang-m3' },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      'views[0].competitionId',
      'views[1].indicators[1]',
      'views[1].group',
      'views[3].kind',
    ]);
    expect((await lb.app.inject({ method: 'GET', url: '/v1/screens/hall' })).statusCode).toBe(404);
    const reserved = await lb.app.inject({
      method: 'PUT',
      url: '/v1/screens/competition.mine',
      payload: { name: { zh: 'x', en: 'x' }, views: [{ kind: 'ranking', competitionId: 'labour-m3' }] },
    });
    expect(reserved.json().error.code).toBe('screen_id_reserved');
  });

  it('saves a screen set as a new version and shows its views', async () => {
    const definition = {
      name: { zh: '集团大厅', en: 'HQ hall' },
      branding: { title: { zh: '浙江石油', en: 'Zhejiang Petroleum' }, primaryColour: '#004d40' },
      celebrate: false,
      views: [
        { kind: 'ranking', competitionId: 'labour-m3', limit: 3, indicators: ['volume'], seconds: 30 },
        { kind: 'ranking', competitionId: 'ankang-m3', group: 'branch:B2' },
      ],
    };
    const first = await lb.app.inject({ method: 'PUT', url: '/v1/screens/hall', payload: definition });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: 'hall', version: 1, builtIn: false });
    const second = await lb.app.inject({ method: 'PUT', url: '/v1/screens/hall', payload: definition });
    expect(second.json().version).toBe(2);

    const { token } = await createLink('hall');
    const { body } = await screenData('hall', `token=${token}`);
    const data = body as unknown as ScreenData;
    expect(data).toMatchObject({ title: { zh: '浙江石油' }, primaryColour: '#004d40', celebrate: false });
    expect(data.views.map((v) => [v.competitionId, v.rows.length, v.columns.length, v.seconds])).toEqual([
      ['labour-m3', 3, 1, 30],
      ['ankang-m3', 2, 2, 20],
    ]);
    expect(data.views[1]?.title.zh).toBe('宁波分公司排名');

    // A new set (?create=true) under a taken id is refused, the set on the TVs unchanged; a built-in one too.
    for (const taken of ['hall', LABOUR]) {
      const again = await lb.app.inject({
        method: 'PUT',
        url: `/v1/screens/${taken}?create=true`,
        payload: { ...definition, name: { zh: '新大屏', en: 'New' } },
      });
      expect(again.statusCode, again.body).toBe(409);
      expect(again.json().error.code).toBe('screen_exists');
      expect(again.json().error.message).toContain(`大屏编号 "${taken}" 已被大屏「`);
    }
    expect((await lb.app.inject({ method: 'GET', url: '/v1/screens/hall' })).json()).toMatchObject({
      version: 2,
      definition: { name: { zh: '集团大厅' } },
    });
    const fresh = await lb.app.inject({ method: 'PUT', url: '/v1/screens/lobby?create=true', payload: definition });
    expect(fresh.json()).toMatchObject({ id: 'lobby', version: 1 });
  });
});

describe('the live stream', () => {
  it('sends the data at once, new standings after events, pings, and ends when the link is revoked', async () => {
    const link = await createLink(LABOUR);
    const stream = openStream(`/v1/screens/${LABOUR}/stream?token=${link.token}`);
    await waitFor(async () => expect(stream.standings()).toHaveLength(1));
    expect(stream.status()).toBe(200);
    const before = stream.standings()[0]?.views[0]?.rows.map((r) => r.crewId);
    expect(before?.[0]).toBe('C1');

    // C2 doubles its target today: 40 points at target + the 10-point bonus cap − 10 for 三违 = 50 > C1's 48.
    await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [
        {
          eventId: 'live-1',
          crewId: 'C2',
          type: 'sales',
          occurredAt: marchAt('10', '11:00:00'),
          volume: 10000,
          unit: 'litres',
        },
      ],
    });
    await waitFor(async () => {
      const latest = stream.standings().at(-1);
      expect(latest?.views[0]?.rows[0]?.crewId).toBe('C2');
    });
    await waitFor(async () => expect(stream.events.some((e) => e.event === 'ping')).toBe(true), 5_000);

    await lb.app.inject({ method: 'DELETE', url: `/v1/display-links/${link.id}` });
    await waitFor(async () => expect(stream.ended()).toBe(true));
    expect(stream.events.at(-1)).toMatchObject({
      event: 'revoked',
      data: { error: { code: 'display_token_revoked' } },
    });
    expect(lb.screenHub.streams()).toBe(0);
    await stream.close();

    const refused = openStream(`/v1/screens/${LABOUR}/stream?token=${link.token}`);
    await waitFor(async () => expect(refused.ended()).toBe(true));
    expect(refused.status()).toBe(403);
  });

  it('lets go of a stream the page closed', async () => {
    const { token } = await createLink(LABOUR);
    const stream = openStream(`/v1/screens/${LABOUR}/stream?token=${token}`);
    await waitFor(async () => expect(stream.standings()).toHaveLength(1));
    expect(lb.screenHub.streams()).toBe(1);
    await stream.close();
    await waitFor(async () => expect(lb.screenHub.streams()).toBe(0));
  });
});
