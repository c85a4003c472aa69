import { DEFAULT_TIME_ZONE } from '../../schemas/competition.schema.ts';
import { zoneOffsetMinutes } from '../shared/calendar.ts';
import stringWidth from 'string-width';

export interface Column {
  header: string;
  /** Numbers line up on the right. */
  align?: 'left' | 'right';
}

const GAP = '  ';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  // Display width, not string length: a CJK character takes two terminal cells, an ANSI colour none.
  const fill = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain-text table whose columns line up in a terminal with Chinese names in them. Returns
 * the lines: header, a rule, the rows. Trailing spaces are trimmed so output files diff cleanly.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, i) =>
    Math.max(stringWidth(column.header), ...rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => pad(cells[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join(GAP)
      .trimEnd();
  // ASCII rule: box-drawing characters are "ambiguous width" and take two cells in some CJK terminals.
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  return [line(columns.map((c) => c.header)), rule, ...rows.map((row) => line(row))];
}

/** 1,234,567 */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

/** ↑2, ↓1 or – for a rank change (positive: moved up). */
export function rankArrow(change: number | null | undefined): string {
  if (change === null || change === undefined || change === 0) return '–';
  return change > 0 ? `↑${change}` : `↓${-change}`;
}

/** Scores with two decimals, as the API rounds them. */
export const score2 = (n: number): string => n.toFixed(2);

/** +1.20, -0.50, 0.00 */
export function signed2(n: number): string {
  const text = n.toFixed(2);
  return n > 0 ? `+${text}` : text === '-0.00' ? '0.00' : text;
}

/**
 * An instant from the API as people at the competition read it, to the second: 2026-11-24 20:05:35.
 * The competition's time zone, not the machine's: a server's clock in UTC would print 8 hours off,
 * and the console, screens and print pages show the competition's local time.
 */
export function formatTime(iso: string | null | undefined, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (iso === null || iso === undefined || iso === '') return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const local = new Date(Math.floor(d.getTime() / 1000) * 1000 + zoneOffsetMinutes(d, timeZone) * 60_000);
  return local.toISOString().slice(0, 19).replace('T', ' ');
}
