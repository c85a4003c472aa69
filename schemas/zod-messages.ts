import { z } from 'zod';
import { ZOD_MESSAGES_ZH } from './zod-messages-zh.ts';

/**
 * zod words its own messages in English ("Too small: expected number to be >=0"). Organisers read
 * them in the console, the CLI and import reports, so every message zod writes itself comes out
 * "中文 / English", the shape every other message of the product has. The Chinese is ours for the
 * common ones (plain words an organiser uses, not zod's literal translation) and zod's own zh-CN
 * locale for the rest. Messages a schema writes itself are left as they are.
 */
const english = z.locales.en().localeError;
const chinese = z.locales.zhCN().localeError;

function text(message: ReturnType<typeof english>): string | undefined {
  return typeof message === 'string' ? message : message?.message;
}

/** "中文 / English" for a message zod writes itself. */
export function bilingualZodMessage(issue: Parameters<typeof english>[0]): string | undefined {
  const en = text(english(issue));
  if (en === undefined) return undefined;
  for (const [pattern, zh] of ZOD_MESSAGES_ZH) {
    const match = pattern.exec(en);
    if (match) return `${zh(match)} / ${en}`;
  }
  const zh = text(chinese(issue));
  return zh === undefined ? en : `${zh} / ${en}`;
}

z.config({ localeError: bilingualZodMessage });
