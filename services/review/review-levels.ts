import type { Competition } from '../../schemas/competition.schema.ts';
import type { ReportableType } from '../../schemas/report.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { addDays, dayInZone } from '../shared/calendar.ts';

/** Competitions in force for a crew on the day an event happened (its day in each one's zone). */
function inForce(catalog: Catalog, crewId: string, occurredAt: string): Competition[] {
  const instant = new Date(occurredAt);
  return catalog
    .competitions()
    .map((c) => c.definition)
    .filter((d) => {
      const day = dayInZone(instant, d.timeZone);
      return d.period.start <= day && day <= d.period.end;
    })
    .filter((d) => catalog.participants(d).some((c) => c.crewId === crewId));
}

/**
 * The review levels a report must pass. When several competitions in force cover the crew, the
 * one asking the most levels for the type decides (ties: the first by competition id): the event
 * then counts in all of them, and none counts a report fewer of its own levels approved than it
 * asked. No competition asking: none, the report counts at once like an event from a system.
 */
export function reviewLevels(catalog: Catalog, crewId: string, type: ReportableType, occurredAt: string): string[] {
  let levels: string[] = [];
  for (const definition of inForce(catalog, crewId, occurredAt)) {
    const rule = definition.review?.find((r) => r.type === type);
    if (rule && rule.levels.length > levels.length) levels = [...rule.levels];
  }
  return levels;
}

/**
 * The last day to rectify a hazard found on an instant: the strictest hazard_overdue rule of the
 * competitions in force for the crew (fewest days); undefined when none penalises overdue hazards.
 */
export function rectifyDeadline(catalog: Catalog, crewId: string, foundAt: string): string | undefined {
  let deadline: string | undefined;
  for (const definition of inForce(catalog, crewId, foundAt)) {
    for (const indicator of definition.indicators) {
      const rule = indicator.rule;
      if (rule.kind !== 'count' || rule.event !== 'hazard_overdue' || rule.rectifyWithinDays === undefined) continue;
      const day = addDays(dayInZone(new Date(foundAt), definition.timeZone), rule.rectifyWithinDays);
      if (deadline === undefined || day < deadline) deadline = day;
    }
  }
  return deadline;
}
