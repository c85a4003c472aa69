import { describe, expect, it } from 'vitest';
import { landedDays } from '../../services/scoring/landed-days.ts';

const at = (iso: string) => Date.parse(iso);
const events = [
  { crewId: 'C1', occurredAtMs: at('2026-03-08T10:00:00+08:00') },
  { crewId: 'C1', occurredAtMs: at('2026-03-09T10:00:00+08:00') },
  { crewId: 'C2', occurredAtMs: at('2026-03-09T23:30:00+08:00') },
  { crewId: 'C3', occurredAtMs: at('2026-03-10T10:00:00+08:00') },
];

describe('the days a batch of events landed on', () => {
  it('of all crews and of some, whichever side is smaller', () => {
    const landed = landedDays(events);
    expect([...landed.all('Asia/Shanghai')].sort()).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    // Fewer crews asked than in the batch.
    expect([...landed.of('Asia/Shanghai', new Set(['C2']))]).toEqual(['2026-03-09']);
    // More crews asked than in the batch (a competition over many crews).
    const many = new Set(['C1', 'C9', 'C8', 'C7', 'C6']);
    expect([...landed.of('Asia/Shanghai', many)].sort()).toEqual(['2026-03-08', '2026-03-09']);
    expect([...landed.of('Asia/Shanghai', new Set(['C4']))]).toEqual([]);
    expect([...landed.of('Asia/Shanghai', new Set(['C1', 'C2', 'C3', 'C4', 'C5']))].sort()).toEqual([
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
  });

  it('in each time zone its own days', () => {
    const landed = landedDays(events);
    // 23:30 in Beijing is 15:30 UTC: the same day there; 03-10 10:00 Beijing is 03-10 02:00 UTC.
    expect([...landed.of('UTC', new Set(['C2']))]).toEqual(['2026-03-09']);
    expect([...landed.of('Asia/Tokyo', new Set(['C2']))]).toEqual(['2026-03-10']);
    expect([...landed.all('Asia/Tokyo')].sort()).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
  });
});
