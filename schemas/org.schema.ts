import { z } from 'zod';
import { Id, LIMITS, SafeLine, SafeName, boundedNumber, strictObject } from './common.schema.ts';
import { MetricKey } from './metric-key.schema.ts';

export const UnitType = z.enum(['station', 'mine', 'workshop', 'district', 'depot', 'other']);
export type UnitType = z.infer<typeof UnitType>;

export const Branch = strictObject({
  id: Id,
  name: SafeName().describe('分公司名称'),
  nameEn: SafeName().optional(),
});

export const Unit = strictObject({
  id: Id,
  branchId: Id,
  name: SafeName().describe('单位名称（加油站、矿、车间、区队）'),
  nameEn: SafeName().optional(),
  type: UnitType,
});

export const Crew = strictObject({
  id: Id,
  unitId: Id,
  name: SafeName().describe('班组名称'),
  nameEn: SafeName().optional(),
  headcount: boundedNumber(1, LIMITS.persons, { int: true }).describe('班组人数'),
  retired: z
    .boolean()
    .optional()
    .describe('撤销: no longer competes from now on; its events, frozen standings and history are kept'),
});

/**
 * 人员: only what ranking a person needs (a name and an employee number); no phone, ID card or
 * other personal data. Per-person events name the person with personId.
 */
export const Person = strictObject({
  id: Id.describe('人员编号, the personId events carry'),
  crewId: Id.describe('所在班组'),
  name: SafeName(64).describe('姓名'),
  employeeNumber: SafeLine(64).optional().describe('工号'),
  job: SafeLine(64).optional().describe('岗位'),
});

export const CrewTarget = strictObject({
  competitionId: Id,
  crewId: Id,
  metric: MetricKey,
  value: boundedNumber(0, LIMITS.target, { exclusiveMin: true }).describe('目标值 over the competition period'),
});

function duplicateIds(items: readonly { id: string }[]): Map<number, string> {
  const seen = new Set<string>();
  const dups = new Map<number, string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) dups.set(index, item.id);
    seen.add(item.id);
  });
  return dups;
}

const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/** 集团标识色: the group's colours, used by the console and by screens that set none of their own. */
export const GroupBranding = strictObject({
  primaryColour: HexColour.describe('主色, e.g. the red of the union emblem'),
  accentColour: HexColour.describe('辅色'),
});
export type GroupBranding = z.infer<typeof GroupBranding>;

/** The whole registry: PUT /v1/org replaces it as one document. */
export const Org = strictObject({
  groupName: SafeName().default('集团公司').describe('集团名称'),
  branding: GroupBranding.optional(),
  branches: z.array(Branch).max(10_000),
  units: z.array(Unit).max(100_000),
  crews: z.array(Crew).max(200_000),
  persons: z.array(Person).max(200_000).default([]),
  targets: z.array(CrewTarget).max(2_000_000).default([]),
}).superRefine((org, ctx) => {
  for (const [key, list] of [
    ['branches', org.branches],
    ['units', org.units],
    ['crews', org.crews],
    ['persons', org.persons],
  ] as const) {
    for (const [index, id] of duplicateIds(list)) {
      ctx.addIssue({ code: 'custom', path: [key, index, 'id'], message: `duplicate id "${id}"` });
    }
  }
  const branchIds = new Set(org.branches.map((b) => b.id));
  org.units.forEach((unit, index) => {
    if (!branchIds.has(unit.branchId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['units', index, 'branchId'],
        message: `unknown branch "${unit.branchId}"`,
      });
    }
  });
  const unitIds = new Set(org.units.map((u) => u.id));
  org.crews.forEach((crew, index) => {
    if (!unitIds.has(crew.unitId)) {
      ctx.addIssue({ code: 'custom', path: ['crews', index, 'unitId'], message: `unknown unit "${crew.unitId}"` });
    }
  });
  const crewIds = new Set(org.crews.map((c) => c.id));
  org.persons.forEach((person, index) => {
    if (!crewIds.has(person.crewId)) {
      ctx.addIssue({ code: 'custom', path: ['persons', index, 'crewId'], message: `unknown crew "${person.crewId}"` });
    }
  });
  const targetKeys = new Set<string>();
  org.targets.forEach((target, index) => {
    if (!crewIds.has(target.crewId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', index, 'crewId'],
        message: `unknown crew "${target.crewId}"`,
      });
    }
    const key = `${target.competitionId}\u0000${target.crewId}\u0000${target.metric}`;
    if (targetKeys.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', index],
        message: 'duplicate target for this competition, crew and metric',
      });
    }
    targetKeys.add(key);
  });
});
export type Org = z.infer<typeof Org>;

/**
 * What a reader of GET /v1/org needs of it to place crews (the ingest service), read as served:
 * a registry saved before today's input rules (a name they would refuse now) must not stop it.
 */
export const OrgPlaces = z.object({
  units: z.array(z.object({ id: z.string(), branchId: z.string() })),
  crews: z.array(z.object({ id: z.string(), unitId: z.string() })),
});
export type OrgInput = z.input<typeof Org>;
export type Branch = z.infer<typeof Branch>;
export type Unit = z.infer<typeof Unit>;
export type Crew = z.infer<typeof Crew>;
export type CrewTarget = z.infer<typeof CrewTarget>;
export type Person = z.infer<typeof Person>;
