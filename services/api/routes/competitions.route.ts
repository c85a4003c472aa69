import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CompetitionList, CompetitionSaved, ErrorResponse } from '../../../schemas/api.schema.ts';
import { Id } from '../../../schemas/common.schema.ts';
import { Competition } from '../../../schemas/competition.schema.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { NotFoundError } from '../../shared/errors.ts';

export interface CompetitionsRouteDeps {
  catalog: Catalog;
  now: () => Date;
  onChanged: (competitionId: string) => void;
}

export function competitionsRoute(deps: CompetitionsRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.put('/v1/competitions/:id', {
      schema: {
        summary: '创建或更新竞赛 / Create or update a competition',
        description:
          'The definition: names, kind, period and time zone, participants, ranking groups, tie mode, indicators with weights and rules, vetoes (一票否决). Each save is a new version; standings are recomputed.',
        tags: ['competitions'],
        params: z.object({ id: Id }),
        body: Competition,
        response: { 200: CompetitionSaved, 400: ErrorResponse },
      },
      handler: async (request) => {
        const stored = await deps.catalog.saveCompetition(request.params.id, request.body, deps.now());
        deps.onChanged(stored.id);
        return stored;
      },
    });
    r.get('/v1/competitions', {
      schema: { summary: '竞赛列表 / List competitions', tags: ['competitions'], response: { 200: CompetitionList } },
      handler: async () => ({
        competitions: deps.catalog.competitions().map((c) => ({
          id: c.id,
          version: c.version,
          savedAt: c.savedAt,
          name: c.definition.name,
          kind: c.definition.kind,
          period: c.definition.period,
          timeZone: c.definition.timeZone,
          links: { standings: `/v1/competitions/${encodeURIComponent(c.id)}/standings` },
        })),
      }),
    });
    r.get('/v1/competitions/:id', {
      schema: {
        summary: '竞赛定义 / A competition definition',
        tags: ['competitions'],
        params: z.object({ id: Id }),
        response: { 200: CompetitionSaved, 404: ErrorResponse },
      },
      handler: async (request) => {
        const stored = deps.catalog.competition(request.params.id);
        if (!stored)
          throw new NotFoundError('competition_not_found', `competition "${request.params.id}" does not exist`);
        return stored;
      },
    });
  };
}
