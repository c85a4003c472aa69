import { describe, expect, it } from 'vitest';
import { firstStaleDay } from '../../services/scoring/stale-standings.ts';
import type { DayRun } from '../../services/scoring/standings.store.ts';

const current = { definitionVersion: 2, orgVersion: 7 };
const run = (asOf: string, eventsStoredBefore: number, versions: Partial<typeof current> = {}): DayRun => ({
  asOf,
  definitionVersion: versions.definitionVersion ?? current.definitionVersion,
  orgVersion: versions.orgVersion ?? current.orgVersion,
  eventsStoredBefore,
  computedAt: eventsStoredBefore + 1,
});
const [d02, d05, d09] = [run('2026-03-02', 100), run('2026-03-05', 200), run('2026-03-09', 300)];
const runs = [d02, d05, d09];

describe('firstStaleDay', () => {
  const cases: [string, readonly DayRun[], [string, number][], string | undefined][] = [
    ['every run saw every stored event', runs, [['2026-03-04', 150]], undefined],
    ['nothing stored since the runs', runs, [], undefined],
    // Standings are cumulative: an event of 03-04 stored after 03-05's run was read is missing
    // from 03-05 and every later day, not from 03-02.
    ['an event a later day missed', runs, [['2026-03-04', 250]], '2026-03-05'],
    ['an event stored at the very instant a run read', runs, [['2026-03-09', 300]], '2026-03-09'],
    [
      'the earliest of several',
      runs,
      [
        ['2026-03-08', 999],
        ['2026-03-01', 120],
      ],
      '2026-03-02',
    ],
    ['events after the last stored day', runs, [['2026-03-10', 999]], undefined],
    ['other rules', [d02, run('2026-03-05', 200, { definitionVersion: 1 }), d09], [], '2026-03-05'],
    ['another registry version', [run('2026-03-02', 100, { orgVersion: 6 }), d05, d09], [], '2026-03-02'],
  ];
  it.each(cases)('%s', (_name, stored, events, expected) => {
    expect(firstStaleDay(stored, new Map(events), current)).toBe(expected);
  });

  it('finds a day whose newest rows are newer than its latest run (a write cut between rows and run)', () => {
    const newest = (entries: [string, number][]) => new Map(entries);
    expect(firstStaleDay(runs, new Map(), current, newest([['2026-03-05', 201]]))).toBeUndefined();
    expect(firstStaleDay(runs, new Map(), current, newest([['2026-03-05', 202]]))).toBe('2026-03-05');
    // Rows of a day with no run at all are not served (readers need a run): nothing to redo.
    expect(firstStaleDay(runs, new Map(), current, newest([['2026-03-06', 999]]))).toBeUndefined();
    expect(
      firstStaleDay(
        runs,
        new Map(),
        current,
        newest([
          ['2026-03-09', 302],
          ['2026-03-02', 101],
        ]),
      ),
    ).toBe('2026-03-09');
  });
});
