import { extname } from 'node:path';
import { UsageError } from './cli-errors.ts';
import { isEventsHeader } from './events-csv.ts';
import { readCsvHeader } from './event-source.ts';
import { runEventsImport, type EventsImportDeps } from './events-import.ts';
import { missingFile } from './command-deps.ts';
import { runOrgImport } from './org-import.ts';

export type ImportKind = { kind: 'org' } | { kind: 'events'; format: 'ndjson' | 'csv' };

/** By --kind, else by extension, and for a CSV by its header: an events sheet has eventId and occurredAt. */
export async function detectImportKind(
  file: string,
  kind: 'org' | 'events' | undefined,
  readHeader: (file: string) => Promise<string[] | undefined> = async (f) => (await readCsvHeader(f))?.header,
): Promise<ImportKind> {
  const ext = extname(file).toLowerCase();
  const format = ext === '.csv' ? 'csv' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : undefined;
  if (ext === '.xlsx') {
    if (kind === 'events') {
      throw new UsageError(
        `事件请用 CSV 或 NDJSON 导入（在 Excel 中另存为“CSV UTF-8”）：${file} / import events as CSV or NDJSON (save ${file} as "CSV UTF-8")`,
      );
    }
    // A workbook is a registry: a roster sheet, a targets sheet, or both.
    return { kind: 'org' };
  }
  if (kind === 'org') return { kind: 'org' };
  if (kind === 'events') return { kind: 'events', format: format ?? 'ndjson' };
  if (format === 'ndjson') return { kind: 'events', format };
  if (format === 'csv') {
    let header: string[] | undefined;
    try {
      header = await readHeader(file);
    } catch (error) {
      throw missingFile(file, error);
    }
    return header !== undefined && isEventsHeader(header) ? { kind: 'events', format: 'csv' } : { kind: 'org' };
  }
  throw new UsageError(
    `不知道 ${file} 是什么文件：用 .xlsx、.csv、.ndjson、.jsonl，或给出 --kind org|events / cannot tell what ${file} holds: use .xlsx, .csv, .ndjson or .jsonl, or give --kind org|events`,
  );
}

export async function runImport(
  deps: EventsImportDeps,
  options: { file: string; kind: 'org' | 'events' | undefined; dryRun: boolean; batch: number; restart: boolean },
): Promise<void> {
  const kind = await detectImportKind(options.file, options.kind);
  if (kind.kind === 'org') {
    await runOrgImport(deps, { file: options.file, dryRun: options.dryRun });
    return;
  }
  await runEventsImport(deps, {
    file: options.file,
    format: kind.format,
    batch: options.batch,
    restart: options.restart,
    dryRun: options.dryRun,
  });
}
