import type { z } from 'zod';
import type { PreviewResponse, PreviewRow } from '../../schemas/versions.schema.ts';
import type { SnapshotCrew } from '../scoring/standings.store.ts';

type Row = z.infer<typeof PreviewRow>;
type Summary = z.infer<typeof PreviewResponse>['summary'];

function placing(c: SnapshotCrew | undefined): Row['current'] {
  if (!c) return null;
  return { rank: c.ranks.overall?.rank ?? null, score: c.score, disqualified: c.disqualified };
}

/** Ranked crews first by rank, then the unranked (disqualified) by crew id. */
function byRank(a: Row['draft'], b: Row['draft']): number {
  const ra = a?.rank ?? null;
  const rb = b?.rank ?? null;
  if (ra === rb) return 0;
  if (ra === null) return 1;
  if (rb === null) return -1;
  return ra - rb;
}

/**
 * Each crew's overall rank and score under the current rules beside a draft's, in draft order
 * (crews only the current rules rank come last). Rank change is positive when the draft ranks a
 * crew higher, as in the standings.
 */
export function comparePlacings(
  current: readonly SnapshotCrew[],
  draft: readonly SnapshotCrew[],
): { summary: Summary; rows: Row[] } {
  const currentById = new Map(current.map((c) => [c.crew.crewId, c]));
  const draftById = new Map(draft.map((c) => [c.crew.crewId, c]));
  const ids = [...new Set([...draftById.keys(), ...currentById.keys()])];
  const rows = ids.map((crewId): Row => {
    const now = currentById.get(crewId);
    const next = draftById.get(crewId);
    const crew = (next ?? now)?.crew;
    const before = placing(now);
    const after = placing(next);
    return {
      crewId,
      crewName: crew?.crewName ?? crewId,
      unitName: crew?.unitName ?? '',
      branchId: crew?.branchId ?? '',
      branchName: crew?.branchName ?? '',
      current: before,
      draft: after,
      rankChange: before?.rank != null && after?.rank != null ? before.rank - after.rank : null,
      scoreChange: before && after ? Math.round((after.score - before.score) * 1e6) / 1e6 : null,
    };
  });
  rows.sort(
    (a, b) =>
      Number(a.draft === null) - Number(b.draft === null) ||
      byRank(a.draft, b.draft) ||
      byRank(a.current, b.current) ||
      (a.crewId < b.crewId ? -1 : a.crewId > b.crewId ? 1 : 0),
  );
  const summary: Summary = { crews: rows.length, up: 0, down: 0, same: 0, entered: 0, left: 0 };
  for (const row of rows) {
    if (row.current === null) summary.entered++;
    else if (row.draft === null) summary.left++;
    else if (row.current.rank === row.draft.rank) summary.same++;
    // Losing a rank to a veto counts as down, gaining one back as up.
    else if (row.draft.rank !== null && (row.current.rank === null || row.draft.rank < row.current.rank)) summary.up++;
    else summary.down++;
  }
  return { summary, rows };
}
