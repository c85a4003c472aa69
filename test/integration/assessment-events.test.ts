import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * Assessment events (安全检查/考核) and personId through the embedded pipeline (HTTP -> chdb): stored
 * with every field, read back as sent, deduplicated on resend, rolled up per sheet item, and a
 * withdrawal subtracts exactly what the inspection added (migration 0016).
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const inspection = {
  eventId: 'chk-1',
  crewId: 'C1',
  type: 'assessment',
  occurredAt: '2026-03-03T10:00:00+08:00',
  itemId: 'ledger',
  findings: 2,
  inspector: '王检查',
  evidence: ['photo-17', 'photo-18'],
  personId: 'P1',
  note: '台账未更新',
};
const directPoints = {
  ...inspection,
  eventId: 'chk-2',
  findings: undefined,
  points: 1.5,
  evidence: [],
  personId: undefined,
};

async function itemSums(): Promise<Record<string, number>> {
  const result = await lb.client.query({
    query: `SELECT metric, sum(value_exact) AS v FROM crew_daily WHERE crew_id = 'C1' AND metric LIKE 'assessment.%'
            GROUP BY metric ORDER BY metric`,
    format: 'JSONEachRow',
  });
  return Object.fromEntries(
    (await result.json<{ metric: string; v: number | string }>()).map((r) => [r.metric, Number(r.v)]),
  );
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  const org = { ...smallOrg, persons: [{ id: 'P1', crewId: 'C1', name: '张三' }] };
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org })).statusCode).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

describe('assessment events', () => {
  it('are stored with every field, read back as sent, and counted once when resent', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: [inspection, directPoints] });
      expect(res.statusCode, res.body).toBe(200);
    }
    const read = await lb.app.inject({ method: 'GET', url: '/v1/events?crewId=C1&type=assessment' });
    expect(read.statusCode, read.body).toBe(200);
    const events = read.json<{ events: { event: unknown }[] }>().events.map((e) => e.event);
    // occurredAt reads back in UTC; fields left out stay out.
    const asStored = (e: object) =>
      JSON.parse(JSON.stringify({ ...e, occurredAt: '2026-03-03T02:00:00.000Z' })) as unknown;
    expect(events).toEqual([asStored(inspection), asStored(directPoints)]);
    expect(await itemSums()).toEqual({ 'assessment.ledger.findings': 2, 'assessment.ledger.points': 1.5 });
  });

  it('refuses an assessment without findings or points, at its path', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [{ ...inspection, eventId: 'chk-3', findings: undefined }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('缺少发现问题数或直接评分');
    expect(res.body).toContain('"findings"');
  });

  it('refuses an event naming a person the registry does not list, at personId', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [{ ...inspection, eventId: 'chk-4', personId: 'P404' }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ rejected: unknown[] }>().rejected).toEqual([
      {
        index: 0,
        eventId: 'chk-4',
        errors: [{ path: 'personId', message: expect.stringContaining('unknown person "P404"') }],
      },
    ]);
    expect(res.body).toContain('组织架构中没有人员');
  });

  it('a withdrawal subtracts exactly what the inspection added', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events/chk-1/withdraw',
      payload: { reason: '复核撤销' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await itemSums()).toEqual({ 'assessment.ledger.findings': 0, 'assessment.ledger.points': 1.5 });
  });
});
