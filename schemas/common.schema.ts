import { z } from 'zod';

/** Identifiers travel through URLs, Kafka keys and SQL parameters, so keep them plain ASCII. */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits and . _ : - (start with a letter or digit)');

export const LocalizedName = z.object({
  zh: z.string().min(1).max(200).describe('中文名称'),
  en: z.string().min(1).max(200).describe('English name'),
});
export type LocalizedName = z.infer<typeof LocalizedName>;

/** A calendar day, YYYY-MM-DD. */
export const IsoDate = z.iso.date();

/** ISO 8601 instant with an explicit offset, e.g. 2026-11-03T08:15:00+08:00. */
export const IsoDateTimeWithOffset = z.iso.datetime({ offset: true });

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
