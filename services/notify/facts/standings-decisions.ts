import type { VetoResult } from '../../scoring/engine/types.ts';

/** The part of a standings row (GET …/standings) the leader and veto decisions read. */
export interface WatchedRow {
  crewId: string;
  crewName: string;
  rank: number | null;
  score: number;
  vetoes: readonly VetoResult[];
}

export interface Leader {
  id: string;
  name: string;
  score: number;
}

/**
 * The sole leader of rows in rank order: ranked first, alone, and ahead on points. A tie at the
 * top (shared rank 1, or a tie-break of equal scores, as on a first morning when nobody scored)
 * has no leader: nothing "changed" until somebody is actually ahead.
 */
export function leaderOf(rows: readonly WatchedRow[]): Leader | undefined {
  const [first, second] = rows;
  if (first?.rank !== 1) return undefined;
  if (second && (second.rank === 1 || second.score >= first.score)) return undefined;
  return { id: first.crewId, name: first.crewName, score: first.score };
}

/** What this process knows of a competition's leader on a day. */
export interface LeaderState {
  day: string;
  /** The leader last announced that day, or, before any, yesterday's final leader. */
  last: Leader | undefined;
  /** How many leader changes were announced that day (the next one is seq + 1). */
  seq: number;
}

export interface LeaderDecision {
  state: LeaderState;
  /** A change to announce, with its key; undefined when the leader is the one last announced. */
  change?: { key: string; leader: Leader; previous: Leader | undefined };
}

/** The n-th leader change of a day: the number keeps a crew taking the lead back a new fact. */
export function leaderKey(competitionId: string, day: string, seq: number, crewId: string): string {
  return `leader:${competitionId}:${day}:${String(seq)}:${crewId}`;
}

/**
 * The last leader change announced on a day, from the keys already in the outbox (ids may hold
 * ":", so the key is read after its known prefix): a restart goes on from it, never repeating it.
 */
export function lastAnnounced(
  competitionId: string,
  day: string,
  keys: readonly string[],
): { seq: number; crewId: string } | undefined {
  const prefix = `leader:${competitionId}:${day}:`;
  let last: { seq: number; crewId: string } | undefined;
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const match = /^(\d+):(.+)$/u.exec(key.slice(prefix.length));
    if (!match?.[1] || !match[2]) continue;
    const seq = Number(match[1]);
    if (!last || seq > last.seq) last = { seq, crewId: match[2] };
  }
  return last;
}

/**
 * The state a day starts from: the last change announced that day (read back from the outbox
 * after a restart), or yesterday's final leader, which every instance and restart reads the same.
 */
export function leaderStateOf(
  day: string,
  yesterday: Leader | undefined,
  announced: { seq: number; crewId: string } | undefined,
): LeaderState {
  if (!announced) return { day, last: yesterday, seq: 0 };
  return { day, last: { id: announced.crewId, name: announced.crewId, score: 0 }, seq: announced.seq };
}

/**
 * Whether the first place changed since the leader last announced. Each change gets the next
 * number of the day in its key, so a restart (which reads the numbers back) never repeats one and
 * every real change, a crew taking the lead back included, is a key not used before.
 */
export function decideLeader(competitionId: string, state: LeaderState, current: Leader | undefined): LeaderDecision {
  if (!current || current.id === state.last?.id) {
    return { state: current ? { ...state, last: current } : state };
  }
  const seq = state.seq + 1;
  return {
    state: { day: state.day, last: current, seq },
    change: { key: leaderKey(competitionId, state.day, seq, current.id), leader: current, previous: state.last },
  };
}

/** A crew's veto as one string, for the sets of vetoes seen. */
export function vetoId(crewId: string, id: string): string {
  return `${crewId}\u0000${id}`;
}

export function vetoesIn(rows: readonly WatchedRow[]): Set<string> {
  return new Set(rows.flatMap((r) => r.vetoes.map((v) => vetoId(r.crewId, v.vetoId))));
}

export interface NewVeto<R extends WatchedRow = WatchedRow> {
  key: string;
  row: R;
  veto: VetoResult;
}

/**
 * Vetoes the rows carry that were not seen before: `seen` starts (each process start) as the
 * vetoes of yesterday's standings and grows with every check, so a veto carried since an earlier
 * day is never announced again, and one that appears today is announced with today's key (the
 * same key after a restart the same day: kept once).
 */
export function newVetoes<R extends WatchedRow>(
  competitionId: string,
  day: string,
  seen: ReadonlySet<string>,
  rows: readonly R[],
): NewVeto<R>[] {
  return rows.flatMap((row) =>
    row.vetoes
      .filter((v) => !seen.has(vetoId(row.crewId, v.vetoId)))
      .map((veto) => ({ key: `veto:${competitionId}:${day}:${row.crewId}:${veto.vetoId}`, row, veto })),
  );
}
