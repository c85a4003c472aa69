import type { Competition } from '../../schemas/competition.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { CrewProfile } from '../scoring/engine/types.ts';
import { ForbiddenError } from '../shared/errors.ts';
import type { Principal } from './access.ts';

/** Limited to some branches, units or crews (an admin never is). */
export function isLimited(p: Principal): boolean {
  return p.role !== 'admin' && (p.branchIds.length > 0 || p.unitIds.length > 0 || p.crewIds.length > 0);
}

/** The branches a principal is limited to; undefined when it is not limited. */
export function branchScope(p: Principal): ReadonlySet<string> | undefined {
  if (!isLimited(p)) return undefined;
  return new Set(p.branchIds);
}

export function crewInScope(p: Principal, crew: Pick<CrewProfile, 'branchId' | 'unitId' | 'crewId'>): boolean {
  if (!isLimited(p)) return true;
  return p.branchIds.includes(crew.branchId) || p.unitIds.includes(crew.unitId) || p.crewIds.includes(crew.crewId);
}

function scopeText(p: Principal): string {
  return [
    ...(p.branchIds.length > 0 ? [`branches ${p.branchIds.join(', ')}`] : []),
    ...(p.unitIds.length > 0 ? [`units ${p.unitIds.join(', ')}`] : []),
    ...(p.crewIds.length > 0 ? [`crews ${p.crewIds.join(', ')}`] : []),
  ].join('; ');
}

/**
 * Events for crews outside the token's branches or units: the whole batch is refused (403) and
 * nothing is stored. Crews the registry does not know are left to validation, which names them.
 */
export function refuseCrewsOutOfScope(
  p: Principal,
  items: readonly unknown[],
  crewOf: (crewId: string) => Pick<CrewProfile, 'branchId' | 'unitId'> | undefined,
): void {
  // Most senders are not limited: no lookup per event for them.
  if (!isLimited(p)) return;
  const refused: { index: number; crewId: string }[] = [];
  items.forEach((item, index) => {
    const crewId = (item as { crewId?: unknown } | null)?.crewId;
    if (typeof crewId !== 'string') return;
    const crew = crewOf(crewId);
    if (crew && !crewInScope(p, { ...crew, crewId })) refused.push({ index, crewId });
  });
  if (refused.length === 0) return;
  const crews = [...new Set(refused.map((r) => r.crewId))];
  throw new ForbiddenError(
    'crew_out_of_scope',
    `令牌 "${p.name}" 只能上报 ${scopeText(p)} 的班组，不能上报 ${crews.slice(0, 10).join(', ')}${crews.length > 10 ? ' …' : ''}；整批未保存 / token "${p.name}" may only send events for crews of ${scopeText(p)}; ${refused.length} event(s) are for other crews, so nothing was stored`,
    refused,
  );
}

/** The branches a competition's participants lie in; undefined when it takes part everyone. */
function participantBranches(definition: Competition, catalog: Catalog): Set<string> | undefined {
  const p = definition.participants;
  if (p.scope === 'all') return undefined;
  const branches = new Set(p.branchIds);
  const units = new Map(catalog.org().units.map((u) => [u.id, u.branchId]));
  for (const unitId of p.unitIds) branches.add(units.get(unitId) ?? `?${unitId}`);
  for (const crewId of p.crewIds) branches.add(catalog.crew(crewId)?.branchId ?? `?${crewId}`);
  return branches;
}

function outsideScope(definition: Competition, allowed: ReadonlySet<string>, catalog: Catalog): string[] {
  const branches = participantBranches(definition, catalog);
  return branches === undefined ? ['(all)'] : [...branches].filter((b) => !allowed.has(b));
}

/**
 * Every saved version of a competition (drafts too) and the given definitions: an organiser
 * limited to branches must not take over a competition HQ has only drafted so far.
 */
export function competitionDefinitions(catalog: Catalog, id: string, ...more: Competition[]): Competition[] {
  return [...(catalog.versions(id) ?? []).map((v) => v.definition), ...more];
}

/** Whether every participant of these definitions lies in the principal's branches (or it is not limited). */
export function competitionInScope(p: Principal, definitions: readonly Competition[], catalog: Catalog): boolean {
  const allowed = branchScope(p);
  return !allowed || definitions.every((d) => outsideScope(d, allowed, catalog).length === 0);
}

/**
 * An organiser limited to branches may only define competitions whose participants all lie in
 * those branches, and may only change one that already does (no taking over a group-wide one).
 */
export function refuseCompetitionOutOfScope(p: Principal, definitions: readonly Competition[], catalog: Catalog): void {
  const allowed = branchScope(p);
  if (!allowed) return;
  for (const definition of definitions) {
    const outside = outsideScope(definition, allowed, catalog);
    if (outside.length > 0) {
      throw new ForbiddenError(
        'competition_out_of_scope',
        `令牌 "${p.name}" 只能管理 ${scopeText(p)} 内的竞赛；此竞赛的参赛范围包括 ${outside.join(', ')} / token "${p.name}" may only manage competitions whose participants all lie in ${scopeText(p)}; this one reaches ${outside.join(', ')}`,
      );
    }
  }
}

/**
 * Whether any crew in the principal's scope takes part in the competition: a reporter limited to
 * a unit may object to a 公示 its crews were ranked in (any entrant of it, since a neighbour's
 * score decides their rank too), not to one of another branch. Unlimited principals always may.
 */
export function competitionReachesScope(p: Principal, definition: Competition, catalog: Catalog): boolean {
  if (!isLimited(p)) return true;
  const participants = definition.participants;
  const org = catalog.org();
  const unitBranch = new Map(org.units.map((u) => [u.id, u.branchId]));
  return org.crews.some((crew) => {
    const branchId = unitBranch.get(crew.unitId) ?? '';
    const takesPart =
      participants.scope === 'all' ||
      participants.crewIds.includes(crew.id) ||
      participants.unitIds.includes(crew.unitId) ||
      participants.branchIds.includes(branchId);
    return takesPart && crewInScope(p, { branchId, unitId: crew.unitId, crewId: crew.id });
  });
}

/** 403 for a reporter whose crews take no part in the competition (see competitionReachesScope). */
export function refuseReporterOutsideCompetition(p: Principal, definition: Competition, catalog: Catalog): void {
  if (p.role !== 'reporter' || competitionReachesScope(p, definition, catalog)) return;
  throw new ForbiddenError(
    'competition_out_of_scope',
    `令牌 "${p.name}" 的班组（${scopeText(p)}）没有参加竞赛 "${definition.name.zh}"，不能对它提出异议 / token "${p.name}" (${scopeText(p)}) has no crew taking part in competition "${definition.name.en}", so it may not object to its results`,
  );
}
