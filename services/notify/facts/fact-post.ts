import type { Subscription } from '../../../schemas/notify.schema.ts';
import type { StoredCompetition } from '../../storage/competitions.store.ts';
import type { NotifyFact } from '../notify-fact.ts';

/** Posts a fact (see notify-sources.ts: once per process, then the outbox keeps it once per channel). */
export type PostFact = (fact: NotifyFact) => Promise<void>;

/** A competition with its channels' subscriptions, as one sweep of the fact sources sees it. */
export interface Subscribed {
  competition: StoredCompetition;
  subscriptions: readonly Subscription[];
}
