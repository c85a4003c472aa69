import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * What the organisers' console needs from the API beyond what the CLI uses: competitions listed
 * with their status and whether the caller may change them, drafts included.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'c'.repeat(43)}`;
let lb: Leaderboard;
const tokens: Record<string, string> = {};

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token?: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const inBranch = (branchId: string): CompetitionInput => ({
  ...labourCompetition,
  participants: { scope: 'selected', branchIds: [branchId] },
});

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  for (const [key, body] of [
    ['hz', { name: '杭州工会', role: 'organiser', branchIds: ['B1'] }],
    ['viewer', { name: '查看', role: 'viewer' }],
  ] as const) {
    const res = await call('POST', '/v1/tokens', ADMIN, body);
    expect(res.statusCode).toBe(201);
    tokens[key] = res.json().token;
  }
});
afterAll(async () => {
  await lb.close();
});

describe('the competition list', () => {
  it('says where each competition stands, and lists drafts only when asked', async () => {
    const save = (id: string, definition: CompetitionInput, publish: boolean) =>
      call('POST', `/v1/competitions/${id}/versions`, ADMIN, { definition, publish });
    expect((await save('march', labourCompetition, true)).statusCode).toBe(200);
    expect(
      (await save('april', { ...labourCompetition, period: { start: '2026-04-01', end: '2026-04-30' } }, true))
        .statusCode,
    ).toBe(200);
    expect(
      (await save('feb', { ...labourCompetition, period: { start: '2026-02-01', end: '2026-02-28' } }, true))
        .statusCode,
    ).toBe(200);
    expect(
      (await save('jan', { ...labourCompetition, period: { start: '2026-01-01', end: '2026-01-31' } }, true))
        .statusCode,
    ).toBe(200);
    expect((await call('POST', '/v1/competitions/jan/periods/final/close', ADMIN, { note: '' })).statusCode).toBe(200);
    expect((await save('plan', labourCompetition, false)).statusCode).toBe(200);
    // A published competition with a newer draft.
    expect((await save('march', { ...labourCompetition, tieMode: 'dense' }, false)).statusCode).toBe(200);

    const listed = await call('GET', '/v1/competitions');
    expect(listed.statusCode).toBe(200);
    const summary = (id: string) => listed.json().competitions.find((c: { id: string }) => c.id === id);
    expect(listed.json().competitions.map((c: { id: string }) => c.id)).toEqual(['april', 'feb', 'jan', 'march']);
    expect(summary('april')).toMatchObject({ status: 'upcoming', currentVersion: 1, draftVersion: null });
    expect(summary('march')).toMatchObject({ status: 'running', version: 1, currentVersion: 1, draftVersion: 2 });
    expect(summary('feb')).toMatchObject({ status: 'ended' });
    expect(summary('jan')).toMatchObject({ status: 'closed' });

    const withDrafts = await call('GET', '/v1/competitions?drafts=true');
    const plan = withDrafts.json().competitions.find((c: { id: string }) => c.id === 'plan');
    expect(plan).toMatchObject({ status: 'draft', version: 1, currentVersion: null, draftVersion: 1 });
    expect(plan.name).toEqual(labourCompetition.name);
    expect((await call('GET', '/v1/competitions?drafts=maybe')).statusCode).toBe(400);
  });

  it('refuses a new competition under a taken id, drafts-only ones too, and changes nothing of the other', async () => {
    const create = (id: string, publish: boolean) =>
      call('POST', `/v1/competitions/${id}/versions`, ADMIN, {
        definition: { ...labourCompetition, name: { zh: '新的竞赛', en: 'A new one' }, tieMode: 'dense' },
        publish,
        create: true,
      });
    for (const [id, name] of [
      ['march', labourCompetition.name.zh],
      ['plan', labourCompetition.name.zh],
    ] as const) {
      const before = (await call('GET', `/v1/competitions/${id}/versions`, ADMIN)).json();
      const res = await create(id, true);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('competition_exists');
      expect(res.json().error.message).toContain(`编号 "${id}" 已被竞赛「${name}」使用`);
      expect((await call('GET', `/v1/competitions/${id}/versions`, ADMIN)).json()).toEqual(before);
    }
    // A free id is created as before; created again, it is taken.
    expect((await create('may', false)).json()).toMatchObject({ id: 'may', outcome: 'created', version: 1 });
    expect((await create('may', false)).statusCode).toBe(409);
  });

  it('tells each caller which competitions it may change', async () => {
    expect(
      (
        await call('POST', '/v1/competitions/hz-only/versions', tokens['hz'], {
          definition: inBranch('B1'),
          publish: true,
        })
      ).statusCode,
    ).toBe(200);
    const manageable = async (token: string | undefined) =>
      Object.fromEntries(
        (await call('GET', '/v1/competitions?drafts=true', token))
          .json()
          .competitions.map((c: { id: string; manageable: boolean }) => [c.id, c.manageable]),
      );
    expect(await manageable(ADMIN)).toMatchObject({ march: true, plan: true, 'hz-only': true });
    // The branch organiser: only the competition inside its branch; the group-wide ones are read-only.
    expect(await manageable(tokens['hz'])).toMatchObject({ march: false, plan: false, 'hz-only': true });
    expect(await manageable(tokens['viewer'])).toMatchObject({ march: false, 'hz-only': false });
    expect(await manageable(undefined)).toMatchObject({ march: false });
  });
});

describe('changing registry rows (PATCH /v1/org)', () => {
  it('adds, renames, moves and resizes crews by id, and a dry run says what would change without saving', async () => {
    const before = lb.catalog.orgVersion();
    const changes = {
      units: [{ id: 'U4', branchId: 'B2', name: '镇海加油站', type: 'station' }],
      crews: [
        { id: 'C6', unitId: 'U4', name: '镇海甲班', headcount: 6 },
        // Renamed, moved to another unit and resized.
        { id: 'C2', unitId: 'U2', name: '西湖乙班（调整）', headcount: 7 },
        // Unchanged.
        { id: 'C3', unitId: 'U2', name: '半山甲班', headcount: 8 },
      ],
    };
    const dry = await call('PATCH', '/v1/org?dryRun=true', ADMIN, changes);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      version: null,
      units: { created: 1, updated: 0, unchanged: 0 },
      crews: { created: 1, updated: 1, unchanged: 1 },
    });
    expect(dry.json().changes).toEqual([
      { entity: 'unit', id: 'U4', op: 'created', fields: [] },
      { entity: 'crew', id: 'C6', op: 'created', fields: [] },
      { entity: 'crew', id: 'C2', op: 'updated', fields: ['headcount', 'name', 'unitId'] },
    ]);
    expect(lb.catalog.orgVersion()).toBe(before);

    const saved = await call('PATCH', '/v1/org', ADMIN, changes);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBeGreaterThan(before);
    const org = lb.catalog.org();
    expect(org.crews.find((c) => c.id === 'C2')).toEqual({
      id: 'C2',
      unitId: 'U2',
      name: '西湖乙班（调整）',
      headcount: 7,
    });
    // The rest of the registry is untouched.
    expect(org.crews.map((c) => c.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    expect(org.targets).toEqual(smallOrg.targets);
  });

  it('reports every problem with its path and saves nothing', async () => {
    const before = lb.catalog.orgVersion();
    const res = await call('PATCH', '/v1/org', ADMIN, {
      crews: [
        { id: 'C7', unitId: 'U9', name: '无此单位', headcount: 3 },
        { id: 'C8', unitId: 'U1', name: '', headcount: 0 },
      ],
      targets: [{ competitionId: 'nope', crewId: 'C1', metric: 'sales.volume_litres', value: 5 }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.crews.1.name', 'body.crews.1.headcount']),
    );
    const semantic = await call('PATCH', '/v1/org', ADMIN, {
      crews: [{ id: 'C7', unitId: 'U9', name: '无此单位', headcount: 3 }],
      targets: [{ competitionId: 'nope', crewId: 'C1', metric: 'sales.volume_litres', value: 5 }],
    });
    expect(semantic.statusCode).toBe(422);
    expect(semantic.json().error.code).toBe('invalid_registry_changes');
    expect(semantic.json().error.details).toEqual([
      { path: 'crews[0].unitId', message: expect.stringContaining('U9') },
      { path: 'targets[0].competitionId', message: expect.stringContaining('nope') },
    ]);
    expect((await call('PATCH', '/v1/org', ADMIN, { crew: [] })).statusCode).toBe(400);
    expect(lb.catalog.orgVersion()).toBe(before);
  });

  it('retires a crew: it leaves the standings, keeps its events and can come back', async () => {
    const event = {
      eventId: 'r1',
      crewId: 'C1',
      type: 'metric',
      name: 'x',
      value: 1,
      occurredAt: '2026-03-05T10:00:00+08:00',
    };
    expect((await call('POST', '/v1/events', ADMIN, [event])).statusCode).toBe(200);
    const crewsIn = async () => {
      await lb.refresher.flush();
      const res = await call('GET', '/v1/competitions/march/standings?limit=100');
      return res
        .json()
        .rows.map((r: { crewId: string }) => r.crewId)
        .sort();
    };
    expect(await crewsIn()).toContain('C1');
    const c1 = lb.catalog.org().crews.find((c) => c.id === 'C1');
    expect((await call('PATCH', '/v1/org', ADMIN, { crews: [{ ...c1, retired: true }] })).json().changes).toEqual([
      { entity: 'crew', id: 'C1', op: 'updated', fields: ['retired'] },
    ]);
    expect(await crewsIn()).not.toContain('C1');
    // Still in the registry with its name; its event is still stored (a resend is a duplicate).
    expect(lb.catalog.crew('C1')?.crewName).toBe('西湖甲班');
    expect((await call('POST', '/v1/events', ADMIN, [event])).json().duplicates).toHaveLength(1);
    expect((await call('PATCH', '/v1/org', ADMIN, { crews: [{ ...c1, retired: false }] })).statusCode).toBe(200);
    expect(await crewsIn()).toContain('C1');
  });

  it('limits a branch organiser to its own rows, and the group’s name and colours to HQ', async () => {
    const hz = tokens['hz'];
    const refused = await call('PATCH', '/v1/org', hz, {
      groupName: '杭州集团',
      crews: [
        { id: 'C4', unitId: 'U3', name: '北仑甲班', headcount: 9 },
        // Moving a B1 crew into a B2 unit takes it out of the token's branches.
        { id: 'C1', unitId: 'U3', name: '西湖甲班', headcount: 4 },
      ],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      'groupName',
      'crews[0].unitId',
      'crews[0].id',
      'crews[1].unitId',
    ]);
    const own = await call('PATCH', '/v1/org', hz, {
      crews: [{ id: 'C1', unitId: 'U1', name: '西湖甲班', headcount: 5 }],
    });
    expect(own.statusCode).toBe(200);
    expect(lb.catalog.crew('C1')?.headcount).toBe(5);
  });

  it('gives the built-in screens the group’s name and colours', async () => {
    const res = await call('PATCH', '/v1/org', ADMIN, {
      groupName: '浙江能源集团',
      branding: { primaryColour: '#c62828', accentColour: '#ffd54f' },
    });
    expect(res.json().changes).toEqual([{ entity: 'group', id: '', op: 'updated', fields: ['groupName', 'branding'] }]);
    const screen = await call('GET', '/v1/screens/competition.march');
    expect(screen.json().definition.branding).toEqual({ primaryColour: '#c62828', accentColour: '#ffd54f' });
    expect(
      (await call('PATCH', '/v1/org', ADMIN, { branding: { primaryColour: 'red', accentColour: '#fff' } })).statusCode,
    ).toBe(400);
  });
});
