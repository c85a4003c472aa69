import type { CompetitionStatus } from '../../schemas/api.schema.ts';

/**
 * Where a competition stands: never published (draft), before its period (upcoming), in it
 * (running), after it (ended), and closed once its whole period's final standings are frozen.
 */
export function competitionStatus(input: {
  published: boolean;
  period: { start: string; end: string };
  /** Today in the competition's time zone, YYYY-MM-DD. */
  today: string;
  finalClosed: boolean;
}): CompetitionStatus {
  if (!input.published) return 'draft';
  if (input.finalClosed) return 'closed';
  if (input.today < input.period.start) return 'upcoming';
  if (input.today <= input.period.end) return 'running';
  return 'ended';
}
