import { describe, expect, it } from 'vitest';
import type { ScreenRow, ScreenViewData } from '../../schemas/screen.schema.ts';
import { MAX_WAIT_MS, MIN_GAP_MS, offer, openGate, take } from '../../services/screen/web/celebration-gate.ts';
import {
  celebrationText,
  celebrations,
  climbs,
  stillTrue,
  type Celebration,
} from '../../services/screen/web/row-motion.ts';

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
    award: null,
  };
}

function view(key: string, rows: ScreenRow[], kind: ScreenViewData['kind'] = 'ranking'): ScreenViewData {
  return {
    key,
    series: key,
    kind,
    title: { zh: key, en: key },
    ranking: { zh: '杭州分公司排名', en: 'Hangzhou Branch ranking' },
    group: 'branch:hz',
    competitionId: 'wbyc',
    competitionName: { zh: 'c', en: 'c' },
    competitionKind: 'labour',
    entrantLevel: 'crew',
    timeZone: 'Asia/Shanghai',
    period: { start: '2026-11-01', end: '2026-11-30' },
    closedAt: null,
    notice: null,
    asOf: '2026-11-03',
    computedAt: null,
    reported: true,
    seconds: 20,
    columns: [],
    rows,
    total: rows.length,
    limit: null,
    highlightCrewId: null,
    highlightIds: [],
    gapsBefore: [],
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

describe('celebrations on the view shown', () => {
  const before = view('0', [row('a', 1), row('b', 2, false), row('c', 3), row('d', 4), row('e', 5), row('f', 6)]);

  it('celebrates a climb onto the podium and a target newly reached, naming the ranking', () => {
    const after = view('0', [row('c', 1), row('a', 2), row('b', 3, true), row('d', 4), row('e', 5), row('f', 6)]);
    const found = celebrations(before, after);
    expect(found.map((c) => [c.kind, c.crewId, c.rank, c.places])).toEqual([
      ['overtake', 'c', 1, 2],
      ['target', 'b', 3, 0],
    ]);
    expect(found[0]?.ranking.zh).toBe('杭州分公司排名');
  });

  it('never celebrates an entrant that failed a gate (评优条件), climbing or reaching its target', () => {
    const failed = (r: ScreenRow): ScreenRow => ({
      ...r,
      award: {
        grade: null,
        failedGates: [{ name: { zh: '零三违', en: 'No violations' }, reason: { zh: '三违 1 人次', en: '1' } }],
      },
    });
    const graded = (r: ScreenRow): ScreenRow => ({
      ...r,
      award: { grade: { zh: '优胜班组', en: 'Winner' }, failedGates: [] },
    });
    const after = view('0', [failed(row('c', 1)), graded(row('a', 2)), failed(row('b', 3, true)), row('d', 4)]);
    expect(celebrations(before, after)).toEqual([]);
    const passed = view('0', [graded(row('c', 1)), row('a', 2), row('b', 3, true)]);
    expect(celebrations(before, passed).map((c) => c.crewId)).toEqual(['c', 'b']);
  });

  it('never celebrates a vetoed entrant (一票否决) reaching its targets, nor after a veto lands', () => {
    const vetoed = (r: ScreenRow): ScreenRow => ({ ...r, rank: null, score: null, disqualified: true });
    // b's veto lets c climb to 2nd: that is c's news; b's targets are no news at all.
    const after = view('0', [row('a', 1), row('c', 2), vetoed(row('b', null, true))]);
    expect(celebrations(before, after).map((c) => [c.kind, c.crewId])).toEqual([['overtake', 'c']]);
    const news = celebrations(before, view('0', [row('a', 1), row('c', 2), row('b', 3, true)]));
    expect(news.map((c) => [c.kind, c.crewId])).toEqual([
      ['overtake', 'c'],
      ['target', 'b'],
    ]);
    const target = news.find((c) => c.kind === 'target');
    if (!target) throw new Error('no news');
    const offered = offer(openGate, [target], 0);
    expect(take(offered, 0, '0', (c) => stillTrue(after.rows, c)).show).toBeNull();
  });

  it('does not celebrate climbs below the podium: rarer than the changes', () => {
    const after = view('0', [row('a', 1), row('b', 2, false), row('c', 3), row('f', 4), row('d', 5), row('e', 6)]);
    expect(after.rows.length).toBe(6);
    expect([...climbs(before.rows, after.rows)]).toEqual([['f', 2]]);
    expect(celebrations(before, after)).toEqual([]);
  });

  it('celebrates nothing on the first data, for another view, or on the innovations board', () => {
    const after = view('0', [row('c', 1), row('a', 2), row('b', 3)]);
    expect(celebrations(undefined, after)).toEqual([]);
    expect(celebrations(view('1', before.rows), after)).toEqual([]);
    const old = view('i', [row('a', 1), row('b', 2, false)], 'innovations');
    expect(celebrations(old, view('i', [row('b', 1, true), row('a', 2)], 'innovations'))).toEqual([]);
  });

  it('words the banner in both languages, naming the ranking', () => {
    const c: Celebration = {
      kind: 'overtake',
      crewId: 'c',
      crewName: '焊装一班',
      rank: 3,
      places: 2,
      viewKey: '0',
      ranking: { zh: '总排名', en: 'Overall' },
    };
    expect(celebrationText(c, 'zh')).toEqual({ headline: '恭喜 焊装一班', detail: '总排名 升至第3名 · 上升 2 位' });
    expect(celebrationText(c, 'en').detail).toBe('Overall: now 3rd, up 2 places');
    expect(celebrationText({ ...c, places: 1 }, 'en').detail).toBe('Overall: now 3rd, up 1 place');
    expect(celebrationText({ ...c, kind: 'target' }, 'zh').detail).toBe('完成全部目标任务');
  });
});

describe('the celebration gate', () => {
  const news = (crewId: string, rank: number, viewKey = '0'): Celebration => ({
    kind: 'overtake',
    crewId,
    crewName: crewId,
    rank,
    places: 1,
    viewKey,
    ranking: { zh: '总排名', en: 'Overall' },
  });
  const always = () => true;

  it('shows the first news at once, then at most one banner per gap', () => {
    let state = offer(openGate, [news('a', 2)], 0);
    let step = take(state, 0, '0', always);
    expect(step.show?.crewId).toBe('a');
    state = offer(step.state, [news('b', 3)], 1000);
    step = take(state, 1000, '0', always);
    expect(step.show).toBeNull();
    // Still waiting when the gap has passed, if it is not too old by then.
    step = take(step.state, MIN_GAP_MS - 1, '0', always);
    expect(step.show).toBeNull();
    state = offer(step.state, [news('c', 1)], MIN_GAP_MS - 500);
    step = take(state, MIN_GAP_MS, '0', always);
    expect(step.show?.crewId).toBe('c');
  });

  it('keeps only the biggest news waiting', () => {
    let state = offer({ lastShownAt: 0, pending: null }, [news('b', 3), news('a', 1)], 10);
    state = offer(state, [news('c', 2)], 20);
    expect(state.pending?.news.crewId).toBe('a');
  });

  it('drops news for another view, too old, or no longer true', () => {
    const waiting = offer({ lastShownAt: 0, pending: null }, [news('a', 1)], MIN_GAP_MS - 10);
    expect(take(waiting, MIN_GAP_MS, '1', always)).toEqual({ state: { lastShownAt: 0, pending: null }, show: null });
    expect(take(waiting, MIN_GAP_MS - 10 + MAX_WAIT_MS + 1, '0', always).show).toBeNull();
    expect(take(waiting, MIN_GAP_MS, '0', () => false).state.pending).toBeNull();
  });
});
