import { z } from 'zod';
import { SafeName, strictObject } from './common.schema.ts';
import { RegistryOutcome } from './org-import.schema.ts';
import { Branch, Crew, CrewTarget, GroupBranding, Person, Unit } from './org.schema.ts';

/**
 * PATCH /v1/org: rows of the registry changed one at a time, as the console's tables edit them.
 * Items are upserted by id (targets by competition, crew and metric); nothing is deleted: a crew
 * that no longer competes is retired (retired: true) and keeps its history.
 */
export const OrgChanges = strictObject({
  groupName: SafeName().optional().describe('集团名称'),
  branding: GroupBranding.optional(),
  branches: z.array(Branch).max(10_000).default([]),
  units: z.array(Unit).max(100_000).default([]),
  crews: z.array(Crew).max(200_000).default([]),
  targets: z.array(CrewTarget).max(2_000_000).default([]),
  persons: z
    .array(Person)
    .max(200_000)
    .default([])
    .describe('人员 (个人赛), by id; moving a person to another crew moves their ranking with them'),
});
export type OrgChanges = z.infer<typeof OrgChanges>;

export const OrgChange = z.object({
  entity: z.enum(['group', 'branch', 'unit', 'crew', 'target', 'person']),
  id: z.string().describe('the item’s id; a target’s is competitionId/crewId/metric'),
  op: z.enum(['created', 'updated']),
  fields: z.array(z.string()).describe('the fields an update changes'),
});

export const OrgChangesResult = RegistryOutcome.extend({
  changes: z.array(OrgChange).describe('what is (or on a dry run, would be) created or updated'),
});
