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
  /** The leader last announced (or, at the start of a day or a process, yesterday's final leader). */
  last: Leader | undefined;
}

export interface LeaderDecision {
  state: LeaderState;
  /** A change to announce, with its key; undefined when the leader is the one last announced. */
  change?: { key: string; leader: Leader; previous: Leader | undefined };
}

/**
 * Whether the first place changed. The state starts each day (and each process start) from
 * yesterday's final leader, which every instance and every restart reads the same; the key names
 * the day and the new leader, so a restart that finds the leader it announced before the restart
 * posts the same key again and the outbox keeps it once, while a real change always has a key not
 * used that day. (A crew that takes the lead twice in one day is announced once.)
 */
export function decideLeader(competitionId: string, state: LeaderState, current: Leader | undefined): LeaderDecision {
  if (!current || current.id === state.last?.id) {
    return { state: current ? { ...state, last: current } : state };
  }
  return {
    state: { day: state.day, last: current },
    change: { key: `leader:${competitionId}:${state.day}:${current.id}`, leader: current, previous: state.last },
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
