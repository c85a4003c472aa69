/**
 * Words on the screen and the landing page, Chinese first. Pure (no DOM) so unit tests run in node.
 */

export type Lang = 'zh' | 'en';

export interface Localized {
  zh: string;
  en: string;
}

/** `?lang=en` switches to English; anything else keeps Chinese, the language of the crews. */
export function parseLang(value: string | null | undefined): Lang {
  return value?.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}

export function pick(name: Localized, lang: Lang): string {
  return name[lang] || name.zh || name.en;
}

const WORDS = {
  rank: { zh: '名次', en: 'Rank' },
  movement: { zh: '升降', en: '±' },
  branch: { zh: '分公司', en: 'Branch' },
  score: { zh: '得分', en: 'Score' },
  asOf: { zh: '统计日', en: 'As of' },
  live: { zh: '实时', en: 'Live' },
  upcoming: { zh: '未开始', en: 'Not started' },
  ended: { zh: '已结束', en: 'Ended' },
  closed: { zh: '已结算', en: 'Final' },
  finalResults: { zh: '最终成绩', en: 'Final standings' },
  closedAtWord: { zh: '结算于', en: 'closed' },
  connecting: { zh: '正在连接…', en: 'Connecting…' },
  stale: { zh: '数据已过时', en: 'Data stale' },
  lastUpdate: { zh: '最后更新', en: 'last update' },
  reconnecting: { zh: '正在重新连接', en: 'reconnecting' },
  never: { zh: '尚无数据', en: 'no data yet' },
  noRows: { zh: '暂无排名数据', en: 'No standings yet' },
  startsOn: { zh: '{day} 开始', en: 'Starts {day}' },
  startsOnSentence: { zh: '竞赛将于 {day} 开始', en: 'The competition starts on {day}' },
  veto: { zh: '一票否决', en: 'Veto' },
  vetoed: { zh: '一票否决 · 不参与排名', en: 'Vetoed · not ranked' },
  notEligible: { zh: '无评优资格', en: 'Not eligible' },
  page: { zh: '页', en: 'Page' },
  labour: { zh: '劳动竞赛', en: 'Labour competition' },
  ankang: { zh: '安康杯', en: 'Ankang Cup' },
  revokedTitle: { zh: '此大屏链接已失效', en: 'This display link is no longer valid' },
  revokedBody: {
    zh: '链接已被撤销或不属于此大屏。请联系竞赛组织者获取新的大屏链接。',
    en: 'The link was revoked or belongs to another screen. Ask the competition organiser for a new display link.',
  },
  upLegend: { zh: '▲ 名次上升', en: '▲ moved up' },
  downLegend: { zh: '▼ 名次下降', en: '▼ moved down' },
  sinceYesterday: { zh: '较昨日', en: 'vs yesterday' },
  liveLegend: { zh: '刚刚上升', en: 'just moved up' },
  pageOf: { zh: '第 {page}/{pages} 页', en: 'Page {page}/{pages}' },
  innovationCrews: { zh: '本月有创新成果的班组 {total} 个', en: '{total} crews with innovations this month' },
  in_notice: {
    zh: '结果公示中 · 公示至 {day} · 如有异议请实名向工会反映',
    en: 'Results on public notice until {day} · objections to the union, under your name',
  },
  notice_ended: { zh: '公示期已满（{day}）· 待确认为正式结果', en: 'Notice ended ({day}) · awaiting confirmation' },
  final: { zh: '正式结果 · 已确认', en: 'Official results · confirmed' },
  noReports: { zh: '尚无上报数据 · 等待第一条上报', en: 'No reports yet · waiting for the first one' },
  noEntrants: {
    zh: '尚无参赛班组 · 请在工会工作台导入花名册',
    en: 'No crews entered yet · import the roster in the console',
  },
  landingNoCompetitions: {
    zh: '还没有竞赛：打开工会工作台，导入花名册，再从模板创建第一个竞赛。',
    en: 'No competitions yet: open the console, import the roster, then create the first competition from a template.',
  },
  landingNoScreens: {
    zh: '还没有大屏：每个竞赛发布后自动生成默认大屏。',
    en: 'No screens yet: each competition gets its default screen when it is published.',
  },
  openConsole: { zh: '打开工会工作台', en: 'Open the console' },
  handbook: { zh: '组织者手册', en: 'Organiser’s handbook (Chinese)' },
} as const satisfies Record<string, Localized>;

export type WordKey = keyof typeof WORDS;

export function t(key: WordKey, lang: Lang, vars: Record<string, string | number> = {}): string {
  return WORDS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

/** 重伤及以上事故一票否决：重伤 1 起 in Chinese; full-width punctuation belongs to Chinese text only. */
export function vetoReasons(row: { vetoes: readonly { name: Localized; reason: Localized }[] }, lang: Lang): string {
  const [colon, semicolon] = lang === 'zh' ? ['：', '；'] : [': ', '; '];
  return row.vetoes.map((v) => `${pick(v.name, lang)}${colon}${pick(v.reason, lang)}`).join(semicolon);
}

/** What failed 评优条件 saw, short enough for a row: 重伤 1 起；总分 78（需 ≥ 80）. */
export function gateReasons(
  row: { award: { failedGates: readonly { reason: Localized }[] } | null },
  lang: Lang,
): string {
  return (row.award?.failedGates ?? []).map((g) => pick(g.reason, lang)).join(lang === 'zh' ? '；' : '; ');
}
