/**
 * Live / stale / revoked, decided from what the stream did and the clock. Pure so the rules
 * ("nothing heard for staleAfterSeconds means stale") are unit-tested, not just eyeballed.
 */

export type ConnectionStatus = 'connecting' | 'live' | 'stale' | 'revoked';

export interface ConnectionState {
  /** last standings or ping (ms), null before the first */
  lastHeardAt: number | null;
  /** the stream is known to be broken (error, closed, retrying) */
  down: boolean;
  revoked: boolean;
}

export const initialConnection: ConnectionState = { lastHeardAt: null, down: false, revoked: false };

export function heard(state: ConnectionState, at: number): ConnectionState {
  return state.revoked ? state : { ...state, lastHeardAt: at, down: false };
}

export function wentDown(state: ConnectionState): ConnectionState {
  return { ...state, down: true };
}

export function revoke(state: ConnectionState): ConnectionState {
  return { ...state, revoked: true, down: true };
}

export function statusAt(state: ConnectionState, now: number, staleAfterSeconds: number): ConnectionStatus {
  if (state.revoked) return 'revoked';
  if (state.lastHeardAt === null) return state.down ? 'stale' : 'connecting';
  if (state.down) return 'stale';
  return now - state.lastHeardAt > Math.max(1, staleAfterSeconds) * 1000 ? 'stale' : 'live';
}

/**
 * Seconds of silence after which the screen says its data is stale. A quiet stream only pings
 * every `heartbeatSeconds`, so a screen set's `staleAfterSeconds` below that (it may be 5, the
 * server's heartbeat is 10 by default) would flash "stale" between every two pings on a quiet
 * day: the threshold is at least two heartbeats.
 */
export function staleAfterSeconds(configured: number | undefined, heartbeatSeconds: number | undefined): number {
  const own = configured !== undefined && configured > 0 ? configured : 30;
  const beat = heartbeatSeconds !== undefined && heartbeatSeconds > 0 ? heartbeatSeconds : 0;
  return Math.max(own, beat * 2);
}

/** Reconnect delay after the nth failed attempt (0-based): 1 s doubling, at most 10 s. */
export function backoffMs(attempt: number): number {
  return Math.min(10_000, 1000 * 2 ** Math.max(0, Math.min(attempt, 10)));
}

/**
 * What a failed data request means. 401/403: the display link is missing, revoked or for
 * another screen, and retrying cannot fix that. Anything else (404 during a redeploy, 5xx,
 * network) may heal, so the screen keeps trying.
 */
export function failureKind(status: number | null): 'revoked' | 'retry' {
  return status === 401 || status === 403 ? 'revoked' : 'retry';
}
