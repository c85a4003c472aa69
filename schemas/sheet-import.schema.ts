import { z } from 'zod';
import { LocalizedName } from './common.schema.ts';
import { RowError } from './org-import.schema.ts';
import { ItemCounts, SheetDeduction } from './sheet.schema.ts';

/**
 * A 考核细则 read from an .xlsx (columns 类别, 考核项目, 分值, 扣分标准) for the organiser to check
 * in the editor before it becomes part of a competition: nothing is saved by reading it. Items
 * whose 扣分标准 could not be read have deduction null and a problem at their row and column.
 */
const Row = z.number().int().describe('the row of the workbook it came from');

export const SheetDraft = z.object({
  categories: z.array(
    z.object({
      id: z.string(),
      name: LocalizedName,
      maxPoints: z.number().describe('from "（12分）" in the category cell, else the sum of its items'),
      items: z.array(
        z.object({
          id: z.string(),
          name: LocalizedName,
          maxPoints: z.number().nullable(),
          deduction: SheetDeduction.nullable().describe('null: the organiser chooses (see problems)'),
          counts: ItemCounts.optional(),
          row: Row,
        }),
      ),
    }),
  ),
  bonus: z
    .object({
      cap: z.number(),
      items: z.array(
        z.object({
          id: z.string(),
          name: LocalizedName,
          maxPoints: z.number().nullable(),
          pointsEach: z.number(),
          row: Row,
        }),
      ),
    })
    .nullable(),
  vetoItems: z.array(z.object({ id: z.string(), name: LocalizedName, row: Row })),
});
export type SheetDraft = z.infer<typeof SheetDraft>;

export const SheetImportResult = z.object({
  worksheet: z.string().describe('the worksheet read, as its tab names it'),
  rows: z.number().int().describe('data rows read'),
  sheet: SheetDraft,
  problems: z
    .array(RowError)
    .describe('rows the organiser must complete in the editor (deduction text not understood, 分值 not a number)'),
});
export type SheetImportResult = z.infer<typeof SheetImportResult>;
