import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Deleting what was never published: a draft competition and a screen set no display link was
 * made for; published ones are refused with 409. Nothing is removed from storage, and a restart
 * reads the deletion back.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
const env = { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN };
let lb: Leaderboard;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
async function call(method: Method, url: string, token: string = ADMIN, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const tokens: Record<string, string> = {};
async function createToken(key: string, body: Record<string, unknown>): Promise<void> {
  const res = await call('POST', '/v1/tokens', ADMIN, body);
  expect(res.statusCode, res.body).toBe(201);
  tokens[key] = res.json().token;
}
const token = (key: string) => tokens[key] ?? '';

async function rows(table: string, column: string, id: string): Promise<number> {
  const result = await lb.client.query({
    query: `SELECT count() AS n FROM ${table} WHERE ${column} = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]?.n);
}

const draft: CompetitionInput = { ...labourCompetition, name: { zh: '四月竞赛（草稿）', en: 'April (draft)' } };
const hall = {
  name: { zh: '大厅', en: 'Hall' },
  views: [{ kind: 'ranking', competitionId: 'labour-m3' }],
};

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, env);
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  await createToken('hq', { name: 'HQ 工会', role: 'organiser' });
  await createToken('hz', { name: '杭州工会', role: 'organiser', branchIds: ['B1'] });
  await createToken('viewer', { name: '大屏', role: 'viewer' });
  expect((await call('PUT', '/v1/competitions/labour-m3', ADMIN, labourCompetition)).statusCode).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('deleting a draft competition', () => {
  it('deletes a competition that was never published, keeping its versions in storage', async () => {
    for (const note of ['初稿', '改了名字']) {
      const saved = await call('POST', '/v1/competitions/april/versions', token('hq'), {
        definition: { ...draft, name: { ...draft.name, zh: `${draft.name.zh}${note}` } },
        note,
      });
      expect(saved.json()).toMatchObject({ status: 'draft' });
    }
    // Everyone's competition is not a branch organiser's to delete; viewers may not.
    expect((await call('DELETE', '/v1/competitions/april', token('hz'))).statusCode).toBe(403);
    expect((await call('DELETE', '/v1/competitions/april', token('viewer'))).statusCode).toBe(403);

    const res = await call('DELETE', `/v1/competitions/april?note=${encodeURIComponent('建错了')}`, token('hq'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      id: 'april',
      version: 3,
      deletedAt: '2026-03-10T04:00:00.000Z',
      deletedBy: 'HQ 工会',
      note: '建错了',
    });
    expect((await call('GET', '/v1/competitions/april/versions', token('hq'))).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/competitions/april', token('hq'))).statusCode).toBe(404);
    expect(await rows('competitions', 'competition_id', 'april')).toBe(3);
  });

  it('starts the id anew when it is saved again, numbering on', async () => {
    const saved = await call('POST', '/v1/competitions/april/versions', token('hq'), { definition: draft });
    expect(saved.json()).toMatchObject({ outcome: 'created', version: 4, status: 'draft', changes: [] });
    const history = (await call('GET', '/v1/competitions/april/versions', token('hq'))).json();
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([4]);
  });

  it('refuses a competition that was published, saying so, and deletes nothing', async () => {
    const res = await call('DELETE', '/v1/competitions/labour-m3', token('hq'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('competition_published');
    expect(res.json().error.message).toContain('已发布');
    expect(res.json().error.message).toContain('was published');
    // A draft newer than the published version does not make it deletable either.
    await call('POST', '/v1/competitions/labour-m3/versions', token('hq'), { definition: draft });
    expect((await call('DELETE', '/v1/competitions/labour-m3', token('hq'))).statusCode).toBe(409);
    expect((await call('GET', '/v1/competitions/labour-m3/standings', token('viewer'))).statusCode).toBe(200);
  });

  it('answers 404 for an unknown competition and 400 for a bad note', async () => {
    expect((await call('DELETE', '/v1/competitions/nope', token('hq'))).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/competitions/april?reason=x', token('hq'))).statusCode).toBe(400);
  });
});

describe('deleting a screen set that was never published', () => {
  it('deletes a saved screen set without display links, and saving it again numbers on', async () => {
    expect((await call('PUT', '/v1/screens/hall', token('hq'), hall)).json()).toMatchObject({ version: 1 });
    expect((await call('DELETE', '/v1/screens/hall', token('viewer'))).statusCode).toBe(403);
    const res = await call('DELETE', '/v1/screens/hall?note=test', token('hq'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'hall', version: 2, deletedBy: 'HQ 工会', note: 'test' });
    expect((await call('GET', '/v1/screens/hall', token('viewer'))).statusCode).toBe(404);
    const listed = (await call('GET', '/v1/screens', token('viewer'))).json();
    expect(listed.screens.map((s: { id: string }) => s.id)).not.toContain('hall');
    expect((await call('PUT', '/v1/screens/hall', token('hq'), hall)).json()).toMatchObject({ version: 3 });
    expect(await rows('screens', 'screen_id', 'hall')).toBe(3);
  });

  it('refuses a screen set a display link was made for, even a revoked one, and a built-in screen', async () => {
    expect((await call('PUT', '/v1/screens/lobby', token('hq'), hall)).statusCode).toBe(200);
    const link = await call('POST', '/v1/screens/lobby/links', token('hq'), { label: '大厅电视' });
    expect(link.statusCode).toBe(201);
    expect((await call('DELETE', `/v1/display-links/${link.json().id}`, token('hq'))).statusCode).toBe(200);
    const res = await call('DELETE', '/v1/screens/lobby', token('hq'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('screen_published');
    expect((await call('GET', '/v1/screens/lobby', token('viewer'))).statusCode).toBe(200);
    const builtIn = await call('DELETE', '/v1/screens/competition.labour-m3', token('hq'));
    expect(builtIn.statusCode).toBe(409);
    expect(builtIn.json().error.code).toBe('screen_built_in');
  });

  it('reads deletions back after a restart', async () => {
    await call('PUT', '/v1/screens/temp', token('hq'), hall);
    await call('DELETE', '/v1/screens/temp', token('hq'));
    await call('POST', '/v1/competitions/may/versions', token('hq'), { definition: draft });
    await call('DELETE', '/v1/competitions/may', token('hq'));
    await lb.close();
    lb = await startTestLeaderboard(clock, env);
    expect((await call('GET', '/v1/screens/temp', token('viewer'))).statusCode).toBe(404);
    expect((await call('GET', '/v1/screens/hall', token('viewer'))).json()).toMatchObject({ version: 3 });
    expect((await call('GET', '/v1/competitions/may/versions', token('hq'))).statusCode).toBe(404);
    const april = (await call('GET', '/v1/competitions/april/versions', token('hq'))).json();
    expect(april.versions.map((v: { version: number }) => v.version)).toEqual([4]);
    const again = await call('POST', '/v1/competitions/may/versions', token('hq'), { definition: draft });
    expect(again.json()).toMatchObject({ version: 3 });
  });
});
