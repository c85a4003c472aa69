import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Query } from '../../../schemas/common.schema.ts';
import { SheetImportResult } from '../../../schemas/sheet-import.schema.ts';
import type { Access } from '../../access/access.ts';
import { readAssessmentSheetWorkbook } from '../../excel/assessment-sheet-workbook.ts';
import { XLSX_CONTENT_TYPE } from '../../excel/xlsx-package.ts';
import { bodyCheckedByHandler } from '../route-validation.ts';
import { UPLOAD_ERROR_RESPONSES, WORKBOOK_CONTENT_TYPES, acceptUploadedBytes } from '../upload-body.ts';

export interface SheetImportRouteDeps {
  access: Access;
  maxBodyBytes: number;
}

/** 导入考核细则: reads an .xlsx into a draft sheet for the editor; saves nothing. */
export function sheetImportRoute(deps: SheetImportRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    // The workbook arrives as bytes (browsers label .xlsx variously; the bytes say what it is).
    acceptUploadedBytes(app, WORKBOOK_CONTENT_TYPES);

    app.withTypeProvider<ZodTypeProvider>().post('/v1/sheet-import', {
      bodyLimit: deps.maxBodyBytes,
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '从 Excel 读取考核细则（不保存）/ Read a 考核细则 sheet from .xlsx (saves nothing)',
        description:
          'An .xlsx workbook as the raw body with the columns 类别, 考核项目, 分值, 扣分标准 (header found below any title rows; a merged or blank 类别 cell continues the category above; "组织领导（12分）" gives the category its points). 扣分标准 becomes a rule where the text is unambiguous: "每发现一处扣1分" per finding, "未建立台账扣3分" fixed, "第一次扣1分，第二次扣3分，第三次及以上扣5分" escalating, "一票否决" a veto item, "每项加1分" in a 加分/鼓励 category a bonus item. Rows it cannot read come back in problems with their row, column and cell (deduction null) for the organiser to complete in the editor; the draft is applied to a competition by saving a version as usual.',
        tags: ['competitions'],
        querystring: Query({}),
        consumes: [XLSX_CONTENT_TYPE],
        body: z.string().describe('the .xlsx file as it is'),
        response: {
          200: SheetImportResult,
          ...UPLOAD_ERROR_RESPONSES,
        },
      },
      // The reader checks the bytes.
      validatorCompiler: bodyCheckedByHandler,
      handler: async (request) => {
        const raw: unknown = request.body;
        return readAssessmentSheetWorkbook(raw instanceof Uint8Array ? raw : new Uint8Array());
      },
    });
  };
}
