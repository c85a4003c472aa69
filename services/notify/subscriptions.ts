import type { ClickHouseClient } from '@clickhouse/client';
import type { NotifyFactKind, Subscription } from '../../schemas/notify.schema.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import type { StoredChannel } from '../storage/notify-channels.store.ts';
import { loadSubscriptions, writeSubscriptions } from '../storage/notify-subscriptions.store.ts';
import type { NotifyFact } from './notify-fact.ts';

export interface Subscriptions {
  /** Every competition's subscriptions. */
  all(): Promise<Map<string, Subscription[]>>;
  of(competitionId: string): Promise<Subscription[]>;
  /** Replaces a competition's list; every channel must exist, and each at most once. */
  save(by: string, competitionId: string, subscriptions: Subscription[]): Promise<Subscription[]>;
  /** The competitions whose subscriptions name the channel. */
  competitionsUsing(channelId: string): Promise<string[]>;
}

export interface SubscriptionsDeps {
  client: ClickHouseClient;
  now: () => Date;
  channels: () => Promise<Map<string, StoredChannel>>;
}

/** Which switch of a subscription asks for a kind of fact. */
const FLAG: Record<NotifyFactKind, (s: Subscription) => boolean> = {
  daily_standings: (s) => s.daily !== undefined,
  weekly_ranking: (s) => s.weekly !== undefined,
  leader_changed: (s) => s.leaderChanged,
  veto: (s) => s.veto,
  notice_opened: (s) => s.notice,
  notice_confirmed: (s) => s.notice,
  hazard_overdue: (s) => s.hazardOverdue,
};

/** Whether a channel subscribed this way hears about the fact (an overdue hazard: only its unit's groups). */
export function wantsFact(
  subscription: Subscription,
  channel: Pick<StoredChannel, 'unitIds'>,
  fact: NotifyFact,
): boolean {
  if (!FLAG[fact.kind](subscription)) return false;
  if (fact.kind === 'hazard_overdue') return fact.unitId !== undefined && channel.unitIds.includes(fact.unitId);
  return true;
}

export function createSubscriptions(deps: SubscriptionsDeps): Subscriptions {
  const { client, now } = deps;
  const oneAtATime = createOneAtATime();

  const parse = (json: string) => JSON.parse(json) as Subscription[];

  return {
    async all() {
      return new Map((await loadSubscriptions(client)).map((row) => [row.competitionId, parse(row.subscriptions)]));
    },
    async of(competitionId) {
      const [row] = await loadSubscriptions(client, competitionId);
      return row ? parse(row.subscriptions) : [];
    },
    save: (by, competitionId, subscriptions) =>
      oneAtATime(async () => {
        const channels = await deps.channels();
        const seen = new Set<string>();
        subscriptions.forEach((s, index) => {
          if (!channels.has(s.channelId)) {
            throw new InvalidInputError(
              'channel_not_found',
              `subscriptions[${index}].channelId：没有工作群机器人 "${s.channelId}" / subscriptions[${index}].channelId: no group robot channel "${s.channelId}"`,
            );
          }
          if (seen.has(s.channelId)) {
            throw new InvalidInputError(
              'channel_repeated',
              `subscriptions[${index}].channelId：工作群机器人 "${s.channelId}" 只能订阅一次 / subscriptions[${index}].channelId: channel "${s.channelId}" is listed more than once`,
            );
          }
          seen.add(s.channelId);
        });
        const [before] = await loadSubscriptions(client, competitionId);
        await writeSubscriptions(client, {
          competitionId,
          revision: (before?.revision ?? 0) + 1,
          subscriptions: JSON.stringify(subscriptions),
          savedAt: now().toISOString(),
          savedBy: by,
        });
        return subscriptions;
      }),
    async competitionsUsing(channelId) {
      const using: string[] = [];
      for (const row of await loadSubscriptions(client)) {
        if (parse(row.subscriptions).some((s) => s.channelId === channelId)) using.push(row.competitionId);
      }
      return using.sort();
    },
  };
}
