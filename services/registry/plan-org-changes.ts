import type { z } from 'zod';
import type { OrgChange, OrgChanges } from '../../schemas/org-changes.schema.ts';
import type { ImportCounts } from '../../schemas/org-import.schema.ts';
import { Org, type Branch, type Crew, type CrewTarget, type Person, type Unit } from '../../schemas/org.schema.ts';
import { formatPath, type FieldError } from '../shared/errors.ts';
import { ZERO, upsert } from './upsert.ts';

type Counts = z.infer<typeof ImportCounts>;
type Change = z.infer<typeof OrgChange>;

export interface OrgChangesOptions {
  /** The competitions that exist: a target for any other is refused. */
  competitionIds: ReadonlySet<string>;
  /** An organiser limited to branches may only change rows of these (and not the group's name or colours). */
  allowedBranchIds?: ReadonlySet<string>;
  /** With allowedBranchIds: whether this competition's targets are the organiser's to change. */
  competitionAllowed?: (competitionId: string) => boolean;
}

export interface OrgChangesPlan {
  /** Every problem at once, by the path of the request body (crews[2].unitId). */
  errors: FieldError[];
  /** The merged registry; null when there are errors. */
  org: Org | null;
  counts: { branches: Counts; units: Counts; crews: Counts; persons: Counts; targets: Counts };
  changes: Change[];
  changed: boolean;
}

/** The fields of two items that differ; a crew's retired: false is the same as no flag. */
function differingFields<T extends object>(before: T, after: T): string[] {
  const normal = (item: T) => {
    const copy = { ...item } as Record<string, unknown>;
    if (copy['retired'] === false) delete copy['retired'];
    if (copy['nameEn'] === '') delete copy['nameEn'];
    return copy;
  };
  const a = normal(before);
  const b = normal(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

const targetKey = (t: Pick<CrewTarget, 'competitionId' | 'crewId' | 'metric'>) =>
  `${t.competitionId}/${t.crewId}/${t.metric}`;

/**
 * What changing registry rows would do: the merged registry, what is created and updated (with
 * the fields), or every problem with its path in the request. Rows are upserted by id; nothing is
 * deleted (a crew leaves competitions by being retired, and keeps its history). Pure.
 */
export function planOrgChanges(current: Org, request: OrgChanges, options: OrgChangesOptions): OrgChangesPlan {
  const errors: FieldError[] = [];
  const changes: Change[] = [];
  const allowed = options.allowedBranchIds;
  const scope = allowed ? [...allowed].join(', ') : '';
  const outOfScope = (path: (string | number)[], what: string) =>
    errors.push({
      path: formatPath(path),
      message: `你的令牌只能修改分公司 ${scope}（${what}）/ your token may only change branches ${scope} (${what})`,
    });

  let groupName = current.groupName;
  let branding = current.branding;
  if (request.groupName !== undefined || request.branding !== undefined) {
    if (allowed) {
      errors.push({
        path: request.groupName !== undefined ? 'groupName' : 'branding',
        message:
          '只有集团工会可以修改集团名称和标识色 / only an unlimited organiser may change the group’s name and colours',
      });
    } else {
      const fields = [
        ...(request.groupName !== undefined && request.groupName !== current.groupName ? ['groupName'] : []),
        ...(request.branding !== undefined && JSON.stringify(request.branding) !== JSON.stringify(current.branding)
          ? ['branding']
          : []),
      ];
      if (fields.length > 0) changes.push({ entity: 'group', id: '', op: 'updated', fields });
      groupName = request.groupName ?? groupName;
      branding = request.branding ?? branding;
    }
  }

  const unitsNow = new Map(current.units.map((u) => [u.id, u]));
  const crewsNow = new Map(current.crews.map((c) => [c.id, c]));

  const record =
    (entity: Change['entity']) =>
    (next: { id: string }, existing: object | undefined): void => {
      changes.push({
        entity,
        id: next.id,
        op: existing ? 'updated' : 'created',
        fields: existing ? differingFields(existing, next) : [],
      });
    };
  const differs = (a: object, b: object) => differingFields(a, b).length > 0;

  request.branches.forEach((branch, index) => {
    if (allowed && !allowed.has(branch.id)) outOfScope(['branches', index, 'id'], `分公司 ${branch.id}`);
  });
  const branches = upsert<Branch>(current.branches, request.branches, (b) => b.id, differs, record('branch'));
  const branchIds = new Set(branches.items.map((b) => b.id));

  request.units.forEach((unit, index) => {
    if (!branchIds.has(unit.branchId)) {
      errors.push({
        path: formatPath(['units', index, 'branchId']),
        message: `没有分公司 "${unit.branchId}" / unknown branch "${unit.branchId}"`,
      });
    }
    if (!allowed) return;
    if (!allowed.has(unit.branchId)) outOfScope(['units', index, 'branchId'], `分公司 ${unit.branchId}`);
    const before = unitsNow.get(unit.id);
    if (before && !allowed.has(before.branchId))
      outOfScope(['units', index, 'id'], `单位 ${unit.id} 属于 ${before.branchId}`);
  });
  const units = upsert<Unit>(current.units, request.units, (u) => u.id, differs, record('unit'));
  const branchOfUnit = new Map(units.items.map((u) => [u.id, u.branchId]));

  request.crews.forEach((crew, index) => {
    const branchId = branchOfUnit.get(crew.unitId);
    if (branchId === undefined) {
      errors.push({
        path: formatPath(['crews', index, 'unitId']),
        message: `没有单位 "${crew.unitId}" / unknown unit "${crew.unitId}"`,
      });
    }
    if (!allowed) return;
    if (branchId !== undefined && !allowed.has(branchId))
      outOfScope(['crews', index, 'unitId'], `单位 ${crew.unitId} 属于 ${branchId}`);
    const before = crewsNow.get(crew.id);
    const branchBefore = before ? unitsNow.get(before.unitId)?.branchId : undefined;
    if (branchBefore !== undefined && !allowed.has(branchBefore)) {
      outOfScope(['crews', index, 'id'], `班组 ${crew.id} 属于 ${branchBefore}`);
    }
  });
  const crews = upsert<Crew>(current.crews, request.crews, (c) => c.id, differs, record('crew'));
  const branchOfCrew = new Map(crews.items.map((c) => [c.id, branchOfUnit.get(c.unitId)]));

  request.targets.forEach((target, index) => {
    if (!options.competitionIds.has(target.competitionId)) {
      errors.push({
        path: formatPath(['targets', index, 'competitionId']),
        message: `没有编号为 ${target.competitionId} 的竞赛 / unknown competition ${target.competitionId}`,
      });
    } else if (allowed && options.competitionAllowed && !options.competitionAllowed(target.competitionId)) {
      outOfScope(['targets', index, 'competitionId'], `竞赛 ${target.competitionId} 的参赛范围超出你的分公司`);
    }
    const branchId = branchOfCrew.get(target.crewId);
    if (!branchOfCrew.has(target.crewId)) {
      errors.push({
        path: formatPath(['targets', index, 'crewId']),
        message: `没有班组 "${target.crewId}" / unknown crew "${target.crewId}"`,
      });
    } else if (allowed && (branchId === undefined || !allowed.has(branchId))) {
      outOfScope(['targets', index, 'crewId'], `班组 ${target.crewId} 属于 ${branchId ?? '?'}`);
    }
  });
  const targets = upsert<CrewTarget>(
    current.targets,
    request.targets,
    targetKey,
    (a, b) => a.value !== b.value,
    (next, existing) =>
      changes.push({
        entity: 'target',
        id: targetKey(next),
        op: existing ? 'updated' : 'created',
        fields: existing ? ['value'] : [],
      }),
  );

  const personsNow = new Map(current.persons.map((p) => [p.id, p]));
  request.persons.forEach((person, index) => {
    const branchId = branchOfCrew.get(person.crewId);
    if (!branchOfCrew.has(person.crewId)) {
      errors.push({
        path: formatPath(['persons', index, 'crewId']),
        message: `没有班组 "${person.crewId}" / unknown crew "${person.crewId}"`,
      });
    } else if (allowed && (branchId === undefined || !allowed.has(branchId))) {
      outOfScope(['persons', index, 'crewId'], `班组 ${person.crewId} 属于 ${branchId ?? '?'}`);
    }
    const before = allowed ? personsNow.get(person.id) : undefined;
    const branchBefore = before ? branchOfCrew.get(before.crewId) : undefined;
    if (allowed && branchBefore !== undefined && !allowed.has(branchBefore)) {
      outOfScope(['persons', index, 'id'], `人员 ${person.id} 属于 ${branchBefore}`);
    }
  });
  const persons = upsert<Person>(current.persons, request.persons, (p) => p.id, differs, record('person'));

  const counts = {
    branches: branches.counts,
    units: units.counts,
    crews: crews.counts,
    persons: persons.counts,
    targets: targets.counts,
  };
  const merged: Org = {
    groupName,
    ...(branding ? { branding } : {}),
    branches: branches.items,
    units: units.items,
    crews: crews.items,
    persons: persons.items,
    targets: targets.items,
  };
  if (errors.length === 0) {
    // A safety net: the checks above should leave nothing for the registry's own schema to find.
    const checked = Org.safeParse(merged);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        errors.push({
          path: formatPath(issue.path),
          message: `合并后的组织架构有误 / the merged registry is invalid: ${issue.message}`,
        });
      }
    }
  }
  const zero = {
    branches: { ...ZERO },
    units: { ...ZERO },
    crews: { ...ZERO },
    persons: { ...ZERO },
    targets: { ...ZERO },
  };
  return {
    errors,
    org: errors.length === 0 ? merged : null,
    counts: errors.length === 0 ? counts : zero,
    changes: errors.length === 0 ? changes : [],
    changed: errors.length === 0 && changes.length > 0,
  };
}
