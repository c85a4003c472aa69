import { createRequire } from 'node:module';
import type { CellValue } from 'exceljs';

/**
 * What a cell shows, as the text the registry's sheet reader reads (the same text a CSV export of
 * the sheet would hold), and a note when the value is something an import should not take as it is.
 */
export interface CellText {
  readonly text: string;
  readonly note?: CellNote;
}

export type CellNote =
  /** A date (a serial number in a date format): fine as a name, wrong as a code or a number. */
  | { readonly kind: 'date'; readonly text: string }
  /** #N/A, #DIV/0! …: the cell's own value or its formula's result. */
  | { readonly kind: 'error'; readonly text: string }
  /** A formula whose result was never saved (the file was not saved by Excel or WPS). */
  | { readonly kind: 'no_result'; readonly formula: string }
  /** An integer of more than 15 digits: Excel keeps 15, so an id typed as a number lost its end. */
  | { readonly kind: 'long_number'; readonly text: string };

/**
 * Chinese Excel and WPS save dates in the built-in formats 27–36 and 50–58 (yyyy"年"m"月"d"日",
 * m"月"d"日" …) by id alone, and exceljs only knows the codes of the international ids, so such a
 * date would be read as its serial number (46082). The zh-CN codes are added to exceljs's table of
 * built-in formats, which it consults when reading; its writer indexed the table when it loaded
 * (before this runs), so written formats are unaffected (checked by test/unit/xlsx-reader.test.ts).
 */
function addChineseDateFormats(): void {
  const require = createRequire(import.meta.url);
  const table: unknown = require('exceljs/lib/xlsx/defaultnumformats.js');
  if (typeof table !== 'object' || table === null) return;
  for (const format of Object.values(table as Record<string, unknown>)) {
    if (typeof format !== 'object' || format === null) continue;
    const entry = format as { f?: unknown; 'zh-cn'?: unknown };
    if (entry.f === undefined && typeof entry['zh-cn'] === 'string') entry.f = entry['zh-cn'];
  }
}
addChineseDateFormats();

const pad = (n: number) => String(n).padStart(2, '0');

/** exceljs gives dates as the UTC instant of the serial number: the calendar day (and time) as written. */
function dateText(date: Date): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const seconds = date.getUTCHours() * 3600 + date.getUTCMinutes() * 60 + date.getUTCSeconds();
  if (seconds === 0) return day;
  return `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}${date.getUTCSeconds() === 0 ? '' : `:${pad(date.getUTCSeconds())}`}`;
}

/**
 * A number as Excel shows it in General format: 15 significant digits, so a sum that came out as
 * 12.300000000000001 is the 12.3 the organiser sees. A zero-padded format (000) pads as it shows.
 */
function numberText(value: number, numFmt: string | undefined): CellText {
  if (Number.isInteger(value) && Math.abs(value) >= 1e15) {
    return { text: BigInt(value).toString(), note: { kind: 'long_number', text: BigInt(value).toString() } };
  }
  const shown = Number(value.toPrecision(15));
  const text = String(shown);
  if (numFmt !== undefined && /^0+$/.test(numFmt) && Number.isInteger(shown) && shown >= 0) {
    return { text: text.padStart(numFmt.length, '0') };
  }
  return { text };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function richText(value: unknown): string | undefined {
  if (!isObject(value) || !Array.isArray(value['richText'])) return undefined;
  return value['richText']
    .map((run: unknown) => (isObject(run) && typeof run['text'] === 'string' ? run['text'] : ''))
    .join('');
}

/** A cell's value (exceljs's union of shapes) as text; see CellText. */
export function cellText(value: CellValue | undefined, numFmt?: string): CellText {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { text: '' };
    const text = dateText(value);
    return { text, note: { kind: 'date', text } };
  }
  const rich = richText(value);
  if (rich !== undefined) return { text: rich };
  if ('error' in value) return { text: value.error, note: { kind: 'error', text: value.error } };
  if ('formula' in value || 'sharedFormula' in value) {
    const formula =
      ('formula' in value ? value.formula : undefined) ?? ('sharedFormula' in value ? value.sharedFormula : '');
    const result: unknown = value.result;
    if (result === undefined) return { text: '', note: { kind: 'no_result', formula } };
    if (isObject(result) && typeof result['error'] === 'string') {
      return { text: result['error'], note: { kind: 'error', text: result['error'] } };
    }
    return cellText(result as CellValue, numFmt);
  }
  if ('hyperlink' in value) {
    const text: unknown = value.text;
    return { text: typeof text === 'string' ? text : (richText(text) ?? '') };
  }
  return { text: '' };
}
