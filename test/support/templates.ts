import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { startTestLeaderboard, type TestClock } from './test-leaderboard.ts';

/** A template of schemas/examples/templates as its definition (its id names the competition), over `period` if given. */
export function templateDefinition(
  file: string,
  period?: { start: string; end: string },
): { id: string; definition: Record<string, unknown> } {
  const { id, ...definition } = parse(
    readFileSync(new URL(`../../schemas/examples/templates/${file}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  expect(id).toEqual(expect.any(String));
  return { id: String(id), definition: period === undefined ? definition : { ...definition, period } };
}

/** An inspection of a sheet's item (an assessment event) on a day of March 2026, 09:00 Beijing time. */
export const marchInspection = (eventId: string, crewId: string, day: string, itemId: string, result: object) => ({
  eventId,
  crewId,
  type: 'assessment',
  occurredAt: `2026-03-${day}T09:00:00+08:00`,
  itemId,
  inspector: '市总工会检查组',
  ...result,
});

/** An embedded leaderboard with this registry and these competitions, the events posted and scored. */
export async function startWithCompetitions(
  clock: TestClock,
  org: unknown,
  competitions: readonly (readonly [id: string, definition: Record<string, unknown>])[],
  events: readonly unknown[],
): Promise<Leaderboard> {
  const lb = await startTestLeaderboard(clock);
  const put = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: org as Record<string, unknown> });
  expect(put.statusCode, put.body).toBe(200);
  for (const [id, definition] of competitions) {
    const saved = await lb.app.inject({ method: 'PUT', url: `/v1/competitions/${id}`, payload: definition });
    expect(saved.statusCode, saved.body).toBe(200);
  }
  const posted = await lb.app.inject({ method: 'POST', url: '/v1/events', payload: events as unknown[] });
  expect(posted.json(), posted.body).toMatchObject({ accepted: events.length });
  await lb.refresher.idle();
  return lb;
}
