import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, OrgSaved } from '../../../schemas/api.schema.ts';
import { Org } from '../../../schemas/org.schema.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Access } from '../../access/access.ts';
import { branchScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';

export interface OrgRouteDeps {
  catalog: Catalog;
  now: () => Date;
  maxBodyBytes: number;
  access: Access;
}

export function orgRoute(deps: OrgRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.put('/v1/org', {
      bodyLimit: deps.maxBodyBytes,
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '替换组织架构 / Replace the registry',
        description:
          'Branches (分公司), units, crews (班组) with headcount, and per-crew targets per competition. Replaces the whole registry as a new version.',
        tags: ['registry'],
        body: Org,
        response: { 200: OrgSaved, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
      handler: async (request) => {
        const principal = deps.access.principal(request);
        if (branchScope(principal)) {
          throw new ForbiddenError(
            'registry_replace_forbidden',
            `令牌 "${principal.name}" 只能修改部分分公司，不能替换整个组织架构；请用 POST /v1/org/import / token "${principal.name}" is limited to branches ${principal.branchIds.join(', ')} and cannot replace the whole registry; import rows with POST /v1/org/import`,
          );
        }
        const org = request.body;
        const version = await deps.catalog.replaceOrg(org, deps.now());
        return {
          version,
          branches: org.branches.length,
          units: org.units.length,
          crews: org.crews.length,
          targets: org.targets.length,
        };
      },
    });
    r.get('/v1/org', {
      onRequest: deps.access.read,
      schema: { summary: '当前组织架构 / Current registry', tags: ['registry'], response: { 200: Org } },
      handler: async () => deps.catalog.org(),
    });
  };
}
