import { z } from 'zod';

export const ImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

/** roster: 组织架构 (one row per crew); persons: 人员名单 (one row per person); targets: 目标. */
export const RegistrySheetKind = z.enum(['roster', 'persons', 'targets']);

export const ImportedSheet = z.object({
  name: z.string().describe('the worksheet as its tab names it'),
  kind: RegistrySheetKind,
  rows: z.number().int().describe('data rows read'),
});

/** What a change of the registry saved (or on a dry run, would save), counted by kind of row. */
export const RegistryOutcome = z.object({
  dryRun: z.boolean(),
  version: z
    .number()
    .int()
    .nullable()
    .describe('the registry version saved; null on a dry run or when nothing changed'),
  branches: ImportCounts,
  units: ImportCounts,
  crews: ImportCounts,
  persons: ImportCounts.describe('人员 (个人赛)'),
  targets: ImportCounts,
});

export const OrgImportResult = RegistryOutcome.extend({
  sheet: RegistrySheetKind.describe(
    'roster: one row per crew with its unit and branch (组织架构); persons: one row per person with their crew (人员名单); targets: one row per crew target (目标). A workbook with several: the first read (roster, then persons, then targets)',
  ),
  rows: z.number().int().describe('data rows read (of every sheet read)'),
  sheets: z
    .array(ImportedSheet)
    .optional()
    .describe(
      'a .xlsx workbook: each worksheet read (a roster, a persons and a targets sheet may come in one workbook)',
    ),
});
export type OrgImportResult = z.infer<typeof OrgImportResult>;

export const RowError = z.object({
  row: z
    .number()
    .int()
    .describe('the row as a spreadsheet numbers it (in a CSV file the header is row 1); 0: not a row of the file'),
  column: z.string().nullable().describe('the column header as written in the file'),
  cell: z
    .string()
    .optional()
    .describe('the cell as Excel names it, e.g. D7; absent when the error is about a whole row'),
  sheet: z.string().optional().describe('in a .xlsx workbook: the worksheet, as its tab names it'),
  message: z.string(),
});
export type RowError = z.infer<typeof RowError>;
