import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import {
  ConfirmRequest,
  Objection,
  ObjectionRequest,
  PeriodNotice,
  RejectRequest,
  UpholdRequest,
} from '../../../schemas/notice.schema.ts';
import type { Access } from '../../access/access.ts';
import {
  competitionDefinitions,
  refuseCompetitionOutOfScope,
  refuseReporterOutsideCompetition,
} from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Notices } from '../../notice/notices.ts';
import { NotFoundError } from '../../shared/errors.ts';

export interface NoticesRouteDeps {
  catalog: Catalog;
  notices: Notices;
  access: Access;
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

export function noticesRoute(deps: NoticesRouteDeps) {
  const { catalog, notices, access } = deps;
  const params = z.object({ id: PathId((id) => catalog.versions(id) !== undefined), periodId: PathId() });
  const objectionParams = params.extend({ objectionId: PathId() });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    async function noticeOf(id: string, periodId: string) {
      const notice = await notices.view(id, periodId);
      if (!notice) {
        throw new NotFoundError(
          'notice_not_found',
          `阶段 "${periodId}" 没有公示 / period "${periodId}" of competition "${id}" has no 公示 (not closed, or closed before 公示 existed)`,
        );
      }
      return notice;
    }

    function organiserInScope(request: Parameters<Access['principal']>[0], id: string) {
      const principal = access.principal(request);
      refuseCompetitionOutOfScope(principal, competitionDefinitions(catalog, id), catalog);
      return principal;
    }

    r.get('/v1/competitions/:id/periods/:periodId/notice', {
      onRequest: access.read,
      schema: {
        summary: '公示 / A closed period’s public notice',
        description:
          'The 公示 a closing opened: its dates (the end date counts working days by the State Council’s holiday notices, 调休 working weekends included), the status (in_notice, notice_ended, final), how to object, the objections with their decisions and the changes an upheld one made, and the whole history (who opened, objected, decided, confirmed, when).',
        tags: ['notice'],
        params,
        response: { 200: PeriodNotice, ...errors },
      },
      handler: async (request) => noticeOf(request.params.id, request.params.periodId),
    });

    r.post('/v1/competitions/:id/periods/:periodId/objections', {
      onRequest: access.require('viewer', 'organiser', 'reporter'),
      schema: {
        summary: '提出异议 / Object to a result during 公示',
        description:
          'Under a real name, during the 公示 only: the entrant (a frozen row of the period), what is wrong, and evidence ids (uploaded with POST /v1/evidence). Viewers, organisers and reporters may object; a reporter only to a competition one of its crews takes part in (403 competition_out_of_scope), as from the phone page’s 公示 / 异议 tab. Stored with who sent it and when; the organiser rejects it with a reason or upholds it. A device that sends its own objectionId can send again after a lost answer: the same body from the same sender answers the objection already taken (also once the 公示 is over); another body or sender under that id is 409 objection_conflict.',
        tags: ['notice'],
        params,
        body: ObjectionRequest,
        response: { 201: Objection, ...errors },
      },
      handler: async (request, reply) => {
        const { id, periodId } = request.params;
        const principal = access.principal(request);
        const current = catalog.competition(id);
        if (current) refuseReporterOutsideCompetition(principal, current.definition, catalog);
        const objection = await notices.object(principal, id, periodId, request.body);
        return reply.code(201).send(objection);
      },
    });

    r.post('/v1/competitions/:id/periods/:periodId/objections/:objectionId/reject', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '驳回异议 / Reject an objection',
        description: 'With a reason the objector sees; the results do not change.',
        tags: ['notice'],
        params: objectionParams,
        body: RejectRequest,
        response: { 200: Objection, ...errors },
      },
      handler: async (request) => {
        const { id, periodId, objectionId } = request.params;
        const principal = organiserInScope(request, id);
        return notices.reject(principal, id, periodId, objectionId, request.body.reason);
      },
    });

    r.post('/v1/competitions/:id/periods/:periodId/objections/:objectionId/uphold', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '异议成立并更正 / Uphold an objection and correct',
        description:
          'The 复核 found the objection right: each correction goes through the corrections path (as POST /v1/events/{eventId}/withdraw or /correct, the reason naming the objection), then the period is frozen again from the stored events by the rules it closed under. The answer lists the frozen rows that changed (score and rank before and after).',
        tags: ['notice'],
        params: objectionParams,
        body: UpholdRequest,
        response: { 200: Objection, ...errors },
      },
      handler: async (request) => {
        const { id, periodId, objectionId } = request.params;
        const principal = organiserInScope(request, id);
        return notices.uphold(principal, id, periodId, objectionId, request.body);
      },
    });

    r.post('/v1/competitions/:id/periods/:periodId/confirm', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '确认正式结果 / Confirm the results final',
        description:
          'After the 公示 has ended and every objection is decided: the results become final (status final on the API, screens, exports and Grafana). Refused during the 公示 or with open objections.',
        tags: ['notice'],
        params,
        body: ConfirmRequest,
        response: { 200: PeriodNotice, ...errors },
      },
      handler: async (request) => {
        const { id, periodId } = request.params;
        const principal = organiserInScope(request, id);
        return notices.confirm(principal, id, periodId, request.body.note);
      },
    });
  };
}
