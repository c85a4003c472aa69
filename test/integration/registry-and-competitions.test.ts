import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { migrate } from '../../services/storage/migrate.ts';
import { ankangCompetition, labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
});
afterAll(async () => {
  await lb.close();
});

describe('PUT /v1/org', () => {
  it('rejects a registry with broken references, naming each path, and keeps the old one', async () => {
    const res = await lb.app.inject({
      method: 'PUT',
      url: '/v1/org',
      payload: {
        branches: [{ id: 'B1', name: '杭州分公司' }],
        units: [{ id: 'U1', branchId: 'B9', name: '西湖加油站', type: 'station' }],
        crews: [
          { id: 'C1', unitId: 'U1', name: '甲班', headcount: 4 },
          { id: 'C1', unitId: 'U1', name: '乙班', headcount: 4 },
        ],
        targets: [{ competitionId: 'x', crewId: 'C7', metric: 'sales.volume_litres', value: 10 }],
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'body.crews.1.id',
      'body.units.0.branchId',
      'body.targets.0.crewId',
    ]);
    expect(lb.catalog.orgVersion()).toBe(0);
  });

  it('names the body itself when it is not a registry at all', async () => {
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body']);
  });

  it('rejects a bad headcount with the field path', async () => {
    const org = structuredClone(smallOrg);
    const crew = org.crews[0];
    if (crew) crew.headcount = 0;
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'body.crews.0.headcount', message: expect.stringContaining('at least 1 and at most 10,000') },
    ]);
  });

  it('replaces the registry as a new version', async () => {
    const res = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ branches: 2, units: 3, crews: 5, targets: 4 });
    const org = await lb.app.inject({ method: 'GET', url: '/v1/org' });
    expect(org.json().crews).toHaveLength(5);
  });
});

describe('competitions', () => {
  it('reports every problem of a definition at once, with paths', async () => {
    const res = await lb.app.inject({
      method: 'PUT',
      url: '/v1/competitions/broken',
      payload: {
        ...labourCompetition,
        period: { start: '2026-03-31', end: '2026-03-01' },
        timeZone: 'Europe/Berlin',
        weightTotal: 100,
        stages: [
          { id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-10' },
          { id: 'w2', name: { zh: '第二周', en: 'Week 2' }, start: '2026-03-08', end: '2026-03-14' },
        ],
        participants: { scope: 'selected', branchIds: ['B1', 'B9'], crewIds: ['C404'] },
        indicators: [
          {
            id: 'a',
            name: { zh: '甲', en: 'A' },
            rule: { kind: 'sum', metric: 'sales.volume_gallons', pointsPerUnit: 1 },
          },
          {
            id: 'a',
            name: { zh: '乙', en: 'B' },
            rule: { kind: 'count', event: 'violation', pointsEach: -5, cap: -10, floor: -5 },
          },
        ],
        vetoes: [
          {
            id: 'v',
            name: { zh: '否决', en: 'Veto' },
            when: { kind: 'incident' },
            effect: { kind: 'zero_indicator', indicatorId: 'zzz' },
          },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_competition');
    const details: { path: string; message: string }[] = res.json().error.details;
    expect(details.map((d) => d.path).sort()).toEqual(
      [
        'timeZone',
        'indicators[0].rule.metric',
        'period.end',
        'indicators',
        'indicators[1].id',
        'indicators[1].rule.cap',
        'vetoes[0].effect.indicatorId',
        'stages[1]',
        'participants.branchIds[1]',
        'participants.crewIds[0]',
      ].sort(),
    );
    const message = (path: string) => details.find((d) => d.path === path)?.message;
    expect(message('indicators[0].rule.metric')).toContain('unknown metric "sales.volume_gallons"');
    expect(message('indicators')).toContain('weightTotal says they must add up to 100');
    expect(message('stages[1]')).toContain('overlaps stage "w1"');
    expect(message('participants.crewIds[0]')).toContain('"C404"');
    expect(lb.catalog.versions('broken')).toBeUndefined();
  });

  it('saves versions and lists competitions', async () => {
    for (const [id, def] of [
      ['labour-m3', labourCompetition],
      ['ankang-m3', ankangCompetition],
      ['labour-m3', labourCompetition],
    ] as const) {
      expect((await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: def })).statusCode).toBe(
        200,
      );
    }
    const list = await lb.app.inject({ method: 'GET', url: '/v1/competitions' });
    expect(list.json().competitions.map((c: { id: string; version: number }) => [c.id, c.version])).toEqual([
      ['ankang-m3', 1],
      ['labour-m3', 2],
    ]);
    const one = await lb.app.inject({ method: 'GET', url: '/v1/competitions/ankang-m3' });
    expect(one.json().definition).toMatchObject({ kind: 'ankang', tieMode: 'dense', timeZone: 'Asia/Shanghai' });
  });

  it('gives concurrent saves of one competition distinct versions', async () => {
    const puts = await Promise.all(
      [1, 2, 3].map(() =>
        lb.app.inject({ method: 'PUT', url: '/v1/competitions/ankang-m3', payload: ankangCompetition }),
      ),
    );
    expect(puts.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const stored = await lb.client.query({
      query: `SELECT version FROM competitions WHERE competition_id = 'ankang-m3' ORDER BY version`,
      format: 'JSONEachRow',
    });
    expect((await stored.json<{ version: number | string }>()).map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);
    expect(lb.catalog.competition('ankang-m3')?.version).toBe(4);
  });

  it.each([
    ['/v1/competitions/nope/standings', 404, 'competition_not_found'],
    ['/v1/competitions/labour-m3/standings?group=region:1', 400, 'invalid_request'],
    ['/v1/competitions/labour-m3/standings?group=branch:B9', 400, 'unknown_group'],
    ['/v1/competitions/labour-m3/standings?group=unit_type:shop', 400, 'unknown_group'],
    ['/v1/competitions/labour-m3/standings?asOf=2026-04-02', 400, 'as_of_outside_period'],
    ['/v1/competitions/labour-m3/standings?asOf=yesterday', 400, 'invalid_request'],
    ['/v1/competitions/labour-m3/crews/NOPE', 404, 'crew_not_found'],
    ['/v1/nothing-here', 404, 'route_not_found'],
  ])('GET %s answers %i %s', async (url, status, code) => {
    const res = await lb.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
  });
});

describe('service endpoints', () => {
  it('serves an OpenAPI document derived from the zod schemas', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events',
        '/v1/org',
        '/v1/competitions',
        '/v1/competitions/{id}',
        '/v1/competitions/{id}/standings',
        '/v1/competitions/{id}/crews/{crewId}',
      ]),
    );
    const eventsBody = JSON.stringify(doc.paths['/v1/events'].post.requestBody);
    expect(eventsBody).toContain('hazard_rectified');
    const ui = await lb.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
  });

  it('answers health and readiness', async () => {
    expect((await lb.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await lb.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      clickhouse: 'ok',
    });
  });

  it('applies migrations once: a second run applies nothing', async () => {
    expect(await migrate(lb.client)).toEqual({ applied: [] });
  });

  it('refuses to start on a database where an applied migration has since changed', async () => {
    await lb.client.command({
      query: `ALTER TABLE schema_migrations UPDATE checksum = 'edited' WHERE version = 1`,
      clickhouse_settings: { mutations_sync: '1' },
    });
    await expect(migrate(lb.client)).rejects.toThrow(/migration 0001_events.sql changed after it was applied/);
  });
});
