import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { csvRowToEvent, type EventField } from './events-csv.ts';

/** A position in the file: the byte just after a line, and that line's number (1-based; 0 before the first). */
export interface FilePosition {
  offset: number;
  line: number;
}

/** One record of the file: an event to send, or a line that cannot be one (it goes to the rejected file). */
export type SourceItem =
  { line: number; end: number; event: unknown } | { line: number; end: number; problem: string; raw: string };

const CHUNK = 1 << 20;

function ndjsonItem(text: string, line: number, end: number): SourceItem | undefined {
  const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (trimmed.trim() === '') return undefined;
  try {
    return { line, end, event: JSON.parse(trimmed) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { line, end, problem: `不是有效的 JSON / not valid JSON: ${reason}`, raw: trimmed };
  }
}

/**
 * The events of an NDJSON file from a byte offset on, one line at a time, never the whole file
 * in memory; each with the offset just after its line, which is what a checkpoint records.
 */
export async function* readNdjson(path: string, from: FilePosition): AsyncGenerator<SourceItem> {
  const stream = createReadStream(path, { start: from.offset, highWaterMark: CHUNK });
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = from.offset;
  let line = from.line;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let pos = 0;
      for (let nl = buf.indexOf(0x0a, pos); nl !== -1; nl = buf.indexOf(0x0a, pos)) {
        line++;
        let text = buf.toString('utf8', pos, nl);
        if (carryStart + pos === 0) text = text.replace(/^\uFEFF/, '');
        const item = ndjsonItem(text, line, carryStart + nl + 1);
        if (item) yield item;
        pos = nl + 1;
      }
      carry = buf.subarray(pos);
      carryStart += pos;
    }
    if (carry.length > 0) {
      line++;
      let text = carry.toString('utf8');
      if (carryStart === 0) text = text.replace(/^\uFEFF/, '');
      const item = ndjsonItem(text, line, carryStart + carry.length);
      if (item) yield item;
    }
  } finally {
    stream.destroy();
  }
}

interface CsvRecord {
  record: string[];
  info: { bytes: number; lines: number };
}

function csvParser(bom: boolean) {
  // csv-parse's info.bytes is the byte offset just after the record's line break (BOM included).
  return parse({ info: true, bom, relax_column_count: true, skip_empty_lines: true });
}

/** The header row of a CSV file and where the data starts; undefined for an empty file. */
export async function readCsvHeader(path: string): Promise<{ header: string[]; start: FilePosition } | undefined> {
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  const parser = csvParser(true);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const value of parser as AsyncIterable<CsvRecord>) {
      return { header: value.record, start: { offset: value.info.bytes, line: value.info.lines } };
    }
    return undefined;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/**
 * Line numbers of CSV records, counted from the bytes themselves: csv-parse's own count takes a
 * CR LF inside a quoted cell for two lines. A pass-through stream notes where every line break
 * is; a record ending at byte E ends on the line after all breaks before E - 1. Breaks are kept
 * only until the parser has passed them, so memory stays bounded by the read-ahead.
 */
function lineTracker(from: FilePosition) {
  const breaks: number[] = [];
  let head = 0;
  let counted = 0;
  let position = from.offset;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) breaks.push(position + i);
      position += chunk.length;
      done(null, chunk);
    },
  });
  const lineEndingAt = (end: number): number => {
    while (head < breaks.length && (breaks[head] ?? 0) < end - 1) {
      head++;
      counted++;
    }
    if (head > 65_536) {
      breaks.splice(0, head);
      head = 0;
    }
    return from.line + 1 + counted;
  };
  return { tap, lineEndingAt };
}

/**
 * The data rows of an events CSV from a position after the header on, streamed with csv-parse.
 * A row spanning several lines (a quoted line break) is numbered by the line it ends on.
 */
export async function* readEventsCsv(
  path: string,
  fields: readonly EventField[],
  from: FilePosition,
): AsyncGenerator<SourceItem> {
  const source = createReadStream(path, { start: from.offset, highWaterMark: CHUNK });
  const lines = lineTracker(from);
  const parser = csvParser(from.offset === 0);
  source.on('error', (error) => parser.destroy(error));
  lines.tap.on('error', (error) => parser.destroy(error));
  source.pipe(lines.tap).pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      const end = from.offset + info.bytes;
      const line = lines.lineEndingAt(end);
      const row = csvRowToEvent(fields, record);
      if ('event' in row) yield { line, end, event: row.event };
      else yield { line, end, problem: row.problem, raw: record.join(',') };
    }
  } finally {
    source.destroy();
    lines.tap.destroy();
    parser.destroy();
  }
}
