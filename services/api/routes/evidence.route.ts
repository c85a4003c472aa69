import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../../../schemas/access.schema.ts';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { Id, Query, QueryBoolean } from '../../../schemas/common.schema.ts';
import { EvidenceContentType, EvidenceStored } from '../../../schemas/evidence-upload.schema.ts';
import { EvidenceId } from '../../../schemas/evidence.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Evidence } from '../../evidence/evidence-service.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { bodyCheckedByHandler } from '../route-validation.ts';
import { UPLOAD_ERROR_RESPONSES } from '../upload-body.ts';

export interface EvidenceRouteDeps {
  evidence: Evidence;
  access: Access;
  maxBytes: number;
  /** Who may upload and read besides admin: those who may send events or reports for a crew. */
  roles: readonly Role[];
}

const EvidenceFile = z.string().meta({ format: 'binary', description: 'the stored bytes' });

function sendFile(reply: FastifyReply, bytes: Uint8Array, contentType: string): FastifyReply {
  return (
    reply
      .type(contentType)
      // Same id, same bytes forever; private: behind a token, not for shared caches.
      .header('cache-control', 'private, max-age=31536000, immutable')
      // Opened directly, a file is a document of its own: no scripts, no reaching the API.
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  );
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

export function evidenceRoute(deps: EvidenceRouteDeps) {
  const { evidence, access } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    // Every type arrives as bytes (JSON keeps its own parser): the handler says what was wrong
    // with a wrong one in words a reporter understands, and checks the bytes, not the label.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.withTypeProvider<ZodTypeProvider>().post('/v1/evidence', {
      bodyLimit: deps.maxBytes,
      onRequest: access.require(...deps.roles),
      schema: {
        summary: '上传证据照片或文件 / Upload a photo or document as evidence for a crew',
        description: `The file as the raw body with its Content-Type (${EvidenceContentType.options.join(', ')}), at most EVIDENCE_MAX_BYTES (${mib(deps.maxBytes)} here). The bytes must be what the Content-Type says (checked from their first bytes: 415 evidence_type_mismatch / evidence_type_unknown). Images are re-encoded, turned upright and stripped of EXIF/XMP/IPTC (a phone photo's GPS location) unless an organiser sends keepLocation=true. The answer's id is the SHA-256 of the stored bytes: the same file again gets the same id and is stored once. Allowed to tokens that may send events or reports for the crew (in their branches or units).`,
        tags: ['evidence'],
        querystring: Query({
          crewId: Id.describe('the crew the evidence is for'),
          keepLocation: QueryBoolean.default(false).describe(
            'organisers only: keep the image metadata, its GPS location among it',
          ),
        }),
        consumes: EvidenceContentType.options,
        body: z.string().describe('the file as it is'),
        response: { 201: EvidenceStored, ...UPLOAD_ERROR_RESPONSES },
      },
      validatorCompiler: bodyCheckedByHandler,
      errorHandler(error: FastifyError, _request, reply) {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          throw new InvalidInputError(
            'evidence_too_large',
            `文件超过 ${mib(deps.maxBytes)} 上限 / the file is larger than the limit of ${deps.maxBytes} bytes (${mib(deps.maxBytes)}, EVIDENCE_MAX_BYTES): resize the photo or split the document`,
            undefined,
            413,
          );
        }
        void reply;
        throw error;
      },
      handler: async (request, reply) => {
        const raw: unknown = request.body;
        const declared = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!(raw instanceof Uint8Array) || !EvidenceContentType.safeParse(declared).success) {
          throw new InvalidInputError(
            'evidence_content_type',
            `Content-Type "${declared}" 不是允许的证据类型（${EvidenceContentType.options.join('、')}）/ Content-Type "${declared}" is not an evidence type: send the file as the body with one of ${EvidenceContentType.options.join(', ')}`,
            undefined,
            415,
          );
        }
        const stored = await evidence.upload(access.principal(request), {
          crewId: request.query.crewId,
          bytes: raw,
          declared,
          keepLocation: request.query.keepLocation,
        });
        return reply.code(201).send(stored);
      },
    });

    app.withTypeProvider<ZodTypeProvider>().get('/v1/evidence/:id', {
      onRequest: access.require(...deps.roles),
      schema: {
        summary: '取证据文件 / Download an evidence file',
        description:
          'The stored bytes with their content type, to tokens whose branches or units cover a crew the file was uploaded for (admin: all). 404 evidence_not_found both for an unknown id and for one outside the token’s scope, so an id reveals nothing.',
        tags: ['evidence'],
        params: z.object({ id: EvidenceId }),
        response: {
          200: {
            description: 'the file',
            content: Object.fromEntries(EvidenceContentType.options.map((type) => [type, { schema: EvidenceFile }])),
          },
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      handler: async (request, reply) => {
        const file = await evidence.read(access.principal(request), request.params.id);
        return sendFile(reply, file.bytes, file.contentType);
      },
    });
  };
}
