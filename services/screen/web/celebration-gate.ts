/**
 * How often a screen celebrates: at most one banner a minute, and only news that is still true
 * and still on screen. Pure (the clock and the check are passed in) so the rules are unit-tested.
 */
import { byNews, type Celebration } from './row-motion.ts';

/** At most one banner per this long on one screen. */
export const MIN_GAP_MS = 60_000;
/** News waiting for the gap to pass is dropped after this long: it is no longer news. */
export const MAX_WAIT_MS = 30_000;

export interface GateState {
  lastShownAt: number | null;
  /** the best news waiting, and when it came */
  pending: { news: Celebration; at: number } | null;
}

export const openGate: GateState = { lastShownAt: null, pending: null };

/** Keeps the biggest of the news offered and waiting (one banner, not a queue of them). */
export function offer(state: GateState, news: readonly Celebration[], now: number): GateState {
  const best = [...news].sort(byNews)[0];
  if (!best) return state;
  const waiting = state.pending;
  if (waiting && now - waiting.at <= MAX_WAIT_MS && byNews(waiting.news, best) <= 0) return state;
  return { ...state, pending: { news: best, at: now } };
}

/**
 * The banner to show now, if any: the news waiting, when the gap since the last banner has
 * passed, it is for the view on screen, not too old, and `stillTrue` (the crew still holds the
 * place it is congratulated on). News for another view, stale or no longer true is dropped.
 */
export function take(
  state: GateState,
  now: number,
  viewKey: string | null,
  stillTrue: (news: Celebration) => boolean,
): { state: GateState; show: Celebration | null } {
  const waiting = state.pending;
  if (!waiting) return { state, show: null };
  if (waiting.news.viewKey !== viewKey || now - waiting.at > MAX_WAIT_MS || !stillTrue(waiting.news)) {
    return { state: { ...state, pending: null }, show: null };
  }
  if (state.lastShownAt !== null && now - state.lastShownAt < MIN_GAP_MS) return { state, show: null };
  return { state: { lastShownAt: now, pending: null }, show: waiting.news };
}
