/**
 * Which view and page the screen shows, and when to move on. Pure: the screen feeds it the
 * views' row counts and the clock, so rotation survives data updates and can be unit-tested.
 */

/** A gap row (… between the leaders and "around me") takes half a row's height. */
export const GAP_COST = 0.5;

export interface PageRange {
  /** first row index on the page */
  start: number;
  /** one past the last row index */
  end: number;
}

/**
 * Splits rows into pages of at most `capacity` row heights; a gap before a row costs
 * GAP_COST. Every page holds at least one row, so a tiny screen still pages forward.
 */
export function paginate(rowCount: number, gapsBefore: readonly number[], capacity: number): PageRange[] {
  if (rowCount <= 0) return [{ start: 0, end: 0 }];
  const room = Math.max(1, capacity);
  const gaps = new Set(gapsBefore);
  const pages: PageRange[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < rowCount; i++) {
    // A gap that opens a page is still drawn: it tells viewers rows were left out above.
    const cost = 1 + (gaps.has(i) ? GAP_COST : 0);
    if (i > start && used + cost > room) {
      pages.push({ start, end: i });
      start = i;
      used = 0;
    }
    used += cost;
  }
  pages.push({ start, end: rowCount });
  return pages;
}

/** Rows that fit: the list's height over one row's height, never below three. */
export function rowsPerPage(listHeight: number, rowHeight: number): number {
  if (!(rowHeight > 0) || !(listHeight > 0)) return 3;
  return Math.max(3, Math.floor(listHeight / rowHeight + 0.02));
}

export interface ViewSlot {
  key: string;
  seconds: number;
  pages: number;
}

export interface Position {
  index: number;
  key: string;
  page: number;
  /** when this page went on screen (ms) */
  since: number;
}

export function firstPosition(slots: readonly ViewSlot[], now: number): Position | null {
  const first = slots[0];
  return first ? { index: 0, key: first.key, page: 0, since: now } : null;
}

/**
 * After new data or a resize: stay on the same view (by key) and page when they still exist,
 * keeping `since` so an update does not restart the page's time. A vanished view hands over
 * to whatever now stands in its place.
 */
export function reconcile(slots: readonly ViewSlot[], position: Position | null, now: number): Position | null {
  if (!position) return firstPosition(slots, now);
  const index = slots.findIndex((s) => s.key === position.key);
  const slot = slots[index];
  if (slot) return { index, key: slot.key, page: Math.min(position.page, slot.pages - 1), since: position.since };
  const fallbackIndex = Math.min(position.index, slots.length - 1);
  const fallback = slots[fallbackIndex];
  return fallback ? { index: fallbackIndex, key: fallback.key, page: 0, since: now } : null;
}

/** The next page, or the next view's first page; wraps round. */
export function advance(slots: readonly ViewSlot[], position: Position, now: number): Position {
  const slot = slots[position.index];
  if (slot && position.page + 1 < slot.pages) return { ...position, page: position.page + 1, since: now };
  const index = slots.length === 0 ? 0 : (position.index + 1) % slots.length;
  const next = slots[index];
  return next ? { index, key: next.key, page: 0, since: now } : position;
}

/** Time to move on? A view whose `seconds` is missing or silly still rotates (default 20 s). */
export function isDue(slots: readonly ViewSlot[], position: Position, now: number): boolean {
  const seconds = slots[position.index]?.seconds ?? 20;
  return now - position.since >= Math.max(3, seconds) * 1000;
}

/**
 * The page counter across a series: the branch pages of one 各分公司排名 view count as one run
 * of pages (杭州 1–2, 宁波 3, 温州 4 → "第 3/4 页"), like the pages of one long ranking do.
 */
export function seriesPage(
  slots: readonly (ViewSlot & { series: string })[],
  position: Pick<Position, 'index' | 'page'>,
): { page: number; pages: number } {
  const series = slots[position.index]?.series;
  let before = 0;
  let pages = 0;
  slots.forEach((slot, i) => {
    if (slot.series !== series) return;
    if (i < position.index) before += slot.pages;
    pages += slot.pages;
  });
  return { page: before + position.page + 1, pages };
}
