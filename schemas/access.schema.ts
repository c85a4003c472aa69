import { z } from 'zod';
import { Id, SafeName, strictObject } from './common.schema.ts';

/**
 * admin: everything, including tokens. organiser: competitions, registry, screens (optionally only
 * for some branches). ingest: events for the crews of some branches or units. viewer: reads.
 * reporter: a person (safety officer, inspector, worker) who reports (上报) hazards, violations,
 * incidents and innovations with evidence for the crews of some branches, units or crews; those
 * reports count only once reviewed. Reads like a viewer, and its own reports.
 */
export const Role = z.enum(['admin', 'organiser', 'ingest', 'viewer', 'reporter']);
export type Role = z.infer<typeof Role>;

export const TokenCreate = strictObject({
  name: SafeName().describe('who or what holds it, e.g. 杭州分公司工会 or station HZ-01 POS'),
  role: Role,
  branchIds: z.array(Id).max(1000).default([]).describe('organiser or ingest: only these branches'),
  unitIds: z.array(Id).max(10_000).default([]).describe('ingest or reporter: only these units'),
  crewIds: z.array(Id).max(10_000).default([]).describe('reporter: only these crews'),
}).superRefine((t, ctx) => {
  const scoped = t.branchIds.length > 0 || t.unitIds.length > 0 || t.crewIds.length > 0;
  if (t.role === 'ingest' && !scoped) {
    ctx.addIssue({
      code: 'custom',
      path: ['branchIds'],
      message: 'an ingest token is limited to branches or units: give branchIds or unitIds',
    });
  }
  if (t.role === 'reporter' && !scoped) {
    ctx.addIssue({
      code: 'custom',
      path: ['branchIds'],
      message: 'a reporter token is limited to branches, units or crews: give branchIds, unitIds or crewIds',
    });
  }
  if (t.role !== 'reporter' && t.crewIds.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['crewIds'],
      message: `only a reporter token is limited to crews; a ${t.role} token cannot be`,
    });
  }
  if ((t.role === 'admin' || t.role === 'viewer') && scoped) {
    ctx.addIssue({
      code: 'custom',
      path: ['branchIds'],
      message: `a ${t.role} token cannot be limited to branches or units`,
    });
  }
  if (t.role === 'organiser' && t.unitIds.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['unitIds'],
      message: 'an organiser token is limited to branches, not units',
    });
  }
});
export type TokenCreate = z.infer<typeof TokenCreate>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  branchIds: z.array(z.string()),
  unitIds: z.array(z.string()),
  /** Absent in the answers of servers before the reporter role (the CLI talks to those too). */
  crewIds: z.array(z.string()).default([]),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenCreated = TokenInfo.extend({
  token: z.string().describe('the secret: shown here once, stored only as a hash'),
});

export const TokenList = z.object({ tokens: z.array(TokenInfo) });

export const WhoAmI = z.object({
  authenticated: z.boolean(),
  open: z.boolean().describe('the server runs without access control (embedded, loopback)'),
  token: TokenInfo.nullable(),
});

/**
 * What the API publishes about each token version to the compacted access topic, so the ingest
 * service verifies tokens without asking the API: the SHA-256 of the secret, never the secret.
 */
export const PublishedToken = z.object({
  kind: z.literal('token'),
  id: z.string().min(1),
  version: z.number().int().positive(),
  name: z.string(),
  role: Role,
  branchIds: z.array(z.string()),
  unitIds: z.array(z.string()),
  /** Absent in what API versions before the reporter role published. */
  crewIds: z.array(z.string()).default([]),
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the secret, hex'),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});
export type PublishedToken = z.infer<typeof PublishedToken>;

/** Whether the API runs open (no token needed): an ingest service on loopback then runs open too. */
export const PublishedAccessMode = z.object({ kind: z.literal('mode'), open: z.boolean() });

/**
 * The crews and where they belong (for the crew check and token scopes), so an ingest service
 * restarted while the API is away still knows them.
 */
export const PublishedRegistry = z.object({
  kind: z.literal('registry'),
  version: z.number().int().nonnegative(),
  crews: z.array(z.object({ id: z.string(), unitId: z.string(), branchId: z.string() })),
});
export type PublishedRegistry = z.infer<typeof PublishedRegistry>;

export const AccessRecord = z.discriminatedUnion('kind', [PublishedToken, PublishedAccessMode, PublishedRegistry]);
export type AccessRecord = z.infer<typeof AccessRecord>;
