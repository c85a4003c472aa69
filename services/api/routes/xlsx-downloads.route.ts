import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import { FinalStandingsDocumentQuery, StandingsDocumentQuery, XlsxFile } from '../../../schemas/results.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { registryWorkbook } from '../../excel/registry-export.ts';
import { standingsWorkbook } from '../../excel/standings-workbook.ts';
import { XLSX_CONTENT_TYPE } from '../../excel/xlsx-package.ts';
import type { ResultsSource } from '../../results/results-source.ts';
import type { ResultsTable } from '../../results/results-table.ts';
import { dayInZone } from '../../shared/calendar.ts';
import { attachment } from '../content-disposition.ts';

export interface XlsxDownloadsDeps {
  catalog: Catalog;
  results: ResultsSource;
  access: Access;
  now: () => Date;
  /** The zone of the registry's export date (the registry has none of its own). */
  timeZone: string;
}

const xlsx = (description: string) => ({
  200: { description, content: { [XLSX_CONTENT_TYPE]: { schema: XlsxFile } } },
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
});

function sendXlsx(reply: FastifyReply, body: Buffer, fileName: string, ascii: string): FastifyReply {
  return reply
    .header('content-type', XLSX_CONTENT_TYPE)
    .header('content-disposition', attachment(fileName, ascii))
    .header('cache-control', 'no-store')
    .send(body);
}

function groupSuffix(table: ResultsTable): string {
  return table.group.id === 'overall' ? '' : `-${table.group.label.replace(/ 排名$/, '')}`;
}

/**
 * Workbooks to download: the registry in the layout its import reads back, a day's standings and a
 * closed period's frozen final standings as union offices file and print them. Reads need what
 * the JSON reads need (a viewer token when STANDINGS_ACCESS=viewer).
 */
export function xlsxDownloadsRoute(deps: XlsxDownloadsDeps) {
  const { catalog, results, access } = deps;
  const competitionParams = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/v1/org/export.xlsx', {
      onRequest: access.read,
      schema: {
        summary: '下载组织架构（.xlsx）/ The registry as an .xlsx workbook',
        description:
          'A roster sheet (组织架构: 分公司编号 … 人数, one row per crew), a persons sheet (人员: 人员编号, 姓名, 所在班组编号, 岗位, 工号, one row per person) and a targets sheet (目标: 竞赛编号, 班组编号, 指标, 目标值) with Chinese headers, in the layout POST /v1/org/import reads back: edit it and upload it as it is. Every sheet is there even when empty, so the download is also the template.',
        tags: ['registry'],
        response: xlsx('the registry workbook'),
      },
      handler: async (_request, reply) => {
        const org = catalog.org();
        const version = catalog.orgVersion();
        const exportedOn = dayInZone(deps.now(), deps.timeZone);
        const body = await registryWorkbook(org, { version, exportedOn });
        return sendXlsx(reply, body, `${org.groupName}-组织架构-第${version}版.xlsx`, `registry-v${version}.xlsx`);
      },
    });

    r.get('/v1/competitions/:id/standings.xlsx', {
      onRequest: access.read,
      schema: {
        summary: '下载排名（.xlsx）/ Standings as an .xlsx workbook',
        description:
          'Every crew of a ranking group as of a day (as GET /v1/competitions/{id}/standings), as a union office files and prints it: a title (group, competition, 统计期间 and 统计日, marked 非最终结果), then 名次, 班组, 单位, 分公司, 人数, each indicator’s points, 总分, 否决/备注; A4 landscape, header repeated on every page.',
        tags: ['standings'],
        params: competitionParams,
        querystring: StandingsDocumentQuery,
        response: xlsx('the standings workbook'),
      },
      handler: async (request, reply) => {
        const { id } = request.params;
        const table = await results.live(id, request.query);
        const body = await standingsWorkbook(table);
        return sendXlsx(
          reply,
          body,
          `${table.competitionName}-排名${groupSuffix(table)}-${table.asOf}.xlsx`,
          `standings-${id}-${table.asOf}.xlsx`,
        );
      },
    });

    r.get('/v1/competitions/:id/periods/:periodId/standings.xlsx', {
      onRequest: access.read,
      schema: {
        summary: '下载结算排名（.xlsx）/ A closed period’s final standings as an .xlsx workbook',
        description:
          'The frozen final standings of a closed period (as GET /v1/competitions/{id}/periods/{periodId}/standings), every crew of the ranking group, in the layout of the standings workbook with the period’s name and days.',
        tags: ['standings'],
        params: competitionParams.extend({ periodId: PathId() }),
        querystring: FinalStandingsDocumentQuery,
        response: xlsx('the final standings workbook'),
      },
      handler: async (request, reply) => {
        const { id, periodId } = request.params;
        const table = await results.final(id, periodId, request.query);
        const body = await standingsWorkbook(table);
        return sendXlsx(
          reply,
          body,
          `${table.competitionName}-${table.period.name}-结算排名${groupSuffix(table)}.xlsx`,
          `final-standings-${id}-${periodId}.xlsx`,
        );
      },
    });
  };
}
