import type { Logger } from 'pino';
import { Competition } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../api/leaderboard.ts';
import { countStoredEvents } from '../storage/events.store.ts';
import { addDays, dayInZone, daysFrom } from '../shared/calendar.ts';
import { buildDemoCompetitions, demoPeriod } from './demo-competitions.ts';
import { buildDemoOrg } from './demo-org.ts';
import { generateDemoEvents } from './generate-events.ts';

const BATCH = 5_000;

/**
 * Loads the demo into an empty database: the registry, a "五比一创" labour competition and an
 * Ankang Cup, four weeks of events through the same pipeline as the API, and a standings
 * snapshot for every day so far (rank history). Does nothing when a registry exists.
 */
export async function seedDemoIfEmpty(leaderboard: Leaderboard, logger: Logger, now: Date): Promise<boolean> {
  if (leaderboard.catalog.orgVersion() > 0 || leaderboard.catalog.competitions().length > 0) return false;
  const today = dayInZone(now, 'Asia/Shanghai');
  const org = buildDemoOrg();
  await leaderboard.catalog.replaceOrg(org, now);
  const competitions = buildDemoCompetitions(today);
  for (const c of competitions) {
    await leaderboard.catalog.saveCompetition(c.id, Competition.parse(c.definition), now);
  }
  const { start } = demoPeriod(today);
  const events = generateDemoEvents({ org, from: start, to: today, now });
  for (let i = 0; i < events.length; i += BATCH) {
    const report = await leaderboard.ingest(events.slice(i, i + BATCH));
    if (report.rejected.length > 0) {
      throw new Error(`demo events rejected: ${JSON.stringify(report.rejected.slice(0, 3))}`);
    }
  }
  // Through Kafka, the events are stored when the scoring consumer has read them.
  if (leaderboard.consumer) await waitUntilStored(leaderboard, events.length);
  // Not after the refresher's debounce (seconds for late events): every day is computed below.
  await leaderboard.refresher.flush();
  for (const c of competitions) {
    for (const day of daysFrom(start, addDays(today, 0))) await leaderboard.standings.recompute(c.id, day);
  }
  logger.info({ events: events.length, competitions: competitions.map((c) => c.id) }, 'demo data loaded');
  return true;
}

async function waitUntilStored(leaderboard: Leaderboard, expected: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await countStoredEvents(leaderboard.client)) < expected) {
    if (Date.now() > deadline) throw new Error(`the demo events were not all stored within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
