import { describe, expect, it } from 'vitest';
import type { ScreenData, ScreenRow, ScreenViewData } from '../../schemas/screen.schema.ts';
import { celebrationText, celebrations, climbs } from '../../services/screen/web/row-motion.ts';

function row(crewId: string, rank: number | null, targetReached: boolean | null = null): ScreenRow {
  return {
    crewId,
    crewName: `班组${crewId}`,
    unitName: 'u',
    branchName: 'b',
    rank,
    rankChange: 0,
    score: rank === null ? null : 100 - rank,
    disqualified: rank === null,
    vetoes: [],
    cells: [],
    targetReached,
  };
}

function view(key: string, rows: ScreenRow[], kind: ScreenViewData['kind'] = 'ranking'): ScreenViewData {
  return {
    key,
    kind,
    title: { zh: key, en: key },
    competitionId: 'wbyc',
    competitionName: { zh: 'c', en: 'c' },
    competitionKind: 'labour',
    asOf: '2026-11-03',
    computedAt: null,
    seconds: 20,
    columns: [],
    rows,
    total: rows.length,
    highlightCrewId: null,
    gapsBefore: [],
  };
}

function data(views: ScreenViewData[], celebrate = true): ScreenData {
  return {
    screenId: 's',
    name: { zh: 's', en: 's' },
    title: { zh: 't', en: 't' },
    primaryColour: '#b71c1c',
    accentColour: '#ffc107',
    celebrate,
    staleAfterSeconds: 30,
    heartbeatSeconds: 15,
    generatedAt: '2026-11-03T08:00:00+08:00',
    views,
  };
}

describe('climbs', () => {
  it('reports places gained, ignoring falls, vetoes and newcomers', () => {
    const before = [row('a', 1), row('b', 2), row('c', 3), row('d', 4), row('v', 5)];
    const after = [row('c', 1), row('a', 2), row('b', 3), row('e', 4), row('v', null), row('d', 6)];
    expect([...climbs(before, after)]).toEqual([['c', 2]]);
  });

  it('reports nothing without a previous update', () => {
    expect(climbs(undefined, [row('a', 1)]).size).toBe(0);
  });
});

describe('celebrations', () => {
  const before = data([view('0', [row('a', 1), row('b', 2, false), row('c', 3)])]);

  it('celebrates an overtake and a target newly reached, biggest news first', () => {
    const after = data([view('0', [row('c', 1), row('a', 2), row('b', 3, true)])]);
    expect(celebrations(before, after).map((c) => [c.kind, c.crewId, c.places])).toEqual([
      ['overtake', 'c', 2],
      ['target', 'b', 0],
    ]);
  });

  it('does not celebrate when the screen turned celebrations off, or on the first data', () => {
    const after = data([view('0', [row('c', 1), row('a', 2), row('b', 3)])], false);
    expect(celebrations(before, after)).toEqual([]);
    expect(celebrations(null, data([view('0', [row('a', 1)])]))).toEqual([]);
  });

  it('celebrates a crew once though it climbed in several views', () => {
    const two = data([view('0', [row('a', 1), row('c', 2)]), view('1', [row('a', 1), row('c', 2)])]);
    const after = data([view('0', [row('c', 1), row('a', 2)]), view('1', [row('c', 1), row('a', 2)])]);
    expect(celebrations(two, after).map((c) => c.crewId)).toEqual(['c']);
  });

  it('ignores the innovations board and a target that had none before', () => {
    const old = data([view('i', [row('a', 1), row('b', 2, null)], 'innovations')]);
    const after = data([view('i', [row('b', 1, true), row('a', 2)], 'innovations')]);
    expect(celebrations(old, after)).toEqual([]);
  });

  it('caps how many it queues', () => {
    const many = Array.from({ length: 10 }, (_, i) => row(`x${i}`, i + 1));
    const reversed = [...many].reverse().map((r, i) => ({ ...r, rank: i + 1 }));
    expect(celebrations(data([view('0', many)]), data([view('0', reversed)]), 3)).toHaveLength(3);
  });

  it('words the banner in both languages', () => {
    const c = { kind: 'overtake', crewId: 'c', crewName: '焊装一班', rank: 3, places: 2, viewKey: '0' } as const;
    expect(celebrationText(c, 'zh')).toEqual({ headline: '恭喜 焊装一班', detail: '名次上升 2 位 · 升至第3名' });
    expect(celebrationText(c, 'en').detail).toBe('up 2 places · now 3rd');
    expect(celebrationText({ ...c, kind: 'target' }, 'zh').detail).toBe('完成全部目标任务');
  });
});
