import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  failureKind,
  heard,
  initialConnection,
  revoke,
  staleAfterSeconds,
  statusAt,
  wentDown,
} from '../../services/screen/web/connection-state.ts';

describe('screen connection state', () => {
  it('connects, goes live, turns stale after staleAfterSeconds of silence', () => {
    expect(statusAt(initialConnection, 0, 30)).toBe('connecting');
    const live = heard(initialConnection, 1000);
    expect(statusAt(live, 31_000, 30)).toBe('live');
    expect(statusAt(live, 31_001, 30)).toBe('stale');
  });

  it('is stale at once when the connection is down, and live again when data flows', () => {
    const down = wentDown(heard(initialConnection, 1000));
    expect(statusAt(down, 1001, 30)).toBe('stale');
    expect(statusAt(heard(down, 2000), 2001, 30)).toBe('live');
    expect(statusAt(wentDown(initialConnection), 0, 30)).toBe('stale');
  });

  it('stays revoked whatever arrives later', () => {
    const revoked = revoke(heard(initialConnection, 1000));
    expect(statusAt(heard(revoked, 2000), 2001, 30)).toBe('revoked');
  });

  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [4, 10_000],
    [50, 10_000],
  ])('backoff after attempt %s is %s ms', (attempt, ms) => {
    expect(backoffMs(attempt)).toBe(ms);
  });

  it.each([
    [401, 'revoked'],
    [403, 'revoked'],
    [404, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [null, 'retry'],
  ] as const)('a %s answer means %s', (status, kind) => {
    expect(failureKind(status)).toBe(kind);
  });

  it('never calls a quiet stream stale between two heartbeats', () => {
    // staleAfterSeconds 5 with the default 10 s heartbeat: stale for half of every quiet day.
    const threshold = staleAfterSeconds(5, 10);
    const live = heard(initialConnection, 0);
    expect(statusAt(live, 9_999, threshold)).toBe('live');
    expect(statusAt(live, 20_001, threshold)).toBe('stale');
    expect(staleAfterSeconds(30, 10)).toBe(30);
    expect(staleAfterSeconds(undefined, undefined)).toBe(30);
  });
});
