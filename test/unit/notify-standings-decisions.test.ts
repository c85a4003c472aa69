import { describe, expect, it } from 'vitest';
import type { VetoResult } from '../../services/scoring/engine/types.ts';
import {
  decideLeader,
  leaderOf,
  newVetoes,
  vetoesIn,
  type Leader,
  type LeaderState,
  type WatchedRow,
} from '../../services/notify/facts/standings-decisions.ts';

const row = (crewId: string, rank: number | null, score: number, vetoes: VetoResult[] = []): WatchedRow => ({
  crewId,
  crewName: `${crewId}班`,
  rank,
  score,
  vetoes,
});
const veto = (vetoId: string): VetoResult => ({
  vetoId,
  name: { zh: '重伤事故', en: 'serious injury' },
  effect: 'disqualify',
  reason: { zh: '重伤 1 起', en: '1 serious injury' },
});
const A: Leader = { id: 'a', name: 'a班', score: 90 };
const B: Leader = { id: 'b', name: 'b班', score: 95 };

describe('leaderOf', () => {
  it.each([
    { name: 'alone and ahead', rows: [row('a', 1, 90), row('b', 2, 80)], leader: 'a' },
    { name: 'the only entrant', rows: [row('a', 1, 90)], leader: 'a' },
    { name: 'a shared first place', rows: [row('a', 1, 90), row('b', 1, 90)], leader: undefined },
    // A tie-break may rank equal scores 1 and 2: nobody is ahead on points.
    { name: 'first by a tie-break only', rows: [row('a', 1, 0), row('b', 2, 0)], leader: undefined },
    { name: 'nobody ranked (all disqualified)', rows: [row('a', null, 0)], leader: undefined },
    { name: 'no rows', rows: [], leader: undefined },
  ])('$name → $leader', ({ rows, leader }) => {
    expect(leaderOf(rows)?.id).toBe(leader);
  });
});

describe('decideLeader', () => {
  const day = '2026-12-05';
  it.each<{ name: string; last: Leader | undefined; current: Leader | undefined; key: string | undefined }>([
    // Yesterday's leader still leads: nothing to say.
    { name: 'the same leader', last: A, current: { ...A, score: 99 }, key: undefined },
    { name: 'another leader', last: A, current: B, key: 'leader:c1:2026-12-05:b' },
    // The first day: nobody led yesterday.
    { name: 'a first leader', last: undefined, current: A, key: 'leader:c1:2026-12-05:a' },
    // A tie at the top is no change, and the last leader is kept for when the tie breaks.
    { name: 'a tie at the top', last: A, current: undefined, key: undefined },
  ])('$name', ({ last, current, key }) => {
    const decision = decideLeader('c1', { day, last }, current);
    expect(decision.change?.key).toBe(key);
    expect(decision.state.last?.id).toBe(current?.id ?? last?.id);
    if (decision.change) expect(decision.change.previous).toEqual(last);
  });

  it('a day of changes, and a restart in the middle of it, post each new leader once', () => {
    const keys: string[] = [];
    const run = (state: LeaderState, leaders: (Leader | undefined)[]): LeaderState => {
      for (const current of leaders) {
        const decision = decideLeader('c1', state, current);
        if (decision.change) keys.push(decision.change.key);
        state = decision.state;
      }
      return state;
    };
    // Yesterday ended with A first; today B overtakes, a tie, B again.
    run({ day, last: A }, [A, B, undefined, B]);
    // Restart: the state starts again from yesterday's leader; B leads: the same key (kept once by the outbox).
    run({ day, last: A }, [B, A]);
    expect(keys).toEqual(['leader:c1:2026-12-05:b', 'leader:c1:2026-12-05:b', 'leader:c1:2026-12-05:a']);
    // Posted keys: b (once, after the outbox), then A taking the lead back.
    expect([...new Set(keys)]).toEqual(['leader:c1:2026-12-05:b', 'leader:c1:2026-12-05:a']);
  });
});

describe('newVetoes', () => {
  it.each([
    {
      name: 'a veto today that yesterday did not carry',
      seen: [],
      rows: [row('a', 1, 90), row('b', null, 0, [veto('injury')])],
      keys: ['veto:c1:2026-12-05:b:injury'],
    },
    {
      name: 'a veto carried since yesterday',
      seen: [['b', 'injury']],
      rows: [row('b', null, 0, [veto('injury')])],
      keys: [],
    },
    {
      name: 'a second veto of a crew already vetoed',
      seen: [['b', 'injury']],
      rows: [row('b', null, 0, [veto('injury'), veto('fire')])],
      keys: ['veto:c1:2026-12-05:b:fire'],
    },
    {
      name: 'the same veto for another crew',
      seen: [['b', 'injury']],
      rows: [row('b', null, 0, [veto('injury')]), row('c', null, 0, [veto('injury')])],
      keys: ['veto:c1:2026-12-05:c:injury'],
    },
  ])('$name', ({ seen, rows, keys }) => {
    const seenSet = vetoesIn(seen.map(([crewId = '', id = '']) => row(crewId, null, 0, [veto(id)])));
    expect(newVetoes('c1', '2026-12-05', seenSet, rows).map((v) => v.key)).toEqual(keys);
  });
});
