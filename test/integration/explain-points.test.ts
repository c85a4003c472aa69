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
    expect(rows).toEqual([{ crew_id: 'C1', days, overdue: expected.length }]);
  });

  it('counts several deadlines in one read', async () => {
    const rows = await loadOverdueHazards(lb.client, window('2026-03-01', '2026-03-20'), {
      timeZone: 'Asia/Shanghai',
      days: [3, 10],
    });
    expect(rows.sort((a, b) => a.days - b.days)).toEqual([
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
