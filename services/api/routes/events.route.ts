import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse, IngestRejectedResponse, IngestResponse } from '../../../schemas/api.schema.ts';
import { MetricEventSchema } from '../../../schemas/event.schema.ts';
import type { IngestReport } from '../../pipeline/ingest-pipeline.ts';
import { parseBatch, type BodyFormat } from '../../pipeline/parse-step.ts';
import { bodyCheckedByHandler } from '../route-validation.ts';

export interface EventsRouteDeps {
  ingest: (items: readonly unknown[]) => Promise<IngestReport>;
  /** Who may send events: an onRequest hook that throws 401 / 403 before the body is read. */
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** Whether the sender may send events for these crews: throws 403 and nothing is stored. */
  authorizeCrews: (request: FastifyRequest, items: readonly unknown[]) => void;
  maxEventsPerRequest: number;
  maxBodyBytes: number;
}

export function eventsRoute(deps: EventsRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    // The body is read as text so the pipeline can report every bad event by index,
    // and NDJSON lines by number, instead of failing on the first.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      ['application/json', 'application/x-ndjson'],
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, body);
      },
    );

    app.withTypeProvider<ZodTypeProvider>().post('/v1/events', {
      bodyLimit: deps.maxBodyBytes,
      onRequest: deps.authenticate,
      schema: {
        summary: '上报班组指标事件 / Send crew metric events',
        description: `A JSON array (application/json) or one event per line (application/x-ndjson), at most ${deps.maxEventsPerRequest} events and ${deps.maxBodyBytes} bytes. All-or-nothing: if any event is rejected, none is stored and every rejected event is listed (422). Events already stored (same crewId and eventId) are reported as duplicates and not counted again; a repeat with other content is reported as a conflict (not stored: the first version stays). Storage refusing a value validation let through refuses only its batch (422 storage_refused, naming the events and fields).`,
        tags: ['events'],
        body: z.array(MetricEventSchema),
        response: {
          200: IngestResponse,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          413: ErrorResponse,
          415: ErrorResponse,
          422: IngestRejectedResponse,
        },
      },
      // Events are validated one by one in the pipeline, so every bad one is reported.
      validatorCompiler: bodyCheckedByHandler,
      handler: async (request, reply) => {
        const format: BodyFormat = (request.headers['content-type'] ?? '').includes('ndjson') ? 'ndjson' : 'json';
        // The content-type parsers above hand the body over as text.
        const raw: unknown = request.body;
        const items = parseBatch(typeof raw === 'string' ? raw : '', format, deps.maxEventsPerRequest);
        deps.authorizeCrews(request, items);
        const { storageRefusal, ...report } = await deps.ingest(items);
        if (storageRefusal !== undefined) {
          // Validation let through a value ClickHouse refuses: worth a rule in validation.
          request.log.warn({ reason: storageRefusal, rejected: report.rejected }, 'storage refused a batch');
          return reply.code(422).send({
            error: {
              code: 'storage_refused' as const,
              message: `存储拒绝了这批事件，均未保存 / storage refused ${report.rejected.length === 0 ? 'the batch' : `${report.rejected.length} of ${items.length} events`}; nothing was stored. Fix ${report.rejected.length === 0 ? 'the batch' : 'them'} and resend the batch. (${storageRefusal})`,
            },
            ...report,
          });
        }
        if (report.rejected.length === 0) return reply.code(200).send(report);
        return reply.code(422).send({
          error: {
            code: 'validation_failed' as const,
            message: `${report.rejected.length} of ${items.length} events rejected; nothing was stored. Fix them and resend the batch.`,
          },
          ...report,
        });
      },
    });
  };
}
