import type { IndicatorResult } from './types.ts';

/**
 * Indicator results are values, and most crews share a few of them: no 三违 (0, 0 points), the
 * same safe days, full rectification, no innovation yet. Each was an object per crew, indicator
 * and competition, the largest part of what a competition's standings hold (about 4 MB of 12 per
 * 10,000 crews, docs/performance.md), and what the collector walked over again and again with
 * many competitions (issue 19). Equal results are one object: nothing changes a result once made.
 *
 * The table is bounded: past MAX_KEPT results it starts afresh (results already handed out stay
 * valid; only their sharing with later ones is lost), so measured values that are all different
 * (sums of sales) do not grow it without end.
 */
const MAX_KEPT = 100_000;

let kept = new Map<string, Map<number, Map<number | null, IndicatorResult>>>();
let count = 0;

/** The result of an indicator with this value and these points (not zeroed by a veto). */
export function indicatorResult(indicatorId: string, value: number | null, points: number): IndicatorResult {
  let byPoints = kept.get(indicatorId);
  if (byPoints === undefined)
    kept.set(indicatorId, (byPoints = new Map<number, Map<number | null, IndicatorResult>>()));
  let byValue = byPoints.get(points);
  if (byValue === undefined) byPoints.set(points, (byValue = new Map<number | null, IndicatorResult>()));
  const found = byValue.get(value);
  if (found !== undefined) return found;
  if (count >= MAX_KEPT) {
    kept = new Map();
    count = 0;
    return indicatorResult(indicatorId, value, points);
  }
  const result: IndicatorResult = { indicatorId, value, points };
  byValue.set(value, result);
  count += 1;
  return result;
}
