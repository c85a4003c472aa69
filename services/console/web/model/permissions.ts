/**
 * What the signed-in token may do, worked out from GET /v1/whoami the way the API decides it
 * (services/access): the console hides what a role may not do; the API refuses it anyway.
 */
export type Role = 'admin' | 'organiser' | 'ingest' | 'viewer' | 'reporter';

export interface Who {
  authenticated: boolean;
  open: boolean;
  token: { id: string; name: string; role: Role; branchIds: string[]; unitIds: string[] } | null;
}

export interface Permissions {
  /** Shown in the header: the token's name, or 开放模式 without one. */
  role: Role | 'open';
  /** Empty: every branch. */
  branchIds: readonly string[];
  /** Competitions, screens and registry rows (within branchIds when limited). */
  manage: boolean;
  /** Replacing the whole registry, the group's name and colours: not for a branch organiser. */
  manageGroup: boolean;
  tokens: boolean;
  /** Only reads: viewer and ingest tokens. */
  readOnly: boolean;
}

export function permissionsOf(who: Who): Permissions {
  if (!who.token) {
    // Open mode: every request is allowed without a token (the API's OPEN principal is an admin).
    const open = who.open;
    return { role: 'open', branchIds: [], manage: open, manageGroup: open, tokens: open, readOnly: !open };
  }
  const { role, branchIds } = who.token;
  const admin = role === 'admin';
  const organiser = role === 'organiser';
  const limited = !admin && branchIds.length > 0;
  return {
    role,
    branchIds: admin ? [] : branchIds,
    manage: admin || organiser,
    manageGroup: admin || (organiser && !limited),
    tokens: admin,
    readOnly: !(admin || organiser),
  };
}

/** Whether a row of this branch is the principal's to change. */
export function branchAllowed(p: Permissions, branchId: string): boolean {
  return p.manage && (p.branchIds.length === 0 || p.branchIds.includes(branchId));
}
