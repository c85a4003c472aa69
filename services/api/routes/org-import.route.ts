import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Query, QueryBoolean } from '../../../schemas/common.schema.ts';
import { OrgImportResult, type ImportedSheet } from '../../../schemas/org-import.schema.ts';
import type { Access } from '../../access/access.ts';
import { branchScope, competitionDefinitions, competitionInScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { planWorkbookImport, readRegistryWorkbook, type WorkbookSheet } from '../../excel/registry-workbook.ts';
import { isWorkbookFile, XLSX_CONTENT_TYPE } from '../../excel/xlsx-package.ts';
import { planOrgImport, type OrgImportOptions, type OrgImportPlan } from '../../registry/plan-org-import.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { bodyCheckedByHandler } from '../route-validation.ts';
import { UPLOAD_ERROR_RESPONSES, WORKBOOK_CONTENT_TYPES, acceptUploadedBytes } from '../upload-body.ts';

type WorkbookSheetSummary = z.infer<typeof ImportedSheet>;

export interface OrgImportRouteDeps {
  catalog: Catalog;
  access: Access;
  now: () => Date;
  maxBodyBytes: number;
}

export function orgImportRoute(deps: OrgImportRouteDeps) {
  const { catalog, access } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    // The sheet arrives as bytes: whether it is a workbook, and a CSV's encoding (UTF-8, GB18030
    // from Chinese Excel, UTF-16), are worked out from the bytes, not trusted from a header Excel
    // never sets. Browsers on Windows with Excel installed label .csv files application/vnd.ms-excel.
    acceptUploadedBytes(app, ['text/csv', 'text/plain', ...WORKBOOK_CONTENT_TYPES]);

    app.withTypeProvider<ZodTypeProvider>().post('/v1/org/import', {
      bodyLimit: deps.maxBodyBytes,
      onRequest: access.require('organiser'),
      schema: {
        summary:
          '从 Excel（.xlsx）或 CSV 导入组织架构、人员或目标 / Import registry rows, persons or targets from .xlsx or CSV',
        description:
          'A roster sheet (分公司编号, 分公司名称, 单位编号, 单位名称, 单位类型, 班组编号, 班组名称, 人数), a persons sheet (人员名单: 人员编号, 姓名, 所在班组编号, optional 岗位 and 工号; one row per person, a person id on two rows is refused) or a targets sheet (竞赛编号, 班组编号, 指标, 目标值): an .xlsx workbook as the raw body (content-type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; its visible roster, persons and targets sheets are read, one of each, roster first so the others may name its new crews, all saved as one registry version; the header found below any title rows), or CSV as Excel saves it (UTF-8 with or without BOM, GB18030, UTF-16LE; content-type text/csv). Rows are upserted by id; nothing is deleted (a person the sheet leaves out is kept). Every row error is reported at once with its row, column header, cell (D7) and, in a workbook, sheet (422 invalid_rows), and then nothing is saved. A file that is no readable workbook is refused with what it is (422 not_a_workbook, workbook_xls, workbook_encrypted, workbook_corrupt …; 413 workbook_too_large past 50 MB unpacked or 100,000 rows). dryRun=true checks and counts without saving.',
        tags: ['registry'],
        querystring: Query({
          dryRun: QueryBoolean.default(false).describe('true: check and count, save nothing'),
        }),
        consumes: [XLSX_CONTENT_TYPE, 'text/csv'],
        body: z.string().describe('the .xlsx or CSV file as it is'),
        response: {
          200: OrgImportResult,
          ...UPLOAD_ERROR_RESPONSES,
        },
      },
      // The planner reads the bytes.
      validatorCompiler: bodyCheckedByHandler,
      handler: async (request) => {
        const raw: unknown = request.body;
        const bytes = raw instanceof Uint8Array ? raw : new Uint8Array();
        const { dryRun } = request.query;
        const principal = access.principal(request);
        const allowed = branchScope(principal);
        const options: OrgImportOptions = {
          competitionIds: new Set(catalog.competitionIds()),
          ...(allowed
            ? {
                allowedBranchIds: allowed,
                competitionAllowed: (id: string) =>
                  competitionInScope(principal, competitionDefinitions(catalog, id), catalog),
              }
            : {}),
        };
        // Read before the save's turn: reading does not depend on the registry, and takes a while.
        const workbook: WorkbookSheet[] | undefined =
          isWorkbookFile(bytes) || request.headers['content-type']?.startsWith(XLSX_CONTENT_TYPE)
            ? await readRegistryWorkbook(bytes)
            : undefined;
        // Planned against the latest registry inside the save's turn, so a concurrent import or
        // PUT is merged with, not overwritten.
        const { version, result: plan } = await catalog.updateOrg((current) => {
          const planned: OrgImportPlan & { sheets?: WorkbookSheetSummary[] } = workbook
            ? planWorkbookImport(current, workbook, options)
            : planOrgImport(current, bytes, options);
          const save = planned.errors.length === 0 && planned.changed && !dryRun;
          return { org: save ? planned.org : null, result: planned };
        }, deps.now());
        if (plan.errors.length > 0) {
          throw new InvalidInputError(
            'invalid_rows',
            `${plan.errors.length} 处错误，未保存任何内容 / ${plan.errors.length} error(s) in the sheet; nothing was saved`,
            plan.errors,
          );
        }
        return {
          dryRun,
          sheet: plan.sheet,
          rows: plan.rows,
          ...(plan.sheets ? { sheets: plan.sheets } : {}),
          version,
          ...plan.counts,
        };
      },
    });
  };
}
