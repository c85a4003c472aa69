/**
 * What changed between two standings updates: who moved up (for the live highlight) and who
 * deserves a celebration. Pure; the DOM animation lives in row-list.ts.
 */
import type { ScreenData, ScreenRow, ScreenViewData } from '../../../schemas/screen.schema.ts';
import type { Lang } from './i18n.ts';
import { ordinalRank } from './number-format.ts';

type RankedRow = Pick<ScreenRow, 'crewId' | 'rank'>;

/**
 * Places each crew gained since the previous update of the same view (positive only; vetoed
 * rows and crews new to the view have nothing to compare with).
 */
export function climbs(previous: readonly RankedRow[] | undefined, next: readonly RankedRow[]): Map<string, number> {
  const out = new Map<string, number>();
  if (!previous) return out;
  const before = new Map(previous.map((r) => [r.crewId, r.rank]));
  for (const row of next) {
    const old = before.get(row.crewId);
    if (typeof old === 'number' && row.rank !== null && row.rank < old) out.set(row.crewId, old - row.rank);
  }
  return out;
}

export interface Celebration {
  kind: 'overtake' | 'target';
  crewId: string;
  crewName: string;
  /** rank after the update (overtake) */
  rank: number | null;
  places: number;
  viewKey: string;
}

/** Views where a rank means a competition standing (innovations rank a monthly tally). */
function celebratedViews(data: ScreenData): ScreenViewData[] {
  return data.views.filter((v) => v.kind !== 'innovations');
}

/**
 * Overtakes (a crew's rank improved in some view) and targets newly reached (false → true),
 * one celebration per crew, the first view's order winning since organisers put the main
 * ranking first. Bounded by `max` so a mass reshuffle cannot queue a minute of banners.
 */
export function celebrations(previous: ScreenData | null, next: ScreenData, max = 5): Celebration[] {
  if (!previous || !next.celebrate) return [];
  const out: Celebration[] = [];
  const seen = new Set<string>();
  const oldViews = new Map(previous.views.map((v) => [v.key, v]));
  const oldTarget = new Map<string, boolean | null>();
  for (const view of celebratedViews(previous)) {
    for (const row of view.rows) oldTarget.set(`${view.competitionId}:${row.crewId}`, row.targetReached);
  }
  for (const view of celebratedViews(next)) {
    const gained = climbs(oldViews.get(view.key)?.rows, view.rows);
    for (const row of view.rows) {
      if (seen.has(row.crewId)) continue;
      const places = gained.get(row.crewId);
      const reached = row.targetReached === true && oldTarget.get(`${view.competitionId}:${row.crewId}`) === false;
      if (places === undefined && !reached) continue;
      seen.add(row.crewId);
      out.push({
        kind: places !== undefined ? 'overtake' : 'target',
        crewId: row.crewId,
        crewName: row.crewName,
        rank: row.rank,
        places: places ?? 0,
        viewKey: view.key,
      });
    }
  }
  // The biggest leaps first: if anything is cut, it is the smallest news.
  out.sort((a, b) => b.places - a.places);
  return out.slice(0, max);
}

/** Banner words for a celebration, e.g. "恭喜 焊装一班" / "名次上升 2 位 · 升至第3名". */
export function celebrationText(c: Celebration, lang: Lang): { headline: string; detail: string } {
  const headline = lang === 'zh' ? `恭喜 ${c.crewName}` : `Congratulations, ${c.crewName}`;
  if (c.kind === 'target') {
    return { headline, detail: lang === 'zh' ? '完成全部目标任务' : 'reached every target' };
  }
  const to = c.rank === null ? '' : ordinalRank(c.rank, lang);
  return {
    headline,
    detail:
      lang === 'zh'
        ? `名次上升 ${c.places} 位${to ? ` · 升至${to}` : ''}`
        : `up ${c.places} ${c.places === 1 ? 'place' : 'places'}${to ? ` · now ${to}` : ''}`,
  };
}
