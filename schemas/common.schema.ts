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
