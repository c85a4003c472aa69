import { describe, expect, it } from 'vitest';
import type { CrewFacts } from '../../services/scoring/engine/types.ts';
import { createKeptFacts } from '../../services/scoring/kept-facts.ts';

const facts = (litres: number, innovations = 0): CrewFacts => ({
  metrics: { 'sales.volume_litres': litres },
  lastIncidentDay: {},
  hazards: { found: 1, rectified: 0 },
  innovations:
    innovations > 0 ? [{ category: 'renovation', status: 'adopted', awardLevel: 1, count: innovations }] : [],
});

const today = { start: '2026-03-01', asOf: '2026-03-10' };

describe("today's facts kept across reads", () => {
  it('gives an unchanged crew the last read’s record and a changed crew its new one', () => {
    const kept = createKeptFacts();
    const first = kept.keep(
      today,
      new Map([
        ['C1', facts(100, 1)],
        ['C2', facts(200)],
      ]),
    );
    const second = kept.keep(
      today,
      new Map([
        ['C1', facts(100, 1)],
        ['C2', facts(250)],
        ['C3', facts(5)],
      ]),
    );
    expect(second.get('C1')).toBe(first.get('C1'));
    expect(second.get('C2')).not.toBe(first.get('C2'));
    expect(second.get('C2')?.metrics).toEqual({ 'sales.volume_litres': 250 });
    expect(second.get('C3')?.metrics).toEqual({ 'sales.volume_litres': 5 });
    // An innovation's status counts as a change.
    const third = kept.keep(today, new Map([['C1', facts(100, 2)]]));
    expect(third.get('C1')).not.toBe(first.get('C1'));
  });

  it('keeps only the latest day: the next day starts afresh, and the window’s start tells periods apart', () => {
    const kept = createKeptFacts();
    const march10 = kept.keep(today, new Map([['C1', facts(100)]]));
    const otherPeriod = kept.keep({ start: '2026-03-05', asOf: '2026-03-10' }, new Map([['C1', facts(100)]]));
    expect(otherPeriod.get('C1')).not.toBe(march10.get('C1'));
    const march11 = { start: '2026-03-01', asOf: '2026-03-11' };
    const next = kept.keep(march11, new Map([['C1', facts(100)]]));
    expect(next.get('C1')).not.toBe(march10.get('C1'));
    // March 10th's read is not kept once the 11th was read.
    expect(kept.keep(today, new Map([['C1', facts(100)]])).get('C1')).not.toBe(march10.get('C1'));
  });
});
