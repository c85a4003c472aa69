import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type Lang = 'zh' | 'en';

export interface Named {
  zh: string;
  en: string;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** A name in the console's language (the Chinese one when the English one is blank). */
  name: (named: Named | undefined) => string;
  /** A metric key as people call it: 销量（升）, or the key itself for a generic metric.<name>. */
  metric: (key: string) => string;
}

const CATALOGUES = { zh: zhCN, en } as const;
const LANG_KEY = 'leaderboard.console.lang';

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = CATALOGUES[lang][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl) return fromUrl.startsWith('en') ? 'en' : 'zh';
  try {
    return window.localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

const Context = createContext<I18n | null>(null);

export function I18nProvider(props: { children: (lang: Lang) => ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang(next) {
        setLangState(next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        try {
          window.localStorage.setItem(LANG_KEY, next);
        } catch {
          // Not remembered across visits; still switched now.
        }
      },
      t: (key, vars) => translate(lang, key, vars),
      name: (named) => (named ? (lang === 'en' ? named.en || named.zh : named.zh || named.en) : ''),
      metric: (key) => {
        const known = `metric.${key}`;
        return known in CATALOGUES[lang] ? translate(lang, known as MessageKey) : key;
      },
    }),
    [lang],
  );
  return <Context.Provider value={value}>{props.children(lang)}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
