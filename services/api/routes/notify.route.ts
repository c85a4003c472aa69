import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { Id, PathId, Query } from '../../../schemas/common.schema.ts';
import {
  ChannelRequest,
  ChannelUpdate,
  Deliveries,
  Delivery,
  DeliveryStatus,
  NotifyChannel,
  Subscriptions,
  SubscriptionsRequest,
  TestMessageResult,
} from '../../../schemas/notify.schema.ts';
import type { Access } from '../../access/access.ts';
import {
  competitionDefinitions,
  competitionInScope,
  isLimited,
  refuseCompetitionOutOfScope,
} from '../../access/scope.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { channelView } from '../../notify/channels.ts';
import type { Notify } from '../../notify/notify.ts';
import { NotFoundError } from '../../shared/errors.ts';

export interface NotifyRouteDeps {
  catalog: Catalog;
  notify: Notify;
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

const DeliveriesQuery = Query({
  competitionId: Id.optional().describe('only this competition’s messages'),
  status: DeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('at most this many, newest first'),
});

/**
 * Messages to the work groups (企业微信, 钉钉 and 飞书 group robots): the robots' channels, which
 * facts of a competition go where, and the delivery log. Organisers and admins only: a channel's
 * webhook posts into a real group, and its address and secret are never sent back.
 */
export function notifyRoute(deps: NotifyRouteDeps) {
  const { catalog, notify, access } = deps;
  const organiser = access.require('organiser');
  const channelParams = z.object({ channelId: PathId() });
  const competitionParams = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });

  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    function organiserOf(request: Parameters<Access['principal']>[0], competitionId: string) {
      if (catalog.versions(competitionId) === undefined) {
        throw new NotFoundError(
          'competition_not_found',
          `没有竞赛 "${competitionId}" / competition "${competitionId}" does not exist`,
        );
      }
      const principal = access.principal(request);
      refuseCompetitionOutOfScope(principal, competitionDefinitions(catalog, competitionId), catalog);
      return principal;
    }

    /**
     * A channel a competition outside the caller's branches posts to is not the caller's to change,
     * test or delete: pointed at another group, HQ's messages would go there.
     */
    async function refuseChannelOutOfScope(request: Parameters<Access['principal']>[0], channelId: string) {
      const principal = access.principal(request);
      if (!isLimited(principal)) return;
      for (const competitionId of await notify.subscriptions.competitionsUsing(channelId)) {
        if (catalog.versions(competitionId) === undefined) continue;
        refuseCompetitionOutOfScope(principal, competitionDefinitions(catalog, competitionId), catalog);
      }
    }

    r.get('/v1/notify/channels', {
      onRequest: organiser,
      schema: {
        summary: '工作群机器人列表 / List the group robots',
        description:
          'Every group robot channel (企业微信, 钉钉, 飞书): its name, platform, the webhook address with its key masked, whether it has a signing secret, and the units whose overdue hazards it hears about. Never the key nor the secret.',
        tags: ['notify'],
        response: { 200: z.object({ channels: z.array(NotifyChannel) }), ...errors },
      },
      handler: async () => ({ channels: (await notify.channels.list()).map(channelView) }),
    });

    r.post('/v1/notify/channels', {
      onRequest: organiser,
      schema: {
        summary: '添加工作群机器人 / Add a group robot',
        description:
          'The webhook address as the platform shows it when the robot is added to the group, and for 钉钉 (加签) and 飞书 (签名校验) the signing secret. The channel id is generated (ch-…). Send a test message (POST …/test) to check it.',
        tags: ['notify'],
        body: ChannelRequest,
        response: { 201: NotifyChannel, ...errors },
      },
      handler: async (request, reply) => {
        const channel = await notify.channels.create(access.principal(request).name, request.body);
        return reply.code(201).send(channelView(channel));
      },
    });

    r.put('/v1/notify/channels/:channelId', {
      onRequest: organiser,
      schema: {
        summary: '修改工作群机器人 / Change a group robot',
        description:
          'Replaces the channel’s name, platform and units, and the webhook address when given (omitted keeps the stored one: it is never sent back to be re-sent). The secret: omitted keeps the stored one, "" removes it. An organiser limited to branches may not change, test or delete a channel a competition outside them uses (403 competition_out_of_scope).',
        tags: ['notify'],
        params: channelParams,
        body: ChannelUpdate,
        response: { 200: NotifyChannel, ...errors },
      },
      handler: async (request) => {
        await refuseChannelOutOfScope(request, request.params.channelId);
        return channelView(
          await notify.channels.update(access.principal(request).name, request.params.channelId, request.body),
        );
      },
    });

    r.delete('/v1/notify/channels/:channelId', {
      onRequest: organiser,
      schema: {
        summary: '删除工作群机器人 / Delete a group robot',
        description:
          'Refused (409 channel_in_use, naming them) while a competition subscribes it. Its delivery log is kept; messages still waiting for it are given up.',
        tags: ['notify'],
        params: channelParams,
        response: { 204: z.null().describe('deleted'), ...errors },
      },
      handler: async (request, reply) => {
        await refuseChannelOutOfScope(request, request.params.channelId);
        await notify.channels.remove(access.principal(request).name, request.params.channelId, (id) =>
          notify.subscriptions.competitionsUsing(id),
        );
        return reply.code(204).send(null);
      },
    });

    r.post('/v1/notify/channels/:channelId/test', {
      onRequest: organiser,
      schema: {
        summary: '发送测试消息 / Send a test message',
        description:
          'Posts one test message to the group now (not through the outbox, not retried) and answers what the platform said: ok=false with its answer (a wrong key, a signature mismatch, a missing keyword, a network error) rather than an error status.',
        tags: ['notify'],
        params: channelParams,
        response: { 200: TestMessageResult, ...errors },
      },
      handler: async (request) => {
        await refuseChannelOutOfScope(request, request.params.channelId);
        return notify.test(request.params.channelId);
      },
    });

    r.get('/v1/competitions/:id/notify', {
      onRequest: organiser,
      schema: {
        summary: '竞赛的群消息订阅 / A competition’s group messages',
        description:
          'Which group robots hear about which facts of the competition: the daily standings at a time, the weekly ranking on a weekday, the leader changing, a veto, the 公示 opening and the results confirmed, overdue hazards of a channel’s units.',
        tags: ['notify'],
        params: competitionParams,
        response: { 200: Subscriptions, ...errors },
      },
      handler: async (request) => {
        organiserOf(request, request.params.id);
        return { competitionId: request.params.id, subscriptions: await notify.subscriptions.of(request.params.id) };
      },
    });

    r.put('/v1/competitions/:id/notify', {
      onRequest: organiser,
      schema: {
        summary: '设置竞赛的群消息订阅 / Set a competition’s group messages',
        description:
          'Replaces the competition’s subscriptions. Each channel must exist (422 channel_not_found) and appear at most once (422 channel_repeated). Times are in the competition’s time zone.',
        tags: ['notify'],
        params: competitionParams,
        body: SubscriptionsRequest,
        response: { 200: Subscriptions, ...errors },
      },
      handler: async (request) => {
        const principal = organiserOf(request, request.params.id);
        const saved = await notify.subscriptions.save(principal.name, request.params.id, request.body.subscriptions);
        return { competitionId: request.params.id, subscriptions: saved };
      },
    });

    r.get('/v1/notify/deliveries', {
      onRequest: organiser,
      schema: {
        summary: '群消息发送记录 / Delivery log of group messages',
        description:
          'Messages to the work groups, newest first: each fact once per channel (deliveryId = channelId:factKey), its status (pending, delivered, retrying, failed, uncertain), attempts and the platform’s last answer. Filters: competitionId, status; limit 1–500 (100). An organiser limited to branches sees the competitions it may manage.',
        tags: ['notify'],
        querystring: DeliveriesQuery,
        response: { 200: Deliveries, ...errors },
      },
      handler: async (request) => {
        const { competitionId, status, limit } = request.query;
        if (competitionId !== undefined) organiserOf(request, competitionId);
        const principal = access.principal(request);
        // An organiser limited to branches sees the messages of the competitions it may manage.
        const visible = isLimited(principal)
          ? (id: string) => competitionInScope(principal, competitionDefinitions(catalog, id), catalog)
          : undefined;
        return { deliveries: await notify.outbox.list({ competitionId, status, limit, visible }) };
      },
    });

    r.post('/v1/notify/deliveries/:deliveryId/retry', {
      onRequest: organiser,
      schema: {
        summary: '重发群消息 / Send a message again',
        description:
          'A failed or uncertain message goes back to pending and is sent again with a fresh count of attempts (409 delivery_not_retryable for any other status). An uncertain one may already be in the group: retry it once you know it is not. The id contains ":" characters: URL-encode it.',
        tags: ['notify'],
        params: z.object({ deliveryId: PathId() }),
        response: { 200: Delivery, ...errors },
      },
      handler: async (request) => {
        const principal = access.principal(request);
        const competitionId = (await notify.outbox.get(request.params.deliveryId))?.competitionId;
        if (competitionId !== undefined && catalog.versions(competitionId) !== undefined) {
          refuseCompetitionOutOfScope(principal, competitionDefinitions(catalog, competitionId), catalog);
        }
        return notify.outbox.retry(principal.name, request.params.deliveryId);
      },
    });
  };
}
