import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createApiTokens } from '../../services/access/api-tokens.ts';
import { labourCompetition, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * The reporter (上报人) role in the token model, against the real embedded engine with access
 * control on: limited to branches, units or crews; reads like a viewer; writes nothing else.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
let lb: Leaderboard;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, {
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    STANDINGS_ACCESS: 'viewer',
  });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  expect((await call('PUT', '/v1/competitions/labour-m3', ADMIN, labourCompetition)).statusCode).toBeLessThan(300);
});
afterAll(async () => {
  await lb.close();
});

describe('the reporter role', () => {
  it('is refused without a scope, and only a reporter may be limited to crews', async () => {
    const unscoped = await call('POST', '/v1/tokens', ADMIN, { name: '安全员', role: 'reporter' });
    expect(unscoped.statusCode).toBe(400);
    expect(unscoped.json().error.message).toContain('a reporter token is limited to branches, units or crews');

    const ingestCrews = await call('POST', '/v1/tokens', ADMIN, { name: 'POS', role: 'ingest', crewIds: ['C1'] });
    expect(ingestCrews.statusCode).toBe(400);
    expect(ingestCrews.json().error.message).toContain('only a reporter token is limited to crews');

    const typo = await call('POST', '/v1/tokens', ADMIN, { name: '安全员', role: 'reporter', crewIds: ['C1', 'C9'] });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().error.details).toEqual([{ path: 'crewIds[1]', message: expect.stringContaining('"C9"') }]);
  });

  it('keeps a crew scope through a reload from storage, and reads standings like a viewer', async () => {
    const res = await call('POST', '/v1/tokens', ADMIN, { name: '西湖甲班 安全员', role: 'reporter', crewIds: ['C1'] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'reporter', branchIds: [], unitIds: [], crewIds: ['C1'] });

    const reloaded = await createApiTokens({ client: lb.client, now: clock.now });
    expect(reloaded.find(res.json().token)).toMatchObject({ role: 'reporter', crewIds: ['C1'] });

    const standings = await call('GET', '/v1/competitions/labour-m3/standings', res.json().token);
    expect(standings.statusCode).toBe(200);
    const who = await call('GET', '/v1/whoami', res.json().token);
    expect(who.json().token).toMatchObject({ role: 'reporter', crewIds: ['C1'] });
  });

  it('may not send events straight in, nor change the registry or competitions', async () => {
    const res = await call('POST', '/v1/tokens', ADMIN, { name: '西湖站 安全员', role: 'reporter', unitIds: ['U1'] });
    const token: string = res.json().token;
    const events = await call(
      'POST',
      '/v1/events',
      token,
      marchEvents.filter((e) => e.crewId === 'C1'),
    );
    expect(events.statusCode).toBe(403);
    expect(events.json().error.code).toBe('role_forbidden');
    expect((await call('PUT', '/v1/org', token, smallOrg)).statusCode).toBe(403);
    expect((await call('PUT', '/v1/competitions/labour-m3', token, labourCompetition)).statusCode).toBe(403);
  });
});
