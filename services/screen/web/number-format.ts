/**
 * How numbers read on the screen, in Chinese conventions first: 万/亿 for large amounts (a
 * canteen audience reads "12.3万" faster than "123,456"), percent with one decimal, 第N名.
 * Pure (Intl only) so unit tests run in node.
 */
import type { Lang } from './i18n.ts';

export type ColumnFormat = 'percent' | 'days' | 'count' | 'number' | 'currency' | 'points';

const DASH = '—';

/** Intl formatters are costly to build; the screen formats hundreds of cells a minute. */
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, fractionDigits: number, fixed = false, grouping = true): Intl.NumberFormat {
  const key = `${lang}:${fractionDigits}:${fixed}:${grouping}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', {
      minimumFractionDigits: fixed ? fractionDigits : 0,
      maximumFractionDigits: fractionDigits,
      useGrouping: grouping,
    });
    formatters.set(key, format);
  }
  return format;
}

/**
 * A large number shortened the way each language reads it: 12.3万 / 1.23亿 in Chinese,
 * 123.5K / 1.2M in English. Below ten thousand it keeps its digits (with grouping).
 */
export function compactNumber(value: number, lang: Lang, smallDigits = 1): string {
  const abs = Math.abs(value);
  if (lang === 'zh') {
    // Counted in 万, digits are read without thousands separators: 1382万, not 1,382万.
    if (abs >= 1e8) return `${numberFormat(lang, 2, false, false).format(value / 1e8)}亿`;
    if (abs >= 1e4) return `${numberFormat(lang, abs >= 1e6 ? 0 : 1, false, false).format(value / 1e4)}万`;
    return numberFormat(lang, smallDigits).format(value);
  }
  if (abs >= 1e9) return `${numberFormat(lang, 2).format(value / 1e9)}B`;
  if (abs >= 1e6) return `${numberFormat(lang, 2).format(value / 1e6)}M`;
  if (abs >= 1e4) return `${numberFormat(lang, 1).format(value / 1e3)}K`;
  return numberFormat(lang, smallDigits).format(value);
}

/** One indicator cell. Percent values arrive already ×100 (98.5 means 98.5%). */
export function formatCell(value: number | null | undefined, format: ColumnFormat, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  switch (format) {
    case 'percent':
      // Fixed one decimal so a column of percentages lines up on the decimal point.
      return `${numberFormat(lang, 1, true).format(value)}%`;
    case 'days':
      return lang === 'zh'
        ? `${numberFormat(lang, 0).format(Math.floor(value))}天`
        : `${numberFormat(lang, 0).format(Math.floor(value))} d`;
    case 'count':
      return numberFormat(lang, 0).format(Math.round(value));
    case 'currency':
      return `¥${compactNumber(value, lang, 0)}`;
    case 'number':
      return compactNumber(value, lang);
    case 'points':
      return signedPoints(value, lang);
  }
}

/** Points of one indicator, a deduction with a true minus sign (−2.5), up to two decimals. */
export function signedPoints(value: number, lang: Lang): string {
  const text = numberFormat(lang, 2).format(Math.abs(value));
  return value < 0 && text !== '0' ? `\u2212${text}` : text;
}

/**
 * Scores are ranked at two decimals (round2 in the scoring engine); one decimal would show
 * 45.87 and 45.85 both as 45.9 on neighbouring ranks, and crews would read that as a wrong order.
 */
export function formatScore(score: number | null | undefined, lang: Lang): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return DASH;
  return numberFormat(lang, 2, true).format(score);
}

/** The rank badge shows the bare number; `ordinalRank` is for sentences ("升至第3名"). */
export function ordinalRank(rank: number, lang: Lang): string {
  if (lang === 'zh') return `第${rank}名`;
  const tens = rank % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][rank % 10] ?? 'th');
  return `${rank}${suffix}`;
}

export type Movement = 'up' | 'down' | 'same' | 'new';

/**
 * Movement since yesterday. Chinese boards (and stock tickers) colour a rise red, a fall green;
 * the screen follows that and the arrow says the direction for anyone who reads it the other way.
 */
export function movement(rankChange: number | null | undefined): { kind: Movement; text: string } {
  if (rankChange === null || rankChange === undefined) return { kind: 'new', text: DASH };
  if (rankChange > 0) return { kind: 'up', text: `▲${rankChange}` };
  if (rankChange < 0) return { kind: 'down', text: `▼${-rankChange}` };
  return { kind: 'same', text: DASH };
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * An instant's wall-clock fields in a time zone. The TV's own zone is whatever its box was set
 * to (often UTC, or the factory's default), while 统计日 is the competition's: every time on the
 * screen is read in the competition's zone, so the clock never disagrees with the day judged.
 */
export function zonedParts(date: Date, timeZone: string): ZonedParts {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    weekday: WEEKDAY_INDEX[parts['weekday'] ?? ''] ?? 0,
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

/** HH:MM:SS in the competition's time zone. */
export function clockTime(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** The calendar day YYYY-MM-DD of an instant in a time zone. */
export function zonedDay(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}

const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** 2026年11月3日 星期二 / Tue 2026-11-03, in the competition's time zone */
export function clockDate(date: Date, lang: Lang, timeZone: string): string {
  const { year: y, month: m, day: d, weekday: w } = zonedParts(date, timeZone);
  return lang === 'zh'
    ? `${y}年${m}月${d}日 星期${WEEKDAYS_ZH[w] ?? ''}`
    : `${WEEKDAYS_EN[w] ?? ''} ${y}-${two(m)}-${two(d)}`;
}

/** An instant as 12月5日 17:39 / 2026-12-05 17:39, in the competition's time zone. */
export function dayAndTime(date: Date, lang: Lang, timeZone: string): string {
  const day = zonedDay(date, timeZone);
  const p = zonedParts(date, timeZone);
  return `${formatDay(day, lang)} ${two(p.hour)}:${two(p.minute)}`;
}

/** A calendar day YYYY-MM-DD as 11月3日 / 2026-11-03; anything unexpected passes through. */
export function formatDay(isoDay: string, lang: Lang): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!match || lang === 'en') return isoDay;
  return `${match[1] ?? ''}年${Number(match[2])}月${Number(match[3])}日`;
}
