/**
 * Where a competition stands, for the pill beside the clock: 未开始, 实时, 已结束 (its period is
 * over, late events may still count), 已结算 (its whole period is closed: the rows are frozen).
 * Worked out from the clock too, so a screen left on overnight says 已结束 from midnight on
 * without waiting for a new standings update. Pure so the rules are unit-tested.
 */
import type { ScreenViewData } from '../../../schemas/screen.schema.ts';

export type Phase = 'upcoming' | 'live' | 'ended' | 'closed';

export function phaseOf(view: Pick<ScreenViewData, 'period' | 'closedAt'>, today: string): Phase {
  if (view.closedAt !== null) return 'closed';
  if (today > view.period.end) return 'ended';
  if (today < view.period.start) return 'upcoming';
  return 'live';
}
