import { z } from 'zod';
import { Id } from './common.schema.ts';
import { MetricKey } from './metric-key.schema.ts';

export const UnitType = z.enum(['station', 'mine', 'workshop', 'district', 'depot', 'other']);
export type UnitType = z.infer<typeof UnitType>;

export const Branch = z.object({
  id: Id,
  name: z.string().min(1).max(200).describe('分公司名称'),
  nameEn: z.string().max(200).optional(),
});

export const Unit = z.object({
  id: Id,
  branchId: Id,
  name: z.string().min(1).max(200).describe('单位名称（加油站、矿、车间、区队）'),
  nameEn: z.string().max(200).optional(),
  type: UnitType,
});

export const Crew = z.object({
  id: Id,
  unitId: Id,
  name: z.string().min(1).max(200).describe('班组名称'),
  nameEn: z.string().max(200).optional(),
  headcount: z.number().int().min(1).max(10_000),
});

export const CrewTarget = z.object({
  competitionId: Id,
  crewId: Id,
  metric: MetricKey,
  value: z.number().positive(),
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

/** The whole registry: PUT /v1/org replaces it as one document. */
export const Org = z
  .object({
    groupName: z.string().min(1).max(200).default('集团公司').describe('集团名称'),
    branches: z.array(Branch).max(10_000),
    units: z.array(Unit).max(100_000),
    crews: z.array(Crew).max(200_000),
    targets: z.array(CrewTarget).max(2_000_000).default([]),
  })
  .superRefine((org, ctx) => {
    for (const [key, list] of [
      ['branches', org.branches],
      ['units', org.units],
      ['crews', org.crews],
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
export type OrgInput = z.input<typeof Org>;
export type Branch = z.infer<typeof Branch>;
export type Unit = z.infer<typeof Unit>;
export type Crew = z.infer<typeof Crew>;
export type CrewTarget = z.infer<typeof CrewTarget>;
