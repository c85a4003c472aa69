/**
 * The registry as the phone reads it, and which crews and competitions a reporter's scope reaches:
 * pure (no DOM), so the unit tests read it as the page does.
 */
export interface Crew {
  id: string;
  unitId: string;
  name: string;
  retired?: boolean;
}
export interface Org {
  branches: { id: string; name: string }[];
  units: { id: string; branchId: string; name: string }[];
  crews: Crew[];
  persons: { id: string; crewId: string; name: string }[];
}

/** A reporter's scope: empty lists, not limited. */
export interface Scope {
  branchIds: readonly string[];
  unitIds: readonly string[];
  crewIds: readonly string[];
}

/** The crews a reporter may report for: their scope, read from the registry. */
export function crewsInScope(org: Org, reporter: Scope): Crew[] {
  const unitBranch = new Map(org.units.map((u) => [u.id, u.branchId]));
  const unscoped = reporter.branchIds.length + reporter.unitIds.length + reporter.crewIds.length === 0;
  return org.crews.filter(
    (c) =>
      !c.retired &&
      (unscoped ||
        reporter.crewIds.includes(c.id) ||
        reporter.unitIds.includes(c.unitId) ||
        reporter.branchIds.includes(unitBranch.get(c.unitId) ?? '')),
  );
}

/** Who takes part in a competition (its definition's participants). */
export type Participants =
  { scope: 'all' } | { scope: 'selected'; branchIds: string[]; unitIds: string[]; crewIds: string[] };

/**
 * Whether one of these crews (the reporter's, crewsInScope) takes part: the 公示 the reporter may
 * object to, as the server decides it (services/access/scope.ts competitionReachesScope).
 */
export function takesPart(participants: Participants, crews: readonly Crew[], org: Org): boolean {
  if (participants.scope === 'all') return crews.length > 0;
  const unitBranch = new Map(org.units.map((u) => [u.id, u.branchId]));
  return crews.some(
    (c) =>
      participants.crewIds.includes(c.id) ||
      participants.unitIds.includes(c.unitId) ||
      participants.branchIds.includes(unitBranch.get(c.unitId) ?? ''),
  );
}
