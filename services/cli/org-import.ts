import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { OrgImportResult, RowError } from '../../schemas/org-import.schema.ts';
import { CommandFailed } from './cli-errors.ts';
import { paint, type Output } from './cli-output.ts';
import { missingFile } from './command-deps.ts';
import { call, HttpError, type HttpClient } from './http-client.ts';
import { renderTable, thousands } from './table.ts';

const SHEET = { roster: '组织架构 roster', targets: '目标 targets' } as const;

/** `第 3 行 [人数]: …`: the row as a spreadsheet numbers it, so the organiser finds it in Excel. */
export function formatRowError(error: z.infer<typeof RowError>): string {
  return `第 ${error.row} 行 / row ${error.row}${error.column === null ? '' : ` [${error.column}]`}: ${error.message}`;
}

export function renderOrgImport(result: OrgImportResult, color: boolean): string[] {
  const p = paint(color);
  const head = result.dryRun
    ? `试运行，未保存 / dry run, nothing saved: ${SHEET[result.sheet]}, ${thousands(result.rows)} 行 rows`
    : result.version === null
      ? `没有变化，未保存新版本 / nothing changed, no new version: ${SHEET[result.sheet]}, ${thousands(result.rows)} 行 rows`
      : `已导入 / imported ${SHEET[result.sheet]}, ${thousands(result.rows)} 行 rows: 组织架构版本 / registry version ${result.version}`;
  const kinds = [
    ['分公司 branches', result.branches],
    ['单位 units', result.units],
    ['班组 crews', result.crews],
    ['目标 targets', result.targets],
  ] as const;
  return [
    p.bold(head),
    ...renderTable(
      [
        { header: '' },
        { header: '新增 created', align: 'right' },
        { header: '更新 updated', align: 'right' },
        { header: '不变 unchanged', align: 'right' },
      ],
      kinds.map(([name, c]) => [name, thousands(c.created), thousands(c.updated), thousands(c.unchanged)]),
    ),
  ];
}

/** A registry CSV goes to the server as it is: the server reads the sheet, checks every row, saves all or nothing. */
export async function runOrgImport(
  deps: { http: HttpClient; out: Output },
  options: { file: string; dryRun: boolean },
): Promise<void> {
  const { http, out } = deps;
  let bytes: Uint8Array;
  try {
    // Registry sheets are small (one row per crew); events files are the ones streamed.
    bytes = await readFile(options.file);
  } catch (error) {
    throw missingFile(options.file, error);
  }
  let result: OrgImportResult;
  try {
    result = await call(http, OrgImportResult, {
      method: 'POST',
      path: '/v1/org/import',
      query: { dryRun: options.dryRun },
      body: bytes,
      contentType: 'text/csv',
    });
  } catch (error) {
    const rows =
      error instanceof HttpError && error.status === 422 ? z.array(RowError).safeParse(error.details) : undefined;
    if (rows?.success && error instanceof HttpError) {
      out.err(`${options.file}: HTTP ${error.status} ${error.code}: ${error.serverMessage}`);
      out.err(`${rows.data.length} 处问题，未保存任何数据 / ${rows.data.length} problem(s); nothing was saved:`);
      for (const row of rows.data) out.err(`  ${formatRowError(row)}`);
      throw new CommandFailed(error.message);
    }
    throw error;
  }
  for (const line of renderOrgImport(result, out.color)) out.out(line);
}
