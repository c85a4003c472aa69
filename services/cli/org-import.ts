import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { OrgImportResult, RowError } from '../../schemas/org-import.schema.ts';
import { CommandFailed } from './cli-errors.ts';
import { paint, type Output } from './cli-output.ts';
import { missingFile } from './command-deps.ts';
import { isWorkbookFile, XLSX_CONTENT_TYPE } from '../excel/xlsx-package.ts';
import { call, HttpError, type HttpClient } from './http-client.ts';
import { renderTable, thousands } from './table.ts';

const SHEET = { roster: '组织架构 roster', persons: '人员 persons', targets: '目标 targets' } as const;

/** `工作表“花名册” 第 3 行 / row 3 [人数] H3: …`: the sheet, row and cell as Excel shows them, so the organiser finds it. */
export function formatRowError(error: z.infer<typeof RowError>): string {
  const sheet = error.sheet === undefined ? '' : `工作表“${error.sheet}” `;
  const column = error.column === null ? '' : ` [${error.column}]`;
  const cell = error.cell === undefined ? '' : ` ${error.cell}`;
  return `${sheet}第 ${error.row} 行 / row ${error.row}${column}${cell}: ${error.message}`;
}

export function renderOrgImport(result: OrgImportResult, color: boolean): string[] {
  const p = paint(color);
  // A workbook may hold a roster, a persons and a targets sheet: each named as its tab is.
  const read = result.sheets
    ? result.sheets.map((s) => `“${s.name}” ${SHEET[s.kind]} ${thousands(s.rows)} 行 rows`).join(', ')
    : `${SHEET[result.sheet]}, ${thousands(result.rows)} 行 rows`;
  const head = result.dryRun
    ? `试运行，未保存 / dry run, nothing saved: ${read}`
    : result.version === null
      ? `没有变化，未保存新版本 / nothing changed, no new version: ${read}`
      : `已导入 / imported ${read}: 组织架构版本 / registry version ${result.version}`;
  const kinds = [
    ['分公司 branches', result.branches],
    ['单位 units', result.units],
    ['班组 crews', result.crews],
    ['人员 persons', result.persons],
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

/** A registry CSV or .xlsx workbook goes to the server as it is: the server reads it, checks every row, saves all or nothing. */
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
      contentType: isWorkbookFile(bytes) ? XLSX_CONTENT_TYPE : 'text/csv',
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
