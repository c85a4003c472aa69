import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConsoleAsset, ConsoleAssets } from '../../console/console-assets.ts';
import { Query } from '../../../schemas/common.schema.ts';
import { NotFoundError } from '../../shared/errors.ts';

/** What the console's own addresses carry (its pages read them; a reload sends them here). */
const ConsolePageQuery = Query({
  tab: z.string().max(32).optional(),
  template: z.string().max(32).optional(),
  then: z.string().max(32).optional(),
  from: z.string().max(200).optional(),
  lang: z.string().max(16).optional(),
  // WeChat appends this to links shared in a chat.
  isappinstalled: z.string().max(8).optional(),
});

export interface ConsolePagesDeps {
  /** The bundled console, built on first use. */
  assets: () => Promise<ConsoleAssets>;
}

/**
 * The organisers' console at /console: one page whose script routes /console/… itself, so every
 * path under /console answers with the same HTML (a reload on /console/registry stays there).
 */
export function consolePagesRoute(deps: ConsolePagesDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    async function send(request: FastifyRequest, reply: FastifyReply, name: string): Promise<FastifyReply> {
      const asset: ConsoleAsset | undefined = (await deps.assets()).get(name);
      if (!asset) throw new NotFoundError('asset_not_found', `no asset "${name}"`);
      void reply
        .header('content-type', asset.contentType)
        .header('etag', asset.etag)
        .header('cache-control', 'no-cache')
        .header('referrer-policy', 'no-referrer')
        .header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    }

    const hide = { hide: true } as const;
    r.get('/console', { schema: { ...hide, querystring: ConsolePageQuery } }, (request, reply) =>
      send(request, reply, 'index.html'),
    );
    r.get(
      '/console/*',
      { schema: { ...hide, params: z.object({ '*': z.string().max(500) }), querystring: ConsolePageQuery } },
      (request, reply) => send(request, reply, 'index.html'),
    );
    r.get(
      '/console/assets/:name',
      { schema: { ...hide, params: z.object({ name: z.string().regex(/^[a-z]+\.(js|css)$/) }) } },
      (request, reply) => send(request, reply, request.params.name),
    );
  };
}
