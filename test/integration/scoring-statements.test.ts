import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * The scoring statements of docs/scoring-rules.md (计分细则 · Scoring details) that depend on
 * what storage keeps, through the API on the real engine, one test per statement.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const rules: CompetitionInput = {
  name: { zh: '规则说明', en: 'Rules as written' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators: [
    {
      id: 'five',
      name: { zh: '五小', en: 'Innovation' },
      rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
    },
    { id: 'rate', name: { zh: '整改率', en: 'Rectified' }, rule: { kind: 'rectification_rate', pointsAtFullRate: 10 } },
    {
      id: 'fixes',
      name: { zh: '整改次数', en: 'Rectifications' },
      rule: { kind: 'count', event: 'hazard_rectified', pointsEach: 1 },
    },
    {
      id: 'litres',
      name: { zh: '销量', en: 'Litres' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 1 },
    },
  ],
};

async function post(events: Record<string, unknown>[]) {
  return lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
}

interface Breakdown {
  crew: {
    indicators: { indicatorId: string; value: number | null; points: number }[];
    facts: { hazardsFound: number };
  };
}

const indicator = (b: Breakdown, id: string) => b.crew.indicators.find((i) => i.indicatorId === id);

/**
 * The crew's breakdown once the standings have seen every event sent before: a marker sale of
 * `litres` is sent last, and the breakdown is read when the crew's litres add up to `totalLitres`.
 */
async function settledBreakdown(crewId: string, litres: number, totalLitres = litres): Promise<Breakdown> {
  const marker = await post([
    {
      eventId: `marker-${crewId}-${litres}`,
      crewId,
      type: 'sales',
      occurredAt: '2026-03-10T08:00:00+08:00',
      volume: litres,
      unit: 'litres',
    },
  ]);
  expect(marker.statusCode, marker.body).toBe(200);
  return waitFor(async () => {
    const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/rules/crews/${crewId}` });
    const body = res.json<Breakdown>();
    if (res.statusCode !== 200 || indicator(body, 'litres')?.value !== totalLitres) throw new Error(res.body);
    return body;
  });
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  const saved = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/rules', payload: rules });
  expect(saved.statusCode, saved.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

const innovation = (
  eventId: string,
  innovationId: string,
  occurredAt: string,
  status: string,
  awardLevel?: number,
) => ({
  eventId,
  crewId: 'C1',
  type: 'innovation',
  occurredAt,
  innovationId,
  category: 'design',
  status,
  ...(awardLevel === undefined ? {} : { awardLevel }),
});

describe('docs/scoring-rules.md statements on stored events', () => {
  it('a later event supersedes: the one that happened later (occurredAt), whatever order they arrived in', async () => {
    // Sent first: the award. Received a minute later, but it happened earlier: the submission.
    const sent = [
      innovation('i1-award', 'I1', '2026-03-05T10:00:00+08:00', 'awarded', 1),
      innovation('i1-submit', 'I1', '2026-03-05T09:00:00+08:00', 'submitted'),
      innovation('i2-adopt', 'I2', '2026-03-06T09:00:00+08:00', 'adopted'),
      innovation('i2-submit', 'I2', '2026-03-04T09:00:00+08:00', 'submitted'),
    ];
    for (const [minute, event] of sent.entries()) {
      clock.set(`2026-03-10T12:0${minute}:00+08:00`);
      expect((await post([event])).statusCode).toBe(200);
    }
    const b = await settledBreakdown('C1', 7);
    // I1 awarded (20) and I2 adopted (3): the statuses reached last, not the ones received last.
    expect(indicator(b, 'five')).toMatchObject({ value: 2, points: 23 });
  });

  it('a resend of an event id with different content keeps the first version', async () => {
    const sale = (volume: number) => ({
      eventId: 'pos-1',
      crewId: 'C2',
      type: 'sales',
      occurredAt: '2026-03-09T08:00:00+08:00',
      volume,
      unit: 'litres',
    });
    expect((await post([sale(100)])).json()).toMatchObject({ accepted: 1 });
    const resend = await post([sale(999)]);
    // Answered as a conflict naming the field; nothing of it is stored or counted.
    expect(resend.json()).toMatchObject({
      accepted: 0,
      duplicates: [],
      conflicts: [{ index: 0, eventId: 'pos-1', fields: ['volume'] }],
    });
    // 100 of the first version and the 0.5 of the marker (never 999 of the resend).
    expect(indicator(await settledBreakdown('C2', 0.5, 100.5), 'litres')?.value).toBe(100.5);
    const stored = await lb.client.query({
      query: `SELECT volume FROM events WHERE crew_id = 'C2' AND event_id = 'pos-1'`,
      format: 'JSONEachRow',
    });
    expect(await stored.json()).toEqual([{ volume: 100 }]);
  });

  it('hazards found before the period do not count in its rectification rate, even when rectified in it', async () => {
    const hazard = (eventId: string, type: string, hazardId: string, occurredAt: string) => ({
      eventId,
      crewId: 'C3',
      type,
      occurredAt,
      hazardId,
    });
    const res = await post([
      hazard('h-old-found', 'hazard_found', 'H-OLD', '2026-02-27T10:00:00+08:00'),
      hazard('h-old-fixed', 'hazard_rectified', 'H-OLD', '2026-03-02T10:00:00+08:00'),
      hazard('h-new-found', 'hazard_found', 'H-NEW', '2026-03-03T10:00:00+08:00'),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const b = await settledBreakdown('C3', 1);
    // One hazard of the period, none of it rectified: 0 %, not 1 of 2.
    expect(b.crew.facts.hazardsFound).toBe(1);
    expect(indicator(b, 'rate')).toMatchObject({ value: 0, points: 0 });
    // A count indicator counts the reports dated in the period: the rectification of 2 March.
    expect(indicator(b, 'fixes')).toMatchObject({ value: 1, points: 1 });
  });

  it('selected participants are the union of the crews, units and branches named', async () => {
    const union = {
      ...rules,
      participants: { scope: 'selected', branchIds: ['B2'], unitIds: ['U2'], crewIds: ['C1'] },
    };
    expect((await lb.app.inject({ method: 'PUT', url: '/v1/competitions/union', payload: union })).statusCode).toBe(
      200,
    );
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/union/standings' });
    // C1 by id, C3 by its unit U2, C4 and C5 by their branch B2; C2 by none of them.
    expect(
      res
        .json<{ rows: { crewId: string }[] }>()
        .rows.map((r) => r.crewId)
        .sort(),
    ).toEqual(['C1', 'C3', 'C4', 'C5']);
  });
});
