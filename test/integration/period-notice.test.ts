import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';
import { readBack } from '../support/workbooks.ts';

/**
 * 公示 · 异议 · 复核 through the API on the real embedded engine: closing a period opens its 公示
 * until the 5th working day after the closing by the State Council's 2026 notice (国庆 off, the
 * 调休 Saturday 10-10 worked), objections under real names, a rejected one changes nothing, an
 * upheld one corrects through the corrections path and re-freezes the period (the change listed),
 * and the organiser's confirmation makes the results final on the API and in the export.
 */
const clock = fixedClock('2026-09-28T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
let lb: Leaderboard;

type Method = 'GET' | 'POST' | 'PUT';
async function call(method: Method, url: string, token: string | null = ADMIN, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
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

const competition: CompetitionInput = {
  ...labourCompetition,
  name: { zh: '九月劳动竞赛', en: 'September labour competition' },
  period: { start: '2026-09-01', end: '2026-12-31' },
  stages: [
    { id: 'sep', name: { zh: '九月', en: 'September' }, start: '2026-09-01', end: '2026-09-29' },
    { id: 'dec', name: { zh: '十二月', en: 'December' }, start: '2026-12-01', end: '2026-12-27' },
  ],
};
const at = (day: string) => `2026-09-${day}T10:00:00+08:00`;
const events = [
  { eventId: 's1', crewId: 'C1', type: 'sales', occurredAt: at('02'), volume: 12_000, unit: 'litres' },
  { eventId: 's2', crewId: 'C2', type: 'sales', occurredAt: at('03'), volume: 9_000, unit: 'litres' },
  { eventId: 's3', crewId: 'C3', type: 'sales', occurredAt: at('04'), volume: 20_000, unit: 'litres' },
  { eventId: 'v3', crewId: 'C3', type: 'violation', occurredAt: at('05'), kind: 'operation', personCount: 1 },
];
const SEP = '/v1/competitions/labour-m3/periods/sep';

interface Row {
  crewId: string;
  rank: number | null;
  score: number;
}
async function frozen() {
  const res = await call('GET', `${SEP}/standings`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ status: string; notice: unknown; rows: Row[] }>();
  return { status: body.status, notice: body.notice, rows: body.rows.map((r) => [r.crewId, r.rank, r.score]) };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  await createToken('hq', { name: 'HQ 工会', role: 'organiser' });
  await createToken('viewer', { name: '班组长 李四', role: 'viewer' });
  const saved = await call('PUT', '/v1/competitions/labour-m3', ADMIN, competition);
  expect(saved.statusCode, saved.body).toBe(200);
  const posted = await call('POST', '/v1/events', ADMIN, events);
  expect(posted.json()).toMatchObject({ accepted: events.length });
  await lb.refresher.idle();
});
afterAll(async () => {
  await lb.close();
});

describe('公示 · 异议 · 复核', () => {
  let upheldId = '';

  it('closing on 2026-09-30 opens a 公示 of 5 working days ending 2026-10-13, across 国庆 and its working Saturday', async () => {
    clock.set('2026-09-30T10:00:00+08:00');
    const closed = await call('POST', `${SEP}/close`, token('hq'), { note: '九月结算' });
    expect(closed.statusCode, closed.body).toBe(200);
    // 10-01..07 off; working days 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13.
    const notice = (await call('GET', `${SEP}/notice`, token('viewer'))).json();
    expect(notice).toMatchObject({
      status: 'in_notice',
      workingDays: 5,
      startsOn: '2026-09-30',
      endsOn: '2026-10-13',
      openedBy: 'HQ 工会',
      objections: [],
    });
    expect(notice.howToObject.zh).toContain('2026-10-13');
    expect(await frozen()).toMatchObject({
      status: 'in_notice',
      notice: { startsOn: '2026-09-30', endsOn: '2026-10-13', confirmedAt: null },
    });
    // The public result page (no sign-in, standings public by default): results, dates, how to object.
    const page = await call('GET', '/print/competitions/labour-m3/periods/sep?title=notice', null);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('公示期至 2026年10月13日');
    expect(page.body).toContain('公示中（至 2026-10-13），非最终结果');
    expect(page.body).toContain('请以实名方式');
    const list = (await call('GET', '/v1/competitions/labour-m3/periods', token('viewer'))).json();
    expect(list.periods.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['sep', 'in_notice'],
      ['dec', 'open'],
      ['final', 'open'],
    ]);
  });

  it('takes objections under a real name from a viewer during the 公示, for an entrant in the results only', async () => {
    clock.set('2026-10-09T09:00:00+08:00');
    const unknown = await call('POST', `${SEP}/objections`, token('viewer'), {
      entrantId: 'C9',
      realName: '李四',
      what: '没有这个班组',
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json().error.code).toBe('entrant_not_in_results');
    const nameless = await call('POST', `${SEP}/objections`, token('viewer'), { entrantId: 'C3', what: '缺少实名' });
    expect(nameless.statusCode).toBe(400);
    const anonymous = await call('POST', `${SEP}/objections`, null, { entrantId: 'C3', realName: 'x', what: 'y' });
    expect(anonymous.statusCode).toBe(401);

    const first = await call('POST', `${SEP}/objections`, token('viewer'), {
      entrantId: 'C3',
      realName: '李四',
      what: '9月5日的三违记录是误报，当天该员工休假',
      evidence: [`sha256:${'a'.repeat(64)}`],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ entrantId: 'C3', realName: '李四', by: '班组长 李四', status: 'open' });
    upheldId = first.json().objectionId;
  });

  it('a rejected objection leaves the results as they are, with the reason kept', async () => {
    clock.set('2026-10-09T09:10:00+08:00');
    const before = await frozen();
    const made = await call('POST', `${SEP}/objections`, token('viewer'), {
      entrantId: 'C1',
      realName: '王五',
      what: '西湖甲班的销量偏高',
    });
    const id = made.json().objectionId;
    // Only an organiser decides.
    expect((await call('POST', `${SEP}/objections/${id}/reject`, token('viewer'), { reason: 'x' })).statusCode).toBe(
      403,
    );
    const rejected = await call('POST', `${SEP}/objections/${id}/reject`, token('hq'), {
      reason: '经核对 POS 记录，销量无误',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decision: { by: 'HQ 工会', reason: '经核对 POS 记录，销量无误', changes: [] },
    });
    const again = await call('POST', `${SEP}/objections/${id}/reject`, token('hq'), { reason: '再次' });
    expect(again.json().error.code).toBe('objection_decided');
    expect(await frozen()).toEqual(before);
  });

  it('an upheld objection corrects through the corrections path, re-freezes the period and lists the change', async () => {
    clock.set('2026-10-10T09:00:00+08:00');
    const before = await frozen();
    expect(before.rows).toEqual([
      ['C1', 1, 50],
      ['C2', 2, 36],
      ['C3', 3, 35],
      ['C4', 4, 0],
      ['C5', 4, 0],
    ]);
    const upheld = await call('POST', `${SEP}/objections/${upheldId}/uphold`, token('hq'), {
      reason: '复核属实：当天该员工休假',
      corrections: [{ action: 'withdraw', eventId: 'v3' }],
    });
    expect(upheld.statusCode, upheld.body).toBe(200);
    expect(upheld.json()).toMatchObject({
      status: 'upheld',
      decision: { by: 'HQ 工会', correctionIds: [expect.any(String)] },
    });
    const changes = upheld.json().decision.changes as { entrantId: string }[];
    expect(changes).toEqual([
      { entrantId: 'C2', name: '西湖乙班', before: { score: 36, rank: 2 }, after: { score: 36, rank: 3 } },
      { entrantId: 'C3', name: '半山甲班', before: { score: 35, rank: 3 }, after: { score: 40, rank: 2 } },
    ]);
    expect((await frozen()).rows).toEqual([
      ['C1', 1, 50],
      ['C3', 2, 40],
      ['C2', 3, 36],
      ['C4', 4, 0],
      ['C5', 4, 0],
    ]);
    // The correction is an ordinary one: the event's history names the objection.
    const history = (await call('GET', '/v1/events/v3/history', token('hq'))).json();
    expect(JSON.stringify(history)).toContain(`异议 ${upheldId} 成立`);
  });

  it('confirms only after the 公示 and makes the results final on the API and in the export', async () => {
    clock.set('2026-10-13T18:00:00+08:00');
    const early = await call('POST', `${SEP}/confirm`, token('hq'), {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('notice_not_over');

    clock.set('2026-10-14T09:00:00+08:00');
    const late = await call('POST', `${SEP}/objections`, token('viewer'), {
      entrantId: 'C2',
      realName: '赵六',
      what: '晚了',
    });
    expect(late.json().error.code).toBe('notice_over');
    expect((await frozen()).status).toBe('notice_ended');

    const confirmed = await call('POST', `${SEP}/confirm`, token('hq'), { note: '公示无异议，结果正式生效' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'final', confirmedBy: 'HQ 工会' });
    expect(confirmed.json().history.map((h: { action: string; by: string }) => [h.action, h.by])).toEqual([
      ['opened', 'HQ 工会'],
      ['objected', '班组长 李四'],
      ['objected', '班组长 李四'],
      ['rejected', 'HQ 工会'],
      ['upheld', 'HQ 工会'],
      ['confirmed', 'HQ 工会'],
    ]);
    expect(await frozen()).toMatchObject({ status: 'final', notice: { confirmedAt: '2026-10-14T01:00:00.000Z' } });
    expect((await call('POST', `${SEP}/confirm`, token('hq'), {})).json().error.code).toBe('results_final');

    const page = await call('GET', '/print/competitions/labour-m3/periods/sep?title=notice', null);
    expect(page.body).toContain('正式结果');
    expect(page.body).not.toContain('非最终结果');
    const xlsx = await call('GET', `${SEP}/standings.xlsx`, token('viewer'));
    expect(xlsx.statusCode).toBe(200);
    const sheet = (await readBack(xlsx.rawPayload)).worksheets[0];
    const texts = (sheet?.getSheetValues() ?? []).flat().filter((v): v is string => typeof v === 'string');
    expect(texts.some((t) => t.includes('正式结果'))).toBe(true);
  });

  it('refuses to guess working days for a year without a holiday notice, and takes the last day from the organiser', async () => {
    clock.set('2026-12-28T10:00:00+08:00');
    const refused = await call('POST', '/v1/competitions/labour-m3/periods/dec/close', token('hq'), {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'calendar_year_missing',
      message: expect.stringContaining('缺少 2027 年的节假日安排'),
    });
    // Nothing was frozen.
    const list = (await call('GET', '/v1/competitions/labour-m3/periods', token('hq'))).json();
    expect(list.periods.find((p: { id: string }) => p.id === 'dec')).toMatchObject({ closed: null, status: 'open' });
    const given = await call('POST', '/v1/competitions/labour-m3/periods/dec/close', token('hq'), {
      noticeEndsOn: '2027-01-05',
    });
    expect(given.statusCode, given.body).toBe(200);
    expect((await call('GET', '/v1/competitions/labour-m3/periods/dec/notice', token('hq'))).json()).toMatchObject({
      status: 'in_notice',
      startsOn: '2026-12-28',
      endsOn: '2027-01-05',
    });
  });
});
