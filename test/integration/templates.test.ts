import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgInput } from '../../schemas/org.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock } from '../support/test-leaderboard.ts';
import { startWithCompetitions, templateDefinition } from '../support/templates.ts';

/**
 * The labour templates of schemas/examples/templates run over March 2026 from events posted to
 * the API (embedded chdb), read as of 03-10: every number below is worked by hand. The 安康杯
 * sheets are checked in test/unit/score-sheet.test.ts and test/integration/sheet-standings.test.ts.
 */
const clock = fixedClock('2026-03-13T12:00:00+08:00');
let lb: Leaderboard;

const org: OrgInput = {
  ...smallOrg,
  persons: [
    { id: 'P1', crewId: 'C1', name: '张伟', employeeNumber: 'HZ0001', job: '加油员' },
    { id: 'P2', crewId: 'C1', name: '李娜', employeeNumber: 'HZ0002', job: '收银员' },
  ],
  targets: [
    { competitionId: 'wubi-yichuang', crewId: 'C1', metric: 'sales.volume_litres', value: 10_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C1', metric: 'sales.amount_cny', value: 50_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C2', metric: 'sales.volume_litres', value: 10_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C2', metric: 'sales.amount_cny', value: 50_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C3', metric: 'sales.volume_litres', value: 20_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C3', metric: 'sales.amount_cny', value: 100_000 },
    { competitionId: 'wubi-yichuang', crewId: 'C4', metric: 'sales.volume_litres', value: 8_000 },
  ],
};

const at = (day: string) => `2026-03-${day}T09:00:00+08:00`;
let n = 0;
const event = (crewId: string, day: string, fields: Record<string, unknown>) => ({
  eventId: `t${++n}`,
  crewId,
  occurredAt: at(day),
  ...fields,
});
const sale = (volume: number, amountCny?: number) => ({
  type: 'sales',
  volume,
  unit: 'litres',
  ...(amountCny === undefined ? {} : { amountCny }),
});
const innovation = (innovationId: string, status: string, awardLevel?: number) => ({
  type: 'innovation',
  innovationId,
  category: 'renovation',
  status,
  ...(awardLevel === undefined ? {} : { awardLevel }),
});
const skill = (value: number, personId?: string) => ({
  type: 'metric',
  name: 'skill_score',
  value,
  ...(personId === undefined ? {} : { personId }),
});

const events = [
  event('C1', '02', { ...sale(12_000, 60_000), personId: 'P1' }),
  event('C2', '03', sale(9_000, 45_000)),
  event('C3', '03', sale(25_000, 100_000)),
  event('C4', '04', sale(8_000)),
  event('C5', '04', sale(5_000)),
  event('C1', '02', innovation('I1', 'submitted')),
  event('C1', '04', innovation('I1', 'adopted')),
  event('C1', '05', innovation('I2', 'awarded', 2)),
  event('C2', '03', innovation('I3', 'awarded', 1)),
  event('C3', '06', innovation('I4', 'submitted')),
  event('C1', '08', skill(85, 'P1')),
  event('C1', '08', skill(90, 'P2')),
  event('C2', '08', skill(95)),
  event('C3', '08', skill(70)),
  event('C3', '08', skill(60)),
  event('C3', '08', skill(50)),
  event('C4', '08', skill(88)),
];

interface Row {
  crewId: string;
  rank: number | null;
  score: number;
  sheet: { grade: { name: { zh: string } } | null; gradeRank: number | null } | null;
}
async function standings(id: string): Promise<[string, number | null, number, string | null][]> {
  const res = await lb.app.inject({ method: 'GET', url: `/v1/competitions/${id}/standings?asOf=2026-03-10` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ rows: Row[] }>().rows.map((r) => [r.crewId, r.rank, r.score, r.sheet?.grade?.name.zh ?? null]);
}

beforeAll(async () => {
  const march = { start: '2026-03-01', end: '2026-03-31' };
  const competitions = ['wubi-yichuang-sales.yaml', 'wuxiao-innovation.yaml', 'skills-contest.yaml'].map((file) => {
    const { id, definition } = templateDefinition(file, march);
    return [id, definition] as const;
  });
  expect(competitions.map(([id]) => id)).toEqual(['wubi-yichuang', 'wuxiao', 'skills']);
  // 技术状元 per person: the same template with entrants: person.
  const skills = templateDefinition('skills-contest.yaml', march).definition;
  lb = await startWithCompetitions(
    clock,
    org,
    [...competitions, ['skills-persons', { ...skills, entrants: 'person' }]],
    events,
  );
});
afterAll(async () => {
  await lb.close();
});

describe('templates from events', () => {
  it('“五比一创”: target completion per crew; a tie on the first place shares the red banner', async () => {
    // C1: 12,000 / 10,000 L = 120 % → 60 + min(20, 20 × 1) = 80; 60,000 / 50,000 CNY → 20 (capped at 100 %) → 100.
    // C3: 25,000 / 20,000 = 125 % → 60 + 20 (bonus capped) = 80; 100 % of 100,000 → 20 → 100.
    // C2: 90 % → 54; 90 % → 18 → 72. C4: 100 % → 60; no amount target → 0 → 60. C5: no targets → 0.
    expect(await standings('wubi-yichuang')).toEqual([
      ['C1', 1, 100, '流动红旗'],
      ['C3', 1, 100, '流动红旗'],
      ['C2', 3, 72, '优秀班组'],
      ['C4', 4, 60, null],
      ['C5', 5, 0, null],
    ]);
  });

  it('五小: each innovation at its latest status, award levels, grades by threshold', async () => {
    // C2: I3 一等奖 20 → 创新示范班组. C1: I1 adopted 3 + I2 二等奖 10 = 13 → 创新活跃班组.
    // C3: I4 submitted 1 (below 5: no grade). C4, C5: nothing.
    expect(await standings('wuxiao')).toEqual([
      ['C2', 1, 20, '创新示范班组'],
      ['C1', 2, 13, '创新活跃班组'],
      ['C3', 3, 1, null],
      ['C4', 4, 0, null],
      ['C5', 4, 0, null],
    ]);
  });

  it('技能比武: scores summed; shares of 5 entrants: 20 % → 1 技术状元, the next 40 % → 2 技术能手', async () => {
    // C3: 70 + 60 + 50 = 180; C1: 85 + 90 = 175 (P1 and P2); C2: 95; C4: 88; C5: 0.
    expect(await standings('skills')).toEqual([
      ['C3', 1, 180, '技术状元'],
      ['C1', 2, 175, '技术能手'],
      ['C2', 3, 95, '技术能手'],
      ['C4', 4, 88, null],
      ['C5', 5, 0, null],
    ]);
  });

  it('技能比武 per person: each person’s own scores; scores naming nobody count for no person', async () => {
    // P2 90, P1 85 (C1's two scores); C2–C4's scores name nobody. Shares of 2 entrants: 20 % and
    // 40 % round down to no place.
    expect(await standings('skills-persons')).toEqual([
      ['P2', 1, 90, null],
      ['P1', 2, 85, null],
    ]);
  });
});
