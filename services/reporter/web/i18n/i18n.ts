import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Chinese unless the address asks for ?lang=en. */
export function translator(search: string): { lang: 'zh-CN' | 'en'; t: Translate } {
  const lang = new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh-CN';
  const words: Record<MessageKey, string> = lang === 'en' ? en : zhCN;
  return {
    lang,
    t: (key, vars = {}) => words[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)),
  };
}
