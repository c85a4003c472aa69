import { InvalidInputError } from '../shared/errors.ts';
import { parseJsonText } from '../shared/json-text.ts';

export type BodyFormat = 'json' | 'ndjson';

function describeJsonError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Turns a request body into a list of raw items: a JSON array, one JSON object, or NDJSON
 * (one event per line, blank lines ignored). Malformed input fails as a whole, naming where.
 */
export function parseBatch(body: string, format: BodyFormat, maxEvents: number): unknown[] {
  let items: unknown[];
  if (format === 'json') {
    // An empty array is JSON, and answers empty_batch below; an empty body is not JSON.
    const parsed = parseJsonText(body, { zh: '事件的 JSON 数组', en: 'a JSON array of events' });
    items = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    items = [];
    const lines = body.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        items.push(JSON.parse(line));
      } catch (err) {
        throw new InvalidInputError(
          'malformed_json',
          `NDJSON 第 ${i + 1} 行不是有效的 JSON / line ${i + 1} of the NDJSON body is not valid JSON: ${describeJsonError(err)}`,
          { line: i + 1 },
          400,
        );
      }
    }
  }
  if (items.length === 0) {
    throw new InvalidInputError('empty_batch', '请求体中没有事件 / the body holds no events', undefined, 400);
  }
  if (items.length > maxEvents) {
    throw new InvalidInputError(
      'too_many_events',
      `the body holds ${items.length} events; send at most ${maxEvents} per request`,
      { maxEvents },
      413,
    );
  }
  return items;
}
