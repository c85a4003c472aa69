import type { ItemCounts, SheetDeduction } from '../../schemas/sheet.schema.ts';

/**
 * 扣分标准 as unions write it, turned into a sheet rule only where the text says one thing:
 * "每发现一处扣1分" (per finding), "未建立台账扣3分" (fixed), "第一次扣1分，第二次扣3分（警告），
 * 第三次及以上扣5分（黄牌）" (escalating), "一票否决" (veto), "每项加1分" (bonus). Anything else
 * ("扣1-3分", "酌情扣分", two deductions for different lapses) is left for the organiser.
 */
export type ParsedStandard =
  | { readonly kind: 'deduction'; readonly deduction: SheetDeduction; readonly counts?: ItemCounts }
  | { readonly kind: 'veto' }
  | { readonly kind: 'bonus'; readonly pointsEach: number }
  | { readonly kind: 'unclear'; readonly zh: string; readonly en: string };

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** "3", "0.5", "半", "三", "十", "十五", "二十" → the number; anything else NaN. */
export function numberOf(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === '半') return 0.5;
  const tens = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(text);
  if (tens) return (tens[1] ? (DIGITS[tens[1]] ?? NaN) : 1) * 10 + (tens[2] ? (DIGITS[tens[2]] ?? NaN) : 0);
  if (text.length === 1 && DIGITS[text] !== undefined) return DIGITS[text];
  return NaN;
}

/** Full-width digits and punctuation as ASCII, so one pattern reads both. */
export function normaliseText(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.')
    .replace(/[－—~～]/g, '-')
    .replace(/\s+/g, '');
}

const NUMBER = '(\\d+(?:\\.\\d+)?|半|[一二两三四五六七八九十]{1,3})';
const DEDUCT = new RegExp(`扣(?:除)?${NUMBER}分`, 'g');
const ADD = new RegExp(`加${NUMBER}分`, 'g');
const RANGE = new RegExp(`[扣加]${NUMBER}-${NUMBER}分|酌情|视情|适当`);
const PER_FINDING = /每|[一1](?:处|次|项|人次|人|起|个|条|例|台|份)/;
const ORDINAL = /第[一二三四五六七八九十\d]+次|首次|再次|又|重复|及以上/;

function amounts(text: string, pattern: RegExp): number[] {
  return [...text.matchAll(pattern)].map((m) => numberOf(m[1] ?? ''));
}

/** Events an item's text says it counts: "三违…人次", "轻伤…一人次". */
function countsOf(text: string): ItemCounts | undefined {
  if (/三违|违章/.test(text)) return { event: 'violation', measure: /人次|每人/.test(text) ? 'persons' : 'events' };
  if (/轻伤/.test(text) && !/重伤|死亡/.test(text)) return { event: 'incident', severities: ['minor_injury'] };
  return undefined;
}

/** One 扣分标准 cell (the item's name helps: "三违" there means the item counts violations). */
export function parseStandard(standard: string, itemName = ''): ParsedStandard {
  const text = normaliseText(standard);
  if (text === '') return { kind: 'unclear', zh: '扣分标准为空', en: 'the deduction standard is blank' };
  if (/一票否决|否决/.test(text)) return { kind: 'veto' };
  if (RANGE.test(text)) {
    return {
      kind: 'unclear',
      zh: '扣分幅度不确定（如“扣1-3分”“酌情扣分”），请选定一种扣分方式',
      en: 'the deduction is a range or left to judgement ("扣1-3分", "酌情"): choose one rule',
    };
  }
  const deducted = amounts(text, DEDUCT);
  const added = amounts(text, ADD);
  if (deducted.some((n) => !(n > 0)) || added.some((n) => !(n > 0))) {
    return { kind: 'unclear', zh: '扣分分值读不出', en: 'a number in the standard cannot be read' };
  }
  if (deducted.length === 0 && added.length === 1) return { kind: 'bonus', pointsEach: added[0] ?? 0 };
  if (deducted.length === 0) {
    return {
      kind: 'unclear',
      zh: '没有找到“扣N分”，请填写扣分方式',
      en: 'no "扣N分" (deduct N points) found: fill in the deduction',
    };
  }
  if (added.length > 0) {
    return { kind: 'unclear', zh: '同时有加分和扣分', en: 'the standard both adds and deducts points' };
  }
  const counts = countsOf(`${normaliseText(itemName)}${text}`);
  const withCounts = counts ? { counts } : {};
  if (deducted.length === 1) {
    const points = deducted[0] ?? 0;
    const deduction: SheetDeduction = PER_FINDING.test(text)
      ? { kind: 'per_finding', points }
      : { kind: 'fixed', points };
    return { kind: 'deduction', deduction, ...withCounts };
  }
  if (ORDINAL.test(text))
    return { kind: 'deduction', deduction: { kind: 'escalating', steps: deducted }, ...withCounts };
  return {
    kind: 'unclear',
    zh: `有 ${deducted.length} 个扣分值（${deducted.join('、')} 分）但不是逐次加重：请拆成几个考核项目，或选定一种扣分方式`,
    en: `${deducted.length} deductions (${deducted.join(', ')}) that are not repeat steps: split the item or choose one rule`,
  };
}
