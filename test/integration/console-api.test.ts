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
