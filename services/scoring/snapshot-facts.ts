import type { FactSummary } from './engine/fact-summary.ts';

/**
 * Keys of the `facts` map in standings snapshots. Dashboards read the map with these keys
 * (dashboards/queries/), so this is the one place that names them.
 */
export const FACT_KEYS = {
  safetyDays: 'safety_days',
  hazardsFound: 'hazards_found',
  hazardsRectified: 'hazards_rectified',
  /** Absent when the crew found no hazard (the rate is unknown, not 0 or 100). */
  rectificationRate: 'rectification_rate',
  violationPersons: 'violation_persons',
  violationEvents: 'violation_events',
  /** Prefixes: followed by the metric key, e.g. target_actual:sales.volume_litres. */
  targetActual: 'target_actual:',
  targetValue: 'target_value:',
} as const;

export function factsToMap(f: FactSummary): Record<string, number> {
  const map: Record<string, number> = {
    [FACT_KEYS.safetyDays]: f.safetyDays,
    [FACT_KEYS.hazardsFound]: f.hazardsFound,
    [FACT_KEYS.hazardsRectified]: f.hazardsRectified,
    [FACT_KEYS.violationPersons]: f.violationPersons,
    [FACT_KEYS.violationEvents]: f.violationEvents,
  };
  if (f.rectificationRate !== null) map[FACT_KEYS.rectificationRate] = f.rectificationRate;
  for (const t of f.targets) {
    map[FACT_KEYS.targetActual + t.metric] = t.actual;
    map[FACT_KEYS.targetValue + t.metric] = t.target;
  }
  return map;
}

/** Null for a snapshot written before facts were stored (its map is empty). */
export function factsFromMap(map: Readonly<Record<string, number>>): FactSummary | null {
  const safetyDays = map[FACT_KEYS.safetyDays];
  if (safetyDays === undefined) return null;
  const targets = Object.keys(map)
    .filter((key) => key.startsWith(FACT_KEYS.targetActual))
    .sort()
    .map((key) => {
      const metric = key.slice(FACT_KEYS.targetActual.length);
      return { metric, actual: map[key] ?? 0, target: map[FACT_KEYS.targetValue + metric] ?? 0 };
    });
  return {
    safetyDays,
    hazardsFound: map[FACT_KEYS.hazardsFound] ?? 0,
    hazardsRectified: map[FACT_KEYS.hazardsRectified] ?? 0,
    rectificationRate: map[FACT_KEYS.rectificationRate] ?? null,
    violationPersons: map[FACT_KEYS.violationPersons] ?? 0,
    violationEvents: map[FACT_KEYS.violationEvents] ?? 0,
    targets,
  };
}
