import { escapeHtml, pageHead } from '../shared/html-page.ts';

/** Why /s/<code> did not open a screen; each is a page a person reads on a TV, in Chinese then English. */
export type ShortLinkRefusal =
  | { kind: 'unknown'; typed: string }
  | { kind: 'revoked'; label: string }
  | { kind: 'too_many'; retryAfterSeconds: number };

export const SHORT_LINK_CSS_PATH = '/screens/assets/shortlink.css';

function texts(refusal: ShortLinkRefusal): { zh: [string, string]; en: [string, string] } {
  switch (refusal.kind) {
    case 'unknown': {
      const typed = `/s/${refusal.typed}`;
      return {
        zh: [
          '没有这个大屏链接',
          `“${typed}”不是有效的大屏短链接。请核对输入：短码为 8 位字母和数字，不含 0、O、1、I、L。也可请组织者在工会工作台重新生成链接。`,
        ],
        en: [
          'No such display link',
          `"${typed}" is not a display link. Check what was typed: 8 letters and digits, never 0, O, 1, I or L. Or ask the organiser for a new link from the console.`,
        ],
      };
    }
    case 'revoked':
      return {
        zh: [
          '此大屏链接已撤销',
          `组织者已撤销“${refusal.label}”的大屏链接，电视不再显示。如需继续显示，请在工会工作台为这台电视生成新链接。`,
        ],
        en: [
          'This display link was revoked',
          `The organiser revoked the display link of "${refusal.label}". To show the screen here again, make a new link for this TV in the console.`,
        ],
      };
    case 'too_many':
      return {
        zh: ['输入错误次数过多', `此地址输入了太多无效的短链接，请 ${refusal.retryAfterSeconds} 秒后再试。`],
        en: [
          'Too many wrong codes',
          `Too many unknown display links were tried from this address; try again in ${refusal.retryAfterSeconds} seconds.`,
        ],
      };
  }
}

/** The page /s/<code> answers with when it cannot open a screen (404, 410 or 429). No script; style from this server. */
export function renderShortLinkRefusal(refusal: ShortLinkRefusal): string {
  const { zh, en } = texts(refusal);
  return `${pageHead({ title: `${zh[0]} · ${en[0]}`, stylesheet: SHORT_LINK_CSS_PATH })}
<body>
<main class="card" data-refusal="${refusal.kind}" role="alert">
<div class="icon" aria-hidden="true">!</div>
<h1>${escapeHtml(zh[0])}</h1>
<p>${escapeHtml(zh[1])}</p>
<h2 lang="en">${escapeHtml(en[0])}</h2>
<p lang="en">${escapeHtml(en[1])}</p>
</main>
</body>
</html>
`;
}
