import { describe, expect, it } from 'vitest';
import type { VetoResult } from '../../services/scoring/engine/types.ts';
import {
  decideLeader,
  lastAnnounced,
  leaderOf,
  leaderStateOf,
  newVetoes,
  vetoesIn,
  type Leader,
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
  it.each<{
    name: string;
    last: Leader | undefined;
    seq: number;
    current: Leader | undefined;
    key: string | undefined;
  }>([
    // Yesterday's leader still leads: nothing to say.
    { name: 'the same leader', last: A, seq: 0, current: { ...A, score: 99 }, key: undefined },
    { name: 'another leader', last: A, seq: 0, current: B, key: 'leader:c1:2026-12-05:1:b' },
    // The first day: nobody led yesterday.
    { name: 'a first leader', last: undefined, seq: 0, current: A, key: 'leader:c1:2026-12-05:1:a' },
    // A tie at the top is no change, and the last leader is kept for when the tie breaks.
    { name: 'a tie at the top', last: A, seq: 2, current: undefined, key: undefined },
    // The third change of the day.
    { name: 'A taking the lead back', last: B, seq: 2, current: A, key: 'leader:c1:2026-12-05:3:a' },
  ])('$name', ({ last, seq, current, key }) => {
    const decision = decideLeader('c1', { day, last, seq }, current);
    expect(decision.change?.key).toBe(key);
    expect(decision.state.last?.id).toBe(current?.id ?? last?.id);
    expect(decision.state.seq).toBe(key === undefined ? seq : seq + 1);
    if (decision.change) expect(decision.change.previous).toEqual(last);
  });

  it.each([
    { name: 'none yet', keys: [], announced: undefined },
    {
      name: 'the highest number of the day, whatever the order',
      keys: ['leader:c1:2026-12-05:2:a', 'leader:c1:2026-12-05:10:b:x', 'leader:c1:2026-12-05:9:a'],
      announced: { seq: 10, crewId: 'b:x' },
    },
    // Another day, another competition whose id starts the same, another kind: not this one's.
    {
      name: 'other days and competitions',
      keys: ['leader:c1:2026-12-04:5:a', 'leader:c1:x:2026-12-05:1:a', 'veto:c1:2026-12-05:a:v'],
      announced: undefined,
    },
  ])('lastAnnounced: $name', ({ keys, announced }) => {
    expect(lastAnnounced('c1', '2026-12-05', keys)).toEqual(announced);
  });

  it('a day of changes, and restarts in the middle of it, announce each change once and every change', () => {
    const outbox = new Set<string>();
    let announcedTexts = 0;
    /** One process: its state starts from the outbox and yesterday's leader (A), then sees the leaders. */
    const run = (leaders: (Leader | undefined)[]) => {
      let state = leaderStateOf(day, A, lastAnnounced('c1', day, [...outbox]));
      for (const current of leaders) {
        const decision = decideLeader('c1', state, current);
        if (decision.change && !outbox.has(decision.change.key)) {
          outbox.add(decision.change.key);
          announcedTexts += 1;
        }
        state = decision.state;
      }
    };
    // Yesterday ended with A first; today B overtakes, a tie, B again.
    run([A, B, undefined, B]);
    // Restart: B still leads (nothing), then A takes the lead back (a new change).
    run([B, A]);
    // Restart again: A leads (nothing), B again (the third change).
    run([A, B]);
    expect([...outbox]).toEqual(['leader:c1:2026-12-05:1:b', 'leader:c1:2026-12-05:2:a', 'leader:c1:2026-12-05:3:b']);
    expect(announcedTexts).toBe(3);
  });

  it('without the outbox, a day starts from yesterday’s leader', () => {
    expect(leaderStateOf(day, A, undefined)).toEqual({ day, last: A, seq: 0 });
    expect(leaderStateOf(day, A, { seq: 2, crewId: 'b' })).toEqual({
      day,
      last: { id: 'b', name: 'b', score: 0 },
      seq: 2,
    });
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
