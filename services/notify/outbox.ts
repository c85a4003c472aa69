import type { ClickHouseClient } from '@clickhouse/client';
import type { Delivery } from '../../schemas/notify.schema.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import type { StoredChannel } from '../storage/notify-channels.store.ts';
import {
  existingDeliveryIds,
  loadDeliverySteps,
  writeDeliverySteps,
  type StoredDeliveryStep,
} from '../storage/notify-deliveries.store.ts';
import { deliveryView, foldDeliveries, type OutboxFact } from './delivery-fold.ts';
import type { NotifyFact } from './notify-fact.ts';
import { wantsFact, type Subscriptions } from './subscriptions.ts';

export interface DeliveryFilter {
  competitionId?: string | undefined;
  status?: Delivery['status'] | undefined;
  /** Only competitions the caller may see (an organiser limited to branches). */
  visible?: ((competitionId: string) => boolean) | undefined;
  limit: number;
}

export interface Outbox {
  /**
   * One delivery per subscribed channel that asks for the fact (of fact.channelIds only, when
   * given), unless its id is there already. Returns the ids written.
   */
  post(fact: NotifyFact): Promise<string[]>;
  list(filter: DeliveryFilter): Promise<Delivery[]>;
  get(deliveryId: string): Promise<Delivery | undefined>;
  /** A failed or uncertain delivery goes back to pending (409 otherwise). */
  retry(by: string, deliveryId: string): Promise<Delivery>;
}

export interface OutboxDeps {
  client: ClickHouseClient;
  now: () => Date;
  subscriptions: Subscriptions;
  channels: () => Promise<Map<string, StoredChannel>>;
  /** Something new for the worker. */
  onPending: () => void;
}

/** The idempotency key of a fact for a channel. */
export const deliveryIdOf = (channelId: string, factKey: string): string => `${channelId}:${factKey}`;

export function createOutbox(deps: OutboxDeps): Outbox {
  const { client, now } = deps;
  // Two posts of one fact at once must not both find it missing and both enqueue it.
  const oneAtATime = createOneAtATime();

  const channelNames = async () => new Map([...(await deps.channels())].map(([id, c]) => [id, c.name]));

  return {
    post: (fact) =>
      oneAtATime(async () => {
        const [subscriptions, channels] = await Promise.all([
          deps.subscriptions.of(fact.competitionId),
          deps.channels(),
        ]);
        const only = fact.channelIds === undefined ? undefined : new Set(fact.channelIds);
        const targets = subscriptions.flatMap((s) => {
          const channel = channels.get(s.channelId);
          if (!channel || (only !== undefined && !only.has(s.channelId))) return [];
          return wantsFact(s, channel, fact) ? [channel] : [];
        });
        const ids = targets.map((c) => deliveryIdOf(c.channelId, fact.key));
        const existing = await existingDeliveryIds(client, ids);
        const at = now().toISOString();
        const kept: OutboxFact = {
          key: fact.key,
          kind: fact.kind,
          title: fact.title,
          markdown: fact.markdown,
          occurredAt: fact.occurredAt,
          ...(fact.unitId === undefined ? {} : { unitId: fact.unitId }),
        };
        const steps: StoredDeliveryStep[] = targets
          .filter((c) => !existing.has(deliveryIdOf(c.channelId, fact.key)))
          .map((c) => ({
            deliveryId: deliveryIdOf(c.channelId, fact.key),
            seq: 0,
            step: 'enqueued',
            at,
            competitionId: fact.competitionId,
            channelId: c.channelId,
            detail: { fact: kept, channelName: c.name, platform: c.platform },
          }));
        await writeDeliverySteps(client, steps);
        if (steps.length > 0) deps.onPending();
        return steps.map((s) => s.deliveryId);
      }),

    async list(filter) {
      const [states, names] = await Promise.all([
        loadDeliverySteps(client, { competitionId: filter.competitionId }).then(foldDeliveries),
        channelNames(),
      ]);
      return states
        .filter((s) => filter.status === undefined || s.status === filter.status)
        .filter((s) => filter.visible === undefined || filter.visible(s.competitionId))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.deliveryId.localeCompare(b.deliveryId))
        .slice(0, filter.limit)
        .map((s) => deliveryView(s, names.get(s.channelId)));
    },

    async get(deliveryId) {
      const [state] = foldDeliveries(await loadDeliverySteps(client, { deliveryId }));
      return state && deliveryView(state, (await channelNames()).get(state.channelId));
    },

    retry: (by, deliveryId) =>
      oneAtATime(async () => {
        const [state] = foldDeliveries(await loadDeliverySteps(client, { deliveryId }));
        if (!state) {
          throw new NotFoundError('delivery_not_found', `没有群消息 "${deliveryId}" / no delivery "${deliveryId}"`);
        }
        if (state.status !== 'failed' && state.status !== 'uncertain') {
          throw new ConflictError(
            'delivery_not_retryable',
            `群消息 "${deliveryId}" 的状态是 ${state.status}，只有 failed 或 uncertain 的可以重发 / delivery "${deliveryId}" is ${state.status}: only a failed or uncertain one can be sent again`,
          );
        }
        const at = now().toISOString();
        const step: StoredDeliveryStep = {
          deliveryId,
          seq: state.lastSeq + 1,
          step: 'retry',
          at,
          competitionId: state.competitionId,
          channelId: state.channelId,
          detail: { by },
        };
        await writeDeliverySteps(client, [step]);
        const [after] = foldDeliveries(await loadDeliverySteps(client, { deliveryId }));
        deps.onPending();
        return deliveryView(after ?? state, (await channelNames()).get(state.channelId));
      }),
  };
}
