import { translator } from './i18n/i18n.ts';

/** The page's language and words, chosen once from the address (?lang=en), from the one catalogue per language. */
export const { lang, t } = translator(location.search);
