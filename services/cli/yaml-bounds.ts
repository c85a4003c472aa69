/**
 * Bounds a competition YAML must keep before it is parsed. The yaml library builds a node with
 * ranges for every item: a million-item list took 27 s and 1 GB before zod said "Too big", deep
 * nesting overflowed the stack, an alias bomb threw a stack trace. A definition is small (the
 * server takes JSON bodies up to 1 MiB, and nests about eight levels), so a file over these
 * bounds is refused in one line, before any parsing.
 */
export const MAX_COMPETITION_FILE_BYTES = 1024 * 1024;
export const MAX_YAML_NESTING = 64;
/**
 * List items in the whole file. The largest lists of a definition are participants' ids; parsing
 * costs tens of microseconds an item (a 1 MB file of 174,000 items took 7.6 s), so at this bound
 * the check stays around a second.
 */
export const MAX_YAML_ITEMS = 20_000;
/** Alias expansions the yaml library allows while it builds the value (its own default). */
export const MAX_YAML_ALIASES = 100;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function tooLargeMessage(bytes: number): string {
  return `文件有 ${megabytes(bytes)}，竞赛定义最多 1 MB，未发送 / the file is ${megabytes(bytes)}; a competition definition is at most 1 MB (${MAX_COMPETITION_FILE_BYTES} bytes), nothing was sent`;
}

/** Where a value may start: a flow bracket or a quote there opens a collection or a string. */
const VALUE_START = new Set(['', ':', '-', '[', '{', ',', '?']);

/**
 * How deeply a YAML text nests and how many list items it holds, read from its layout without
 * parsing: block levels (a stack of indentations, plus "- - " sequence markers on a line) and
 * flow brackets that open values, outside quotes and comments. An estimate that never falls below
 * what the files a person writes hold; it only has to tell eight levels from thousands.
 */
export function yamlShape(text: string): { depth: number; items: number } {
  let deepest = 0;
  let items = 0;
  let flow = 0;
  const indents: number[] = [];
  for (const line of text.split('\n')) {
    let i = 0;
    let block = indents.length;
    if (flow === 0) {
      const lead = /^( *)((?:-[ \t]+)*)/.exec(line)?.[0] ?? '';
      const rest = line.slice(lead.length).trim();
      if (rest === '' && !lead.includes('-')) continue;
      if (rest.startsWith('#')) continue;
      const indent = lead.length - lead.trimStart().length;
      while ((indents.at(-1) ?? -1) >= indent) indents.pop();
      indents.push(indent);
      const dashes = lead.match(/-/g)?.length ?? 0;
      items += dashes;
      block = indents.length + dashes;
      i = lead.length;
    }
    let previous = '';
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const c = line.charAt(i);
      if (quote !== undefined) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      if (c === '#' && (i === 0 || line.charAt(i - 1) === ' ' || line.charAt(i - 1) === '\t')) break;
      const startsValue = flow > 0 || VALUE_START.has(previous);
      if ((c === '"' || c === "'") && startsValue) quote = c;
      else if ((c === '[' || c === '{') && startsValue) {
        flow++;
        items++;
      } else if (c === ',' && flow > 0) items++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      deepest = Math.max(deepest, block + flow);
      previous = c;
    }
    deepest = Math.max(deepest, block + flow);
  }
  return { depth: deepest, items };
}

/** Why a competition YAML is refused before parsing, if it is: too large, or nested too deeply. */
export function yamlRefusal(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_COMPETITION_FILE_BYTES) return tooLargeMessage(bytes);
  const { depth, items } = yamlShape(text);
  if (depth > MAX_YAML_NESTING) {
    return `嵌套超过 ${MAX_YAML_NESTING} 层（约 ${depth} 层），竞赛定义只需十层以内，未发送 / nested more than ${MAX_YAML_NESTING} levels deep (about ${depth}); a competition definition needs fewer than ten, nothing was sent`;
  }
  if (items > MAX_YAML_ITEMS) {
    return `列表共约 ${items} 项，最多 ${MAX_YAML_ITEMS} 项（参赛范围可按分公司或单位写），未发送 / the lists hold about ${items} items, more than ${MAX_YAML_ITEMS} (name branches or units in participants rather than every crew), nothing was sent`;
  }
  return undefined;
}

export const ALIAS_BOMB_MESSAGE = `别名（*名称）展开超过 ${MAX_YAML_ALIASES} 次，请直接写出取值，未发送 / aliases (*name) expand more than ${MAX_YAML_ALIASES} times: write the values out, nothing was sent`;
