import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

/** indicators[0].rule.metric, as the API writes paths. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * The segments of a path the server wrote: `participants.crewIds[2]` and the dotted form
 * `participants.crewIds.2` alike. A leading `body` or `definition` (request validation names the
 * part of the request) is dropped: the YAML file holds the definition itself.
 */
export function parsePathString(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    const [, name = '', indexes = ''] = match;
    if (/^\d+$/.test(name)) segments.push(Number(name));
    else if (name !== '') segments.push(name);
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  while (segments[0] === 'body' || segments[0] === 'definition') segments.shift();
  return segments;
}

/**
 * Where a path points in the YAML file: the key of a map entry (that is where an editor should
 * jump for a wrong value too), the start of a sequence item; for a path that does not exist (a
 * missing field) the nearest existing parent.
 */
export function locate(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      const start = rangeStart(item);
      if (start === undefined) break;
      offset = start;
      node = item;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Partial<Node> | null | undefined)?.range;
  return range ? range[0] : undefined;
}
