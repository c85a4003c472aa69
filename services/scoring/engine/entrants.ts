import type { EntrantLevel } from '../../../schemas/sheet.schema.ts';
import type { CrewFacts, CrewProfile, InnovationTally, ScoringInput } from './types.ts';

/**
 * Units and branches compete with the sum of their crews: metrics, hazards and innovations add
 * up, the latest incident of each severity is the latest of any crew, headcounts and targets add
 * up. An entrant is described as a CrewProfile whose crewId and crewName are the unit's or
 * branch's, so rows, storage and screens take it as they take a crew.
 */
export function rollUpEntrants(
  level: Exclude<EntrantLevel, 'person'>,
  input: Pick<ScoringInput, 'crews' | 'facts' | 'targets'>,
): Pick<ScoringInput, 'crews' | 'facts' | 'targets'> {
  if (level === 'crew') return input;
  const entrants = new Map<string, CrewProfile>();
  const facts = new Map<string, CrewFacts>();
  const targets = new Map<string, Map<string, number>>();
  for (const crew of input.crews) {
    const id = level === 'unit' ? crew.unitId : crew.branchId;
    const existing = entrants.get(id);
    entrants.set(
      id,
      existing
        ? { ...existing, headcount: existing.headcount + crew.headcount }
        : {
            ...crew,
            crewId: id,
            crewName: level === 'unit' ? crew.unitName : crew.branchName,
            // A branch holds units of every type; its rows group under its own id.
            ...(level === 'branch' ? { unitId: id, unitName: crew.branchName, unitType: 'other' as const } : {}),
          },
    );
    const crewFacts = input.facts.get(crew.crewId);
    if (crewFacts) facts.set(id, addFacts(facts.get(id), crewFacts));
    for (const [metric, value] of input.targets.get(crew.crewId) ?? []) {
      const sums = targets.get(id) ?? new Map<string, number>();
      sums.set(metric, (sums.get(metric) ?? 0) + value);
      targets.set(id, sums);
    }
  }
  return { crews: [...entrants.values()], facts, targets };
}

function addFacts(a: CrewFacts | undefined, b: CrewFacts): CrewFacts {
  if (a === undefined) return b;
  const metrics: Record<string, number> = { ...a.metrics };
  for (const [key, value] of Object.entries(b.metrics)) metrics[key] = (metrics[key] ?? 0) + value;
  const lastIncidentDay = { ...a.lastIncidentDay };
  for (const [severity, day] of Object.entries(b.lastIncidentDay) as [keyof CrewFacts['lastIncidentDay'], string][]) {
    const current = lastIncidentDay[severity];
    if (current === undefined || day > current) lastIncidentDay[severity] = day;
  }
  const tallies = new Map<string, InnovationTally>();
  for (const t of [...a.innovations, ...b.innovations]) {
    const key = `${t.category}/${t.status}/${t.awardLevel}`;
    const seen = tallies.get(key);
    tallies.set(key, seen ? { ...seen, count: seen.count + t.count } : { ...t });
  }
  return {
    metrics,
    lastIncidentDay,
    hazards: { found: a.hazards.found + b.hazards.found, rectified: a.hazards.rectified + b.hazards.rectified },
    innovations: [...tallies.values()],
  };
}
