import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, OrgSaved } from '../../../schemas/api.schema.ts';
import { Query, QueryBoolean } from '../../../schemas/common.schema.ts';
import { OrgChanges, OrgChangesResult } from '../../../schemas/org-changes.schema.ts';
import { Org } from '../../../schemas/org.schema.ts';
import { ForbiddenError, InvalidInputError } from '../../shared/errors.ts';
import type { Access } from '../../access/access.ts';
import { branchScope, competitionDefinitions, competitionInScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { planOrgChanges } from '../../registry/plan-org-changes.ts';

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
    r.patch('/v1/org', {
      bodyLimit: deps.maxBodyBytes,
      onRequest: deps.access.require('organiser'),
      schema: {
        summary: '修改组织架构中的行 / Change registry rows',
        description:
          'Branches, units, crews and targets given here are created or updated by id (targets by competition, crew and metric); the rest of the registry stays as it is, and nothing is deleted. A crew that no longer competes is retired (retired: true): it leaves every competition’s standings and keeps its events, frozen standings and name. groupName and branding (the group’s colours, used by built-in screens) need an organiser not limited to branches; one limited to branches changes only their rows. Every problem is reported at once with its path (422 invalid_registry_changes) and nothing is saved. dryRun=true answers what would change without saving.',
        tags: ['registry'],
        querystring: Query({
          dryRun: QueryBoolean.default(false).describe('true: answer what would change, save nothing'),
        }),
        body: OrgChanges,
        response: {
          200: OrgChangesResult,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          422: ErrorResponse,
        },
      },
      handler: async (request) => {
        const principal = deps.access.principal(request);
        const allowed = branchScope(principal);
        const { dryRun } = request.query;
        const { catalog } = deps;
        // Planned against the latest registry in the save's turn, like an import.
        const { version, result: plan } = await catalog.updateOrg((current) => {
          const planned = planOrgChanges(current, request.body, {
            competitionIds: new Set(catalog.competitionIds()),
            ...(allowed
              ? {
                  allowedBranchIds: allowed,
                  competitionAllowed: (id: string) =>
                    competitionInScope(principal, competitionDefinitions(catalog, id), catalog),
                }
              : {}),
          });
          return { org: planned.changed && !dryRun ? planned.org : null, result: planned };
        }, deps.now());
        if (plan.errors.length > 0) {
          throw new InvalidInputError(
            'invalid_registry_changes',
            `${plan.errors.length} 处问题，未保存任何内容 / ${plan.errors.length} problem(s); nothing was saved: ${plan.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
            plan.errors,
          );
        }
        return { dryRun, version, ...plan.counts, changes: plan.changes };
      },
    });

    r.get('/v1/org', {
      onRequest: deps.access.read,
      schema: { summary: '当前组织架构 / Current registry', tags: ['registry'], response: { 200: Org } },
      handler: async () => deps.catalog.org(),
    });
  };
}
