import { describe, expect, it } from 'vitest';
import { boardColumns, gridTemplate, vetoSpan } from '../../services/screen/web/board-layout.ts';
import { phaseOf } from '../../services/screen/web/competition-phase.ts';
import { vetoReasons } from '../../services/screen/web/i18n.ts';
import {
  linkIsDead,
  periodText,
  readCompetitions,
  readCreatedLink,
  readScreens,
  readStoredLink,
  screensFor,
  tokenKey,
} from '../../services/screen/web/landing-model.ts';
import { asScreenData, errorOf, parseScreenData, safeColour } from '../../services/screen/web/screen-data-guard.ts';

describe('board layout', () => {
  it.each([
    [
      'ranking',
      3,
      false,
      'var(--w-rank) var(--w-move) minmax(0, 2.5fr) minmax(0, 1.25fr) ' +
        'minmax(0, 1fr) '.repeat(3) +
        'minmax(0, 0.9fr)',
      4,
    ],
    ['innovations', 2, false, 'var(--w-rank) minmax(0, 2.5fr) minmax(0, 1.25fr) minmax(0, 1fr) minmax(0, 1fr)', 2],
    ['around', 1, true, 'var(--w-rank) var(--w-move) minmax(0, 2.2fr) minmax(0, 1fr) minmax(0, 0.9fr)', 2],
    [
      'ranking',
      3,
      true,
      'var(--w-rank) var(--w-move) minmax(0, 2.2fr) minmax(0, 1fr) minmax(0, 1fr) minmax(0, 0.9fr)',
      3,
    ],
  ] as const)('%s with %s indicators (portrait %s)', (kind, n, portrait, template, span) => {
    const columns = boardColumns(kind, n, portrait);
    expect(gridTemplate(columns)).toBe(template.trim());
    expect(vetoSpan(columns)).toBe(span);
  });

  it('shows no branch column (nor the branch under names) on a branch’s own ranking', () => {
    expect(boardColumns('ranking', 3, false, { group: 'branch:B-HZ' })).toMatchObject({
      branch: false,
      branchUnderName: false,
    });
    expect(boardColumns('ranking', 3, true, { group: 'branch:B-HZ' }).branchUnderName).toBe(false);
    expect(boardColumns('ranking', 3, false, { group: 'unit_type:station' }).branch).toBe(true);
    expect(boardColumns('ranking', 3, true, { group: 'overall' }).branchUnderName).toBe(true);
  });

  it('shows no movement column for frozen final standings', () => {
    expect(boardColumns('ranking', 3, false, { frozen: true }).movement).toBe(false);
  });
});

describe('competition phase', () => {
  const period = { start: '2026-11-01', end: '2026-11-30' };
  it.each([
    ['2026-10-31', null, 'upcoming'],
    ['2026-11-01', null, 'live'],
    ['2026-11-30', null, 'live'],
    ['2026-12-01', null, 'ended'],
    ['2026-12-05', '2026-12-02T02:00:00.000Z', 'closed'],
  ] as const)('on %s (closed %s): %s', (today, closedAt, phase) => {
    expect(phaseOf({ period, closedAt }, today)).toBe(phase);
  });
});

describe('veto reasons', () => {
  const row = {
    vetoes: [
      { name: { zh: '重伤一票否决', en: 'Serious injury' }, reason: { zh: '重伤 1 起', en: '1 serious injury' } },
      { name: { zh: '三违', en: 'Violations' }, reason: { zh: '5 人次', en: '5 person-times' } },
    ],
  };
  it('uses full-width punctuation in Chinese only', () => {
    expect(vetoReasons(row, 'zh')).toBe('重伤一票否决：重伤 1 起；三违：5 人次');
    expect(vetoReasons(row, 'en')).toBe('Serious injury: 1 serious injury; Violations: 5 person-times');
  });
});

describe('screen data guard', () => {
  const good = {
    title: { zh: 't', en: 't' },
    views: [{ key: '0', title: { zh: 'v', en: 'v' }, columns: [], rows: [{ crewId: 'a', cells: [1] }] }],
  };

  it('accepts ScreenData-shaped values and rejects others', () => {
    expect(asScreenData(good)).not.toBeNull();
    expect(asScreenData({ ...good, views: [{ key: 0 }] })).toBeNull();
    expect(asScreenData({ views: [] })).toBeNull();
    expect(parseScreenData('<html>502 Bad Gateway</html>')).toBeNull();
    expect(parseScreenData(JSON.stringify(good))?.views).toHaveLength(1);
  });

  it('reads the error envelope', () => {
    expect(errorOf({ error: { code: 'display_token_revoked', message: 'gone' } })).toEqual({
      code: 'display_token_revoked',
      message: 'gone',
    });
    expect(errorOf({ message: 'x' })).toBeNull();
  });

  it.each([
    ['#b71c1c', '#b71c1c'],
    ['red', '#000000'],
    ['#fff; background:url(x)', '#000000'],
    [null, '#000000'],
  ])('safeColour(%s) = %s', (value, expected) => {
    expect(safeColour(value, '#000000')).toBe(expected);
  });
});

describe('landing model', () => {
  const screens = readScreens({
    screens: [
      { id: 'hall', name: { zh: '大厅', en: 'Hall' }, builtIn: false, competitionIds: ['wbyc'], links: {} },
      { id: 'competition.wbyc', name: { zh: '默认', en: 'Default' }, builtIn: true, competitionIds: ['wbyc'] },
      { id: 'competition.ankang', name: null, builtIn: true, competitionIds: ['ankang'] },
      { nope: true },
    ],
  });

  it('reads screens defensively and lists a competition’s built-in screen first', () => {
    expect(screens.map((s) => s.id)).toEqual(['hall', 'competition.wbyc', 'competition.ankang']);
    expect(screens[0]?.links.page).toBe('/screens/hall');
    expect(screens[2]?.name).toEqual({ zh: 'competition.ankang', en: 'competition.ankang' });
    expect(screensFor('wbyc', screens).map((s) => s.id)).toEqual(['competition.wbyc', 'hall']);
    expect(screensFor('none', screens)).toEqual([]);
  });

  it('reads competitions with their kind and period', () => {
    const [c] = readCompetitions({
      competitions: [
        {
          id: 'ankang-2026',
          name: { zh: '安康杯', en: 'Ankang' },
          kind: 'ankang',
          period: { start: '2026-01-01', end: '2026-12-31' },
        },
      ],
    });
    expect(c?.kind).toBe('ankang');
    expect(c?.links.standings).toBe('/v1/competitions/ankang-2026/standings');
    expect(periodText(c?.period ?? { start: '', end: '' })).toBe('2026-01-01 – 2026-12-31');
    expect(readCompetitions({})).toEqual([]);
  });

  it('remembers one display link per screen and knows when it died', () => {
    expect(tokenKey('a')).not.toBe(tokenKey('b'));
    expect(readStoredLink(JSON.stringify({ token: 'tk', url: '/screens/a?token=tk' }))).toEqual({
      token: 'tk',
      url: '/screens/a?token=tk',
    });
    expect(readStoredLink('not json')).toBeNull();
    expect(readStoredLink(JSON.stringify({ token: '', url: '/x' }))).toBeNull();
    expect(readCreatedLink({ id: 'l1', token: 'tk', url: '/screens/a?token=tk' })?.token).toBe('tk');
    expect(readCreatedLink({ error: { code: 'x' } })).toBeNull();
    expect([401, 403, 404, 500].map(linkIsDead)).toEqual([true, true, false, false]);
  });
});
