import { rankMovement, type RankedStandings } from './engine/compute-standings.ts';
import { idIndex } from './engine/score-memo.ts';
import type { CrewScore } from './engine/types.ts';
import { storedRow, type GroupBy, type Snapshot, type SnapshotCrew, type StoredRow } from './standings.store.ts';

/**
 * A computation's standings as the engine ranked them, in columns: each entrant's score record
 * (shared with the score memo), and its rank and the day before's rank per group as numbers. A
 * snapshot of 10,000 crews held one record per crew with three rank objects in it, built again
 * for every crew whose rank moved; with 300 competitions those were a third of the heap, and the
 * collector's walks over it most of a refresh cycle (issue 19). Records are built only for what
 * a page, a write or a caller of `crews` reads.
 */
export interface RankTable {
  ranked: RankedStandings;
  groupBys: readonly GroupBy[];
  /** Per groupBy, each entrant's rank at the end of the day before (entrant order); 0 for none. */
  prevIn: readonly Int32Array[];
}

/**
 * Per groupBy, each entrant's rank (entrant order; 0 for unranked), for building records. Found
 * when first asked: pages read ranks by position, and a refresh cycle of 300 competitions
 * allocated 100 MB of these per cycle, which is what started the collector's marking of the whole
 * heap (typed arrays' memory lies outside the heap and V8 collects after every 64 MB of it).
 */
const ranksByEntrant = new WeakMap<RankTable, readonly (readonly number[])[]>();

function rankIn(table: RankTable): readonly (readonly number[])[] {
  let columns = ranksByEntrant.get(table);
  if (columns === undefined) {
    const n = table.ranked.entrants.length;
    // Plain arrays: built for every snapshot written, so typed ones would add to the memory
    // outside the heap that starts full collections (rank.ts RankColumn).
    const made = table.groupBys.map((): number[] => new Array<number>(n).fill(0));
    for (const { groupBy, order, ranks } of table.ranked.groups) {
      const into = made[table.groupBys.indexOf(groupBy)] as number[];
      for (let k = 0; k < order.length; k++) into[order[k] as number] = ranks[k] as number;
    }
    ranksByEntrant.set(table, (columns = made));
  }
  return columns;
}

/**
 * Ranks of the day before per entrant id (standings.service.ts previousRanks), in columns: each
 * competition kept them as a map of one small object per entrant, a fifth of what 300
 * competitions over 10,000 crews held (issue 19).
 */
export interface PreviousRanks {
  /** Each entrant id's position in the columns. */
  readonly positions: ReadonlyMap<string, number>;
  /**
   * Per groupBy, the rank at each position; 0 for none (unranked, or not in the group's ranking).
   * Empty for a groupBy not ranked that day.
   */
  readonly columns: Readonly<Record<GroupBy, Int32Array>>;
}

export const NO_PREVIOUS_RANKS: PreviousRanks = {
  positions: new Map(),
  columns: { overall: new Int32Array(0), branch: new Int32Array(0), unit_type: new Int32Array(0) },
};

/** Previous ranks from one entry per entrant id (stored rows, tests). */
export function previousRanksOf(
  entries: Iterable<readonly [string, Readonly<Partial<Record<GroupBy, number | null>>>]>,
): PreviousRanks {
  const list = [...entries];
  const positions = new Map<string, number>();
  const columns = {
    overall: new Int32Array(list.length),
    branch: new Int32Array(list.length),
    unit_type: new Int32Array(list.length),
  };
  list.forEach(([id, ranks], p) => {
    positions.set(id, p);
    columns.overall[p] = ranks.overall ?? 0;
    columns.branch[p] = ranks.branch ?? 0;
    columns.unit_type[p] = ranks.unit_type ?? 0;
  });
  return { positions, columns };
}

/** The ranks of a computation, for the next day's movement: positions are the entrants' order. */
export function previousRanksFromRanked(ranked: RankedStandings): PreviousRanks {
  const n = ranked.entrants.length;
  // Columns only for the groupBys the computation ranked (the others read as none).
  const columns = { ...NO_PREVIOUS_RANKS.columns };
  for (const { groupBy, order, ranks } of ranked.groups) {
    if (columns[groupBy].length !== n) columns[groupBy] = new Int32Array(n);
    const into = columns[groupBy];
    for (let k = 0; k < order.length; k++) into[order[k] as number] = ranks[k] as number;
  }
  return { positions: idIndex(ranked.entrants), columns };
}

/** What a table leaves for the next computation of the same day (rankTable). */
export interface KeptTable {
  previous: PreviousRanks;
  table: RankTable;
}

/**
 * The table of one computation. With the previous computation's (same entrants, same day before):
 * the very same table when the engine's standings are the same (no score changed), and the day
 * before's ranks not looked up again.
 */
export function rankTable(ranked: RankedStandings, previous: PreviousRanks, kept?: KeptTable): KeptTable {
  const { entrants, groups } = ranked;
  const n = entrants.length;
  const groupBys = [...new Set(groups.map((g) => g.groupBy))];
  const same =
    kept !== undefined &&
    kept.previous === previous &&
    kept.table.ranked.entrants === entrants &&
    kept.table.groupBys.length === groupBys.length &&
    kept.table.groupBys.every((g, j) => g === groupBys[j]);
  if (same && kept.table.ranked === ranked) return kept;
  let prevIn = same ? kept.table.prevIn : undefined;
  if (prevIn === undefined) {
    const columns = groupBys.map(() => new Int32Array(n));
    if (previous.positions.size > 0) {
      const from = groupBys.map((g) => previous.columns[g]);
      for (let i = 0; i < n; i++) {
        const p = previous.positions.get((entrants[i] as CrewScore['crew']).crewId);
        if (p !== undefined)
          for (let j = 0; j < groupBys.length; j++) (columns[j] as Int32Array)[i] = (from[j] as Int32Array)[p] ?? 0;
      }
    }
    prevIn = columns;
  }
  return { previous, table: { ranked, groupBys, prevIn } };
}

/** Entrant i's record, as snapshotCrews builds it. */
export function recordAt(table: RankTable, i: number): SnapshotCrew {
  const s = table.ranked.scores[i] as CrewScore;
  const ranks: SnapshotCrew['ranks'] = {};
  const columns = rankIn(table);
  for (let j = 0; j < table.groupBys.length; j++) {
    const groupBy = table.groupBys[j] as GroupBy;
    const rank = (columns[j] as readonly number[])[i] || null;
    const prevRank = (table.prevIn[j] as Int32Array)[i] || null;
    const entry = { rank, prevRank, rankChange: rankMovement(rank, prevRank) };
    if (groupBy === 'overall') ranks.overall = entry;
    else if (groupBy === 'branch') ranks.branch = entry;
    else ranks.unit_type = entry;
  }
  return {
    crew: s.crew,
    score: s.score,
    disqualified: s.disqualified,
    vetoes: s.vetoes,
    indicators: s.indicators,
    facts: s.facts,
    sheet: s.sheet,
    ranks,
  };
}

/** Every record in the first groupBy's display order (as Snapshot.crews lists them), built one by one. */
export function* tableRecords(table: RankTable): Generator<SnapshotCrew> {
  const first = table.groupBys[0];
  for (const { groupBy, order } of table.ranked.groups)
    if (groupBy === first) for (const i of order) yield recordAt(table, i);
}

/** Snapshots made from a table: pages and writes read the table, not records (see snapshotOf). */
const tables = new WeakMap<object, RankTable>();

/**
 * A snapshot over a table: its `crews` are built when first read (and then kept), for callers
 * that want every record (a period's closing, tests); the service's pages and writes read the table.
 */
export function snapshotOf(meta: Omit<Snapshot, 'crews'>, table: RankTable): Snapshot {
  let crews: SnapshotCrew[] | undefined;
  const snapshot = Object.defineProperty({ ...meta }, 'crews', {
    enumerable: true,
    get: () => (crews ??= [...tableRecords(table)]),
  }) as Snapshot;
  tables.set(snapshot, table);
  return snapshot;
}

export function tableOf(snapshot: object): RankTable | undefined {
  return tables.get(snapshot);
}

/** Every record of a snapshot, without keeping them on it when it has a table. */
export function snapshotRecords(snapshot: Snapshot): Iterable<SnapshotCrew> {
  const table = tables.get(snapshot);
  return table === undefined ? snapshot.crews : tableRecords(table);
}

/** How many entrants a snapshot ranks. */
export function snapshotSize(snapshot: Snapshot): number {
  return tables.get(snapshot)?.ranked.scores.length ?? snapshot.crews.length;
}

/** A page of one group from a table: what pageOf gives from the snapshot's records. */
export function tablePage(
  table: RankTable,
  group: { groupBy: GroupBy; groupKey: string },
  crewId: string | undefined,
  limit: number,
  offset: number,
): { total: number; rows: StoredRow[] } {
  const found = table.ranked.groups.find((g) => g.groupBy === group.groupBy && g.groupKey === group.groupKey);
  if (found === undefined) return { total: 0, rows: [] };
  const { order, ranks } = found;
  const j = table.groupBys.indexOf(group.groupBy);
  const prevIn = table.prevIn[j] as Int32Array;
  const { entrants, scores } = table.ranked;
  let positions: number[];
  if (crewId === undefined) {
    positions = [];
    for (let k = offset; k < Math.min(order.length, offset + limit); k++) positions.push(k);
  } else {
    let k = 0;
    while (k < order.length && entrants[order[k] as number]?.crewId !== crewId) k++;
    positions = k === order.length ? [] : [k].slice(offset, offset + limit);
  }
  return {
    total: order.length,
    rows: positions.map((k) => {
      const i = order[k] as number;
      const rank = ranks[k] || null;
      const prevRank = prevIn[i] || null;
      return storedRow(scores[i] as CrewScore, { rank, prevRank, rankChange: rankMovement(rank, prevRank) });
    }),
  };
}
