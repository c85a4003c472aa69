/**
 * The API words its errors "中文 / English" (zod's own ones too: schemas/zod-messages.ts). The console
 * shows the part in its language, and puts English-only messages it knows into Chinese.
 */
import { ZOD_MESSAGES_ZH } from '../../../../schemas/zod-messages-zh.ts';

/** The product's own English-only messages (older answers; schemas that word their own). */
const OWN_ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^use letters, digits and \. _ : - \(start with a letter or digit\)$/,
    () => '只能用字母、数字和 . _ : -（以字母或数字开头）',
  ],
  [/^period\.end is before period\.start$/, () => '结束日期早于开始日期'],
  [/^stage end is before its start$/, () => '阶段结束日期早于开始日期'],
  [/^cap is below floor$/, () => '上限低于下限'],
  [/^duplicate indicator id "(.+)"$/, (m) => `指标编号 "${m[1]}" 重复`],
  [/^duplicate stage id "(.+)"$/, (m) => `阶段编号 "${m[1]}" 重复`],
  [/^unknown indicator "(.+)"$/, (m) => `没有指标 "${m[1]}"`],
  [/^rankingGroups must include "overall"$/, () => '必须包含总排名'],
  [
    /^indicator weights add up to (.+) \((.+)\); weightTotal says they must add up to (.+)$/,
    (m) => `各指标权重合计 ${m[1]}（${m[2]}），应为 ${m[3]}`,
  ],
  [
    /^stage (\S+) – (\S+) is outside the competition period (\S+) – (\S+)$/,
    (m) => `阶段 ${m[1]} 至 ${m[2]} 超出竞赛周期 ${m[3]} 至 ${m[4]}`,
  ],
  [
    /^stage "(.+)" \((.+)\) overlaps stage "(.+)" \((.+)\)$/,
    (m) => `阶段“${m[1]}”（${m[2]}）与阶段“${m[3]}”（${m[4]}）重叠`,
  ],
  [/^a colour as #rrggbb$/, () => '颜色格式应为 #rrggbb'],
];

export function apiMessage(message: string, lang: 'zh' | 'en'): string {
  const split = message.indexOf(' / ');
  if (split > 0 && /[\u4e00-\u9fff]/.test(message.slice(0, split))) {
    return lang === 'zh' ? message.slice(0, split) : message.slice(split + 3);
  }
  if (lang === 'zh') {
    for (const [pattern, zh] of [...ZOD_MESSAGES_ZH, ...OWN_ZH]) {
      const match = pattern.exec(message);
      if (match) return zh(match);
    }
  }
  return message;
}
