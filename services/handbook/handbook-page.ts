import { Marked, type Tokens } from 'marked';
import { pageHead } from '../shared/html-page.ts';

/** The organiser's handbook and the guides it links, served rendered at /handbook/<file>. */
export const HANDBOOK_FILE = '组织者手册.md';
export const HANDBOOK_PATH = '/handbook';
export const HANDBOOK_CSS_PATH = '/handbook/assets/handbook.css';
export const SCREENSHOT_PATH = '/handbook/screenshots';

/** Where the Markdown points at the browser tests' pictures (a path that also works on GitHub). */
const SCREENSHOT_SOURCE = /^\.\.\/test\/browser\/screenshots\/([a-z0-9-]+\.jpg)$/;
/** A sibling guide in docs/: 考核细则.md, api.md, with an optional #section. */
const SIBLING_GUIDE = /^([^/:?#]+\.md)(#[\w-]*)?$/;

/** The address a link of a guide gets on this server; other links stay as written. */
export function servedHref(href: string): string {
  const guide = SIBLING_GUIDE.exec(href);
  if (guide) {
    const [, file = '', section = ''] = guide;
    return file === HANDBOOK_FILE
      ? `${HANDBOOK_PATH}${section}`
      : `${HANDBOOK_PATH}/${encodeURIComponent(file)}${section}`;
  }
  const picture = SCREENSHOT_SOURCE.exec(href);
  return picture ? `${SCREENSHOT_PATH}/${picture[1] ?? ''}` : href;
}

const marked = new Marked({
  gfm: true,
  walkTokens(token) {
    if (token.type === 'link' || token.type === 'image') {
      const link = token as Tokens.Link | Tokens.Image;
      link.href = servedHref(link.href);
    }
  },
});

/**
 * One guide as a page of this server: its own style, no script, the pictures and the other guides
 * linked here, so it reads the same on a plant network without the internet. The guides are the
 * project's own files, so their HTML (section anchors) is kept.
 */
export function renderGuide(markdown: string): string {
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? '使用手册';
  const body = marked.parse(markdown, { async: false });
  return `${pageHead({ title, stylesheet: HANDBOOK_CSS_PATH })}
<body>
<nav class="top"><a href="/console">工会工作台 · Console</a><a href="${HANDBOOK_PATH}">组织者手册</a><a href="/">首页 · Home</a></nav>
<main class="guide">
${body}
</main>
</body>
</html>
`;
}
