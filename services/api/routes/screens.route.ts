import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { Id, PathId, Query } from '../../../schemas/common.schema.ts';
import {
  DisplayLinkCreated,
  DisplayLinkList,
  DisplayLinkRequest,
  ScreenData,
  ScreenList,
  ScreenSaved,
  ScreenSaveQuery,
  ScreenSet,
} from '../../../schemas/screen.schema.ts';
import type { Access } from '../../access/access.ts';
import { competitionDefinitions, refuseCompetitionOutOfScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { DisplayLinks } from '../../screen/display-links.ts';
import { shortPath } from '../../screen/short-code.ts';
import type { ScreenDataBuilder } from '../../screen/screen-data.ts';
import { competitionsOf, type ResolvedScreen, type ScreenCatalog } from '../../screen/screen-catalog.ts';
import type { ScreenHub } from '../../screen/screen-hub.ts';
import {
  AppError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  TooManyRequestsError,
  UnavailableError,
} from '../../shared/errors.ts';
import type { MissLimiter } from '../../shared/miss-limiter.ts';
import { DeleteQuery, Deleted } from '../../../schemas/versions.schema.ts';
import type { StoredDisplayLink } from '../../storage/display-links.store.ts';

export interface ScreensRouteDeps {
  catalog: Catalog;
  screens: ScreenCatalog;
  links: DisplayLinks;
  hub: ScreenHub;
  build: ScreenDataBuilder;
  now: () => Date;
  access: Access;
  /** Open streams beyond this are refused with 503, so a misbehaving wall cannot exhaust the server. */
  maxStreams: number;
  /** Unknown tokens per client address: a link's short code is a token here too, and short enough to guess at. */
  misses: MissLimiter;
}

const ViewerQuery = Query({
  token: z
    .string()
    .max(200)
    .optional()
    .describe('the display token or the link’s short code (or send Authorization: Bearer <token>)'),
  crew: Id.optional().describe('a crew’s own screen: adds the “around me” view'),
});

const pagePath = (screenId: string) => `/screens/${encodeURIComponent(screenId)}`;

function linkInfo(link: StoredDisplayLink) {
  return {
    id: link.id,
    screenId: link.screenId,
    label: link.label,
    createdAt: link.createdAt,
    revokedAt: link.revokedAt,
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function screensRoute(deps: ScreensRouteDeps) {
  // Built-in screens carry their competition's id, which may predate the id rule.
  const screenParams = z.object({ id: PathId((id) => deps.screens.screen(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    function screenOrThrow(id: string): ResolvedScreen {
      const screen = deps.screens.screen(id);
      if (!screen) throw new NotFoundError('screen_not_found', `screen "${id}" does not exist`);
      return screen;
    }

    function crewOrThrow(crewId: string | undefined): string | undefined {
      if (crewId !== undefined && !deps.catalog.crew(crewId)) {
        throw new InvalidInputError('crew_not_found', `crew "${crewId}" is not in the registry`, undefined, 400);
      }
      return crewId;
    }

    /**
     * An organiser limited to branches manages only screens whose competitions all lie in its
     * branches: HQ's walls are not a branch's to re-skin or switch off.
     */
    function refuseScreenOutOfScope(request: FastifyRequest, ...definitions: ScreenSet[]): void {
      const competitionIds = [...new Set(definitions.flatMap((d) => competitionsOf(d)))];
      refuseCompetitionOutOfScope(
        deps.access.principal(request),
        competitionIds.flatMap((id) => competitionDefinitions(deps.catalog, id)),
        deps.catalog,
      );
    }

    /** The link a token opens a screen with; an address that tried too many unknown tokens waits (429). */
    function authorize(request: FastifyRequest, token: string | undefined, screenId: string): StoredDisplayLink {
      const key = `ip:${request.ip}`;
      const wait = deps.misses.retryAfter(key);
      if (wait > 0) {
        throw new TooManyRequestsError(
          'display_token_guessing',
          `此地址尝试了太多无效的显示链接，请 ${wait} 秒后重试 / too many unknown display tokens from this address; retry in ${wait} s`,
          wait,
        );
      }
      try {
        return deps.links.authorize(token, screenId);
      } catch (err) {
        if (err instanceof AppError && err.code === 'display_token_unknown') deps.misses.missed(key);
        throw err;
      }
    }

    /** The screen and the link that may open it; throws 404 / 401 / 403 / 429 with the reason. */
    function viewer(request: FastifyRequest, params: { id: string }, query: z.infer<typeof ViewerQuery>) {
      const screen = screenOrThrow(params.id);
      const link = authorize(request, query.token ?? bearer(request.headers.authorization), screen.id);
      return { screen, link, crewId: crewOrThrow(query.crew) };
    }

    r.get('/v1/screens', {
      onRequest: deps.access.read,
      schema: {
        summary: '大屏列表 / Screens',
        description: 'Saved screen sets, then every competition’s built-in screen (competition.<id>).',
        tags: ['screens'],
        response: { 200: ScreenList },
      },
      handler: async () => ({
        screens: deps.screens.list().map((s) => ({
          id: s.id,
          name: s.definition.name,
          builtIn: s.builtIn,
          competitionIds: competitionsOf(s.definition),
          links: { page: pagePath(s.id), definition: `/v1/screens/${encodeURIComponent(s.id)}` },
        })),
      }),
    });

    r.get('/v1/screens/:id', {
      onRequest: deps.access.read,
      schema: {
        summary: '大屏定义 / A screen set',
        tags: ['screens'],
        params: screenParams,
        response: { 200: ScreenSaved, 404: ErrorResponse },
      },
      handler: async (request) => {
        const s = screenOrThrow(request.params.id);
        return { id: s.id, version: s.version, savedAt: s.savedAt ?? '', builtIn: s.builtIn, definition: s.definition };
      },
    });

    r.put('/v1/screens/:id', {
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '保存大屏 / Create or update a screen set',
        description:
          'The views a screen rotates through (ranking, branch_tops, around, innovations), each with its display time, the branding and whether to celebrate. Every save is a new version; open screens update at once. With ?create=true a taken id is 409 screen_exists rather than a new version of that set.',
        tags: ['screens'],
        params: screenParams,
        querystring: ScreenSaveQuery,
        body: ScreenSet,
        response: { 200: ScreenSaved, 400: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse },
      },
      handler: async (request) => {
        const existing = deps.screens.screen(request.params.id);
        if (request.query.create && existing) {
          const { id } = request.params;
          const name = existing.definition.name;
          throw new ConflictError(
            'screen_exists',
            `大屏编号 "${id}" 已被大屏「${name.zh}」使用，请换一个编号 / the id "${id}" is taken by the screen set "${name.en || name.zh}": choose another id`,
          );
        }
        refuseScreenOutOfScope(request, request.body, ...(existing ? [existing.definition] : []));
        const stored = await deps.screens.save(request.params.id, request.body, deps.now());
        deps.hub.screenChanged(stored.id);
        return { ...stored, builtIn: false };
      },
    });

    r.delete('/v1/screens/:id', {
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '删除未发布的大屏 / Delete a screen set that was never published',
        description:
          'Only a saved screen set for which no display link was ever made can be deleted; one with a link (revoked or not) is refused with 409 screen_published, and a competition’s built-in screen with 409 screen_built_in. Nothing is removed from storage: one more version marks the deletion (who, when, note), the id disappears from every list, and saving it again starts anew.',
        tags: ['screens'],
        params: screenParams,
        querystring: DeleteQuery,
        response: {
          200: Deleted,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      handler: async (request) => {
        const screen = screenOrThrow(request.params.id);
        if (screen.builtIn) {
          throw new ConflictError(
            'screen_built_in',
            `"${screen.id}" 是竞赛自带的大屏，不能删除 / "${screen.id}" is a competition's built-in screen: it cannot be deleted`,
          );
        }
        refuseScreenOutOfScope(request, screen.definition);
        const links = deps.links.list(screen.id);
        if (links.length > 0) {
          throw new ConflictError(
            'screen_published',
            `大屏 "${screen.id}" 已创建过 ${links.length} 个显示链接，视为已发布，不能删除 / screen set "${screen.id}" was published: ${links.length} display link(s) were made for it (revoked or not), so it cannot be deleted`,
          );
        }
        const by = deps.access.principal(request);
        const stored = await deps.screens.remove(screen.id, deps.now(), { author: by.name, note: request.query.note });
        return {
          id: stored.id,
          version: stored.version,
          deletedAt: stored.savedAt,
          deletedBy: by.name,
          note: request.query.note,
        };
      },
    });

    r.post('/v1/screens/:id/links', {
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '创建显示链接 / Create a display link',
        description:
          'A read-only link a TV opens this screen with, no login needed: the long address with its token, and a short one (/s/<code>, 8 characters without 0/O/1/I/L) to type into a TV’s browser. Token and code are in the answer once; only their hashes are stored. Revoke both with DELETE /v1/display-links/:linkId.',
        tags: ['screens'],
        params: screenParams,
        body: DisplayLinkRequest,
        response: { 201: DisplayLinkCreated, 400: ErrorResponse, 404: ErrorResponse },
      },
      handler: async (request, reply) => {
        const screen = screenOrThrow(request.params.id);
        refuseScreenOutOfScope(request, screen.definition);
        const { link, token, shortCode } = await deps.links.create(screen.id, request.body.label);
        // The token and the code are in this answer only: no cache may keep them.
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .send({
            ...linkInfo(link),
            token,
            url: `${pagePath(screen.id)}?token=${encodeURIComponent(token)}`,
            shortCode,
            shortUrl: shortPath(shortCode),
          });
      },
    });

    r.get('/v1/screens/:id/links', {
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '显示链接 / Display links of a screen',
        description: 'Without their tokens, which are never shown again.',
        tags: ['screens'],
        params: screenParams,
        response: { 200: DisplayLinkList, 404: ErrorResponse },
      },
      handler: async (request) => {
        const screen = screenOrThrow(request.params.id);
        refuseScreenOutOfScope(request, screen.definition);
        return { links: deps.links.list(screen.id).map(linkInfo) };
      },
    });

    r.delete('/v1/display-links/:linkId', {
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '撤销显示链接 / Revoke a display link',
        description:
          'Screens open with it are told at once and stop; its token and short code are refused from now on (/s/<code> answers 410).',
        tags: ['screens'],
        params: z.object({ linkId: PathId() }),
        response: { 200: DisplayLinkList.shape.links.element, 404: ErrorResponse },
      },
      handler: async (request) => {
        const screenId = deps.links.list().find((l) => l.id === request.params.linkId)?.screenId;
        const screen = screenId === undefined ? undefined : deps.screens.screen(screenId);
        if (screen) refuseScreenOutOfScope(request, screen.definition);
        const link = await deps.links.revoke(request.params.linkId);
        deps.hub.linkRevoked(link.id);
        return linkInfo(link);
      },
    });

    r.get('/v1/screens/:id/data', {
      schema: {
        summary: '大屏数据 / What a screen shows now',
        description: 'Every view with its rows, as the stream sends it. Needs a display link’s token.',
        tags: ['screens'],
        params: screenParams,
        querystring: ViewerQuery,
        response: {
          200: ScreenData,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
      handler: async (request) => {
        const { screen, crewId } = viewer(request, request.params, request.query);
        return deps.build(screen, crewId);
      },
    });

    r.get('/v1/screens/:id/stream', {
      schema: {
        summary: '大屏实时流 / Live screen data (server-sent events)',
        description:
          'text/event-stream: `standings` (the screen data, at once and after every change), `ping` (every heartbeat), `revoked` (the link was revoked; the stream ends).',
        tags: ['screens'],
        params: screenParams,
        querystring: ViewerQuery,
        response: {
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
      handler: async (request, reply: FastifyReply) => {
        const { screen, link, crewId } = viewer(request, request.params, request.query);
        if (deps.hub.streams() >= deps.maxStreams) {
          throw new UnavailableError(`this server serves at most ${deps.maxStreams} screens at once`, 30);
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          // Proxies such as nginx would otherwise hold events back in their buffer.
          'x-accel-buffering': 'no',
        });
        // EventSource reconnects this soon after a dropped connection.
        res.write('retry: 2000\n\n');
        const client = {
          linkId: link.id,
          write(chunk: string): boolean {
            if (res.destroyed) return false;
            if (res.writableLength > 1 << 20) {
              // A TV this far behind must not queue more here; nor may it skip an update, since its
              // pings would still say "live" over old standings. Drop it: the page reconnects and
              // gets the current data when it joins again.
              res.destroy();
              return false;
            }
            return res.write(chunk);
          },
          end: () => res.end(),
        };
        request.raw.once('close', () => deps.hub.leave(client));
        res.once('close', () => deps.hub.leave(client));
        if (res.destroyed) return;
        // Authorised and joined in the same turn of the event loop: a revocation cannot fall between.
        await deps.hub.join(screen.id, crewId, client);
      },
    });
  };
}
