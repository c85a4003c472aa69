import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import { TokenCreate, TokenCreated, TokenInfo, TokenList, WhoAmI } from '../../../schemas/access.schema.ts';
import type { Access } from '../../access/access.ts';
import { tokenInfo, type ApiTokens } from '../../access/api-tokens.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { InvalidInputError, formatPath, type FieldError } from '../../shared/errors.ts';

export interface TokensRouteDeps {
  tokens: ApiTokens;
  access: Access;
  catalog: Catalog;
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export function tokensRoute(deps: TokensRouteDeps) {
  const { tokens, access } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post('/v1/tokens', {
      onRequest: access.require('admin'),
      schema: {
        summary: '创建 API 令牌 / Create an API token',
        description:
          'Roles: admin; organiser (optionally limited to branches); ingest (limited to branches or units: events for other crews are refused); viewer; reporter (limited to branches, units or crews: reports for those crews, reviewed before they count; reads like a viewer). The token is in this answer only; the server keeps a hash.',
        tags: ['access'],
        body: TokenCreate,
        response: { 201: TokenCreated, ...errors, 422: ErrorResponse },
      },
      handler: async (request, reply) => {
        // A scope naming a branch or unit the registry lacks is a typo that would lock the holder out.
        const org = deps.catalog.org();
        const known = {
          branchIds: new Set(org.branches.map((b) => b.id)),
          unitIds: new Set(org.units.map((u) => u.id)),
          crewIds: new Set(org.crews.map((c) => c.id)),
        };
        const problems: FieldError[] = (['branchIds', 'unitIds', 'crewIds'] as const).flatMap((key) =>
          request.body[key].flatMap((id, index) =>
            known[key].has(id)
              ? []
              : [{ path: formatPath([key, index]), message: `"${id}" 不在组织架构中 / is not in the registry` }],
          ),
        );
        if (problems.length > 0) {
          throw new InvalidInputError(
            'unknown_scope',
            `令牌范围中有组织架构里没有的编号 / the token's scope names ids the registry does not have: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
            problems,
          );
        }
        const { info, token } = await tokens.create(request.body, access.principal(request).name);
        request.log.info({ tokenId: info.id, role: info.role }, 'API token created');
        // The secret is in this answer only: no cache may keep it.
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .send({ ...info, token });
      },
    });

    r.get('/v1/tokens', {
      onRequest: access.require('admin'),
      schema: { summary: '令牌列表 / List tokens', tags: ['access'], response: { 200: TokenList, ...errors } },
      handler: async () => ({ tokens: tokens.list() }),
    });

    r.delete('/v1/tokens/:id', {
      onRequest: access.require('admin'),
      schema: {
        summary: '撤销令牌 / Revoke a token',
        tags: ['access'],
        params: z.object({ id: PathId() }),
        response: { 200: TokenInfo, ...errors },
      },
      handler: async (request) => {
        const info = await tokens.revoke(request.params.id);
        request.log.info({ tokenId: info.id }, 'API token revoked');
        return info;
      },
    });

    r.get('/v1/whoami', {
      schema: { summary: '当前令牌 / Who am I', tags: ['access'], response: { 200: WhoAmI, ...errors } },
      handler: async (request) => {
        const p = access.principal(request);
        return { authenticated: p.kind === 'token', open: access.open, token: p.token ? tokenInfo(p.token) : null };
      },
    });
  };
}
