import { describe, expect, it } from 'vitest';
import {
  clockDate,
  clockTime,
  compactNumber,
  dayAndTime,
  zonedDay,
  formatCell,
  formatDay,
  formatScore,
  movement,
  ordinalRank,
} from '../../services/screen/web/number-format.ts';
import { parseLang, pick, t } from '../../services/screen/web/i18n.ts';

describe('screen number formats', () => {
  it.each([
    [98.54, 'percent', 'zh', '98.5%'],
    [100, 'percent', 'zh', '100.0%'],
    [1234.5, 'percent', 'en', '1,234.5%'],
    [238.9, 'days', 'zh', '238天'],
    [238, 'days', 'en', '238 d'],
    [12.4, 'count', 'zh', '12'],
    [1234, 'count', 'zh', '1,234'],
    [9999, 'number', 'zh', '9,999'],
    [123_456, 'number', 'zh', '12.3万'],
    [3_456_789, 'number', 'zh', '346万'],
    [123_456_789, 'number', 'zh', '1.23亿'],
    [123_456, 'number', 'en', '123.5K'],
    [3_456_789, 'number', 'en', '3.46M'],
    [819_000, 'currency', 'zh', '¥81.9万'],
    [2_680_000, 'currency', 'zh', '¥268万'],
    [13_820_000, 'currency', 'zh', '¥1382万'],
    [950, 'currency', 'zh', '¥950'],
    [null, 'percent', 'zh', '—'],
    [Number.NaN, 'number', 'en', '—'],
  ] as const)('formatCell(%s, %s, %s) = %s', (value, format, lang, expected) => {
    expect(formatCell(value, format, lang)).toBe(expected);
  });

  it('keeps the sign of negative amounts', () => {
    expect(compactNumber(-123_456, 'zh')).toBe('-12.3万');
  });

  it.each([
    [93.94, '93.94'],
    [84, '84.00'],
    // Neighbouring ranks must not read as a tie: the scoring engine ranks at two decimals.
    [45.87, '45.87'],
    [45.85, '45.85'],
    [null, '—'],
  ] as const)('formatScore(%s) = %s', (score, expected) => {
    expect(formatScore(score, 'zh')).toBe(expected);
  });

  it.each([
    [1, 'zh', '第1名'],
    [1, 'en', '1st'],
    [2, 'en', '2nd'],
    [3, 'en', '3rd'],
    [4, 'en', '4th'],
    [11, 'en', '11th'],
    [12, 'en', '12th'],
    [13, 'en', '13th'],
    [21, 'en', '21st'],
    [112, 'en', '112th'],
  ] as const)('ordinalRank(%s, %s) = %s', (rank, lang, expected) => {
    expect(ordinalRank(rank, lang)).toBe(expected);
  });

  it.each([
    [3, 'up', '▲3'],
    [-2, 'down', '▼2'],
    [0, 'same', '—'],
    [null, 'new', '—'],
  ] as const)('movement(%s) is %s %s', (change, kind, text) => {
    expect(movement(change)).toEqual({ kind, text });
  });

  it('shows the clock and date in the competition’s time zone, whatever the machine’s', () => {
    // 17:39 on 4 December in UTC is already 5 December in Beijing.
    const date = new Date('2026-12-04T17:39:05Z');
    expect(clockTime(date, 'Asia/Shanghai')).toBe('01:39:05');
    expect(clockDate(date, 'zh', 'Asia/Shanghai')).toBe('2026年12月5日 星期六');
    expect(clockDate(date, 'en', 'Asia/Shanghai')).toBe('Sat 2026-12-05');
    expect(zonedDay(date, 'Asia/Shanghai')).toBe('2026-12-05');
    expect(dayAndTime(date, 'zh', 'Asia/Shanghai')).toBe('2026年12月5日 01:39');
    expect(clockTime(new Date('2026-12-04T16:00:00Z'), 'Asia/Shanghai')).toBe('00:00:00');
  });

  it.each([
    [-2.5, 'zh', '\u22122.5'],
    [-20, 'en', '\u221220'],
    [0, 'zh', '0'],
    [-0.001, 'zh', '0'],
    [3, 'en', '3'],
  ] as const)('points %s (%s) read %s', (value, lang, expected) => {
    expect(formatCell(value, 'points', lang)).toBe(expected);
  });

  it.each([
    ['2026-11-03', 'zh', '2026年11月3日'],
    ['2026-11-03', 'en', '2026-11-03'],
    ['soon', 'zh', 'soon'],
  ] as const)('formatDay(%s, %s) = %s', (day, lang, expected) => {
    expect(formatDay(day, lang)).toBe(expected);
  });
});

describe('screen words', () => {
  it.each([
    [null, 'zh'],
    ['', 'zh'],
    ['zh', 'zh'],
    ['en', 'en'],
    ['EN-us', 'en'],
    ['fr', 'zh'],
  ] as const)('parseLang(%s) = %s', (value, expected) => {
    expect(parseLang(value)).toBe(expected);
  });

  it('picks the language and falls back to Chinese when a name lacks it', () => {
    expect(pick({ zh: '总排名', en: 'Overall' }, 'en')).toBe('Overall');
    expect(pick({ zh: '总排名', en: '' }, 'en')).toBe('总排名');
  });

  it('fills placeholders', () => {
    expect(t('veto', 'zh')).toBe('一票否决');
    expect(t('stale', 'en')).toBe('Data stale');
  });
});
