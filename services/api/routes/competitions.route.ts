import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CompetitionList, CompetitionListQuery, CompetitionSaved, ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import { Competition, WHOLE_PERIOD_ID } from '../../../schemas/competition.schema.ts';
import { DeleteQuery, Deleted } from '../../../schemas/versions.schema.ts';
import type { Access, Principal } from '../../access/access.ts';
import { competitionDefinitions, competitionInScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { CompetitionAdmin } from '../../competition/competition-admin.ts';
import { competitionStatus } from '../../competition/competition-status.ts';
import { dayInZone } from '../../shared/calendar.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { bodyCheckedByHandler } from '../route-validation.ts';
import type { StoredCompetition } from '../../storage/competitions.store.ts';

export interface CompetitionsRouteDeps {
  catalog: Catalog;
  admin: CompetitionAdmin;
  access: Access;
  now: () => Date;
  /** The ids of a competition's closed periods. */
  closedPeriodIds: (competitionId: string) => Promise<string[]>;
}

function saved(c: StoredCompetition) {
  return { id: c.id, version: c.version, savedAt: c.savedAt, author: c.author, note: c.note, definition: c.definition };
}

export function competitionsRoute(deps: CompetitionsRouteDeps) {
  const { catalog, access } = deps;
  const params = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.put('/v1/competitions/:id', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '创建或更新竞赛（立即生效）/ Create or update a competition, current at once',
        description:
          'The definition: names, kind, period and time zone, stages, participants, ranking groups, tie mode, indicators with weights and rules, vetoes (一票否决). Each save is a new version and current at once; standings are recomputed. To save a draft and preview it first, use POST /v1/competitions/{id}/versions. Every problem is reported at once with its path (422 invalid_competition).',
        tags: ['competitions'],
        params,
        body: Competition,
        response: {
          200: CompetitionSaved,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          422: ErrorResponse,
        },
      },
      // validateDefinition checks the body beside the registry, so schema problems and unknown
      // participants are reported in one answer.
      validatorCompiler: bodyCheckedByHandler,
      handler: async (request) =>
        saved(await deps.admin.replace(request.params.id, request.body, access.principal(request))),
    });
    /** Whether the principal may change this competition (every version of it lies in its branches). */
    function manageable(principal: Principal, id: string): boolean {
      const role = principal.role;
      if (role !== 'admin' && role !== 'organiser') return false;
      return competitionInScope(principal, competitionDefinitions(catalog, id), catalog);
    }

    async function summary(id: string, principal: Principal, today: (timeZone: string) => string) {
      const history = catalog.history(id);
      const current = catalog.competition(id);
      const latest = catalog.versions(id)?.at(-1);
      const shown = current ?? latest;
      if (!history || !shown) return undefined;
      const draft = catalog.latestDraft(id);
      const definition = shown.definition;
      const closed = current ? await deps.closedPeriodIds(id) : [];
      return {
        id,
        version: shown.version,
        savedAt: shown.savedAt,
        status: competitionStatus({
          published: current !== undefined,
          period: definition.period,
          today: today(definition.timeZone),
          finalClosed: closed.includes(WHOLE_PERIOD_ID),
        }),
        currentVersion: current?.version ?? null,
        draftVersion: draft && draft.version !== current?.version ? draft.version : null,
        manageable: manageable(principal, id),
        name: definition.name,
        kind: definition.kind,
        period: definition.period,
        timeZone: definition.timeZone,
        links: { standings: `/v1/competitions/${encodeURIComponent(id)}/standings` },
      };
    }

    r.delete('/v1/competitions/:id', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '删除未发布的竞赛 / Delete a competition that was never published',
        description:
          'Only a competition none of whose versions was ever current (drafts only) can be deleted; a published one is refused with 409 competition_published (its standings, closed periods and history stay). Nothing is removed from storage: one more version marks the deletion (who, when, note), the id disappears from every list, and saving it again starts anew.',
        tags: ['competitions'],
        params,
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
      handler: async (request) =>
        deps.admin.remove(request.params.id, { note: request.query.note }, access.principal(request)),
    });
    r.get('/v1/competitions', {
      onRequest: access.read,
      schema: {
        summary: '竞赛列表 / List competitions',
        description:
          'Published competitions, each with its status (upcoming, running, ended, closed), its current version and any newer draft, and whether the caller may change it. With drafts=true, also those saved as drafts and never published (status draft).',
        tags: ['competitions'],
        querystring: CompetitionListQuery,
        response: { 200: CompetitionList },
      },
      handler: async (request) => {
        const principal = access.principal(request);
        const now = deps.now();
        const today = (timeZone: string) => dayInZone(now, timeZone);
        const ids = request.query.drafts ? catalog.competitionIds() : catalog.competitions().map((c) => c.id);
        const competitions = await Promise.all(ids.map((id) => summary(id, principal, today)));
        return { competitions: competitions.filter((c) => c !== undefined) };
      },
    });
    r.get('/v1/competitions/:id', {
      onRequest: access.read,
      schema: {
        summary: '竞赛当前定义 / A competition’s current definition',
        tags: ['competitions'],
        params,
        response: { 200: CompetitionSaved, 400: ErrorResponse, 404: ErrorResponse },
      },
      handler: async (request) => {
        const stored = catalog.competition(request.params.id);
        if (!stored)
          throw new NotFoundError('competition_not_found', `competition "${request.params.id}" does not exist`);
        return saved(stored);
      },
    });
  };
}
