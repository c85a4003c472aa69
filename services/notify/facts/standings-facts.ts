import type { NotifyFactKind } from '../../../schemas/notify.schema.ts';
import type { EntrantLevel } from '../../../schemas/sheet.schema.ts';
import type { StandingsService } from '../../scoring/standings.service.ts';
import type { StoredRow } from '../../scoring/standings.store.ts';
import { addDays } from '../../shared/calendar.ts';
import {
  dailyStandingsMessage,
  leaderChangedMessage,
  vetoMessage,
  weeklyRankingMessage,
  type PublicLinks,
  type RankedLine,
} from './fact-messages.ts';
import type { PostFact, Subscribed } from './fact-post.ts';
import { duePosts, localTime, type DuePost } from './schedule.ts';
import {
  decideLeader,
  lastAnnounced,
  leaderOf,
  leaderStateOf,
  newVetoes,
  vetoesIn,
  type LeaderState,
} from './standings-decisions.ts';

/** Vetoes are looked for in this many rows of the overall standings (disqualified rows come last). */
export const VETO_ROWS = 10_000;

export interface StandingsFactsDeps {
  standings: Pick<StandingsService, 'read' | 'evaluate'>;
  links: PublicLinks;
  post: PostFact;
  /** The keys of a competition's facts of a kind already in the outbox (the leader changes announced). */
  postedKeys?: ((competitionId: string, kind: NotifyFactKind) => Promise<readonly string[]>) | undefined;
}

/** Who a row is, with what tells it apart: a crew's unit, a person's crew. */
export function entrantName(
  entrants: EntrantLevel,
  row: { crewName: string; unitName: string; personCrewName?: string | undefined },
): string {
  if (entrants === 'crew') return `${row.crewName}（${row.unitName}）`;
  if (entrants === 'person' && row.personCrewName !== undefined) return `${row.crewName}（${row.personCrewName}）`;
  return row.crewName;
}

function lineOf(entrants: EntrantLevel, row: StoredRow): RankedLine {
  return {
    rank: row.rank,
    name: entrantName(entrants, { ...row, personCrewName: row.person?.crewName }),
    score: row.score,
    rankChange: row.rankChange,
    disqualified: row.disqualified,
  };
}

interface Watched {
  leader: LeaderState;
  /** Vetoes seen since this process started (from yesterday's standings on). */
  vetoes: Set<string>;
  /** Whether vetoes were looked for (every row read), or only the first two rows. */
  withVetoes: boolean;
  computedAt: string;
}

/**
 * The facts read from the standings the API serves (StandingsService.read, as GET …/standings):
 * the daily and weekly messages when due, the leader changing and a new veto after each update.
 */
export function createStandingsFacts(deps: StandingsFactsDeps) {
  const { standings, links, post } = deps;
  const watched = new Map<string, Watched>();

  async function scheduled({ competition, subscriptions }: Subscribed, now: Date): Promise<void> {
    const def = competition.definition;
    for (const due of duePosts({
      competitionId: competition.id,
      timeZone: def.timeZone,
      period: def.period,
      subscriptions,
      now,
    })) {
      const message =
        due.kind === 'daily_standings'
          ? await daily(competition, due, localTime(now, def.timeZone).time)
          : await weekly(competition, due);
      await post({
        key: due.key,
        competitionId: competition.id,
        kind: due.kind,
        ...message,
        occurredAt: now.toISOString(),
        channelIds: due.channelIds,
      });
    }
  }

  /** The day's standings as of now (`time`: later than the subscription's when posted late). */
  async function daily(competition: Subscribed['competition'], due: DuePost, time: string) {
    const def = competition.definition;
    const page = await standings.read(competition.id, { asOf: due.day, limit: due.top });
    return dailyStandingsMessage(links, {
      competitionName: def.name.zh,
      competitionId: competition.id,
      entrants: def.entrants,
      total: page.total,
      day: due.day,
      at: time,
      rows: page.rows.map((row) => lineOf(def.entrants, row)),
    });
  }

  /** The week's own ranking: the rules applied to its 7 days alone (nothing written or kept). */
  async function weekly(competition: Subscribed['competition'], due: DuePost) {
    const def = competition.definition;
    const crews = await standings.evaluate(
      competition.id,
      { ...def, period: { start: due.from, end: def.period.end }, stages: [] },
      due.day,
    );
    const rankOf = (c: (typeof crews)[number]) => c.ranks.overall?.rank ?? null;
    const ranked = [...crews].sort((a, b) => {
      const ra = rankOf(a);
      const rb = rankOf(b);
      if (ra === rb) return b.score - a.score;
      return ra === null ? 1 : rb === null ? -1 : ra - rb;
    });
    return weeklyRankingMessage(links, {
      competitionName: def.name.zh,
      competitionId: competition.id,
      entrants: def.entrants,
      total: crews.length,
      from: due.from,
      to: due.day,
      rows: ranked.slice(0, due.top).map((c) => ({
        rank: rankOf(c),
        name: entrantName(def.entrants, { ...c.crew, personCrewName: c.crew.person?.crewName }),
        score: c.score,
        rankChange: null,
        disqualified: c.disqualified,
      })),
    });
  }

  /**
   * After a standings update (or on a sweep): today's first place and vetoes against what was
   * last seen. Each process starts from yesterday's standings, which every restart reads the same.
   */
  async function updated({ competition, subscriptions }: Subscribed, now: Date): Promise<void> {
    const wantsLeader = subscriptions.some((s) => s.leaderChanged);
    const wantsVeto = subscriptions.some((s) => s.veto);
    if (!wantsLeader && !wantsVeto) return;
    const def = competition.definition;
    const { day } = localTime(now, def.timeZone);
    if (day < def.period.start || day > def.period.end) return;
    const limit = wantsVeto ? VETO_ROWS : 2;
    const page = await standings.read(competition.id, { asOf: day, limit });
    let state = watched.get(competition.id);
    if (state?.leader.day === day && state.computedAt === page.computedAt && state.withVetoes === wantsVeto) return;
    // A new day (or process), or vetoes asked for since: start again from yesterday's standings.
    if (state?.leader.day !== day || state.withVetoes !== wantsVeto) {
      const yesterday = addDays(day, -1);
      const before =
        yesterday < def.period.start ? [] : (await standings.read(competition.id, { asOf: yesterday, limit })).rows;
      const announced = wantsLeader
        ? lastAnnounced(competition.id, day, (await deps.postedKeys?.(competition.id, 'leader_changed')) ?? [])
        : undefined;
      state = {
        leader: state?.leader.day === day ? state.leader : leaderStateOf(day, leaderOf(before), announced),
        vetoes: state?.withVetoes === wantsVeto ? state.vetoes : vetoesIn(before),
        withVetoes: wantsVeto,
        computedAt: '',
      };
    }
    const decision = decideLeader(competition.id, state.leader, leaderOf(page.rows));
    const fresh = newVetoes(competition.id, day, state.vetoes, page.rows);
    if (wantsLeader && decision.change) {
      const { leader, previous } = decision.change;
      // The one overtaken may be below the rows read (or known by its id only, after a restart).
      const rowOf = async (id: string) =>
        page.rows.find((r) => r.crewId === id) ??
        (await standings.read(competition.id, { asOf: day, crewId: id, limit: 1 })).rows[0];
      const name = async (id: string) => {
        const row = await rowOf(id);
        return row ? entrantName(def.entrants, { ...row, personCrewName: row.person?.crewName }) : undefined;
      };
      await post({
        key: decision.change.key,
        competitionId: competition.id,
        kind: 'leader_changed',
        ...leaderChangedMessage(links, {
          competitionName: def.name.zh,
          competitionId: competition.id,
          day,
          leader: { name: (await name(leader.id)) ?? leader.name, score: leader.score },
          previous: previous && { name: (await name(previous.id)) ?? previous.name },
        }),
        occurredAt: page.computedAt,
      });
    }
    if (wantsVeto) {
      for (const { key, row, veto } of fresh) {
        await post({
          key,
          competitionId: competition.id,
          kind: 'veto',
          ...vetoMessage(links, {
            competitionName: def.name.zh,
            competitionId: competition.id,
            day,
            entrant: {
              id: row.crewId,
              name: entrantName(def.entrants, { ...row, personCrewName: row.person?.crewName }),
            },
            veto: { name: veto.name.zh, effect: veto.effect, reason: veto.reason.zh },
          }),
          occurredAt: page.computedAt,
        });
      }
    }
    // Only once posted: a post that failed is decided again (and posted) at the next look.
    watched.set(competition.id, {
      leader: decision.state,
      vetoes: new Set([...state.vetoes, ...vetoesIn(page.rows)]),
      withVetoes: wantsVeto,
      computedAt: page.computedAt,
    });
  }

  return { scheduled, updated };
}
