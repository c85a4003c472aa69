import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, TooManyRequestsError, UnavailableError, unknownKeyMessages } from '../shared/errors.ts';

interface ZodLikeIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: unknown };
}

/** body.crews.1.id; the request part itself ("/") is just body. Each unknown field at its own path. */
function fieldErrorsFromValidation(validation: readonly ZodLikeIssue[], context: string) {
  return validation.flatMap((v) => {
    const at = [context, ...(v.instancePath ?? '').split('/').filter(Boolean)];
    const message = v.message ?? 'invalid';
    const keys = v.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) ? v.params.keys.map(String) : [];
    if (keys.length === 0) return [{ path: at.join('.'), message }];
    return unknownKeyMessages(keys, message).map((k) => ({ path: [...at, k.key].join('.'), message: k.message }));
  });
}

/** The one place that turns errors into HTTP answers; 5xx details stay in the log. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error instanceof UnavailableError || error instanceof TooManyRequestsError)
        void reply.header('retry-after', String(error.retryAfterSeconds));
      if (error.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(error.httpStatus).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'request';
      const details = fieldErrorsFromValidation(error.validation, context);
      return reply.code(400).send({
        error: {
          code: 'invalid_request',
          message: `invalid ${context}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        },
      });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send({
          error: {
            code: 'body_too_large',
            message: `the body is larger than the limit of ${request.routeOptions.bodyLimit ?? 0} bytes; split it into several requests`,
          },
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({
          error: {
            code: 'unsupported_media_type',
            message: `content-type "${request.headers['content-type'] ?? ''}" is not supported: send application/json or application/x-ndjson`,
          },
        });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.code(400).send({
          error: {
            code: 'bad_content_length',
            message:
              '请求体长度与 Content-Length 不符 / the body is not as long as its Content-Length says: send the right length',
          },
        });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code ?? 'bad_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error; see the server log' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'route_not_found', message: `no route ${request.method} ${request.url}; see /docs` } }),
  );
}
