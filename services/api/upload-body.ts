import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '../../schemas/api.schema.ts';
import { XLSX_CONTENT_TYPE } from '../excel/xlsx-package.ts';

/** What browsers and Excel/WPS send a workbook as: the bytes, not the label, say what it is. */
export const WORKBOOK_CONTENT_TYPES = [XLSX_CONTENT_TYPE, 'application/octet-stream', 'application/vnd.ms-excel'];

/** A file upload route takes its body as raw bytes; its reader checks them and reports at the cell. */
export function acceptUploadedBytes(app: FastifyInstance, contentTypes: readonly string[]): void {
  app.addContentTypeParser([...contentTypes], { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });
}

/** The refusals an upload can get: bad request, no or wrong token, too large, wrong type, unreadable. */
export const UPLOAD_ERROR_RESPONSES = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  422: ErrorResponse,
};
