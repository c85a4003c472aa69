import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { marchAt, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * 上报 · 审核 against the real embedded engine with access control on: a report is stored pending
 * and counts nowhere; approved at every level it becomes an event through the ingest path and
 * counts in the standings; a rejection never counts and its reason reaches the reporter.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
const PHOTO = `sha256:${'ab'.repeat(32)}`;
let lb: Leaderboard;
const token = { reporter: '', unit: '', branch: '', ningbo: '' };

type Method = 'GET' | 'POST' | 'PUT';
async function call(method: Method, url: string, who: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** 安康杯 with two levels of review for hazards found, one for rectifications. */
const safety: CompetitionInput = {
  name: { zh: '安康杯隐患排查', en: 'Hazard hunt' },
  kind: 'ankang',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators: [
    {
      id: 'found',
      name: { zh: '发现隐患', en: 'Found' },
      rule: { kind: 'count', event: 'hazard_found', pointsEach: 2 },
    },
    {
      id: 'overdue',
      name: { zh: '超期未整改', en: 'Overdue' },
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 3, pointsEach: -10 },
    },
    {
      id: 'violations',
      name: { zh: '三违', en: 'Violations' },
      rule: { kind: 'count', event: 'violation', pointsEach: -5 },
    },
  ],
  review: [
    { type: 'hazard_found', levels: ['单位安全员', '分公司工会'] },
    { type: 'hazard_rectified', levels: ['单位安全员'] },
  ],
};
/** Also covers C1, asking one level for hazards: the most levels in force (two) apply. */
const lite: CompetitionInput = {
  name: { zh: '西湖站劳动竞赛', en: 'West Lake station' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  participants: { scope: 'selected', unitIds: ['U1'] },
  indicators: [
    { id: 'found', name: { zh: '隐患', en: 'Hazards' }, rule: { kind: 'count', event: 'hazard_found', pointsEach: 1 } },
  ],
  review: [{ type: 'hazard_found', levels: ['站长'] }],
};

const hazard = (reportId: string, hazardId: string, day: string) => ({
  reportId,
  event: { type: 'hazard_found', crewId: 'C1', occurredAt: marchAt(day, '09:00:00'), hazardId },
  location: '3号加油机',
  description: '油枪胶管老化开裂',
  evidence: [PHOTO],
});

async function row(competitionId: string, crewId: string) {
  const res = await call('GET', `/v1/competitions/${competitionId}/standings`, ADMIN);
  expect(res.statusCode).toBe(200);
  const found = res.json().rows.find((r: { crewId: string }) => r.crewId === crewId);
  return found as { score: number; indicators: { indicatorId: string; points: number }[] };
}
const points = async (crewId: string, indicatorId: string) =>
  (await row('safety-m3', crewId)).indicators.find((i) => i.indicatorId === indicatorId)?.points;

async function review(who: string, reportIds: string[], decision: 'approved' | 'rejected', note?: string) {
  const res = await call('POST', '/v1/reports/review', who, { reportIds, decision, ...(note ? { note } : {}) });
  expect(res.statusCode).toBe(200);
  return res.json().results as {
    reportId: string;
    ok: boolean;
    report?: { status: string };
    error?: { code: string };
  }[];
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  expect((await call('PUT', '/v1/competitions/safety-m3', ADMIN, safety)).statusCode).toBeLessThan(300);
  expect((await call('PUT', '/v1/competitions/lite-m3', ADMIN, lite)).statusCode).toBeLessThan(300);
  const bodies: Record<keyof typeof token, Record<string, unknown>> = {
    reporter: { name: '西湖甲班 安全员', role: 'reporter', crewIds: ['C1'] },
    unit: { name: '西湖站 安全员', role: 'organiser', branchIds: ['B1'] },
    branch: { name: '杭州分公司工会', role: 'organiser', branchIds: ['B1'] },
    ningbo: { name: '宁波分公司工会', role: 'organiser', branchIds: ['B2'] },
  };
  for (const key of Object.keys(token) as (keyof typeof token)[]) {
    const res = await call('POST', '/v1/tokens', ADMIN, bodies[key]);
    expect(res.statusCode).toBe(201);
    token[key] = res.json().token;
  }
});
afterAll(async () => {
  await lb.close();
});

describe('a reported hazard', () => {
  it('is stored pending with who, when, where and the evidence, and counts nowhere', async () => {
    const res = await call('POST', '/v1/reports', token.reporter, hazard('r-h1', 'H1', '08'));
    expect(res.statusCode).toBe(201);
    expect(res.json().report).toMatchObject({
      reportId: 'r-h1',
      status: 'pending',
      reportedBy: '西湖甲班 安全员',
      reportedAt: '2026-03-10T04:00:00.000Z',
      location: '3号加油机',
      evidence: [PHOTO],
      levels: ['单位安全员', '分公司工会'],
      approvedLevels: 0,
      eventId: null,
    });
    await lb.refresher.flush();
    expect(await points('C1', 'found')).toBe(0);
    const stored = await (
      await lb.client.query({ query: "SELECT count() AS n FROM events WHERE crew_id = 'C1'", format: 'JSONEachRow' })
    ).json<{ n: string }>();
    expect(Number(stored[0]?.n)).toBe(0);
  });

  it('is stored once when resent, and a different body under the same id is a conflict', async () => {
    const again = await call('POST', '/v1/reports', token.reporter, hazard('r-h1', 'H1', '08'));
    expect(again.statusCode).toBe(201);
    expect(again.json().report.reportId).toBe('r-h1');
    const other = await call('POST', '/v1/reports', token.reporter, {
      ...hazard('r-h1', 'H1', '08'),
      location: '油罐区',
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('report_conflict');
    const rows = await (
      await lb.client.query({
        query: "SELECT count() AS n FROM reports WHERE report_id = 'r-h1'",
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('is refused for a crew outside the reporter’s scope, storing nothing', async () => {
    const out = await call('POST', '/v1/reports', token.reporter, {
      ...hazard('r-c2', 'H9', '08'),
      event: { ...hazard('r-c2', 'H9', '08').event, crewId: 'C2' },
    });
    expect(out.statusCode).toBe(403);
    expect(out.json().error.code).toBe('crew_out_of_scope');
    const list = await call('GET', '/v1/reports?mine=true', token.reporter);
    expect(list.json().reports.map((r: { reportId: string }) => r.reportId)).toEqual(['r-h1']);
  });

  it('is not reviewed by an organiser of another branch, nor twice by the same reviewer', async () => {
    const [ningbo] = await review(token.ningbo, ['r-h1'], 'approved');
    expect(ningbo).toMatchObject({ ok: false, error: { code: 'report_not_found' } });
    const [first] = await review(token.unit, ['r-h1'], 'approved', '属实');
    expect(first).toMatchObject({ ok: true, report: { status: 'pending', approvedLevels: 1 } });
    const [twice] = await review(token.unit, ['r-h1'], 'approved');
    expect(twice).toMatchObject({ ok: false, error: { code: 'same_reviewer' } });
    expect(await points('C1', 'found')).toBe(0);
  });

  it('counts once approved at the last level, as an event with an id from the report', async () => {
    const [last] = await review(token.branch, ['r-h1'], 'approved');
    expect(last).toMatchObject({ ok: true, report: { status: 'approved', approvedLevels: 2, eventId: 'report-r-h1' } });
    await waitFor(async () => expect(await points('C1', 'found')).toBe(2));
    // A retried approval stores the event once.
    const [retry] = await review(token.branch, ['r-h1'], 'approved');
    expect(retry).toMatchObject({ ok: true, report: { status: 'approved' } });
    const events = await (
      await lb.client.query({
        query: "SELECT count() AS n FROM events WHERE event_id = 'report-r-h1'",
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    expect(Number(events[0]?.n)).toBe(1);
    const mine = (await call('GET', '/v1/reports?mine=true', token.reporter)).json().reports[0];
    expect(
      mine.steps.map((s: { levelName: string; by: string; note: string | null }) => [s.levelName, s.by, s.note]),
    ).toEqual([
      ['单位安全员', '西湖站 安全员', '属实'],
      ['分公司工会', '杭州分公司工会', null],
    ]);
  });

  it('never counts when rejected, and the reporter sees the reason', async () => {
    await call('POST', '/v1/reports', token.reporter, hazard('r-h2', 'H2', '09'));
    const noReason = await call('POST', '/v1/reports/review', token.unit, {
      reportIds: ['r-h2'],
      decision: 'rejected',
    });
    expect(noReason.statusCode).toBe(400);
    const [rejected] = await review(token.unit, ['r-h2'], 'rejected', '照片看不清，请重拍');
    expect(rejected).toMatchObject({ ok: true, report: { status: 'rejected' } });
    const [late] = await review(token.branch, ['r-h2'], 'approved');
    expect(late).toMatchObject({ ok: false, error: { code: 'report_decided' } });
    const mine = (await call('GET', '/v1/reports?mine=true', token.reporter)).json().reports;
    expect(mine.find((r: { reportId: string }) => r.reportId === 'r-h2')).toMatchObject({
      status: 'rejected',
      rejection: { reason: '照片看不清，请重拍', by: '西湖站 安全员' },
    });
    await lb.refresher.flush();
    expect(await points('C1', 'found')).toBe(2);
  });

  it('approves many at once, each answered on its own', async () => {
    await call('POST', '/v1/reports', token.reporter, hazard('r-h3', 'H3', '09'));
    await call('POST', '/v1/reports', token.reporter, hazard('r-h4', 'H4', '09'));
    const pending = await call('GET', '/v1/reports?status=pending', token.unit);
    expect(
      pending
        .json()
        .reports.map((r: { reportId: string }) => r.reportId)
        .sort(),
    ).toEqual(['r-h3', 'r-h4']);
    const firsts = await review(token.unit, ['r-h3', 'r-h4', 'r-nope'], 'approved');
    expect(firsts.map((r) => [r.reportId, r.ok])).toEqual([
      ['r-h3', true],
      ['r-h4', true],
      ['r-nope', false],
    ]);
    const lasts = await review(token.branch, ['r-h3', 'r-h4'], 'approved');
    expect(lasts.every((r) => r.ok && r.report?.status === 'approved')).toBe(true);
    await waitFor(async () => expect(await points('C1', 'found')).toBe(6));
  });
});

describe('overdue hazards', () => {
  it('an approved hazard not rectified in time costs points; an approved rectification in time does not', async () => {
    // H1 (found 03-08, deadline 03-11) is not overdue on 03-10. H5 found 03-02 (deadline 03-05)
    // is overdue from 03-06; H6 found 03-02 and rectified 03-04 is not.
    for (const [id, hazardId] of [
      ['r-h5', 'H5'],
      ['r-h6', 'H6'],
    ] as const) {
      await call('POST', '/v1/reports', token.reporter, hazard(id, hazardId, '02'));
      await review(token.unit, [id], 'approved');
      await review(token.branch, [id], 'approved');
    }
    const open = await call('GET', '/v1/reports/open-hazards?crewId=C1', token.reporter);
    expect(open.json().hazards.map((h: { hazardId: string; deadline: string }) => [h.hazardId, h.deadline])).toEqual([
      ['H5', '2026-03-05'],
      ['H6', '2026-03-05'],
      ['H1', '2026-03-11'],
      ['H3', '2026-03-12'],
      ['H4', '2026-03-12'],
    ]);
    const fix = await call('POST', '/v1/reports', token.reporter, {
      reportId: 'r-h6-fix',
      event: { type: 'hazard_rectified', crewId: 'C1', occurredAt: marchAt('04'), hazardId: 'H6' },
      description: '已更换胶管',
      evidence: [PHOTO],
    });
    expect(fix.json().report).toMatchObject({ status: 'pending', levels: ['单位安全员'] });
    await review(token.unit, ['r-h6-fix'], 'approved');
    await waitFor(async () => expect(await points('C1', 'overdue')).toBe(-10));
    const after = await call('GET', '/v1/reports/open-hazards?crewId=C1', token.reporter);
    expect(after.json().hazards.map((h: { hazardId: string }) => h.hazardId)).not.toContain('H6');
  });
});

describe('events from systems', () => {
  it('still count at once, and a report of a type no competition reviews counts at once too', async () => {
    const sent = await call('POST', '/v1/events', ADMIN, [
      { eventId: 'pos-v1', crewId: 'C3', type: 'violation', occurredAt: marchAt('09'), kind: 'operation' },
    ]);
    expect(sent.statusCode).toBeLessThan(300);
    await waitFor(async () => expect(await points('C3', 'violations')).toBe(-5));
    const report = await call('POST', '/v1/reports', token.unit, {
      reportId: 'r-v1',
      event: { type: 'violation', crewId: 'C3', occurredAt: marchAt('09'), kind: 'discipline' },
    });
    expect(report.json().report).toMatchObject({ status: 'approved', levels: [], eventId: 'report-r-v1' });
    await waitFor(async () => expect(await points('C3', 'violations')).toBe(-10));
  });
});
