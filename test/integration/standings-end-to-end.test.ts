import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { ankangCompetition, labourCompetition, marchAt as at, marchEvents, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

// Today is 2026-03-10, noon in Beijing; both competitions run through March.
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const events = marchEvents;

interface Row {
  crewId: string;
  rank: number | null;
  previousRank: number | null;
  rankChange: number | null;
  score: number;
  disqualified: boolean;
  indicators: { indicatorId: string; value: number | null; points: number; zeroedBy?: string }[];
  vetoes: { vetoId: string; reason: { zh: string; en: string } }[];
}

async function standings(
  id: string,
  query = '',
): Promise<{ asOf: string; computedAt: string; recomputing: boolean; total: number; rows: Row[] }> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const brief = (rows: Row[]) => rows.map((r) => [r.crewId, r.rank, r.score]);

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg })).statusCode).toBe(200);
  for (const [id, def] of [
    ['labour-m3', labourCompetition],
    ['ankang-m3', ankangCompetition],
  ] as const) {
    const res = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: def });
    expect(res.statusCode, res.body).toBe(200);
  }
  const res = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ accepted: events.length, duplicates: [], rejected: [] });
  await lb.refresher.idle();
});

afterAll(async () => {
  await lb.close();
});

describe('labour competition standings (competition ranking 1,2,2,4)', () => {
  it('scores and ranks every crew exactly', async () => {
    const s = await standings('labour-m3');
    expect(s.asOf).toBe('2026-03-10');
    // C1: 11,000/10,000 = 110 % -> 40 + min(10, 10 × 0.5) = 45; adopted innovation 3 -> 48
    // C2: 100 % -> 40; 二等奖 10; 2 person-times × −5 = −10 -> 40
    // C3: 150 % -> 40 + min(10, 50 × 0.5) = 50; −10 -> 40
    // C5: no target -> 0; submitted innovation 1 -> 1
    // C4: serious injury -> disqualified, unranked, score 0
    expect(brief(s.rows)).toEqual([
      ['C1', 1, 48],
      ['C2', 2, 40],
      ['C3', 2, 40],
      ['C5', 4, 1],
      ['C4', null, 0],
    ]);
    const c1 = s.rows[0];
    expect(c1?.indicators).toEqual([
      { indicatorId: 'volume', name: { zh: '销量完成率', en: 'Volume vs target' }, value: 110, points: 45 },
      { indicatorId: 'innovation', name: { zh: '五小创新', en: 'Innovation' }, value: 1, points: 3 },
      { indicatorId: 'violations', name: { zh: '三违扣分', en: 'Violations' }, value: 0, points: 0 },
    ]);
    expect(s.rows.find((r) => r.crewId === 'C5')?.indicators[0]).toMatchObject({ value: null, points: 0 });
  });

  it('shows rank movement against the end of the previous day', async () => {
    // As of 03-09 C1 had 6,000 L: 60 % -> 24 + 3 = 27, behind C2 and C3 (40, rank 1 together).
    const rows = (await standings('labour-m3')).rows;
    expect(rows.map((r) => [r.crewId, r.previousRank, r.rankChange])).toEqual([
      ['C1', 3, 2],
      ['C2', 1, -1],
      ['C3', 1, -1],
      ['C5', 4, 0],
      ['C4', null, null],
    ]);
  });

  it('ranks inside branch and unit-type groups', async () => {
    expect(brief((await standings('labour-m3', '?group=branch:B1')).rows)).toEqual([
      ['C1', 1, 48],
      ['C2', 2, 40],
      ['C3', 2, 40],
    ]);
    expect(brief((await standings('labour-m3', '?group=branch:B2')).rows)).toEqual([
      ['C5', 1, 1],
      ['C4', null, 0],
    ]);
    expect(brief((await standings('labour-m3', '?group=unit_type:station')).rows)).toEqual([
      ['C1', 1, 48],
      ['C2', 2, 40],
      ['C5', 3, 1],
      ['C4', null, 0],
    ]);
  });

  it('pages with limit and offset and reports the total', async () => {
    const page = await standings('labour-m3', '?limit=2&offset=2');
    expect(page.total).toBe(5);
    expect(brief(page.rows)).toEqual([
      ['C3', 2, 40],
      ['C5', 4, 1],
    ]);
  });

  it('explains a disqualified crew in its breakdown', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/crews/C4' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.crew).toMatchObject({ crewId: 'C4', rank: null, score: 0, disqualified: true });
    expect(body.crew.vetoes).toEqual([
      {
        vetoId: 'serious-accident',
        name: { zh: '重大事故一票否决', en: 'Serious accident veto' },
        effect: 'disqualify',
        reason: { zh: expect.stringContaining('重伤 1 起'), en: expect.stringContaining('1 serious injur') },
      },
    ]);
    // The indicators stay visible: 4,000 / 8,000 = 50 % -> 20 points before the veto.
    expect(body.crew.indicators[0]).toMatchObject({ indicatorId: 'volume', value: 50, points: 20 });
    expect(body.groups).toEqual([
      { group: 'overall', rank: null, total: 5 },
      { group: 'branch:B2', rank: null, total: 2 },
      { group: 'unit_type:station', rank: null, total: 4 },
    ]);
    // The same breakdown for a stored earlier day comes from ClickHouse: before its injury
    // (03-08), C4 was ranked. As of 03-07: C2 40, C3 40, C1 24 + 1 (submitted) = 25, C4 20, C5 1.
    const earlier = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/crews/C4?asOf=2026-03-07' });
    expect(earlier.json().groups).toEqual([
      { group: 'overall', rank: 4, total: 5 },
      { group: 'branch:B2', rank: 1, total: 2 },
      { group: 'unit_type:station', rank: 3, total: 4 },
    ]);
  });
});

describe('crew breakdown with the ranking groups in another order', () => {
  it('takes the crew’s rank from the overall group, wherever it is listed', async () => {
    const reordered = { ...labourCompetition, rankingGroups: ['branch', 'overall', 'unit_type'] };
    const put = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/labour-m3-b', payload: reordered });
    expect(put.statusCode, put.body).toBe(200);
    // No targets are registered for this copy, so its numbers differ from labour-m3's.
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3-b/crews/C4?asOf=2026-03-07' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.groups.map((g: { group: string; rank: number }) => [g.group, g.rank])).toEqual([
      ['branch:B2', 1],
      ['overall', 2],
      ['unit_type:station', 2],
    ]);
    expect(body.crew).toMatchObject({ crewId: 'C4', rank: 2 });
  });
});

describe('Ankang Cup standings (dense ranking, veto zeroes an indicator)', () => {
  it('scores safe days, rectification rate and the veto exactly', async () => {
    // safe days (03-01..03-10 = 10, cap 30) + rectification rate × 20:
    // C1: 10 + 1/2 × 20 = 20      C2: minor injury 03-03 -> 7 days + no hazards (full) 20 = 27
    // C3: 10 + 20 = 30            C4: serious injury zeroes safe days (2) -> 0 + 20 = 20
    // C5: near miss does not break -> 10 + 0/1 -> 0 = 10
    const s = await standings('ankang-m3');
    expect(brief(s.rows)).toEqual([
      ['C3', 1, 30],
      ['C2', 2, 27],
      ['C1', 3, 20],
      ['C4', 3, 20],
      ['C5', 4, 10],
    ]);
    const c4 = s.rows.find((r) => r.crewId === 'C4');
    expect(c4?.indicators[0]).toEqual({
      indicatorId: 'safety-days',
      name: { zh: '安全生产天数', en: 'Safe days' },
      value: 2,
      points: 0,
      zeroedBy: 'injury-zeroes-safety',
    });
    expect(c4?.disqualified).toBe(false);
  });

  it('judges an earlier day with only what had happened by then', async () => {
    // As of 03-07: 7 safe days each, C2 4; C4's injury (03-08) has not happened: no veto yet.
    // C1: 7 + H2 open (1/2) 10 = 17; C2: 4 + 20 = 24; C3, C4, C5 (H5 not found yet): 7 + 20 = 27
    const s = await standings('ankang-m3', '?asOf=2026-03-07');
    expect(brief(s.rows)).toEqual([
      ['C3', 1, 27],
      ['C4', 1, 27],
      ['C5', 1, 27],
      ['C2', 2, 24],
      ['C1', 3, 17],
    ]);
    // Stored days page from ClickHouse; a page past the end is empty but still knows the total.
    const past = await standings('ankang-m3', '?asOf=2026-03-07&offset=10');
    expect([past.total, past.rows]).toEqual([5, []]);
    const second = await standings('ankang-m3', '?asOf=2026-03-07&limit=2&offset=3');
    expect(brief(second.rows)).toEqual([
      ['C2', 2, 24],
      ['C1', 3, 17],
    ]);
  });

  it('applies a late event to the day it happened and to today', async () => {
    // H2 was rectified on 03-07 but reported only now.
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [{ eventId: 'c1-h2r', crewId: 'C1', type: 'hazard_rectified', occurredAt: at('07'), hazardId: 'H2' }],
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
    // Today: C1 10 + 20 = 30, level with C3.
    await waitFor(async () => {
      expect(brief((await standings('ankang-m3')).rows).slice(0, 2)).toEqual([
        ['C1', 1, 30],
        ['C3', 1, 30],
      ]);
    });
    // 03-07: C1 7 + 20 = 27 joins the leaders.
    await waitFor(async () => {
      expect(brief((await standings('ankang-m3', '?asOf=2026-03-07')).rows)).toEqual([
        ['C1', 1, 27],
        ['C3', 1, 27],
        ['C4', 1, 27],
        ['C5', 1, 27],
        ['C2', 2, 24],
      ]);
    });
  });
});

describe('rank movement after a late event on the previous day', () => {
  it('measures today against the corrected previous day', async () => {
    // Before: as of 03-09 the labour ranks were C2 1, C3 1, C1 3, C5 4 (see above).
    // A 30,000 L sale by C5 on 03-09 reaches the API only now: C5 had no target, so its score
    // stays 1 and ranks do not change; a sale by C1 on 03-09 does: 6,000 + 5,000 = 11,000 L by
    // the end of 03-09 -> 110 % -> 45 + 3 = 48, first on 03-09 already, so today's movement is 0.
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [
        {
          eventId: 'c1-late',
          crewId: 'C1',
          type: 'sales',
          occurredAt: at('09', '20:00:00'),
          volume: 5000,
          unit: 'litres',
        },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
    // Today C1 has 16,000 L: 160 % -> 40 + min(10, 60 × 0.5) = 50, + 3 = 53.
    await waitFor(async () => {
      const rows = (await standings('labour-m3')).rows;
      expect(rows.map((r) => [r.crewId, r.rank, r.score, r.previousRank, r.rankChange])).toEqual([
        ['C1', 1, 53, 1, 0],
        ['C2', 2, 40, 2, 0],
        ['C3', 2, 40, 2, 0],
        ['C5', 4, 1, 4, 0],
        ['C4', null, 0, null, null],
      ]);
    });
  });
});

describe('storage', () => {
  it('keeps standings across a restart on the same data directory', async () => {
    await lb.refresher.idle();
    // Today's standings are served from memory and written on close; after the restart they come
    // from ClickHouse, and must read the same in every group.
    const queries = ['', '?group=branch:B1', '?group=branch:B2', '?group=unit_type:station', '?limit=2&offset=1'];
    const before = await Promise.all(queries.map((q) => standings('labour-m3', q)));
    await lb.close();
    lb = await startTestLeaderboard(clock);
    // The clock stands still here, so events and standings share one instant and the restart
    // cannot tell the standings saw those events: it recomputes them, to the same numbers.
    const numbers = (answer: object) => ({ ...answer, computedAt: undefined, recomputing: undefined });
    const after = await Promise.all(queries.map((q) => standings('labour-m3', q)));
    expect(after.map(numbers)).toEqual(before.map(numbers));
    await lb.refresher.idle();
    const recomputed = await Promise.all(queries.map((q) => standings('labour-m3', q)));
    expect(recomputed.map(numbers)).toEqual(before.map(numbers));
    expect(recomputed.map((s) => s.recomputing)).toEqual(queries.map(() => false));
    // The registry and competitions came back from ClickHouse too.
    expect(lb.catalog.crew('C1')?.crewName).toBe('西湖甲班');
    expect(lb.catalog.competition('ankang-m3')?.version).toBe(1);
  });

  it('recomputes from stored events and gets the same numbers', async () => {
    const recomputed = await lb.standings.recompute('labour-m3');
    const overall = [...recomputed.crews].sort((a, b) => (a.ranks.overall?.rank ?? 99) - (b.ranks.overall?.rank ?? 99));
    expect(overall.map((r) => [r.crew.crewId, r.ranks.overall?.rank ?? null, r.score])).toEqual([
      ['C1', 1, 53], // with the late 03-09 sale
      ['C2', 2, 40],
      ['C3', 2, 40],
      ['C5', 4, 1],
      ['C4', null, 0],
    ]);
  });
});

describe('refresher flush', () => {
  it('rewrites the days a late event touched at once, instead of after the history debounce', async () => {
    await lb.close();
    lb = await startTestLeaderboard(clock, {
      STANDINGS_DEBOUNCE_MS: '600000',
      STANDINGS_HISTORY_DEBOUNCE_MS: '600000',
    });
    const computedAt = async () => (await standings('labour-m3', '?asOf=2026-03-07')).computedAt;
    const before = await computedAt();
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: [{ eventId: 'c5-flush', crewId: 'C5', type: 'sales', occurredAt: at('07'), volume: 10, unit: 'litres' }],
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
    // Pending behind a ten-minute debounce: the stored snapshot of 03-07 is still the old one.
    expect(await computedAt()).toBe(before);
    await lb.refresher.flush();
    // The clock stood still across the restart: the new run must still count as the later one.
    expect(await computedAt()).not.toBe(before);
  });
});

describe('around midnight', () => {
  it('answers the first read of a new day while the last snapshot of the day before is held in memory', async () => {
    // Two recomputations within STANDINGS_PERSIST_MS: the second is held in memory, not yet written.
    await lb.standings.recompute('labour-m3');
    await lb.standings.recompute('labour-m3');
    clock.set('2026-03-11T00:00:01+08:00');
    const page = await standings('labour-m3');
    expect(page.asOf).toBe('2026-03-11');
    expect(page.total).toBe(5);
  });

  it('refuses a day after today, naming it', async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/labour-m3/standings?asOf=2026-03-12' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'as_of_in_future' });
    expect(res.json().error.message).toContain('2026-03-11');
  });
});
