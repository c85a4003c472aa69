import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Query } from '../../../schemas/common.schema.ts';
import type { ReporterAssets } from '../../reporter/reporter-assets.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { sendStaticAsset } from '../../shared/static-asset.ts';

/** What the page's address may carry; the personal link's token is in the #fragment, never here. */
const ReporterPageQuery = Query({
  lang: z.string().max(16).optional(),
  // 微信 appends these to links opened from a chat.
  isappinstalled: z.string().max(8).optional(),
  from: z.string().max(200).optional(),
});

export interface ReporterPagesDeps {
  assets: () => Promise<ReporterAssets>;
}

/** The reporters' phone page at /reporter (its own small bundle; the API it calls is the public one). */
export function reporterPagesRoute(deps: ReporterPagesDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    async function send(request: FastifyRequest, reply: FastifyReply, name: string): Promise<FastifyReply> {
      const asset = (await deps.assets()).get(name);
      if (!asset) throw new NotFoundError('asset_not_found', `no asset "${name}"`);
      // The page carries its secret in the #fragment only; no referrer leaves it anyway.
      void reply.header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff');
      return sendStaticAsset(request, reply, asset);
    }

    const hide = { hide: true } as const;
    r.get('/reporter', { schema: { ...hide, querystring: ReporterPageQuery } }, (request, reply) =>
      send(request, reply, 'index.html'),
    );
    r.get(
      '/reporter/assets/:name',
      { schema: { ...hide, params: z.object({ name: z.string().regex(/^[a-z]+\.(js|css)$/) }) } },
      (request, reply) => send(request, reply, request.params.name),
    );
  };
}
