import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConsoleAsset, ConsoleAssets } from '../../console/console-assets.ts';
import { NotFoundError } from '../../shared/errors.ts';

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
    r.get('/console', { schema: hide }, (request, reply) => send(request, reply, 'index.html'));
    r.get('/console/*', { schema: { ...hide, params: z.object({ '*': z.string().max(500) }) } }, (request, reply) =>
      send(request, reply, 'index.html'),
    );
    r.get(
      '/console/assets/:name',
      { schema: { ...hide, params: z.object({ name: z.string().regex(/^[a-z]+\.(js|css)$/) }) } },
      (request, reply) => send(request, reply, request.params.name),
    );
  };
}
