import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { personSale, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * 个人赛: a pass over closed days goes in day order, and each step adds one day to the sums the
 * step before kept (standings.service.ts, passDays) rather than reading the whole period again.
 * A late event on a day those sums hold must drop them: a step after it (here asked for directly,
 * before the refresher's own pass starts) must see the event, as a computation from scratch does.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;

const persons = smallOrg.crews.flatMap((crew, c) =>
  [0, 1].map((k) => ({ id: `P${c + 1}${k}`, crewId: crew.id, name: `员工${c + 1}-${k + 1}` })),
);
const competition = {
  name: { zh: '岗位明星', en: 'Post stars' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  entrants: 'person',
  rankingGroups: ['overall'],
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
  ],
};

const sale = personSale;

beforeAll(async () => {
  // The refresher's passes wait 10 minutes: the steps below are the test's own.
  lb = await startTestLeaderboard(clock, { STANDINGS_HISTORY_DEBOUNCE_MS: '600000' });
  expect((await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: { ...smallOrg, persons } })).statusCode).toBe(
    200,
  );
  const res = await lb.app.inject({ method: 'PUT', url: '/v1/competitions/post-stars', payload: competition });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await lb.close();
});

function definition() {
  const stored = lb.catalog.competition('post-stars');
  if (!stored) throw new Error('post-stars is not stored');
  return stored.definition;
}

const scores = (crews: readonly { crew: { crewId: string }; score: number }[]) =>
  Object.fromEntries(crews.map((c) => [c.crew.crewId, c.score]));

it('a pass step after a late event sees it, though the step before kept the sums of that day', async () => {
  const posted = await lb.app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: [sale('a', 'P10', 'C1', '2026-03-02', 1000), sale('b', 'P20', 'C2', '2026-03-04', 3000)],
  });
  expect(posted.json(), posted.body).toMatchObject({ accepted: 2 });
  await waitFor(async () => {
    const day = (await lb.standings.evaluate('post-stars', definition(), '2026-03-04')).find(
      (c) => c.crew.crewId === 'P20',
    );
    expect(day?.score).toBe(30);
  });
  // Steps of a pass, in day order: the sums through 03-05 are kept.
  for (const day of ['2026-03-03', '2026-03-04', '2026-03-05']) await lb.standings.recompute('post-stars', day);
  // A late event on a day those sums hold.
  const late = await lb.app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: [sale('late', 'P30', 'C3', '2026-03-02', 5000)],
  });
  expect(late.json(), late.body).toMatchObject({ accepted: 1 });
  await waitFor(async () => {
    const res = await lb.app.inject({ method: 'GET', url: '/v1/competitions/post-stars/standings?asOf=2026-03-05' });
    expect(res.json<{ recomputing: boolean }>().recomputing).toBe(true);
  });
  const step = await lb.standings.recompute('post-stars', '2026-03-06');
  const fresh = await lb.standings.evaluate('post-stars', definition(), '2026-03-06');
  expect(scores(step.crews)).toEqual(scores(fresh));
  expect(scores(step.crews)['P30']).toBe(50);
});
