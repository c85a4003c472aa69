import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse, FinalStandingsResponse, StandingsPageQuery } from '../../../schemas/api.schema.ts';
import { DigitsInt, PathId, Query } from '../../../schemas/common.schema.ts';
import { CloseRequest, LateEventList, PeriodClosed, PeriodList } from '../../../schemas/versions.schema.ts';
import type { Access } from '../../access/access.ts';
import { competitionDefinitions, refuseCompetitionOutOfScope } from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Periods } from '../../competition/periods.ts';
import type { Notices } from '../../notice/notices.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { toEntry } from './standings.route.ts';

export interface PeriodsRouteDeps {
  catalog: Catalog;
  periods: Periods;
  notices: Pick<Notices, 'close' | 'view' | 'statuses'>;
  access: Access;
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export function periodsRoute(deps: PeriodsRouteDeps) {
  const { catalog, periods, notices, access } = deps;
  const competitionParams = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });
  const params = competitionParams.extend({ periodId: PathId() });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/v1/competitions/:id/periods', {
      onRequest: access.read,
      schema: {
        summary: '阶段与结算 / Periods and closures',
        description:
          'The stages of a competition and the whole period ("final"), each with its closure: when, by whom, under which version, and how many events arrived after it closed.',
        tags: ['competitions'],
        params: competitionParams,
        response: { 200: PeriodList, ...errors },
      },
      handler: async (request) => {
        const [list, statuses] = await Promise.all([
          periods.list(request.params.id),
          notices.statuses(request.params.id),
        ]);
        return {
          ...list,
          periods: list.periods.map((p) => ({
            ...p,
            status: statuses.get(p.id) ?? (p.closed ? ('closed' as const) : ('open' as const)),
          })),
        };
      },
    });

    r.post('/v1/competitions/:id/periods/:periodId/close', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '结算阶段 / Close a period',
        description:
          'Freezes the final standings of a period that has ended, from the current rules and the events stored so far. They never change afterwards: later rule changes and late events do not touch them; late events are recorded and reported (GET …/late-events).',
        tags: ['competitions'],
        params,
        body: CloseRequest,
        response: {
          200: PeriodClosed,
          ...errors,
          409: ErrorResponse,
        },
      },
      handler: async (request) => {
        const { id, periodId } = request.params;
        const principal = access.principal(request);
        const current = catalog.competition(id);
        if (!current) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
        refuseCompetitionOutOfScope(principal, competitionDefinitions(catalog, id), catalog);
        const c = await notices.close(principal, id, periodId, request.body);
        return {
          competitionId: c.competitionId,
          periodId: c.periodId,
          start: c.start,
          end: c.end,
          closedAt: c.closedAt,
          closedBy: c.closedBy,
          definitionVersion: c.definitionVersion,
          // The period closes under the current rules.
          entrants: current.definition.entrants,
          crews: c.crews,
          timeZone: current.definition.timeZone,
        };
      },
    });

    r.get('/v1/competitions/:id/periods/:periodId/standings', {
      onRequest: access.read,
      schema: {
        summary: '结算排名（冻结）/ Final standings of a closed period',
        description: 'Exactly as frozen when the period closed; rank movement is not kept.',
        tags: ['standings'],
        params,
        querystring: Query(StandingsPageQuery),
        response: { 200: FinalStandingsResponse, ...errors },
      },
      handler: async (request) => {
        const { id, periodId } = request.params;
        const q = request.query;
        const [page, notice] = await Promise.all([periods.finalStandings(id, periodId, q), notices.view(id, periodId)]);
        // Names as they were in the rules the period closed under.
        const definition = catalog.version(id, page.closure.definitionVersion)?.definition;
        const current = catalog.competition(id)?.definition;
        const rules = definition ?? current;
        if (!rules) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
        return {
          competitionId: id,
          name: rules.name,
          entrants: rules.entrants,
          timeZone: rules.timeZone,
          asOf: page.closure.end,
          computedAt: page.closure.closedAt,
          definitionVersion: page.closure.definitionVersion,
          registryVersion: page.closure.orgVersion,
          group: page.group,
          total: page.total,
          limit: q.limit,
          offset: q.offset,
          rows: page.rows.map((row) => toEntry(row, rules)),
          periodId,
          closedAt: page.closure.closedAt,
          lateEvents: page.lateEvents,
          status: notice?.status ?? 'closed',
          notice: notice && { startsOn: notice.startsOn, endsOn: notice.endsOn, confirmedAt: notice.confirmedAt },
        };
      },
    });

    r.get('/v1/competitions/:id/periods/:periodId/late-events', {
      onRequest: access.read,
      schema: {
        summary: '迟到事件 / Late events of a closed period',
        description:
          'Events for the period’s days and crews stored after it closed: recorded, not applied to its final standings.',
        tags: ['competitions'],
        params,
        querystring: Query({ limit: DigitsInt(1, 10_000).default(1000) }),
        response: { 200: LateEventList, ...errors },
      },
      handler: async (request) => periods.lateEvents(request.params.id, request.params.periodId, request.query.limit),
    });
  };
}
