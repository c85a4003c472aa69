import { z } from 'zod';

export const ImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
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
  targets: ImportCounts,
});

export const OrgImportResult = RegistryOutcome.extend({
  sheet: z
    .enum(['roster', 'targets'])
    .describe('roster: one row per crew with its unit and branch (组织架构); targets: one row per crew target (目标)'),
  rows: z.number().int().describe('data rows read'),
});
export type OrgImportResult = z.infer<typeof OrgImportResult>;

export const RowError = z.object({
  row: z.number().int().describe('line of the file as a spreadsheet numbers it: the header is row 1'),
  column: z.string().nullable().describe('the column header as written in the file'),
  message: z.string(),
});
export type RowError = z.infer<typeof RowError>;
