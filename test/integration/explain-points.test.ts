import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { loadOverdueHazards } from '../../services/scoring/facts.query.ts';
import { addDays, startOfDay } from '../../services/shared/calendar.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * Hazards overdue (超期未整改) and the events behind every indicator's points, on the real engine
 * at fixed dates: March 2026 in Beijing time, judged on 2026-03-20.
 */
const clock = fixedClock('2026-03-20T12:00:00+08:00');
let lb: Leaderboard;

const at = (day: string, time = '10:00:00') => `2026-${day}T${time}+08:00`;
const hazard = (eventId: string, type: 'hazard_found' | 'hazard_rectified', hazardId: string, occurredAt: string) => ({
  eventId,
  crewId: 'C1',
  type,
  occurredAt,
  hazardId,
});

// C1's hazards, 3 days allowed to rectify (the found day is day 0: found 03-02, due by the end of 03-05).
const HAZARDS = [
  // H1: rectified on its last day: never overdue.
  hazard('h1f', 'hazard_found', 'H1', at('03-02')),
  hazard('h1r', 'hazard_rectified', 'H1', at('03-05', '23:00:00')),
  // H2: rectified half an hour late: overdue on 03-06 all the same.
  hazard('h2f', 'hazard_found', 'H2', at('03-02')),
  hazard('h2r', 'hazard_rectified', 'H2', at('03-06', '00:30:00')),
  // H3: never rectified: overdue on 03-07.
  hazard('h3f', 'hazard_found', 'H3', at('03-03')),
  // H4: found before the period, overdue on 03-01: a lapse inside the period.
  hazard('h4f', 'hazard_found', 'H4', at('02-25')),
  // H5: found and overdue before the period (02-24): not this period's.
  hazard('h5f', 'hazard_found', 'H5', at('02-20')),
  // H6: due by the end of 03-20, the day judged: it may still be rectified today.
  hazard('h6f', 'hazard_found', 'H6', at('03-17')),
  // H7: due by the end of 03-19: overdue on 03-20.
  hazard('h7f', 'hazard_found', 'H7', at('03-16', '09:00:00')),
  // H8: its rectification is withdrawn (误报): overdue on 03-08.
  hazard('h8f', 'hazard_found', 'H8', at('03-04')),
  hazard('h8r', 'hazard_rectified', 'H8', at('03-05')),
  // H9: found at 00:30 on 03-10 Beijing time (still 03-09 in UTC): due by the end of 03-13 in
  // Beijing, and rectified in time then (a UTC day would have made it late).
  hazard('h9f', 'hazard_found', 'H9', '2026-03-09T16:30:00Z'),
  hazard('h9r', 'hazard_rectified', 'H9', at('03-13', '23:59:00')),
];

const competition: CompetitionInput = {
  name: { zh: '计分说明', en: 'Explained' },
  kind: 'ankang',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators: [
    {
      id: 'overdue',
      name: { zh: '隐患超期未整改', en: 'Hazards overdue' },
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 3, pointsEach: -1 },
    },
  ],
};

/** Every indicator kind, with filters, for crew C2 (target 10,000 L); stages to judge a part. */
const everyKind: CompetitionInput = {
  name: { zh: '每一分的来历', en: 'Every point explained' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  stages: [
    { id: 'm1', name: { zh: '上旬', en: 'Early March' }, start: '2026-03-01', end: '2026-03-10' },
    { id: 'm2', name: { zh: '中下旬', en: 'Rest of March' }, start: '2026-03-11', end: '2026-03-31' },
  ],
  indicators: [
    {
      id: 'litres',
      name: { zh: '销量', en: 'Litres' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
    {
      id: 'target',
      name: { zh: '销量目标', en: 'Target' },
      rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40 },
    },
    {
      id: 'violations',
      name: { zh: '违章作业', en: 'Unsafe work' },
      weight: 2,
      rule: { kind: 'count', event: 'violation', violationKinds: ['operation'], measure: 'persons', pointsEach: -5 },
    },
    {
      id: 'safe',
      name: { zh: '安全天数', en: 'Safe days' },
      rule: { kind: 'safety_days', breakingSeverities: ['minor_injury', 'serious_injury'], pointsPerDay: 1 },
    },
    {
      id: 'ideas',
      name: { zh: '小建议', en: 'Suggestions' },
      rule: {
        kind: 'innovation',
        categories: ['suggestion'],
        points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } },
      },
    },
    { id: 'rate', name: { zh: '整改率', en: 'Rate' }, rule: { kind: 'rectification_rate', pointsAtFullRate: 10 } },
  ],
};

const c2 = (eventId: string, occurredAt: string, fields: Record<string, unknown>) => ({
  eventId,
  crewId: 'C2',
  occurredAt,
  ...fields,
});
const litres = (volume: number) => ({ type: 'sales', volume, unit: 'litres' });

const C2_EVENTS = [
  // 00:30 on 03-01 in Beijing is still February in UTC: the first day of the period all the same.
  c2('s0', '2026-02-28T16:30:00Z', litres(100)),
  c2('s-feb', at('02-27'), litres(2000)),
  c2('s1', at('03-02'), litres(6000)),
  c2('s2', at('03-05'), litres(500)),
  c2('s-t', at('03-05'), { type: 'sales', volume: 800, unit: 'tonnes' }),
  c2('s6', at('03-08'), litres(3000)),
  c2('s7', at('03-09'), litres(1200)),
  c2('v1', at('03-04'), { type: 'violation', kind: 'operation', personCount: 2 }),
  c2('v2', at('03-06'), { type: 'violation', kind: 'command', personCount: 1 }),
  c2('i1', at('03-05'), { type: 'incident', severity: 'minor_injury' }),
  c2('i2', at('03-12'), { type: 'incident', severity: 'minor_injury' }),
  c2('i3', at('03-14'), { type: 'incident', severity: 'near_miss' }),
  c2('i4', at('03-15'), { type: 'incident', severity: 'serious_injury' }),
  c2('n1a', at('03-03'), { type: 'innovation', innovationId: 'N1', category: 'suggestion', status: 'submitted' }),
  c2('n1b', at('03-10'), { type: 'innovation', innovationId: 'N1', category: 'suggestion', status: 'adopted' }),
  c2('n2', at('03-04'), { type: 'innovation', innovationId: 'N2', category: 'invention', status: 'submitted' }),
  c2('hz0f', at('02-26'), { type: 'hazard_found', hazardId: 'Z0' }),
  c2('hz0r', at('03-02'), { type: 'hazard_rectified', hazardId: 'Z0' }),
  c2('hz1f', at('03-02'), { type: 'hazard_found', hazardId: 'Z1' }),
  c2('hz1r', at('03-03'), { type: 'hazard_rectified', hazardId: 'Z1' }),
  c2('hz2f', at('03-11'), { type: 'hazard_found', hazardId: 'Z2' }),
];

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return lb.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  expect((await call('PUT', '/v1/org', smallOrg)).statusCode).toBe(200);
  const saved = await call('PUT', '/v1/competitions/explained', competition);
  expect(saved.statusCode, saved.body).toBe(200);
  const sent = await call('POST', '/v1/events', HAZARDS);
  expect(sent.statusCode, sent.body).toBe(200);
  const withdrawn = await call('POST', '/v1/events/h8r/withdraw', { crewId: 'C1', reason: '误报：未整改' });
  expect(withdrawn.statusCode, withdrawn.body).toBe(201);

  const every = await call('PUT', '/v1/competitions/every', everyKind);
  expect(every.statusCode, every.body).toBe(200);
  const c2Sent = await call('POST', '/v1/events', C2_EVENTS);
  expect(c2Sent.statusCode, c2Sent.body).toBe(200);
  for (const [eventId, reason] of [
    ['s6', '重复上报'],
    ['i4', '误报：实为未遂'],
  ]) {
    const res = await call('POST', `/v1/events/${eventId}/withdraw`, { crewId: 'C2', reason });
    expect(res.statusCode, res.body).toBe(201);
  }
  const fixed = await call('POST', '/v1/events/s7/correct', {
    crewId: 'C2',
    reason: '录入错误：1200 应为 1000',
    event: { crewId: 'C2', type: 'sales', occurredAt: at('03-09'), volume: 1000, unit: 'litres' },
  });
  expect(fixed.statusCode, fixed.body).toBe(201);
});

afterAll(async () => {
  await lb.close();
});

describe('hazards overdue (count rule, event hazard_overdue)', () => {
  const window = (from: string, asOf: string) => ({
    start: from,
    asOf,
    startInstant: startOfDay(from, 'Asia/Shanghai'),
    endInstant: startOfDay(addDays(asOf, 1), 'Asia/Shanghai'),
  });

  it.each([
    // [from, asOf, days allowed, overdue hazards of C1]
    ['2026-03-01', '2026-03-20', 3, ['H2', 'H3', 'H4', 'H7', 'H8']],
    ['2026-03-01', '2026-03-06', 3, ['H2', 'H4']],
    ['2026-03-01', '2026-03-05', 3, ['H4']],
    // A stage from 03-07: each overdue hazard falls in exactly one stage.
    ['2026-03-07', '2026-03-20', 3, ['H3', 'H7', 'H8']],
    // 0 days: due by the end of the day found (H4 is then overdue on 02-26, before the period).
    // H9 was found on 03-10 (Beijing), rectified 03-13.
    ['2026-03-01', '2026-03-20', 0, ['H1', 'H2', 'H3', 'H6', 'H7', 'H8', 'H9']],
    // 10 days: H3 (overdue 03-14), H4 (03-08), H5 (03-03: found before the period) and H8 (03-15).
    ['2026-03-01', '2026-03-20', 10, ['H3', 'H4', 'H5', 'H8']],
  ] as const)('from %s as of %s with %i days: %j', async (from, asOf, days, expected) => {
    const rows = await loadOverdueHazards(lb.client, window(from, asOf), { timeZone: 'Asia/Shanghai', days: [days] });
    // C2's hazards (below) are another crew's.
    expect(rows.filter((r) => r.crew_id === 'C1')).toEqual([{ crew_id: 'C1', days, overdue: expected.length }]);
  });

  it('counts several deadlines in one read', async () => {
    const rows = await loadOverdueHazards(lb.client, window('2026-03-01', '2026-03-20'), {
      timeZone: 'Asia/Shanghai',
      days: [3, 10],
    });
    expect(rows.filter((r) => r.crew_id === 'C1').sort((a, b) => a.days - b.days)).toEqual([
      { crew_id: 'C1', days: 3, overdue: 5 },
      { crew_id: 'C1', days: 10, overdue: 4 },
    ]);
  });

  it('costs its points in the standings', async () => {
    const body = await waitFor(async () => {
      const res = await call('GET', '/v1/competitions/explained/crews/C1');
      const b = res.json<{ crew: { indicators: { indicatorId: string; value: number; points: number }[] } }>();
      if (b.crew?.indicators[0]?.value !== 5) throw new Error(res.body);
      return b;
    });
    expect(body.crew.indicators[0]).toMatchObject({ indicatorId: 'overdue', value: 5, points: -5 });
  });
});

interface Explained {
  event: { eventId: string; occurredAt: string; type: string };
  state: string;
  correction: { reason: string } | null;
  effect: { counts: boolean; role: string; value: number | null; points: number | null };
}
interface EventsPage {
  total: number;
  events: Explained[];
  nextCursor: string | null;
  window: { periodId: string; start: string; end: string; timeZone: string };
}

async function eventsOfAsOf(indicatorId: string, asOf: string, query = ''): Promise<EventsPage> {
  const res = await call(
    'GET',
    `/v1/competitions/every/crews/C2/indicators/${indicatorId}/events?asOf=${asOf}${query}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json<EventsPage>();
}

const eventsOf = (indicatorId: string, query = '') => eventsOfAsOf(indicatorId, '2026-03-20', query);

/** eventId → [counts, role, value, points] */
const summary = (page: EventsPage) =>
  Object.fromEntries(
    page.events.map((e) => [e.event.eventId, [e.effect.counts, e.effect.role, e.effect.value, e.effect.points]]),
  );

describe('explain every point: the events behind each indicator', () => {
  it('sum: the metric’s events in the period (from 00:00 Beijing time), a withdrawal and a correction as such; they add up to the value', async () => {
    const page = await eventsOf('litres');
    const fix = page.events.find((e) => e.event.eventId.startsWith('fix-'))?.event.eventId ?? 'fix-?';
    expect(summary(page)).toEqual({
      [fix]: [true, 'counted', 1000, 10],
      s7: [false, 'withdrawn', 1200, 0],
      s6: [false, 'withdrawn', 3000, 0],
      s2: [true, 'counted', 500, 5],
      s1: [true, 'counted', 6000, 60],
      s0: [true, 'counted', 100, 1],
    });
    expect(page.total).toBe(6);
    expect(page.events.find((e) => e.event.eventId === 's6')).toMatchObject({
      state: 'withdrawn',
      correction: { reason: '重复上报' },
    });
    expect(page.events.find((e) => e.event.eventId === 's7')?.state).toBe('corrected');
    const times = page.events.map((e) => Date.parse(e.event.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const breakdown = await waitFor(async () => {
      const res = await call('GET', '/v1/competitions/every/crews/C2?asOf=2026-03-20');
      const b = res.json<{
        crew: { indicators: { indicatorId: string; value: number; points: number }[] };
        explained: { indicatorId: string; total: number; events: Explained[] }[];
      }>();
      if (b.crew?.indicators.find((i) => i.indicatorId === 'litres')?.value !== 7600) throw new Error(res.body);
      return b;
    });
    const counted = page.events.filter((e) => e.effect.counts);
    expect(counted.reduce((a, e) => a + (e.effect.value ?? 0), 0)).toBe(7600);
    expect(counted.reduce((a, e) => a + (e.effect.points ?? 0), 0)).toBeCloseTo(
      breakdown.crew.indicators.find((i) => i.indicatorId === 'litres')?.points ?? NaN,
      9,
    );
    // The breakdown lists each indicator's first events itself (5 by default), with the same total.
    expect(breakdown.explained.map((e) => e.indicatorId)).toEqual(everyKind.indicators.map((i) => i.id));
    const first = breakdown.explained.find((e) => e.indicatorId === 'litres');
    expect(first?.total).toBe(6);
    expect(first?.events.map((e) => e.event.eventId)).toEqual(page.events.slice(0, 5).map((e) => e.event.eventId));
  });

  it('pages with the cursor, the total on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: EventsPage = await eventsOf('litres', `&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`);
      expect(page.total).toBe(6);
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e) => e.event.eventId));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual((await eventsOf('litres')).events.map((e) => e.event.eventId));
  });

  it('target: the same events with their values (points are not per event)', async () => {
    const page = await eventsOf('target');
    expect(summary(page)['s2']).toEqual([true, 'counted', 500, null]);
    expect(page.total).toBe(6);
  });

  it('count: only the chosen 三违 kinds, person-times × points × weight', async () => {
    expect(summary(await eventsOf('violations'))).toEqual({ v1: [true, 'counted', 2, -20] });
  });

  it('safety days: the accident that broke the run, earlier ones, a withdrawn one; near misses are not listed', async () => {
    expect(summary(await eventsOf('safe'))).toEqual({
      i4: [false, 'withdrawn', null, null],
      i2: [true, 'breaks_run', null, null],
      i1: [true, 'earlier_break', null, null],
    });
    // As of 03-10 the run was broken by i1.
    expect(summary(await eventsOfAsOf('safe', '2026-03-10'))).toEqual({
      i1: [true, 'breaks_run', null, null],
    });
  });

  it('innovation: the latest status of each idea counts, earlier ones are superseded; other categories not listed', async () => {
    expect(summary(await eventsOf('ideas'))).toEqual({
      n1b: [true, 'current_status', 1, 3],
      n1a: [false, 'superseded', null, 0],
    });
  });

  it('rectification rate: hazards found in the period, rectified or open; a rectification of an older hazard is outside it', async () => {
    expect(summary(await eventsOf('rate'))).toEqual({
      hz2f: [true, 'open', null, null],
      hz1r: [true, 'rectifies', null, null],
      hz1f: [true, 'rectified', null, null],
      hz0r: [false, 'outside_period', null, null],
    });
  });

  it('a stage lists only its days', async () => {
    const page = await eventsOf('safe', '&period=m2');
    expect(page.window).toEqual({ periodId: 'm2', start: '2026-03-11', end: '2026-03-20', timeZone: 'Asia/Shanghai' });
    expect(page.events.map((e) => e.event.eventId)).toEqual(['i4', 'i2']);
    const early = await eventsOf('litres', '&period=m1');
    expect(early.window.end).toBe('2026-03-10');
    expect(early.total).toBe(6);
  });

  it('hazards overdue: the finding of each overdue hazard, found before the period too', async () => {
    const res = await call('GET', '/v1/competitions/explained/crews/C1/indicators/overdue/events?asOf=2026-03-20');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<EventsPage>();
    expect(page.events.map((e) => e.event.eventId).sort()).toEqual(['h2f', 'h3f', 'h4f', 'h7f', 'h8f']);
    expect(page.events.every((e) => e.effect.role === 'overdue' && e.effect.points === -1)).toBe(true);
  });

  it('refuses an unknown indicator, period or parameter with a clear error', async () => {
    const base = '/v1/competitions/every/crews/C2/indicators';
    const unknown = await call('GET', `${base}/nope/events`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('litres');
    const stage = await call('GET', `${base}/litres/events?period=q9`);
    expect(stage.statusCode).toBe(404);
    expect(stage.json().error.message).toContain('m1, m2, final');
    const early = await call('GET', `${base}/litres/events?period=m2&asOf=2026-03-05`);
    expect(early.statusCode).toBe(400);
    const typo = await call('GET', `${base}/litres/events?limt=3`);
    expect(typo.statusCode).toBe(400);
    const cursor = await call('GET', `${base}/litres/events?cursor=abc`);
    expect(cursor.statusCode).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the events endpoint with its query and the breakdown’s explained events', async () => {
    const res = await call('GET', '/docs/json');
    expect(res.statusCode).toBe(200);
    const paths = res.json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>().paths;
    const events = paths['/v1/competitions/{id}/crews/{crewId}/indicators/{indicatorId}/events']?.get;
    expect(events?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['asOf', 'period', 'limit', 'cursor', 'indicatorId']),
    );
    expect(JSON.stringify(paths['/v1/competitions/{id}/crews/{crewId}'])).toContain('breaks_run');
  });
});
