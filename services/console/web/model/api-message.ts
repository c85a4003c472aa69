/**
 * The API words its errors "中文 / English" (and zod's own messages in English only). The console
 * shows the part in its language, and puts zod's commonest messages into Chinese.
 */
const ZOD_ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Too small: expected number to be >=(-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too small: expected number to be >(-?[\d.]+)$/, (m) => `必须大于 ${m[1]}`],
  [/^Too big: expected number to be <=(-?[\d.]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Too big: expected number to be <(-?[\d.]+)$/, (m) => `必须小于 ${m[1]}`],
  [/^Too small: expected string to have >=1 characters$/, () => '不能为空'],
  [/^Too small: expected string to have >=(\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Too big: expected string to have <=(\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `至少需要 ${m[1]} 项`],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `最多 ${m[1]} 项`],
  [/^Invalid input: expected number, received (\w+)$/, () => '请填写数字'],
  [/^Invalid input: expected string, received undefined$/, () => '必填'],
  [/^Invalid input: expected \w+, received undefined$/, () => '必填'],
  [/^Invalid input: expected int, received number$/, () => '请填写整数'],
  [/^Invalid ISO date$/, () => '日期格式应为 YYYY-MM-DD'],
  [/^Invalid option: expected one of (.+)$/, (m) => `只能是 ${m[1]}`],
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
    for (const [pattern, zh] of ZOD_ZH) {
      const match = pattern.exec(message);
      if (match) return zh(match);
    }
  }
  return message;
}
