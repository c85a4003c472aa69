/**
 * The Chinese an organiser reads for zod's own English messages: plain words, not zod's literal
 * translation. zod-free so the console can use it too (for answers of an older server).
 */
export type Wording = readonly [RegExp, (m: RegExpExecArray) => string];

/** zod's English message → the Chinese an organiser reads; also used by the console for old answers. */
export const ZOD_MESSAGES_ZH: readonly Wording[] = [
  [/^Too small: expected number to be >=(-?[\d.e+]+)$/, (m) => `不能小于 ${m[1] ?? ''}`],
  [/^Too small: expected number to be >(-?[\d.e+]+)$/, (m) => `必须大于 ${m[1] ?? ''}`],
  [/^Too big: expected number to be <=(-?[\d.e+]+)$/, (m) => `不能大于 ${m[1] ?? ''}`],
  [/^Too big: expected number to be <(-?[\d.e+]+)$/, (m) => `必须小于 ${m[1] ?? ''}`],
  [/^Too small: expected string to have >=1 characters$/, () => '不能为空'],
  [/^Too small: expected string to have >=(\d+) characters$/, (m) => `至少 ${m[1] ?? ''} 个字符`],
  [/^Too big: expected string to have <=(\d+) characters$/, (m) => `最多 ${m[1] ?? ''} 个字符`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `至少需要 ${m[1] ?? ''} 项`],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `最多 ${m[1] ?? ''} 项`],
  [/^Invalid input: expected number, received (\w+)$/, () => '请填写数字'],
  [/^Invalid input: expected string, received undefined$/, () => '必填'],
  [/^Invalid input: expected \w+, received undefined$/, () => '必填'],
  [/^Invalid input: expected int, received number$/, () => '请填写整数'],
  [/^Invalid input: expected string, received (\w+)$/, () => '应为文字'],
  [/^Invalid input: expected boolean, received (\w+)$/, () => '应为 true 或 false'],
  [/^Invalid input: expected array, received (\w+)$/, () => '应为列表'],
  [/^Invalid input: expected object, received (\w+)$/, () => '应为对象'],
  [/^Invalid ISO date$/, () => '日期格式应为 YYYY-MM-DD'],
  [/^Invalid option: expected one of (.+)$/, (m) => `只能是 ${m[1] ?? ''}`],
  [/^Invalid input: expected (.+)$/, (m) => `只能是 ${m[1] ?? ''}`],
  [/^Invalid discriminator value\. Expected (.+)$/, (m) => `类型只能是 ${m[1] ?? ''}`],
  [/^Invalid input$/, () => '无效输入'],
  [/^Unrecognized keys?: (.+)$/, (m) => `不认识的字段 ${m[1] ?? ''}`],
];
