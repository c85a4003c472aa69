import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import { PrintFinalStandingsQuery, PrintStandingsQuery } from '../../../schemas/results.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { PRINT_CSS_PATH, PRINT_SCRIPT, PRINT_SCRIPT_PATH, renderPrintPage } from '../../print/print-page.ts';
import type { ResultsSource } from '../../results/results-source.ts';
import { sendStaticAsset, staticAsset } from '../../shared/static-asset.ts';

export interface PrintPagesDeps {
  catalog: Catalog;
  results: ResultsSource;
  access: Access;
}

const html = { 200: { description: 'an HTML page', content: { 'text/html': { schema: z.string() } } } };
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/**
 * The printable 表彰名单 / 公示 pages of standings (server-rendered HTML, its style and one script
 * from this server), for the browser to print on A4 or save as PDF. Reads need what the JSON reads
 * need (a viewer token when STANDINGS_ACCESS=viewer).
 */
export function printPagesRoute(deps: PrintPagesDeps) {
  const { catalog, results, access } = deps;
  const competitionParams = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const css = staticAsset(
      await readFile(new URL('../../print/print.css', import.meta.url)),
      'text/css; charset=utf-8',
    );
    const script = staticAsset(Buffer.from(PRINT_SCRIPT), 'text/javascript; charset=utf-8');
    const r = app.withTypeProvider<ZodTypeProvider>();

    const sendPage = (reply: FastifyReply, page: string) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

    r.get('/print/competitions/:id/standings', {
      onRequest: access.read,
      schema: {
        summary: '打印排名（公示 / 表彰名单）/ Printable standings page',
        description:
          'A 公示 (title=notice) or 表彰名单 (title=commendation) page of a day’s live standings, marked 非最终结果, A4 portrait: group, competition, period, rank, crew, unit, branch, score and signature lines. Print it, or save it as PDF, from the browser.',
        tags: ['standings'],
        params: competitionParams,
        querystring: PrintStandingsQuery,
        response: { ...html, ...errors },
      },
      handler: async (request, reply) => {
        const { asOf, group, title, top } = request.query;
        const table = await results.live(request.params.id, { asOf, group });
        return sendPage(reply, renderPrintPage(table, { title, top }));
      },
    });

    r.get('/print/competitions/:id/periods/:periodId', {
      onRequest: access.read,
      schema: {
        summary: '打印结算排名（公示 / 表彰名单）/ Printable final standings page',
        description:
          'The 公示 (title=notice) or 表彰名单 (title=commendation) page of a closed period’s frozen final standings, A4 portrait, with the period’s name and days and signature lines.',
        tags: ['standings'],
        params: competitionParams.extend({ periodId: PathId() }),
        querystring: PrintFinalStandingsQuery,
        response: { ...html, ...errors },
      },
      handler: async (request, reply) => {
        const { group, title, top } = request.query;
        const table = await results.final(request.params.id, request.params.periodId, { group });
        return sendPage(reply, renderPrintPage(table, { title, top }));
      },
    });

    const hide = { hide: true } as const;
    r.get(PRINT_CSS_PATH, { schema: hide }, (request, reply) => sendStaticAsset(request, reply, css));
    r.get(PRINT_SCRIPT_PATH, { schema: hide }, (request, reply) => sendStaticAsset(request, reply, script));
  };
}
