import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { jpegWithLocation } from '../support/evidence-files.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Objections from reporters' phones (issue 17: "anyone with a viewer or reporter identity may
 * object under their real name"), on the real engine: a reporter whose crews take part objects
 * during the 公示 with a photo uploaded as evidence; one of another branch is refused (403); before
 * the 公示 opens and after it ends the objection is refused too.
 */
const clock = fixedClock('2026-09-28T12:00:00+08:00');
const ADMIN = `lbt_${'o'.repeat(43)}`;
const SEP = '/v1/competitions/hz-sep/periods/sep';
let lb: Leaderboard;

// Hangzhou's crews only (B1): a Ningbo reporter's crews take no part.
const competition: CompetitionInput = {
  ...labourCompetition,
  name: { zh: '杭州九月劳动竞赛', en: 'Hangzhou September competition' },
  period: { start: '2026-09-01', end: '2026-12-31' },
  participants: { scope: 'selected', branchIds: ['B1'], unitIds: [], crewIds: [] },
  stages: [{ id: 'sep', name: { zh: '九月', en: 'September' }, start: '2026-09-01', end: '2026-09-29' }],
};

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function reporter(name: string, unitIds: string[]): Promise<string> {
  const res = await call('POST', '/v1/tokens', ADMIN, { name, role: 'reporter', unitIds });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ token: string }>().token;
}

const objection = { entrantId: 'C3', realName: '王明', what: '半山甲班九月的销量少记了一天' };
let west = '';
let ningbo = '';

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  expect((await call('PUT', '/v1/competitions/hz-sep', ADMIN, competition)).statusCode).toBe(200);
  const events = [
    {
      eventId: 's1',
      crewId: 'C1',
      type: 'sales',
      occurredAt: '2026-09-02T10:00:00+08:00',
      volume: 12_000,
      unit: 'litres',
    },
    {
      eventId: 's3',
      crewId: 'C3',
      type: 'sales',
      occurredAt: '2026-09-04T10:00:00+08:00',
      volume: 9_000,
      unit: 'litres',
    },
  ];
  expect((await call('POST', '/v1/events', ADMIN, events)).statusCode).toBeLessThan(300);
  await lb.refresher.idle();
  west = await reporter('王明 西湖加油站安全员', ['U1']);
  ningbo = await reporter('陈刚 北仑加油站安全员', ['U3']);
});
afterAll(async () => {
  await lb.close();
});

describe('objections from reporters', () => {
  it('are refused before the period is closed: there is no 公示 yet', async () => {
    const res = await call('POST', `${SEP}/objections`, west, objection);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error.code).toBe('notice_not_found');
  });

  it('are taken during the 公示 from a reporter whose crews take part, with a photo as evidence', async () => {
    clock.set('2026-09-30T10:00:00+08:00');
    expect((await call('POST', `${SEP}/close`, ADMIN, { note: '九月结算' })).statusCode).toBe(200);
    clock.set('2026-10-09T09:00:00+08:00');
    // Evidence goes through the reporter's own upload, for a crew of theirs.
    const photo = await lb.app.inject({
      method: 'POST',
      url: '/v1/evidence?crewId=C1',
      headers: { authorization: `Bearer ${west}`, 'content-type': 'image/jpeg' },
      payload: await jpegWithLocation(),
    });
    expect(photo.statusCode, photo.body).toBe(201);
    const evidenceId = photo.json<{ id: string }>().id;
    const res = await call('POST', `${SEP}/objections`, west, { ...objection, evidence: [evidenceId] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      entrantId: 'C3',
      realName: '王明',
      by: '王明 西湖加油站安全员',
      status: 'open',
      evidence: [evidenceId],
    });
    // The organiser sees it in the notice, and can open the photo.
    const notice = (await call('GET', `${SEP}/notice`, west)).json<{ objections: { objectionId: string }[] }>();
    expect(notice.objections.map((o) => o.objectionId)).toEqual([res.json().objectionId]);
    expect((await call('GET', `/v1/evidence/${evidenceId}`, ADMIN)).statusCode).toBe(200);
  });

  it('are refused (403) from a reporter whose crews take no part, and nothing is stored', async () => {
    const res = await call('POST', `${SEP}/objections`, ningbo, objection);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('competition_out_of_scope');
    expect(res.json().error.message).toContain('杭州九月劳动竞赛');
    const notice = (await call('GET', `${SEP}/notice`, ADMIN)).json<{ objections: unknown[] }>();
    expect(notice.objections).toHaveLength(1);
  });

  it('sent again under the device’s id after a lost answer, are taken once; another body under that id is 409', async () => {
    const sent = { ...objection, objectionId: 'objection-5b0c2f9e-phone', what: '半山甲班九月四日的销量重复计入' };
    const first = await call('POST', `${SEP}/objections`, west, sent);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ objectionId: sent.objectionId, what: sent.what, status: 'open' });
    const again = await call('POST', `${SEP}/objections`, west, sent);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual(first.json());
    const changed = await call('POST', `${SEP}/objections`, west, { ...sent, what: '另一件事' });
    expect(changed.statusCode, changed.body).toBe(409);
    expect(changed.json().error.code).toBe('objection_conflict');
    expect(changed.json().error.message).toContain('objection-5b0c2f9e-phone');
    // The same words from another sender under that id are not the same objection either.
    const viewer = await call('POST', '/v1/tokens', ADMIN, { name: '李红 西湖加油站职工', role: 'viewer' });
    const other = await call('POST', `${SEP}/objections`, viewer.json<{ token: string }>().token, sent);
    expect(other.statusCode, other.body).toBe(409);
    const notice = (await call('GET', `${SEP}/notice`, ADMIN)).json<{
      objections: { objectionId: string; what: string }[];
      history: { action: string }[];
    }>();
    expect(notice.objections.filter((o) => o.objectionId === sent.objectionId)).toEqual([
      expect.objectContaining({ what: sent.what }),
    ]);
    expect(notice.objections).toHaveLength(2);
    expect(notice.history.filter((h) => h.action === 'objected')).toHaveLength(2);
  });

  it('are refused once the 公示 has ended, though a resend of one taken before answers it', async () => {
    clock.set('2026-10-14T09:00:00+08:00');
    const res = await call('POST', `${SEP}/objections`, west, objection);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('notice_over');
    const resend = await call('POST', `${SEP}/objections`, west, {
      ...objection,
      objectionId: 'objection-5b0c2f9e-phone',
      what: '半山甲班九月四日的销量重复计入',
    });
    expect(resend.statusCode, resend.body).toBe(201);
    expect(resend.json()).toMatchObject({ objectionId: 'objection-5b0c2f9e-phone', status: 'open' });
  });
});
