import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Query } from '../../../schemas/common.schema.ts';
import type { DisplayLinks } from '../../screen/display-links.ts';
import { renderShortLinkRefusal, type ShortLinkRefusal } from '../../screen/short-link-page.ts';
import type { MissLimiter } from '../../shared/miss-limiter.ts';

export interface ShortLinksDeps {
  links: DisplayLinks;
  /** Unknown codes per client address: shared with the screen data routes, which take a code as a token too. */
  misses: MissLimiter;
}

const ShortLinkQuery = Query({
  lang: z.string().max(16).optional(),
  // WeChat appends these to every link shared in a chat.
  from: z.string().max(64).optional(),
  isappinstalled: z.string().max(8).optional(),
});

/** Longer than any code with hyphens and spaces; a longer path is not one and is refused by its length. */
const ShortLinkParams = z.object({ code: z.string().max(32) });

const STATUS: Record<ShortLinkRefusal['kind'], number> = { unknown: 404, revoked: 410, too_many: 429 };

/**
 * /s/<code>: a display link's short address, typed into a TV's browser. It redirects to the
 * screen with the code as the link's token (the screen's data and stream take it like the long
 * token), so the TV's address bar then holds an address that keeps working. A code that opens
 * nothing gets a page that says why, in Chinese and English.
 */
export function shortLinksRoute(deps: ShortLinksDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const options = { schema: { hide: true, params: ShortLinkParams, querystring: ShortLinkQuery } } as const;
    // A TV remote's keyboard may be stuck in capitals.
    for (const path of ['/s/:code', '/S/:code']) {
      r.get(path, options, (request, reply) => {
        const refuse = (refusal: ShortLinkRefusal) =>
          reply
            .code(STATUS[refusal.kind])
            .header('content-type', 'text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .send(renderShortLinkRefusal(refusal));
        const key = `ip:${request.ip}`;
        const wait = deps.misses.retryAfter(key);
        if (wait > 0) {
          void reply.header('retry-after', String(wait));
          return refuse({ kind: 'too_many', retryAfterSeconds: wait });
        }
        const found = deps.links.lookUpShortCode(request.params.code);
        if (found.state === 'unknown') {
          deps.misses.missed(key);
          return refuse({ kind: 'unknown', typed: request.params.code });
        }
        if (found.state === 'revoked') return refuse({ kind: 'revoked', label: found.link.label });
        const query = new URLSearchParams({ token: found.code });
        if (request.query.lang !== undefined) query.set('lang', request.query.lang);
        // 302, never cached: the code can be revoked, and the answer must then change.
        return reply
          .header('cache-control', 'no-store')
          .redirect(`/screens/${encodeURIComponent(found.link.screenId)}?${query.toString()}`, 302);
      });
    }
  };
}
