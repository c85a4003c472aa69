/**
 * What changed between two standings updates: who moved up (for the live highlight) and who
 * deserves a celebration. Pure; the DOM animation lives in row-list.ts.
 */
import type { ScreenRow, ScreenViewData } from '../../../schemas/screen.schema.ts';
import { pick, type Lang, type Localized } from './i18n.ts';
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
  /** the ranking the rank belongs to: 总排名, 杭州分公司排名 */
  ranking: Localized;
}

/** Climbs are celebrated only onto the podium: rarer than the changes, and always on page one. */
export const CELEBRATED_PLACES = 3;

/**
 * What deserves a banner on the view being shown, from its previous update to this one: a crew
 * climbing onto a medal place (1–3) of this very ranking, or reaching every target. Falls,
 * climbs lower down and everything on other views (another branch, a page not shown) are not
 * celebrated here. The innovations board ranks a monthly tally: nothing there.
 */
export function celebrations(previous: ScreenViewData | undefined, next: ScreenViewData): Celebration[] {
  if (!previous || previous.key !== next.key || next.kind === 'innovations') return [];
  const gained = climbs(previous.rows, next.rows);
  const oldTarget = new Map(previous.rows.map((r) => [r.crewId, r.targetReached]));
  const out: Celebration[] = [];
  for (const row of next.rows) {
    // An entrant that failed a 评优条件 keeps its place but earns no award, and a vetoed one
    // (一票否决) earns nothing this period: no confetti for either, not even for its targets.
    if (failedGate(row) || row.disqualified) continue;
    const places = gained.get(row.crewId);
    const podium = places !== undefined && row.rank !== null && row.rank <= CELEBRATED_PLACES;
    const reached = row.targetReached === true && oldTarget.get(row.crewId) === false;
    if (!podium && !reached) continue;
    out.push({
      kind: podium ? 'overtake' : 'target',
      crewId: row.crewId,
      crewName: row.crewName,
      rank: row.rank,
      places: podium ? (places ?? 0) : 0,
      viewKey: next.key,
      ranking: next.ranking,
    });
  }
  return out.sort(byNews);
}

/** Whether the crew still holds what the banner would congratulate it on, in the rows on screen now. */
export function stillTrue(rows: readonly ScreenRow[], news: Celebration): boolean {
  const row = rows.find((r) => r.crewId === news.crewId);
  // A gate failed or a veto landed since the news came: it is no longer news to celebrate.
  if (!row || failedGate(row) || row.disqualified) return false;
  return news.kind === 'target' ? row.targetReached === true : row.rank === news.rank;
}

/** Whether the row's entrant failed a 评优条件 (gate) of its competition's 考核细则. */
export function failedGate(row: Pick<ScreenRow, 'award'>): boolean {
  return (row.award?.failedGates.length ?? 0) > 0;
}

/** The bigger news first: a higher place, then a bigger climb; a target after any overtake. */
export function byNews(a: Celebration, b: Celebration): number {
  if (a.kind !== b.kind) return a.kind === 'overtake' ? -1 : 1;
  return (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.places - a.places;
}

/** Banner words, naming the ranking: "恭喜 焊装一班" / "总排名 升至第3名 · 上升 2 位". */
export function celebrationText(c: Celebration, lang: Lang): { headline: string; detail: string } {
  const headline = lang === 'zh' ? `恭喜 ${c.crewName}` : `Congratulations, ${c.crewName}`;
  if (c.kind === 'target') {
    return { headline, detail: lang === 'zh' ? '完成全部目标任务' : 'reached every target' };
  }
  const ranking = pick(c.ranking, lang);
  const to = c.rank === null ? '' : ordinalRank(c.rank, lang);
  return {
    headline,
    detail:
      lang === 'zh'
        ? `${ranking} 升至${to} · 上升 ${c.places} 位`
        : `${ranking}: now ${to}, up ${c.places} ${c.places === 1 ? 'place' : 'places'}`,
  };
}
