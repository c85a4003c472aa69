import type { FastifyRequest } from 'fastify';
import type { Role } from '../../schemas/access.schema.ts';
import { ForbiddenError, UnauthorizedError } from '../shared/errors.ts';
import type { StoredToken } from '../storage/api-tokens.store.ts';
import type { ApiTokens } from './api-tokens.ts';

/** Who sent a request, as far as access control is concerned. */
export interface Principal {
  /** token: a valid token; open: no token on a server running open; anonymous: no token. */
  kind: 'token' | 'open' | 'anonymous';
  /** The stored token (undefined where it was checked by another service, see token-check). */
  token: StoredToken | undefined;
  tokenId: string | undefined;
  /** Recorded as the author of what it writes. */
  name: string;
  role: Role | undefined;
  /** Empty: not limited. */
  branchIds: readonly string[];
  unitIds: readonly string[];
  crewIds: readonly string[];
}

export type StandingsAccess = 'public' | 'viewer';

export interface AccessDeps {
  tokens: Pick<ApiTokens, 'find'>;
  /** No token needed for anything (embedded engine on loopback only; see config). */
  open: boolean;
  standingsAccess: StandingsAccess;
}

export interface Access {
  readonly open: boolean;
  /** The principal of a request; a malformed, unknown or revoked token is a 401 / 403. */
  principal(request: FastifyRequest): Principal;
  /** An onRequest hook (before the body is read): the request needs a token with one of these roles (admin always may). */
  require(...roles: Role[]): (request: FastifyRequest) => Promise<void>;
  /** An onRequest hook for reads: public, or any valid token (viewer and up), as configured. */
  read: (request: FastifyRequest) => Promise<void>;
}

export const OPEN: Principal = {
  kind: 'open',
  token: undefined,
  tokenId: undefined,
  name: 'open',
  role: 'admin',
  branchIds: [],
  unitIds: [],
  crewIds: [],
};
export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  token: undefined,
  tokenId: undefined,
  name: 'anonymous',
  role: undefined,
  branchIds: [],
  unitIds: [],
  crewIds: [],
};

const ROLE_NAMES: Record<Role, string> = {
  admin: '管理员 admin',
  organiser: '组织者 organiser',
  ingest: '数据上报 ingest',
  viewer: '查看 viewer',
  reporter: '上报人 reporter',
};

/** The secret of a "Bearer <token>" Authorization header; undefined without one; 401 when malformed. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new UnauthorizedError(
      'token_malformed',
      'Authorization 头格式不对 / the Authorization header must be "Bearer <token>"',
    );
  }
  return match[1];
}

function requireToken(p: Principal, needs: string): void {
  if (p.kind === 'anonymous') {
    throw new UnauthorizedError(
      'token_required',
      `此操作需要 API 令牌（${needs}）/ this request needs an API token (${needs}): send "Authorization: Bearer <token>"`,
    );
  }
}

/** 401 without a token, 403 when its role is not one of these (admin always may). */
export function checkRole(p: Principal, roles: readonly Role[]): void {
  const allowed = new Set<Role>(['admin', ...roles]);
  const needs = [...allowed].map((r) => ROLE_NAMES[r]).join(' / ');
  requireToken(p, needs);
  if (p.role === undefined || !allowed.has(p.role)) {
    throw new ForbiddenError(
      'role_forbidden',
      `令牌 "${p.name}" 的角色是 ${p.role ?? '无'}，此操作需要 ${needs} / token "${p.name}" has role ${p.role ?? 'none'}; this needs ${[...allowed].join(' or ')}`,
    );
  }
}

/** The principal of a token found by its secret: 401 when none was found, 403 when it is revoked. */
export function tokenPrincipal(token: StoredToken | undefined): Principal {
  if (!token) {
    throw new UnauthorizedError(
      'token_unknown',
      '令牌无效 / the API token is not known (mistyped, or from another server?)',
    );
  }
  if (token.revokedAt !== null) {
    throw new ForbiddenError(
      'token_revoked',
      `令牌已撤销 / the API token "${token.name}" (${token.id}) was revoked at ${token.revokedAt}`,
    );
  }
  return {
    kind: 'token',
    token,
    tokenId: token.id,
    name: token.name,
    role: token.role,
    branchIds: token.branchIds,
    unitIds: token.unitIds,
    crewIds: token.crewIds,
  };
}

export function createAccess(deps: AccessDeps): Access {
  // Asked up to three times per request (rate limit, the route's hook, its handler): the token
  // is hashed and looked up once.
  const known = new WeakMap<FastifyRequest, Principal>();

  function principal(request: FastifyRequest): Principal {
    const cached = known.get(request);
    if (cached) return cached;
    const found = identify(request);
    known.set(request, found);
    return found;
  }

  function identify(request: FastifyRequest): Principal {
    const secret = bearer(request);
    if (secret === undefined) return deps.open ? OPEN : ANONYMOUS;
    return tokenPrincipal(deps.tokens.find(secret));
  }

  return {
    open: deps.open,
    principal,
    require(...roles) {
      return async (request) => checkRole(principal(request), roles);
    },
    async read(request) {
      const p = principal(request);
      if (deps.standingsAccess === 'viewer') requireToken(p, ROLE_NAMES.viewer);
    },
  };
}
