import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { PathId } from '../../../schemas/common.schema.ts';
import {
  CorrectRequest,
  CorrectionResult,
  EventHistory,
  EventHistoryQuery,
  EventList,
  EventsQuery,
  WithdrawRequest,
} from '../../../schemas/correction.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Corrections } from '../../corrections/corrections.ts';

export interface EventCorrectionsRouteDeps {
  corrections: Corrections;
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

const CHANGE_NOTE =
  'Nothing stored is deleted or changed: the correction is a record of its own that goes through the same pipeline as events (Kafka and the scoring consumer when KAFKA_BROKERS is set), and the standings of every stored day from the event’s day on are recomputed. An event is corrected once: a retry of the same correction answers 200 outcome unchanged; another one answers 409 (withdraw or correct the replacement instead). An event of a closed period may be corrected: its frozen final standings do not change, the answer names the period (correction.late), and the period lists it among its late changes.';

export function eventCorrectionsRoute(deps: EventCorrectionsRouteDeps) {
  const { corrections, access } = deps;
  const eventParams = z.object({ eventId: PathId() });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/v1/events', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '查找事件 / Find stored events',
        description:
          'Stored events, newest first, with their correction state (counted, withdrawn, corrected: by which correction, why, who, when) and the event each replacement replaces. Filters: crewId, eventId, type, a day or from/to (calendar days in Beijing time). A token limited to branches or units sees only their crews. Page with limit and the answer’s nextCursor.',
        tags: ['corrections'],
        querystring: EventsQuery,
        response: { 200: EventList, ...errors },
      },
      handler: async (request) => corrections.find(access.principal(request), request.query),
    });

    r.get('/v1/events/:eventId/history', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '事件更正历史 / An event’s audit history',
        description:
          'The chain an event belongs to: the first event as it was sent, then each replacement, each with the correction that withdrew or replaced it (reason, author, time, closed periods it reached late); current names the version that counts now.',
        tags: ['corrections'],
        params: eventParams,
        querystring: EventHistoryQuery,
        response: { 200: EventHistory, ...errors },
      },
      handler: async (request) =>
        corrections.history(access.principal(request), request.params.eventId, request.query.crewId),
    });

    r.post('/v1/events/:eventId/withdraw', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '撤回事件 / Withdraw an event',
        description: `The event no longer counts, from its day on. ${CHANGE_NOTE}`,
        tags: ['corrections'],
        params: eventParams,
        body: WithdrawRequest,
        response: { 200: CorrectionResult, 201: CorrectionResult, 202: CorrectionResult, ...errors },
      },
      handler: async (request, reply) => {
        const result = await corrections.withdraw(access.principal(request), request.params.eventId, request.body);
        return reply.code(result.status).send(result.body);
      },
    });

    r.post('/v1/events/:eventId/correct', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '更正事件 / Correct an event',
        description: `A replacement event counts instead: any type, this crew or another, checked as POST /v1/events checks events (422 invalid_replacement names each field as event.<field>); its eventId is assigned (fix-…). ${CHANGE_NOTE}`,
        tags: ['corrections'],
        params: eventParams,
        body: CorrectRequest,
        response: { 200: CorrectionResult, 201: CorrectionResult, 202: CorrectionResult, ...errors },
      },
      handler: async (request, reply) => {
        const result = await corrections.correct(access.principal(request), request.params.eventId, request.body);
        return reply.code(result.status).send(result.body);
      },
    });
  };
}
