import { addDays, dayInZone } from '../../shared/calendar.ts';

/** An approved hazard report whose hazard has no rectification stored (reports.store.ts). */
export interface UnrectifiedHazard {
  reportId: string;
  crewId: string;
  /** When the hazard was found (the event's occurredAt). */
  foundAt: string;
  location: string | null;
  description: string | null;
}

/** A competition that penalises hazards not rectified in time (a hazard_overdue indicator). */
export interface OverdueRule {
  competitionId: string;
  timeZone: string;
  period: { start: string; end: string };
  /** The fewest days its hazard_overdue indicators allow (the strictest deadline). */
  rectifyWithinDays: number;
  /** Whether a crew's hazards count in it (it ranks the crew, its unit, branch or persons). */
  covers: (crewId: string) => boolean;
}

export interface OverdueHazard {
  key: string;
  hazard: UnrectifiedHazard;
  competitionId: string;
  foundOn: string;
  deadline: string;
}

/**
 * How long an overdue hazard stays news: a unit group subscribed late, or a process down for a
 * while, would otherwise get every hazard overdue since the competition began, one message each,
 * and trip the platforms' 20-a-minute limits. Older ones are on the screen and in the standings.
 */
export const OVERDUE_NEWS_DAYS = 7;

/**
 * The hazards overdue now (and overdue for at most OVERDUE_NEWS_DAYS days), once per competition that counts them: found on a day inside the
 * competition (its time zone), that day plus the days allowed is the last day to rectify, and it
 * is overdue from the next day on, as the standings count it (facts.query.ts), so a hazard whose
 * deadline is today may still be rectified before midnight. The key is the report's: a group
 * hears of a hazard once, whichever competitions count it.
 */
export function overdueHazards(
  hazards: readonly UnrectifiedHazard[],
  rules: readonly OverdueRule[],
  now: Date,
): OverdueHazard[] {
  return hazards.flatMap((hazard) =>
    rules.flatMap((rule) => {
      if (!rule.covers(hazard.crewId)) return [];
      const foundOn = dayInZone(new Date(hazard.foundAt), rule.timeZone);
      if (foundOn < rule.period.start || foundOn > rule.period.end) return [];
      const deadline = addDays(foundOn, rule.rectifyWithinDays);
      const today = dayInZone(now, rule.timeZone);
      if (today <= deadline || deadline < addDays(today, -OVERDUE_NEWS_DAYS)) return [];
      return [{ key: `overdue:${hazard.reportId}`, hazard, competitionId: rule.competitionId, foundOn, deadline }];
    }),
  );
}
