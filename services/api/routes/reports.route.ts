import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { Id, Query } from '../../../schemas/common.schema.ts';
import {
  OpenHazardList,
  ReportCreate,
  ReportCreated,
  ReportList,
  ReportListQuery,
  ReviewAnswer,
  ReviewRequest,
} from '../../../schemas/report.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Reports } from '../../review/reports.ts';

export interface ReportsRouteDeps {
  reports: Reports;
  access: Access;
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  503: ErrorResponse,
};

export function reportsRoute(deps: ReportsRouteDeps) {
  const { reports, access } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post('/v1/reports', {
      onRequest: access.require('reporter', 'organiser', 'ingest'),
      schema: {
        summary: '上报 / Make a report',
        description:
          'A hazard found or rectified, a violation, an incident or an innovation submission for a crew in the token’s scope, with location, description and evidence ids. It is stored pending and counts nowhere until approved at every review level its competitions ask for that type (the most levels any competition in force for the crew asks); with none it counts at once (status approved). The approved event has eventId report-<reportId>. A resend with the same body answers the same report; another body under the same reportId is 409.',
        tags: ['reports'],
        body: ReportCreate,
        response: { 201: ReportCreated, ...errors },
      },
      handler: async (request, reply) => {
        const report = await reports.submit(access.principal(request), request.body);
        return reply.code(201).send({ report });
      },
    });

    r.get('/v1/reports', {
      onRequest: access.require('reporter', 'organiser'),
      schema: {
        summary: '上报列表 / Reports',
        description:
          'Reports in their current state, newest first, with the levels approved so far, every review step and a rejection’s reason. A reporter sees only its own; an organiser those of its branches (mine=true: its own). Filters: status, branchId, type, olderThanHours (waiting longer than this).',
        tags: ['reports'],
        querystring: ReportListQuery,
        response: { 200: ReportList, ...errors },
      },
      handler: async (request) => ({ reports: await reports.list(access.principal(request), request.query) }),
    });

    r.post('/v1/reports/review', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '审核 / Approve or reject reports',
        description:
          'Approves the next level of each report, or rejects it with a reason (note) the reporter sees. An organiser approves reports of crews in its branches, one level per report (the next level needs another reviewer). At the last level the event is published through the ingest path and counts. Each report is answered on its own: one that cannot be decided does not stop the others. Approving an approved report again publishes nothing twice.',
        tags: ['reports'],
        body: ReviewRequest,
        response: { 200: ReviewAnswer, ...errors },
      },
      handler: async (request) => ({ results: await reports.review(access.principal(request), request.body) }),
    });

    r.get('/v1/reports/open-hazards', {
      onRequest: access.require('reporter', 'organiser', 'ingest'),
      schema: {
        summary: '未整改隐患 / Open hazards of a crew',
        description:
          'Approved hazard reports of the crew without an approved rectification, oldest first, with the deadline of the strictest hazard_overdue rule in force: what the rectification form offers.',
        tags: ['reports'],
        querystring: Query({ crewId: Id }),
        response: { 200: OpenHazardList, ...errors },
      },
      handler: async (request) => ({
        hazards: await reports.openHazards(access.principal(request), request.query.crewId),
      }),
    });
  };
}
