import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, marchAt, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * The organisers' workflow against the real embedded engine, with access control on: tokens and
 * their roles and scopes, versions and drafts, preview, publish, and closing a period whose final
 * standings stay frozen through rule changes and late events.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
const env = { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN };
let lb: Leaderboard;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
async function call(method: Method, url: string, token?: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const tokens: Record<string, string> = {};
async function createToken(key: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await call('POST', '/v1/tokens', ADMIN, body);
  expect(res.statusCode).toBe(201);
  tokens[key] = res.json().token;
  return res.json();
}

const competition: CompetitionInput = {
  ...labourCompetition,
  stages: [
    { id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-07' },
    { id: 'w2', name: { zh: '第二周', en: 'Week 2' }, start: '2026-03-08', end: '2026-03-14' },
  ],
};
/** Innovation only: volume no longer counts, which reorders the crews. */
const innovationOnly: CompetitionInput = {
  ...competition,
  indicators: (competition.indicators ?? []).map((i) => (i.id === 'volume' ? { ...i, weight: 0 } : i)),
};

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, env);
});
afterAll(async () => {
  await lb.close();
});

describe('tokens', () => {
  it('refuses writes without a token, with an unknown one, and with the wrong role, saying why', async () => {
    const none = await call('PUT', '/v1/org', undefined, smallOrg);
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toMatchObject({ code: 'token_required' });
    expect(none.json().error.message).toContain('Authorization: Bearer');

    const unknown = await call('PUT', '/v1/org', 'lbt_nope', smallOrg);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('token_unknown');

    const malformed = await lb.app.inject({ method: 'PUT', url: '/v1/org', headers: { authorization: 'Basic x' } });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().error.code).toBe('token_malformed');

    await createToken('viewer', { name: '大屏查看', role: 'viewer' });
    const viewer = await call('PUT', '/v1/org', tokens['viewer'], smallOrg);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error).toMatchObject({ code: 'role_forbidden' });
    expect(viewer.json().error.message).toContain('has role viewer');
    expect(lb.catalog.orgVersion()).toBe(0);
  });

  it('creates tokens with roles and scopes, shows each once and stores only its hash', async () => {
    // Scopes name branches and units of the registry.
    expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
    await createToken('hq', { name: 'HQ 工会', role: 'organiser' });
    await createToken('hz', { name: '杭州工会', role: 'organiser', branchIds: ['B1'] });
    const ingest = await createToken('hzIngest', { name: '西湖站 POS', role: 'ingest', branchIds: ['B1'] });
    expect(ingest.token).toMatch(/^lbt_[A-Za-z0-9_-]{43}$/);

    const listed = await call('GET', '/v1/tokens', ADMIN);
    expect(listed.statusCode).toBe(200);
    expect(JSON.stringify(listed.json())).not.toContain(ingest.token);
    expect(listed.json().tokens.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['bootstrap admin', 'HQ 工会', '杭州工会', '西湖站 POS', '大屏查看']),
    );

    const stored = await (
      await lb.client.query({ query: 'SELECT token_hash FROM api_tokens', format: 'JSONEachRow' })
    ).json<{ token_hash: string }>();
    const hash = createHash('sha256').update(ingest.token).digest('hex');
    expect(stored.map((r) => r.token_hash)).toContain(hash);
    expect(JSON.stringify(stored)).not.toContain(ingest.token);

    expect((await call('GET', '/v1/tokens', tokens['hq'])).statusCode).toBe(403);
    const bad = await call('POST', '/v1/tokens', ADMIN, { name: 'x', role: 'ingest' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('limited to branches or units');
    const typo = await call('POST', '/v1/tokens', ADMIN, { name: 'x', role: 'ingest', unitIds: ['U1', 'U7'] });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().error.details).toEqual([{ path: 'unitIds[1]', message: expect.stringContaining('"U7"') }]);
  });

  it('lets only an unlimited organiser replace the registry', async () => {
    const limited = await call('PUT', '/v1/org', tokens['hz'], smallOrg);
    expect(limited.statusCode).toBe(403);
    expect(limited.json().error.code).toBe('registry_replace_forbidden');
    expect((await call('PUT', '/v1/org', tokens['hq'], smallOrg)).statusCode).toBe(200);
  });

  it('refuses events for crews outside an ingest token’s branches, storing nothing of the batch', async () => {
    const mixed = marchEvents.filter((e) => e.crewId === 'C1' || e.crewId === 'C4');
    const refused = await call('POST', '/v1/events', tokens['hzIngest'], mixed);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('crew_out_of_scope');
    expect(refused.json().error.message).toContain('C4');
    const stored = await (
      await lb.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })
    ).json<{ n: string }>();
    expect(Number(stored[0]?.n)).toBe(0);

    const own = marchEvents.filter((e) => e.crewId === 'C1' || e.crewId === 'C2' || e.crewId === 'C3');
    const accepted = await call('POST', '/v1/events', tokens['hzIngest'], own);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().accepted).toBe(own.length);
    // The rest of the month comes from HQ, which is not limited.
    const rest = marchEvents.filter((e) => !own.includes(e));
    expect((await call('POST', '/v1/events', tokens['hq'], rest)).statusCode).toBe(200);
    expect((await call('POST', '/v1/events', tokens['viewer'], rest)).statusCode).toBe(403);
  });
});

describe('versions, preview and publish', () => {
  it('saves a new competition as a draft that standings do not use until it is published', async () => {
    const saved = await call('POST', '/v1/competitions/labour-m3/versions', tokens['hq'], {
      definition: competition,
      note: '三月竞赛初版',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ outcome: 'created', version: 1, status: 'draft', currentVersion: null });
    expect((await call('GET', '/v1/competitions/labour-m3/standings')).statusCode).toBe(404);
    expect((await call('GET', '/v1/competitions')).json().competitions).toEqual([]);

    const again = await call('POST', '/v1/competitions/labour-m3/versions', tokens['hq'], { definition: competition });
    expect(again.json()).toMatchObject({ outcome: 'unchanged', version: 1 });

    const published = await call('POST', '/v1/competitions/labour-m3/publish', tokens['hq'], { note: '发布' });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ version: 1, previousVersion: null, publishedBy: 'HQ 工会' });
    const standings = await waitFor(async () => {
      const res = await call('GET', '/v1/competitions/labour-m3/standings');
      expect(res.statusCode).toBe(200);
      return res.json();
    });
    expect(standings.definitionVersion).toBe(1);
    expect(standings.rows.map((r: { crewId: string; rank: number | null }) => [r.crewId, r.rank])).toEqual([
      ['C1', 1],
      ['C2', 2],
      ['C3', 2],
      ['C5', 4],
      ['C4', null],
    ]);

    const nothing = await call('POST', '/v1/competitions/labour-m3/publish', tokens['hq'], {});
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().error.code).toBe('nothing_to_publish');
  });

  it('previews a draft beside the current standings without publishing it', async () => {
    const saved = await call('POST', '/v1/competitions/labour-m3/versions', tokens['hq'], {
      definition: innovationOnly,
      note: '只看创新',
    });
    expect(saved.json()).toMatchObject({ outcome: 'created', version: 2, status: 'draft', currentVersion: 1 });
    expect(saved.json().changes).toEqual([{ path: 'indicators[0].weight', op: 'changed', before: 1, after: 0 }]);

    const preview = await call('POST', '/v1/competitions/labour-m3/preview', tokens['hq'], { version: 2 });
    expect(preview.statusCode).toBe(200);
    const body = preview.json();
    expect(body).toMatchObject({ asOf: '2026-03-10', currentVersion: 1, draftVersion: 2 });
    // Without volume, C3 (150% of target, 三违 -10) falls to the bottom and C5's innovation lifts it.
    expect(
      body.rows.map((r: { crewId: string; current: { rank: number | null }; draft: { rank: number | null } }) => [
        r.crewId,
        r.current.rank,
        r.draft.rank,
        (r as unknown as { rankChange: number | null }).rankChange,
      ]),
    ).toEqual([
      ['C1', 1, 1, 0],
      ['C5', 4, 2, 2],
      ['C2', 2, 3, -1],
      ['C3', 2, 4, -2],
      ['C4', null, null, null],
    ]);
    const c3 = body.rows.find((r: { crewId: string }) => r.crewId === 'C3');
    expect(c3).toMatchObject({ current: { score: 40 }, draft: { score: -10 }, scoreChange: -50 });
    expect(body.summary).toEqual({ crews: 5, up: 1, down: 2, same: 2, entered: 0, left: 0 });

    // A definition sent inline previews the same without saving anything.
    const inline = await call('POST', '/v1/competitions/labour-m3/preview', tokens['hq'], {
      definition: innovationOnly,
    });
    expect(inline.json().rows).toEqual(body.rows);
    expect(lb.catalog.versions('labour-m3')).toHaveLength(2);
    const live = (await call('GET', '/v1/competitions/labour-m3/standings')).json();
    expect(live.definitionVersion).toBe(1);
    expect(live.rows.find((r: { crewId: string }) => r.crewId === 'C3').rank).toBe(2);
  });

  it('publishes the draft: standings are recomputed from the stored events and record the version', async () => {
    const published = await call('POST', '/v1/competitions/labour-m3/publish', tokens['hq'], {});
    expect(published.json()).toMatchObject({ version: 2, previousVersion: 1 });
    const standings = await waitFor(async () => {
      const res = (await call('GET', '/v1/competitions/labour-m3/standings')).json();
      expect(res.definitionVersion).toBe(2);
      return res;
    });
    expect(standings.rows.find((r: { crewId: string }) => r.crewId === 'C5').rank).toBe(2);
  });

  it('keeps the history: who saved each version, when, why, and any version can be shown', async () => {
    const history = (await call('GET', '/v1/competitions/labour-m3/versions')).json();
    expect(history.currentVersion).toBe(2);
    expect(history.versions).toMatchObject([
      { version: 2, status: 'current', author: 'HQ 工会', note: '只看创新', publishedBy: 'HQ 工会' },
      { version: 1, status: 'superseded', author: 'HQ 工会', note: '三月竞赛初版' },
    ]);
    const v1 = (await call('GET', '/v1/competitions/labour-m3/versions/1')).json();
    expect(v1.definition.indicators[0].weight).toBe(1);
    expect((await call('GET', '/v1/competitions/labour-m3/versions/9')).statusCode).toBe(404);
  });

  it('limits a branch organiser to competitions inside its branches', async () => {
    const groupWide = await call('POST', '/v1/competitions/labour-m3/versions', tokens['hz'], {
      definition: competition,
    });
    expect(groupWide.statusCode).toBe(403);
    expect(groupWide.json().error.code).toBe('competition_out_of_scope');
    const own = await call('POST', '/v1/competitions/hz-only/versions', tokens['hz'], {
      definition: { ...competition, participants: { scope: 'selected', branchIds: ['B1'] } },
      publish: true,
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ outcome: 'created', status: 'current' });
  });
});

describe('closing a period', () => {
  it('refuses to close a period that has not ended', async () => {
    const res = await call('POST', '/v1/competitions/labour-m3/periods/w2/close', tokens['hq'], {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('period_not_over');
    expect((await call('POST', '/v1/competitions/labour-m3/periods/w9/close', tokens['hq'], {})).statusCode).toBe(404);
  });

  let frozen: { crewId: string; rank: number | null; score: number }[];

  it('freezes the final standings of a closed stage, judged over its own days', async () => {
    clock.set('2026-03-10T12:01:00+08:00');
    const closed = await call('POST', '/v1/competitions/labour-m3/periods/w1/close', tokens['hq'], {
      note: '第一周结算',
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({
      periodId: 'w1',
      start: '2026-03-01',
      end: '2026-03-07',
      definitionVersion: 2,
    });
    const final = (await call('GET', '/v1/competitions/labour-m3/periods/w1/standings')).json();
    expect(final).toMatchObject({ periodId: 'w1', asOf: '2026-03-07', definitionVersion: 2, lateEvents: 0 });
    frozen = final.rows.map((r: { crewId: string; rank: number | null; score: number }) => ({
      crewId: r.crewId,
      rank: r.rank,
      score: r.score,
    }));
    // C1's innovation was adopted on the 8th: within week 1 it was only submitted (1 point).
    expect(frozen.find((r) => r.crewId === 'C1')?.score).toBe(1);

    const twice = await call('POST', '/v1/competitions/labour-m3/periods/w1/close', tokens['hq'], {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('period_already_closed');
  });

  it('keeps them exactly through a rule change and a late event, which is recorded and reported', async () => {
    expect(
      (
        await call('POST', '/v1/competitions/labour-m3/versions', tokens['hq'], {
          definition: competition,
          publish: true,
        })
      ).statusCode,
    ).toBe(200);
    const late = {
      eventId: 'late-1',
      crewId: 'C2',
      type: 'innovation',
      occurredAt: marchAt('05'),
      innovationId: 'I9',
      category: 'invention',
      status: 'awarded',
      awardLevel: 1,
    };
    clock.set('2026-03-10T12:05:00+08:00');
    expect((await call('POST', '/v1/events', tokens['hzIngest'], [late])).statusCode).toBe(200);
    // Live standings take the late event and the new rules.
    await waitFor(async () => {
      const live = (await call('GET', '/v1/competitions/labour-m3/standings')).json();
      expect(live.definitionVersion).toBe(3);
      const c2 = live.rows.find((r: { crewId: string }) => r.crewId === 'C2');
      expect(c2.indicators.find((i: { indicatorId: string }) => i.indicatorId === 'innovation').points).toBeGreaterThan(
        19,
      );
    });

    const final = (await call('GET', '/v1/competitions/labour-m3/periods/w1/standings')).json();
    expect(final.definitionVersion).toBe(2);
    expect(final.lateEvents).toBe(1);
    expect(
      final.rows.map((r: { crewId: string; rank: number | null; score: number }) => ({
        crewId: r.crewId,
        rank: r.rank,
        score: r.score,
      })),
    ).toEqual(frozen);

    const report = (await call('GET', '/v1/competitions/labour-m3/periods/w1/late-events')).json();
    expect(report.total).toBe(1);
    expect(report.events).toMatchObject([{ eventId: 'late-1', crewId: 'C2', type: 'innovation' }]);
    expect(report.events[0].storedAt >= report.closedAt).toBe(true);
    const periods = (await call('GET', '/v1/competitions/labour-m3/periods')).json().periods;
    expect(periods.map((p: { id: string }) => p.id)).toEqual(['w1', 'w2', 'final']);
    expect(periods[0].closed).toMatchObject({ closedBy: 'HQ 工会', note: '第一周结算', lateEvents: 1, crews: 5 });
    expect(periods[1].closed).toBeNull();
  });
});

describe('importing the registry from CSV', () => {
  const roster = readFileSync(new URL('../../schemas/examples/org-roster.csv', import.meta.url));
  const csv = (token: string | undefined, body: Buffer | string, query = '') =>
    lb.app.inject({
      method: 'POST',
      url: `/v1/org/import${query}`,
      headers: { 'content-type': 'text/csv', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      payload: body,
    });

  it('needs an organiser token', async () => {
    expect((await csv(undefined, roster)).statusCode).toBe(401);
    expect((await csv(tokens['hzIngest'], roster)).statusCode).toBe(403);
  });

  it('refuses rows of other branches for a branch organiser, and saves nothing', async () => {
    const before = lb.catalog.orgVersion();
    const res = await csv(tokens['hz'], roster);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_rows');
    const details: { row: number; column: string | null; message: string }[] = res.json().error.details;
    expect(details.length).toBeGreaterThan(0);
    expect(details.every((d) => d.message.includes('B1'))).toBe(true);
    expect(lb.catalog.orgVersion()).toBe(before);
  });

  it('reports every bad row with its row number and column, Excel-style', async () => {
    const sheet = [
      '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数',
      'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4',
      'B1,杭州分公司,U1,西湖加油站,商店,C8,西湖丙班,0',
      '',
      'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,7',
    ].join('\r\n');
    const res = await csv(tokens['hq'], sheet);
    expect(res.statusCode).toBe(422);
    const details: { row: number; column: string | null }[] = res.json().error.details;
    expect(details.map((d) => [d.row, d.column])).toEqual([
      [3, '单位类型'],
      [3, '人数'],
      [5, '人数'],
    ]);
    expect(res.json().error.details[2].message).toContain('第 2 行');
  });

  it('upserts by id: a dry run counts, the import saves a new registry version', async () => {
    const before = lb.catalog.orgVersion();
    const dry = await csv(tokens['hq'], roster, '?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, sheet: 'roster', version: null });
    expect(lb.catalog.orgVersion()).toBe(before);

    const res = await csv(tokens['hq'], roster);
    expect(res.json()).toMatchObject({
      dryRun: false,
      branches: { created: 1, updated: 0, unchanged: 2 },
      crews: { created: 2, updated: 1, unchanged: 4 },
    });
    expect(res.json().version).toBeGreaterThan(before);
    expect(lb.catalog.crew('C2')?.headcount).toBe(6);
    expect(lb.catalog.crew('C6')?.branchName).toBe('温州分公司');

    const again = await csv(tokens['hq'], roster);
    expect(again.json()).toMatchObject({ version: null, crews: { created: 0, updated: 0, unchanged: 7 } });
  });

  it('reads a sheet Chinese Excel saved as GB18030', async () => {
    // "竞赛编号,班组编号,指标,目标值\r\nlabour-m3,C6,销量(升),9000\r\n" in GB18030 (no BOM), as
    // "CSV (逗号分隔)" saves it; checked by decoding with TextDecoder('gb18030').
    const gbk = Buffer.from(
      'bebac8fcb1e0bac52cb0e0d7e9b1e0bac52cd6b8b1ea2cc4bfb1ead6b50d0a6c61626f75722d6d332c43362ccffac1bf28c9fd292c393030300d0a',
      'hex',
    );
    expect(new TextDecoder('gb18030').decode(gbk)).toContain('销量(升)');
    const res = await csv(tokens['hq'], gbk);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sheet: 'targets', targets: { created: 1 } });
    expect(lb.catalog.targets('labour-m3').get('C6')?.get('sales.volume_litres')).toBe(9000);
  });
});

describe('what a branch organiser may not reach', () => {
  it('cannot change targets of a group-wide competition through a targets sheet', async () => {
    const sheet = '竞赛编号,班组编号,指标,目标值\r\nlabour-m3,C1,sales.volume_litres,1\r\n';
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/org/import',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${tokens['hz']}` },
      payload: sheet,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      { row: 2, column: '竞赛编号', cell: 'A2', message: expect.stringContaining('labour-m3') },
    ]);
    expect(lb.catalog.targets('labour-m3').get('C1')?.get('sales.volume_litres')).toBe(10_000);
  });

  it('cannot take over a competition HQ has only drafted', async () => {
    const drafted = await call('POST', '/v1/competitions/hq-draft/versions', tokens['hq'], { definition: competition });
    expect(drafted.json()).toMatchObject({ status: 'draft', currentVersion: null });
    const takeover = await call('POST', '/v1/competitions/hq-draft/versions', tokens['hz'], {
      definition: { ...competition, participants: { scope: 'selected', branchIds: ['B1'] } },
      publish: true,
    });
    expect(takeover.statusCode).toBe(403);
    expect(takeover.json().error.code).toBe('competition_out_of_scope');
    expect((await call('POST', '/v1/competitions/hq-draft/publish', tokens['hz'], {})).statusCode).toBe(403);
    expect(lb.catalog.versions('hq-draft')).toHaveLength(1);
  });

  it('cannot manage the screens of a group-wide competition', async () => {
    const link = await call('POST', '/v1/screens/competition.labour-m3/links', tokens['hq'], { label: '总部大厅' });
    expect(link.statusCode).toBe(201);
    const create = await call('POST', '/v1/screens/competition.labour-m3/links', tokens['hz'], { label: 'x' });
    expect(create.statusCode).toBe(403);
    expect((await call('GET', '/v1/screens/competition.labour-m3/links', tokens['hz'])).statusCode).toBe(403);
    const revoke = await call('DELETE', `/v1/display-links/${link.json().id}`, tokens['hz']);
    expect(revoke.statusCode).toBe(403);
    expect(revoke.json().error.code).toBe('competition_out_of_scope');
    const own = await call('POST', '/v1/screens/competition.hz-only/links', tokens['hz'], { label: '杭州大厅' });
    expect(own.statusCode).toBe(201);
  });
});

describe('two registry imports at once', () => {
  it('keeps the rows of both', async () => {
    const sheet = (crew: string) =>
      `分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数\r\nB1,杭州分公司,U1,西湖加油站,加油站,${crew},班组${crew},5\r\n`;
    const post = (crew: string) =>
      lb.app.inject({
        method: 'POST',
        url: '/v1/org/import',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${tokens['hq']}` },
        payload: sheet(crew),
      });
    const answers = await Promise.all([post('CA'), post('CB'), post('CC')]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(['CA', 'CB', 'CC'].map((id) => lb.catalog.crew(id)?.crewId)).toEqual(['CA', 'CB', 'CC']);
  });
});

describe('after a restart with reads limited to viewers, a small rate limit and a small body limit', () => {
  beforeAll(async () => {
    await lb.close();
    lb = await startTestLeaderboard(clock, {
      ...env,
      STANDINGS_ACCESS: 'viewer',
      RATE_LIMIT_PER_MINUTE: '8',
      MAX_JSON_BYTES: '4096',
    });
  });

  it('needs a viewer token to read standings; tokens and closures survived the restart', async () => {
    const anonymous = await call('GET', '/v1/competitions/labour-m3/standings');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('token_required');
    expect(
      (await call('GET', '/v1/competitions/labour-m3/periods/w1/standings', tokens['viewer'])).json().lateEvents,
    ).toBe(1);
  });

  it('refuses a revoked token with 403 and when it was revoked', async () => {
    const list = (await call('GET', '/v1/tokens', ADMIN)).json().tokens;
    const viewer = list.find((t: { name: string }) => t.name === '大屏查看');
    const revoked = await call('DELETE', `/v1/tokens/${viewer.id}`, ADMIN);
    expect(revoked.json().revokedAt).not.toBeNull();
    const res = await call('GET', '/v1/competitions/labour-m3/standings', tokens['viewer']);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('token_revoked');
    expect(res.json().error.message).toContain('大屏查看');
  });

  it('limits the requests of each token per minute, and other tokens go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await call('GET', '/v1/competitions', tokens['hz'])).statusCode);
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    const limited = await call('GET', '/v1/competitions', tokens['hz']);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await call('GET', '/v1/competitions', tokens['hq'])).statusCode).toBe(200);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await call('POST', '/v1/competitions/labour-m3/versions', tokens['hq'], {
      definition: competition,
      note: '长'.repeat(3000),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });
});
