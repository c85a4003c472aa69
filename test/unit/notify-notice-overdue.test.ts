import { describe, expect, it } from 'vitest';
import type { PeriodNotice } from '../../schemas/notice.schema.ts';
import { noticeNews } from '../../services/notify/facts/notice-decisions.ts';
import { overdueHazards, type OverdueRule } from '../../services/notify/facts/overdue-decisions.ts';

const notice = (status: PeriodNotice['status'], confirmedAt: string | null = null): PeriodNotice => ({
  competitionId: 'c1',
  periodId: 'q3',
  status,
  timeZone: 'Asia/Shanghai',
  workingDays: 5,
  openedAt: '2026-09-30T02:00:00.000Z',
  openedBy: '工会',
  startsOn: '2026-09-30',
  endsOn: '2026-10-14',
  confirmedAt,
  confirmedBy: confirmedAt === null ? null : '工会',
  howToObject: { zh: '', en: '' },
  objections: [],
  history: [],
});

describe('noticeNews', () => {
  it.each([
    { name: 'running', n: notice('in_notice'), now: '2026-10-01T00:00:00Z', opened: true, confirmed: undefined },
    // Ended and not confirmed yet: the opening is no news any more, and nothing is final.
    {
      name: 'ended, waiting',
      n: notice('notice_ended'),
      now: '2026-10-15T02:00:00Z',
      opened: false,
      confirmed: undefined,
    },
    // Confirmed at 2026-10-15T17:00Z = 10-16 01:00 in Beijing: its day is the 16th.
    {
      name: 'confirmed just now',
      n: notice('final', '2026-10-15T17:00:00.000Z'),
      now: '2026-10-15T17:00:01Z',
      opened: false,
      confirmed: '2026-10-16',
    },
    // Still news 7 days on (10-23 in Beijing), not on the 8th (10-24).
    {
      name: 'confirmed 7 days ago',
      n: notice('final', '2026-10-15T17:00:00.000Z'),
      now: '2026-10-23T15:59:59Z',
      opened: false,
      confirmed: '2026-10-16',
    },
    {
      name: 'confirmed 8 days ago',
      n: notice('final', '2026-10-15T17:00:00.000Z'),
      now: '2026-10-23T16:00:00Z',
      opened: false,
      confirmed: undefined,
    },
  ])('$name', ({ n, now, opened, confirmed }) => {
    const news = noticeNews(n, new Date(now));
    expect(news.opened?.key).toBe(opened ? 'notice-opened:c1:q3' : undefined);
    expect(news.confirmed?.confirmedOn).toBe(confirmed);
    if (confirmed) expect(news.confirmed?.key).toBe('notice-confirmed:c1:q3');
  });
});

describe('overdueHazards', () => {
  const rule = (extra: Partial<OverdueRule> = {}): OverdueRule => ({
    competitionId: 'c1',
    timeZone: 'Asia/Shanghai',
    period: { start: '2026-12-01', end: '2026-12-31' },
    rectifyWithinDays: 3,
    covers: (crewId) => crewId !== 'outsider',
    ...extra,
  });
  // Found 2026-12-01T20:00Z = 12-02 04:00 in Beijing: found on the 2nd, last day to rectify the 5th,
  // overdue from the 6th 00:00 Beijing = 12-05T16:00Z.
  const hazard = {
    reportId: 'r1',
    crewId: 'crew-1',
    foundAt: '2026-12-01T20:00:00.000Z',
    location: null,
    description: null,
  };

  it.each([
    { name: 'on its last day', now: '2026-12-05T15:59:59Z', hazards: [hazard], rules: [rule()], keys: [] },
    { name: 'the next day', now: '2026-12-05T16:00:00Z', hazards: [hazard], rules: [rule()], keys: ['overdue:r1@c1'] },
    // Overdue since 12-06 (Beijing): news for 7 days, through 12-12, then no more.
    {
      name: 'overdue 7 days',
      now: '2026-12-12T15:59:59Z',
      hazards: [hazard],
      rules: [rule()],
      keys: ['overdue:r1@c1'],
    },
    { name: 'overdue 8 days', now: '2026-12-12T16:00:00Z', hazards: [hazard], rules: [rule()], keys: [] },
    {
      name: 'a crew the competition does not rank',
      now: '2026-12-10T00:00:00Z',
      hazards: [{ ...hazard, crewId: 'outsider' }],
      rules: [rule()],
      keys: [],
    },
    // Found on 12-02, the competition started on 12-03: not its hazard.
    {
      name: 'found before the competition',
      now: '2026-12-10T00:00:00Z',
      hazards: [hazard],
      rules: [rule({ period: { start: '2026-12-03', end: '2026-12-31' } })],
      keys: [],
    },
    // Two competitions count it: one fact each, with the same key (a group hears it once).
    {
      name: 'two competitions, one strict',
      now: '2026-12-03T16:00:00Z',
      hazards: [hazard],
      rules: [rule(), rule({ competitionId: 'c2', rectifyWithinDays: 1 })],
      keys: ['overdue:r1@c2'],
    },
    {
      name: 'two competitions, both overdue',
      now: '2026-12-06T00:00:00Z',
      hazards: [hazard],
      rules: [rule(), rule({ competitionId: 'c2', rectifyWithinDays: 1 })],
      keys: ['overdue:r1@c1', 'overdue:r1@c2'],
    },
  ])('$name', ({ now, hazards, rules, keys }) => {
    const found = overdueHazards(hazards, rules, new Date(now));
    expect(found.map((o) => `${o.key}@${o.competitionId}`)).toEqual(keys);
    for (const o of found) expect(o.foundOn).toBe('2026-12-02');
  });

  it('says the deadline of the competition that counts it', () => {
    const [strict, lenient] = overdueHazards(
      [hazard],
      [rule({ competitionId: 'c2', rectifyWithinDays: 1 }), rule()],
      new Date('2026-12-06T00:00:00Z'),
    );
    expect(strict?.deadline).toBe('2026-12-03');
    expect(lenient?.deadline).toBe('2026-12-05');
  });
});
