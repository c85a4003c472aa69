import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, marchAt, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Corrections on the embedded path (HTTP -> pipeline -> chdb), with access control on: finding
 * events, withdrawing and correcting them with a reason, the audit history, scopes, standings
 * recomputed on every stored day, and closed periods left frozen (the correction is a late change).
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
let lb: Leaderboard;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
async function call(method: Method, url: string, token: string | null | undefined = ADMIN, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token ?? ''}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const tokens: Record<string, string> = {};
async function createToken(key: string, body: Record<string, unknown>): Promise<void> {
  const res = await call('POST', '/v1/tokens', ADMIN, body);
  expect(res.statusCode, res.body).toBe(201);
  tokens[key] = res.json().token;
}

const competition: CompetitionInput = {
  ...labourCompetition,
  stages: [
    { id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-07' },
    { id: 'w2', name: { zh: '第二周', en: 'Week 2' }, start: '2026-03-08', end: '2026-03-14' },
  ],
};

interface Row {
  crewId: string;
  rank: number | null;
  score: number;
}
async function standings(query = ''): Promise<[string, number | null, number][]> {
  const res = await call('GET', `/v1/competitions/labour-m3/standings${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ rows: Row[] }>().rows.map((r) => [r.crewId, r.rank, r.score]);
}
const scoreOf = async (crewId: string, query = '') => (await standings(query)).find(([c]) => c === crewId)?.[2];

async function count(sql: string): Promise<number> {
  const rows = await (await lb.client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string | number }>();
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  await createToken('hq', { name: 'HQ 工会', role: 'organiser' });
  await createToken('hz', { name: '杭州工会', role: 'organiser', branchIds: ['B1'] });
  await createToken('hzIngest', { name: '西湖站 POS', role: 'ingest', branchIds: ['B1'] });
  await createToken('viewer', { name: '大屏', role: 'viewer' });
  const saved = await call('PUT', '/v1/competitions/labour-m3', ADMIN, competition);
  expect(saved.statusCode, saved.body).toBe(200);
  const posted = await call('POST', '/v1/events', ADMIN, marchEvents);
  expect(posted.json()).toMatchObject({ accepted: marchEvents.length });
  await lb.refresher.idle();
  expect(await standings()).toEqual([
    ['C1', 1, 48],
    ['C2', 2, 40],
    ['C3', 2, 40],
    ['C5', 4, 1],
    ['C4', null, 0],
  ]);
});
afterAll(async () => {
  await lb.close();
});

describe('finding events', () => {
  it('finds by crew, day, type and id, with each event’s state', async () => {
    const res = await call('GET', '/v1/events?crewId=C1&day=2026-03-02&type=sales', tokens['hq']);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      total: 1,
      nextCursor: null,
      events: [
        {
          event: { eventId: 'c1-s1', crewId: 'C1', type: 'sales', volume: 6000, unit: 'litres' },
          crewName: '西湖甲班',
          branchId: 'B1',
          state: 'counted',
          correction: null,
          replaces: null,
        },
      ],
    });
    const byId = (await call('GET', '/v1/events?eventId=c2-v1', tokens['hq'])).json();
    expect(byId.events.map((e: { event: { crewId: string } }) => e.event.crewId)).toEqual(['C2']);
  });

  it('pages newest first with a cursor', async () => {
    const first = (await call('GET', '/v1/events?crewId=C1&limit=4', tokens['hq'])).json();
    expect(first.total).toBe(7);
    expect(first.events).toHaveLength(4);
    const second = (
      await call('GET', `/v1/events?crewId=C1&limit=4&cursor=${encodeURIComponent(first.nextCursor)}`, tokens['hq'])
    ).json();
    expect(second.nextCursor).toBeNull();
    const ids = [...first.events, ...second.events].map((e: { event: { eventId: string } }) => e.event.eventId);
    expect(ids).toEqual(['c1-s2', 'c1-i1b', 'c1-h2', 'c1-h1r', 'c1-i1a', 'c1-h1', 'c1-s1']);
    const bad = await call('GET', '/v1/events?cursor=nonsense', tokens['hq']);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_cursor');
  });

  it('shows a branch organiser only its branches’ events, and refuses reporters and viewers', async () => {
    const all = (await call('GET', '/v1/events?limit=500', tokens['hz'])).json();
    expect(new Set(all.events.map((e: { branchId: string }) => e.branchId))).toEqual(new Set(['B1']));
    const other = await call('GET', '/v1/events?crewId=C4', tokens['hz']);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('crew_out_of_scope');
    for (const token of [tokens['hzIngest'], tokens['viewer']]) {
      const res = await call('GET', '/v1/events', token);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('role_forbidden');
    }
    expect((await call('GET', '/v1/events', null)).statusCode).toBe(401);
  });

  it('refuses a bad query with the parameter named', async () => {
    const res = await call('GET', '/v1/events?day=2026-02-30', tokens['hq']);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error)).toContain('day');
    const both = await call('GET', '/v1/events?day=2026-03-02&from=2026-03-01', tokens['hq']);
    expect(both.statusCode).toBe(400);
  });
});

describe('withdrawing an event', () => {
  it('needs a reason, an organiser in scope, and an event that is stored', async () => {
    const none = await call('POST', '/v1/events/c2-v1/withdraw', tokens['hz'], {});
    expect(none.statusCode).toBe(400);
    expect(JSON.stringify(none.json().error)).toContain('reason');
    const blank = await call('POST', '/v1/events/c2-v1/withdraw', tokens['hz'], { reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.message).toContain('请写明更正原因');
    // Another branch's event is not found for a branch organiser, and refused when named by its crew.
    const hidden = await call('POST', '/v1/events/c4-x1/withdraw', tokens['hz'], { reason: '误报' });
    expect(hidden.statusCode).toBe(404);
    const out = await call('POST', '/v1/events/c4-x1/withdraw', tokens['hz'], { crewId: 'C4', reason: '误报' });
    expect(out.statusCode).toBe(403);
    expect(out.json().error.code).toBe('crew_out_of_scope');
    for (const token of [tokens['hzIngest'], tokens['viewer']]) {
      const res = await call('POST', '/v1/events/c2-v1/withdraw', token, { reason: '误报' });
      expect(res.statusCode).toBe(403);
    }
    const missing = await call('POST', '/v1/events/nope/withdraw', tokens['hq'], { reason: '误报' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('event_not_found');
    expect(await count('SELECT count() AS n FROM event_corrections')).toBe(0);
  });

  it('withdraws with a reason; the standings of every stored day are recomputed; nothing is deleted', async () => {
    // C2's 三违 of 03-07 (2 persons × −5) no longer counts.
    expect(await scoreOf('C2', '?asOf=2026-03-08')).toBe(40);
    const res = await call('POST', '/v1/events/c2-v1/withdraw', tokens['hz'], { reason: '重复上报 / reported twice' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      outcome: 'stored',
      event: { event: { eventId: 'c2-v1' }, state: 'withdrawn' },
      correction: {
        action: 'withdraw',
        crewId: 'C2',
        eventId: 'c2-v1',
        reason: '重复上报 / reported twice',
        author: '杭州工会',
        requestedAt: '2026-03-10T04:00:00.000Z',
        replacement: null,
        late: [],
      },
      replacement: null,
    });
    expect(res.json().message).toContain('已撤回');
    await lb.refresher.idle();
    expect(await scoreOf('C2')).toBe(50);
    // A stored day before today is recomputed too.
    expect(await scoreOf('C2', '?asOf=2026-03-08')).toBe(50);
    expect(await count(`SELECT count() AS n FROM events WHERE event_id = 'c2-v1'`)).toBe(1);
  });

  it('answers a retry unchanged, and refuses a second, different correction of the event', async () => {
    const again = await call('POST', '/v1/events/c2-v1/withdraw', tokens['hq'], {
      reason: '重复上报 / reported twice',
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().outcome).toBe('unchanged');
    const other = await call('POST', '/v1/events/c2-v1/withdraw', tokens['hq'], { reason: '另一个原因' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('event_already_withdrawn');
    expect(other.json().error.message).toContain('重复上报');
    expect(await count('SELECT count() AS n FROM event_corrections')).toBe(1);
    expect(await scoreOf('C2')).toBe(50);
  });

  it('withdraws a veto’s incident: the crew is ranked again', async () => {
    const res = await call('POST', '/v1/events/c4-x1/withdraw', tokens['hq'], { reason: '误报：轻伤误选重伤' });
    expect(res.statusCode, res.body).toBe(201);
    await lb.refresher.idle();
    // 4,000 of 8,000 L: 50 % of 40 points.
    expect((await standings()).find(([c]) => c === 'C4')).toEqual(['C4', 4, 20]);
  });

  it('withdraws an innovation’s step: its lifecycle goes back to the step before', async () => {
    const res = await call('POST', '/v1/events/c1-i1b/withdraw', tokens['hq'], { reason: '尚未采纳' });
    expect(res.statusCode, res.body).toBe(201);
    await lb.refresher.idle();
    // Submitted (1) instead of adopted (3).
    expect(await scoreOf('C1')).toBe(46);
  });
});

describe('correcting an event', () => {
  const fixed = {
    crewId: 'C1',
    type: 'sales',
    occurredAt: marchAt('10', '08:00:00'),
    volume: 4000,
    unit: 'litres',
  };

  it('refuses a replacement that is not a valid event, naming the field', async () => {
    const res = await call('POST', '/v1/events/c1-s2/correct', tokens['hq'], {
      reason: '录入错误',
      event: { ...fixed, volume: 'x' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_replacement');
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['event.volume']);
    const named = await call('POST', '/v1/events/c1-s2/correct', tokens['hq'], {
      reason: '录入错误',
      event: { ...fixed, eventId: 'mine' },
    });
    expect(named.statusCode).toBe(422);
    expect(named.json().error.details[0].path).toBe('event.eventId');
    const elsewhere = await call('POST', '/v1/events/c1-s2/correct', tokens['hz'], {
      reason: '录入错误',
      event: { ...fixed, crewId: 'C4' },
    });
    expect(elsewhere.statusCode).toBe(403);
    expect(await count("SELECT count() AS n FROM event_corrections WHERE event_id = 'c1-s2'")).toBe(0);
  });

  it('stores the replacement, which counts instead, and keeps the audit history', async () => {
    const res = await call('POST', '/v1/events/c1-s2/correct', tokens['hz'], {
      reason: '录入错误：5000 应为 4000',
      event: fixed,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      outcome: 'stored',
      event: { state: 'corrected' },
      correction: { action: 'correct', author: '杭州工会', replacement: { crewId: 'C1' } },
      replacement: {
        event: { ...fixed, occurredAt: '2026-03-10T00:00:00.000Z' },
        state: 'counted',
        replaces: { crewId: 'C1', eventId: 'c1-s2' },
      },
    });
    const fixId: string = body.replacement.event.eventId;
    expect(fixId).toMatch(/^fix-/);
    await lb.refresher.idle();
    // 10,000 of 10,000 L: 40, and the submitted innovation 1.
    expect(await scoreOf('C1')).toBe(41);

    const history = (await call('GET', '/v1/events/c1-s2/history', tokens['hq'])).json();
    expect(history.current).toEqual({ crewId: 'C1', eventId: fixId });
    expect(
      history.versions.map((v: { event: { eventId: string }; state: string }) => [v.event.eventId, v.state]),
    ).toEqual([
      ['c1-s2', 'corrected'],
      [fixId, 'counted'],
    ]);

    // The replacement is an event like any other: it can be withdrawn in turn.
    const withdrawn = await call('POST', `/v1/events/${fixId}/withdraw`, tokens['hq'], { reason: '当天无此销售' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    await lb.refresher.idle();
    expect(await scoreOf('C1')).toBe(25);
    const after = (await call('GET', `/v1/events/${fixId}/history`, tokens['hq'])).json();
    expect(after.current).toBeNull();
    expect(after.versions.map((v: { state: string }) => v.state)).toEqual(['corrected', 'withdrawn']);
    const listed = (await call('GET', '/v1/events?crewId=C1&day=2026-03-10', tokens['hq'])).json();
    expect(listed.events.map((e: { state: string }) => e.state).sort()).toEqual(['corrected', 'withdrawn']);
  });
});

describe('the crew’s breakdown', () => {
  it('lists the withdrawals and corrections of its events, newest first, with reason, author and time', async () => {
    const res = await call('GET', '/v1/competitions/labour-m3/crews/C1', tokens['viewer']);
    expect(res.statusCode, res.body).toBe(200);
    const { corrections } = res.json();
    expect(corrections.total).toBe(3);
    expect(
      corrections.items.map((c: { action: string; eventId: string; reason: string; author: string }) => [
        c.action,
        c.eventId.startsWith('fix-') ? 'fix' : c.eventId,
        c.reason,
        c.author,
      ]),
    ).toEqual([
      ['withdraw', 'fix', '当天无此销售', 'HQ 工会'],
      ['correct', 'c1-s2', '录入错误：5000 应为 4000', '杭州工会'],
      ['withdraw', 'c1-i1b', '尚未采纳', 'HQ 工会'],
    ]);
    // As of a day before the corrected events, none are listed.
    const early = (await call('GET', '/v1/competitions/labour-m3/crews/C1?asOf=2026-03-05')).json();
    expect(early.corrections).toEqual({ total: 0, items: [] });
    const c3 = (await call('GET', '/v1/competitions/labour-m3/crews/C3')).json();
    expect(c3.corrections.total).toBe(0);
  });
});

describe('a correction in a closed period', () => {
  it('is recorded as a late change: the frozen standings stay, the live ones change', async () => {
    // Everything so far was stored at noon; the week closes a minute later.
    clock.set('2026-03-10T12:01:00+08:00');
    const closed = await call('POST', '/v1/competitions/labour-m3/periods/w1/close', tokens['hq'], { note: '第一周' });
    expect(closed.statusCode, closed.body).toBe(200);
    const frozenBefore = (await call('GET', '/v1/competitions/labour-m3/periods/w1/standings')).json();
    expect(frozenBefore.lateEvents).toBe(0);

    clock.set('2026-03-10T12:05:00+08:00');
    // C3's 三违 of 03-05 lies in the closed week.
    const res = await call('POST', '/v1/events/c3-v1/withdraw', tokens['hq'], { reason: '复核后撤销' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().correction.late).toEqual([
      expect.objectContaining({ competitionId: 'labour-m3', periodId: 'w1', crewId: 'C3', day: '2026-03-05' }),
    ]);
    expect(res.json().message).toContain('已结算');
    await lb.refresher.idle();
    expect(await scoreOf('C3')).toBe(50);

    const frozen = (await call('GET', '/v1/competitions/labour-m3/periods/w1/standings')).json();
    expect(frozen.rows).toEqual(frozenBefore.rows);
    expect(frozen.lateEvents).toBe(1);
    const late = (await call('GET', '/v1/competitions/labour-m3/periods/w1/late-events')).json();
    expect(late.events).toMatchObject([
      { eventId: 'c3-v1', crewId: 'C3', correction: { action: 'withdraw', reason: '复核后撤销', author: 'HQ 工会' } },
    ]);
  });
});

describe('OpenAPI', () => {
  it('documents the corrections routes with their parameters, bodies and answers', async () => {
    const res = await call('GET', '/docs/json');
    expect(res.statusCode, res.body).toBe(200);
    const paths = res.json().paths;
    expect(paths['/v1/events'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['crewId', 'eventId', 'type', 'day', 'from', 'to', 'limit', 'cursor']),
    );
    for (const action of ['withdraw', 'correct']) {
      const op = paths[`/v1/events/{eventId}/${action}`].post;
      expect(op.tags).toEqual(['corrections']);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '201', '202', '403', '404', '409']));
      expect(op.requestBody.content['application/json'].schema.required).toContain('reason');
    }
    expect(paths['/v1/events/{eventId}/history'].get).toBeDefined();
  });
});
