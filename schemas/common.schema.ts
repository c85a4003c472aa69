import { z } from 'zod';
// Side effect: zod's own messages come out "中文 / English" wherever a schema is used.
import './zod-messages.ts';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** Identifiers travel through URLs, Kafka keys and SQL parameters, so keep them plain ASCII. */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(ID_PATTERN, 'use letters, digits and . _ : - (start with a letter or digit)');

// ---- text: what storage can hold and a screen or a spreadsheet shows as written ----

/**
 * Code points no text may hold: C0 and C1 control characters (NUL among them; storage and
 * terminals treat them as commands), bidirectional embeddings, overrides and isolates (they make
 * a name read differently from how it is stored), and lone UTF-16 surrogates (not Unicode at all:
 * ClickHouse refuses the whole INSERT). With the `u` flag a paired surrogate is one astral code
 * point, so only a lone one matches \uD800-\uDFFF. Free text may keep tabs and line breaks.
 */
const NOT_IN_TEXT = String.raw`\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF`;
const NOT_IN_LINE = String.raw`\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF`;
/**
 * What shows as nothing: every Unicode space, the invisible format characters (zero-width
 * space and joiners, soft hyphen, word joiner, BOM …), Hangul fillers and the blank braille
 * cell. Spelt out rather than \p{…} so JSON Schema validators in other languages read the pattern.
 */
const INVISIBLE = String.raw`\t\n\v\f\r \u0085\u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u2064\u206A-\u206F\u2800\u3000\u3164\uFEFF\uFFA0`;
/** A cell starting like this is a formula to Excel, WPS and LibreOffice (CSV injection). */
const FORMULA_START = String.raw`=+\-@`;

/** The patterns are also the JSON Schema's `pattern` (ECMAScript regex with Unicode semantics). */
export const TEXT_PATTERN = new RegExp(`^[^${NOT_IN_TEXT}]*$`, 'u');
export const LINE_PATTERN = new RegExp(`^[^${NOT_IN_LINE}]*$`, 'u');
export const NAME_PATTERN = new RegExp(
  // The class lists code points one by one (with `u`, a joiner such as U+034F stands for itself).
  // eslint-disable-next-line no-misleading-character-class
  `^(?![${INVISIBLE}]*[${FORMULA_START}])(?=[\\s\\S]*[^${INVISIBLE}])[^${NOT_IN_LINE}]*$`,
  'u',
);

// eslint-disable-next-line no-misleading-character-class -- code points one by one, as above
const INVISIBLE_CHAR = new RegExp(`^[${INVISIBLE}]$`, 'u');

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a text fails its pattern, in the words of a person who has to fix it (Chinese, then English). */
export function textProblem(text: string, kind: 'text' | 'line' | 'name'): string | undefined {
  const chars = Array.from(text);
  for (const [index, char] of chars.entries()) {
    const code = char.codePointAt(0) ?? 0;
    const at = index + 1;
    if (code >= 0xd800 && code <= 0xdfff) {
      return `第 ${at} 个字符是孤立的 UTF-16 代理项 ${hex(code)}，不是有效的 Unicode 文本 / character ${at} is a lone UTF-16 surrogate ${hex(code)}, which is not valid Unicode text`;
    }
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      return `第 ${at} 个字符是双向文本控制符 ${hex(code)}，会让文字显示得与保存的不同 / character ${at} is the bidirectional control ${hex(code)}, which makes the text show differently from what is stored`;
    }
    const lineBreakOrTab = code === 0x09 || code === 0x0a || code === 0x0d;
    if (lineBreakOrTab && kind !== 'text') {
      return `第 ${at} 个字符是${code === 0x09 ? '制表符' : '换行符'}，这里只能写一行 / character ${at} is a ${code === 0x09 ? 'tab' : 'line break'}; this field is a single line`;
    }
    if (!lineBreakOrTab && (code <= 0x1f || (code >= 0x7f && code <= 0x9f))) {
      return `第 ${at} 个字符是控制字符 ${hex(code)} / character ${at} is the control character ${hex(code)}`;
    }
  }
  if (kind !== 'name') return undefined;
  const visible = chars.find((c) => !INVISIBLE_CHAR.test(c));
  if (visible === undefined) {
    return '名称不能只有空格或不可见字符 / a name needs visible characters, not only spaces or invisible ones';
  }
  if (/^[=+\-@]$/.test(visible)) {
    return `名称不能以 =、+、- 或 @ 开头（这里是 ${visible}）：电子表格会把它当作公式执行 / a name must not start with =, +, - or @ (this one starts with ${visible}): spreadsheets run such a cell as a formula`;
  }
  return undefined;
}

function textSchema(pattern: RegExp, kind: 'text' | 'line' | 'name', max: number, min: number) {
  return z
    .string()
    .min(min, {
      message: min === 1 ? '不能为空 / must not be empty' : `至少 ${min} 个字符 / at least ${min} characters`,
      abort: true,
    })
    .max(max, `不能超过 ${max} 个字符 / at most ${max} characters`)
    .regex(pattern, {
      error: (issue) => (typeof issue.input === 'string' ? textProblem(issue.input, kind) : undefined),
    });
}

/**
 * A name people read on screens and in spreadsheets (branches, units, crews, competitions,
 * indicators, screens, tokens): one line of visible text, no control or bidirectional
 * characters, not starting with = + - @ (a formula to spreadsheet programs).
 */
export const SafeName = (max = 200) => textSchema(NAME_PATTERN, 'name', max, 1);

/** Free text (notes): any Unicode text with tabs and line breaks, but no other control characters. */
export const SafeText = (max = 2000) => textSchema(TEXT_PATTERN, 'text', max, 0);

/** A short single-line text that is not a name (a product grade such as -10# diesel may start with -). */
export const SafeLine = (max = 200) => textSchema(LINE_PATTERN, 'line', max, 1);

// ---- numbers: finite, and within what a real station can reach ----

/**
 * Upper bounds of every number an event, the registry or a competition carries. They are far
 * above what a station reaches, and low enough that a year of maximal events of one crew sums
 * exactly in the daily rollup (Decimal, migration 0012) and in the doubles the engine reads
 * (below 2^53 hundredths). The README's event section lists them.
 */
export const LIMITS = {
  /** litres or tonnes in one sales event (a depot's bulk dispatch stays below) */
  volume: 1_000_000,
  /** 元 in one sales event */
  amountCny: 10_000_000,
  /** 元 an innovation saves (创效) */
  benefitCny: 1_000_000_000,
  /** person-times of one violation event; also a crew's headcount */
  persons: 10_000,
  /** the magnitude of one generic metric event's value */
  metricValue: 10_000_000,
  /** a crew's target for one metric over a competition */
  target: 1_000_000_000_000,
  /** the magnitude of any points figure of a rule (points per unit, cap, floor, …) */
  points: 1_000_000,
  /** an indicator's weight, and weightTotal */
  weight: 1_000_000,
  /** counts in veto conditions */
  count: 1_000_000,
} as const;

const grouped = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 20 });

/**
 * A finite number in [min, max] (bounds inclusive unless `exclusiveMin`), with messages that say
 * the bound. JSON's 1e400 parses to Infinity and is refused here with the same message.
 */
export function boundedNumber(min: number, max: number, options: { int?: boolean; exclusiveMin?: boolean } = {}) {
  const range = options.exclusiveMin ? `大于 ${grouped(min)}` : `不小于 ${grouped(min)}`;
  const rangeEn = options.exclusiveMin ? `greater than ${grouped(min)}` : `at least ${grouped(min)}`;
  const finite = `必须是${range}、不大于 ${grouped(max)} 的${options.int ? '整数' : '数'} / must be a ${options.int ? 'whole number' : 'number'} ${rangeEn} and at most ${grouped(max)}`;
  let schema = z.number({
    error: (issue) =>
      typeof issue.input === 'number' ? finite : `必须是数字 / must be a number, not ${describeInput(issue.input)}`,
  });
  if (options.int) schema = schema.int(finite);
  schema = options.exclusiveMin ? schema.gt(min, finite) : schema.min(min, finite);
  return schema.max(max, finite);
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return `the text ${JSON.stringify(input.slice(0, 40))}`;
  return typeof input;
}

// ---- objects: refuse fields nobody reads ----

/** Lower-case letters and digits only: personcount, person_count and PersonCount read alike. */
const folded = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known field an unknown one was probably meant to be: same letters ignoring case and _ -, or a typo or two away. */
export function closestField(unknown: string, known: readonly string[]): string | undefined {
  const target = folded(unknown);
  const same = known.find((k) => folded(k) === target);
  if (same !== undefined) return same;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(target, folded(key));
    if (distance <= Math.min(2, Math.floor(Math.max(target.length, 1) / 3)) && (!best || distance < best.distance)) {
      best = { key, distance };
    }
  }
  return best?.key;
}

export function unknownFieldMessage(key: string, known: readonly string[]): string {
  const guess = closestField(key, known);
  return guess === undefined
    ? `未知字段 "${key}"，可用字段：${known.join(', ')} / unknown field "${key}"; the fields are ${known.join(', ')}`
    : `未知字段 "${key}"，是否应为 "${guess}"？/ unknown field "${key}": did you mean "${guess}"?`;
}

/**
 * The message of an unrecognized_keys issue: one line per unknown key, in the order of
 * `issue.keys`, so zodIssuesToFieldErrors can report each key at its own path.
 */
function unknownFieldsError(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const shape = (issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  const known = Object.keys(shape);
  return issue.keys.map((key) => unknownFieldMessage(key, known)).join('\n');
}

/**
 * An object of input that refuses fields it does not know (a misspelt `personcount` would
 * otherwise be dropped and its default stored instead), naming the field it was probably meant to be.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: unknownFieldsError });
}

export const LocalizedName = strictObject({
  zh: SafeName().describe('中文名称'),
  en: SafeName().describe('English name'),
});
export type LocalizedName = z.infer<typeof LocalizedName>;

/** A calendar day, YYYY-MM-DD. */
export const IsoDate = z.iso.date();

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** ISO 8601 instant with an explicit offset, e.g. 2026-11-03T08:15:00+08:00. */
export const IsoDateTimeWithOffset = z.iso.datetime({
  offset: true,
  error: (issue) =>
    typeof issue.input === 'string' && LOCAL_DATE_TIME.test(issue.input)
      ? `缺少时区偏移：请写成 ${issue.input.replace(' ', 'T')}+08:00（北京时间）或以 Z 结尾（UTC）/ no offset: add one, e.g. ${issue.input.replace(' ', 'T')}+08:00 for Beijing time or a trailing Z for UTC`
      : '需要带时区偏移的 ISO 8601 时间，如 2026-11-03T08:15:00+08:00 / use an ISO 8601 date-time with an offset, e.g. 2026-11-03T08:15:00+08:00',
});

const ID_RULE = 'use letters, digits and . _ : - (start with a letter or digit), at most 128 characters';

/**
 * An id in a URL path (competitions, crews, screens, periods, tokens, display links). New ids
 * follow the Id rule; `stored` names ids that exist already, so one saved before the rule was
 * enforced on every route (e.g. `x' OR '1'='1`) can still be read, changed and managed.
 */
export function PathId(stored?: (id: string) => boolean) {
  return z
    .string()
    .min(1)
    .max(1024)
    .check((ctx) => {
      if (Id.safeParse(ctx.value).success || stored?.(ctx.value) === true) return;
      ctx.issues.push({ code: 'custom', message: `"${ctx.value}" is not an id: ${ID_RULE}`, input: ctx.value });
    })
    .meta({ description: `${ID_RULE}; ids stored before this rule are accepted where they exist` });
}

/** A whole number in a path or query string: digits only (not 1e3, 0x10, " 5" or -0). */
export function DigitsInt(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,15}$/, `a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** A yes/no switch in a query string: exactly true or false (not 1, yes or maybe). */
export const QueryBoolean = z
  .enum(['true', 'false'], { error: 'use true or false' })
  .transform((value) => value === 'true');

/**
 * A query string: these parameters and no others. An unknown one (a typo such as ?dryrun=true)
 * is refused with its name instead of being ignored.
 */
export function Query<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `未知的查询参数 / unknown query parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}; this address takes ${allowed.length === 0 ? 'none' : allowed.join(', ')}`
        : undefined,
  });
}
