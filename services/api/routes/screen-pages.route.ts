import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, PathId, Query } from '../../../schemas/common.schema.ts';
import type { Asset, ScreenAssets } from '../../screen/screen-assets.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { sendStaticAsset } from '../../shared/static-asset.ts';

export interface ScreenPagesDeps {
  assets: ScreenAssets;
  /** Whether a screen exists: a built-in screen's id may predate the id rule. */
  screenExists: (id: string) => boolean;
}

/** What a screen's address may carry; the page itself reads token, crew and lang. */
const ScreenPageQuery = Query({
  token: z.string().max(200).optional(),
  crew: Id.optional(),
  lang: z.string().max(16).optional(),
  // WeChat appends these to every link shared in a chat; a TV link passed on that way still opens.
  from: z.string().max(64).optional(),
  isappinstalled: z.string().max(8).optional(),
});

/**
 * The pages people open: the landing page at / and a screen at /screens/:id, with their scripts
 * and styles. The screen page itself holds no data; it checks its link when it asks for data.
 */
export function screenPagesRoute(deps: ScreenPagesDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    function send(request: FastifyRequest, reply: FastifyReply, name: string): FastifyReply {
      const asset: Asset | undefined = deps.assets.get(name);
      if (!asset) throw new NotFoundError('asset_not_found', `no asset "${name}"`);
      return sendStaticAsset(request, reply, asset);
    }

    const hide = { hide: true } as const;
    r.get('/', { schema: hide }, (request, reply) => send(request, reply, 'landing.html'));
    r.get(
      '/screens/:id',
      { schema: { ...hide, params: z.object({ id: PathId(deps.screenExists) }), querystring: ScreenPageQuery } },
      (request, reply) => send(request, reply, 'screen.html'),
    );
    r.get(
      '/screens/assets/:name',
      { schema: { ...hide, params: z.object({ name: z.string().regex(/^[a-z]+\.(js|css)$/) }) } },
      (request, reply) => send(request, reply, request.params.name),
    );
  };
}
