import type { Logger } from 'pino';
import type { NotifyFactKind } from '../../../schemas/notify.schema.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Notices } from '../../notice/notices.ts';
import type { StandingsFeed } from '../../scoring/standings-feed.ts';
import type { StandingsService } from '../../scoring/standings.service.ts';
import type { Clock } from '../../shared/clock.ts';
import { createOneAtATime } from '../../shared/one-at-a-time.ts';
import type { Notifier, NotifyFact } from '../notify-fact.ts';
import { publicLinks } from './fact-messages.ts';
import type { Subscribed } from './fact-post.ts';
import { createNoticeFacts } from './notice-facts.ts';
import { createOverdueFacts, type ReportedHazard } from './overdue-facts.ts';
import { createStandingsFacts } from './standings-facts.ts';

/** How often the sources look at the clock and the stored facts (a daily time is met within it). */
export const NOTIFY_TICK_MS = 60_000;

export interface NotifySourcesDeps {
  notifier: Notifier;
  now: Clock;
  catalog: Pick<Catalog, 'competition' | 'crew' | 'participants'>;
  standings: Pick<StandingsService, 'read' | 'evaluate'>;
  /** Told after each computation of today's standings. */
  feed: Pick<StandingsFeed, 'subscribe'>;
  notices: Pick<Notices, 'statuses' | 'view'>;
  /** Approved hazard reports without a rectification (overdue-facts.ts unrectifiedHazards). */
  hazards: (since: Date) => Promise<ReportedHazard[]>;
  /**
   * The keys of a competition's facts of a kind already in the outbox: a restart goes on from the
   * last leader change announced. Without it a day starts from yesterday's leader.
   */
  postedKeys?: (competitionId: string, kind: NotifyFactKind) => Promise<readonly string[]>;
  /** PUBLIC_URL: the address crews and organisers open. */
  publicUrl: string;
  logger: Logger;
  tickMs?: number;
}

export interface NotifySources {
  /** Sweeps once now, then every tick and after each standings update. */
  start(): void;
  /** Stops the timer and waits for a sweep under way. */
  stop(): Promise<void>;
  /** One sweep now: due messages, standings, 公示, overdue hazards. Resolves when it is done. */
  sweep(): Promise<void>;
  /** A 公示 was opened or confirmed (or anything else worth a look): sweep now, not at the next tick. */
  poke(): void;
}

/**
 * The fact sources of the work-group messages (NOTIFY-CONTRACT.md "Fact sources"): each sweep
 * reads the subscriptions and posts what is due or new. Every decision is made again from stored
 * data after a restart and gives the same keys, which the outbox keeps once per channel; within a
 * process a fact is posted once (the set below), so the outbox is not asked again every tick.
 */
export function createNotifySources(deps: NotifySourcesDeps): NotifySources {
  const { notifier, now, catalog, logger } = deps;
  const links = publicLinks(deps.publicUrl);
  const posted = new Set<string>();
  async function post(fact: NotifyFact): Promise<void> {
    const id = `${fact.key}\u0000${fact.channelIds?.join(',') ?? '*'}`;
    if (posted.has(id)) return;
    await notifier.post(fact);
    posted.add(id);
    logger.info({ key: fact.key, kind: fact.kind, channels: fact.channelIds }, 'work-group message posted');
  }
  const standingsFacts = createStandingsFacts({ standings: deps.standings, links, post, postedKeys: deps.postedKeys });
  const noticeFacts = createNoticeFacts({ notices: deps.notices, links, post });
  const overdueFacts = createOverdueFacts({ catalog, hazards: deps.hazards, links, post });
  // One sweep or update at a time: the leader and veto state is read and written by both.
  const oneAtATime = createOneAtATime();

  async function subscribed(): Promise<Subscribed[]> {
    const all = await notifier.subscriptions();
    return [...all].flatMap(([competitionId, subscriptions]) => {
      const competition = catalog.competition(competitionId);
      return competition && !competition.deleted && subscriptions.length > 0 ? [{ competition, subscriptions }] : [];
    });
  }

  /** Runs one source for one competition; a failure is logged and the others go on. */
  async function guarded(what: string, competitionId: string | undefined, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      logger.warn({ err, competitionId, source: what }, 'work-group facts not posted this time; tried again next tick');
    }
  }

  const sweep = () =>
    oneAtATime(async () => {
      const at = now();
      let list: Subscribed[];
      try {
        list = await subscribed();
      } catch (err) {
        logger.warn({ err }, 'notify subscriptions not read; tried again next tick');
        return;
      }
      for (const s of list) {
        await guarded('schedule', s.competition.id, () => standingsFacts.scheduled(s, at));
        await guarded('standings', s.competition.id, () => standingsFacts.updated(s, at));
        await guarded('notice', s.competition.id, () => noticeFacts(s, at));
      }
      await guarded('overdue', undefined, () => overdueFacts(list, at));
    });

  // A burst of standings updates of one competition waiting behind a sweep is looked at once.
  const waiting = new Set<string>();
  const updated = async (competitionId: string) => {
    if (waiting.has(competitionId)) return;
    waiting.add(competitionId);
    await oneAtATime(async () => {
      waiting.delete(competitionId);
      const at = now();
      const s = (await subscribed()).find((x) => x.competition.id === competitionId);
      if (s) await guarded('standings', competitionId, () => standingsFacts.updated(s, at));
    });
  };

  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let last: Promise<void> = Promise.resolve();
  // stop() waits for everything started: a coalesced update resolves before the one it joined.
  const track = (work: Promise<void>) => {
    const done = work.catch((err: unknown) => logger.warn({ err }, 'work-group facts sweep failed'));
    last = Promise.all([last, done]).then(() => undefined);
  };
  return {
    start() {
      track(sweep());
      timer = setInterval(() => track(sweep()), deps.tickMs ?? NOTIFY_TICK_MS);
      timer.unref();
      unsubscribe = deps.feed.subscribe((competitionId) => track(updated(competitionId)));
    },
    async stop() {
      clearInterval(timer);
      unsubscribe?.();
      await last;
    },
    sweep,
    poke() {
      track(sweep());
    },
  };
}
