/**
 * NotifyFact's markdown subset ("## " headings, "**bold**", "- " lists, "[text](url)" links,
 * "> " quotes) in each platform's dialect, and cut to each platform's size limit keeping the link
 * that ends the message (the reader can always open the full result).
 */

const LINK = /\[[^\]\n]+\]\([^)\s]+\)/u;
const HEADING = /^#{1,6} /u;
export const TRUNCATED = '…（内容过长，其余从略，请打开链接查看）';

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The longest prefix of whole code points within maxBytes. */
function cutToBytes(text: string, maxBytes: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    const size = utf8Bytes(char);
    if (used + size > maxBytes) break;
    used += size;
    out += char;
  }
  return out;
}

/**
 * The text itself when it fits; otherwise whole lines from the start, the truncation note, and
 * the last line holding a link (the screen or result page), all within maxBytes of UTF-8.
 */
export function fitBytes(markdown: string, maxBytes: number): string {
  if (utf8Bytes(markdown) <= maxBytes) return markdown;
  const lines = markdown.split('\n');
  const linkAt = lines.findLastIndex((line) => LINK.test(line));
  const tail = [TRUNCATED, ...(linkAt >= 0 ? [lines[linkAt] ?? ''] : [])].join('\n');
  const budget = maxBytes - utf8Bytes(tail) - 1;
  if (budget <= 0) return cutToBytes(tail, maxBytes);
  const head: string[] = [];
  let used = 0;
  for (const line of lines.slice(0, linkAt >= 0 ? linkAt : lines.length)) {
    const cost = utf8Bytes(line) + (head.length > 0 ? 1 : 0);
    if (used + cost > budget) {
      // A first line longer than the whole budget (a very long heading) is cut, not dropped.
      if (head.length === 0) head.push(cutToBytes(line, budget));
      break;
    }
    head.push(line);
    used += cost;
  }
  return [...head, tail].join('\n');
}

/** The message with its title as a heading, unless the body already starts with one. */
function withHeading(title: string, markdown: string, level: string): string {
  const body = markdown.trim();
  return HEADING.test(body) ? body : `${level} ${title}\n${body}`;
}

/** 企业微信 group robot markdown: content ≤ 4096 bytes of UTF-8 (longer is refused with errcode 40058). */
export const WECOM_MAX_BYTES = 4096;

export function wecomContent(title: string, markdown: string): string {
  return fitBytes(withHeading(title, markdown, '###'), WECOM_MAX_BYTES);
}

/**
 * 飞书 refuses a request body over 20 KB; 钉钉 documents no figure. Both stay well under it, the
 * rest of the body (title, card frame, signature) included.
 */
export const CARD_MAX_BYTES = 18_000;

/**
 * 钉钉 markdown: the title shows in the chat list and notifications only, so the text carries it
 * as a heading too. 钉钉 joins lines separated by a single line break: a blank line between lines
 * keeps each of them on its own.
 */
export function dingtalkText(title: string, markdown: string): string {
  const text = withHeading(title, markdown, '###')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n\n');
  return fitBytes(text, CARD_MAX_BYTES);
}

/**
 * 飞书 card markdown element: the card's header shows the title; headings and quotes are not part
 * of the card markdown, so a heading becomes a bold line and a quote plain text.
 */
export function feishuMarkdown(markdown: string): string {
  const text = markdown
    .trim()
    .split('\n')
    .map((line) => {
      if (HEADING.test(line)) return `**${line.replace(HEADING, '').trim()}**`;
      if (line.startsWith('> ')) return line.slice(2);
      return line;
    })
    .join('\n');
  return fitBytes(text, CARD_MAX_BYTES);
}
