import type { Subscription } from '../../../schemas/notify.schema.ts';
import type { StoredCompetition } from '../../storage/competitions.store.ts';
import type { NotifyFact } from '../notify-fact.ts';

/**
 * A fact for some of a competition's channels only: daily and weekly messages go to the channels
 * whose subscription time has come (the notifier still checks each asks for the kind).
 */
export type ChannelFact = NotifyFact & { channelIds?: readonly string[] };

/** Posts a fact (see notify-sources.ts: once per process, then the outbox keeps it once per channel). */
export type PostFact = (fact: ChannelFact) => Promise<void>;

/** A competition with its channels' subscriptions, as one sweep of the fact sources sees it. */
export interface Subscribed {
  competition: StoredCompetition;
  subscriptions: readonly Subscription[];
}
