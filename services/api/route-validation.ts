import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Query } from '../../schemas/common.schema.ts';

/**
 * For routes whose handler reads the body itself (events as text so every bad one is reported by
 * index, CSV bytes, a definition checked beside the registry): fastify compiles one validator per
 * request part (httpPart), so params and querystring are still checked from their zod schemas and
 * only the body, which the schema documents, is handed over as it came.
 */
export function bodyCheckedByHandler<S>(
  route: Parameters<FastifySchemaCompiler<S>>[0],
): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart === 'body') return (data: unknown) => ({ value: data });
  // fastify types a route's compiler with the whole route schema; each call gets one part's zod schema.
  return validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
}

const NO_QUERY = Query({});

function isStrictObject(schema: unknown): boolean {
  return schema instanceof z.ZodObject && schema.def.catchall instanceof z.ZodNever;
}

/**
 * Every route validates its params and query string: a route without a query schema takes no
 * query parameters (an unknown one is a 400 naming it), a query schema must refuse unknown names
 * (schemas/common Query), and a path with parameters must have a params schema. A route breaking
 * this fails the start, not a request.
 */
export function requireRequestSchemas(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema: FastifySchema = (route.schema ??= {});
    schema.querystring ??= NO_QUERY;
    const where = `${String(route.method)} ${route.url}`;
    if (!isStrictObject(schema.querystring)) {
      throw new Error(
        `${where}: its querystring schema must refuse unknown parameters (use Query from schemas/common)`,
      );
    }
    if (/\/:/.test(route.url) && schema.params === undefined) {
      throw new Error(`${where}: a path with parameters needs a params schema (PathId from schemas/common)`);
    }
  });
}
