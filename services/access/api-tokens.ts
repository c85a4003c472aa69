import type { ClickHouseClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import type { TokenCreate, TokenInfo } from '../../schemas/access.schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import { hashToken, newSecret } from '../shared/secret-token.ts';
import { loadTokens, saveToken, type StoredToken } from '../storage/api-tokens.store.ts';

/** API tokens start with this, so one pasted into a chat or a log is recognisable. */
export const API_TOKEN_PREFIX = 'lbt_';

export interface ApiTokens {
  /** A new token; the secret is returned here and never again. */
  create(request: TokenCreate, createdBy: string): Promise<{ info: TokenInfo; token: string }>;
  /** Registers a secret chosen outside (BOOTSTRAP_ADMIN_TOKEN) as an admin token, once. */
  adopt(secret: string, name: string): Promise<TokenInfo | undefined>;
  /** Revoking a revoked token is not an error. */
  revoke(id: string): Promise<TokenInfo>;
  list(): TokenInfo[];
  /** Every token in its current version, hashes included (for the access topic). */
  stored(): StoredToken[];
  /** The token a secret belongs to, revoked or not; undefined when the secret is not known. */
  find(secret: string): StoredToken | undefined;
  hasActiveAdmin(): boolean;
  /** Re-reads tokens from storage (another instance may have created or revoked some). */
  reload(): Promise<void>;
}

export function tokenInfo(t: StoredToken): TokenInfo {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    branchIds: t.branchIds,
    unitIds: t.unitIds,
    crewIds: t.crewIds,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    revokedAt: t.revokedAt,
  };
}

export async function createApiTokens(deps: {
  client: ClickHouseClient;
  now: () => Date;
  /**
   * After a version is stored, before the answer: tells the ingest services (the access topic).
   * A failure fails the request; a retried revocation publishes again.
   */
  onSaved?: (token: StoredToken) => Promise<void>;
}): Promise<ApiTokens> {
  const { client, now } = deps;
  const saved = async (token: StoredToken) => deps.onSaved?.(token);
  let byId = new Map<string, StoredToken>();
  let byHash = new Map<string, StoredToken>();

  function remember(token: StoredToken): void {
    byId.set(token.id, token);
    byHash.set(token.tokenHash, token);
  }

  async function reload(): Promise<void> {
    const tokens = await loadTokens(client);
    byId = new Map();
    byHash = new Map();
    tokens.forEach(remember);
  }
  await reload();

  async function store(request: TokenCreate, secret: string, createdBy: string): Promise<StoredToken> {
    const token: StoredToken = {
      id: `tok_${randomBytes(5).toString('hex')}`,
      version: 1,
      name: request.name,
      role: request.role,
      branchIds: request.branchIds,
      unitIds: request.unitIds,
      crewIds: request.crewIds,
      tokenHash: hashToken(secret),
      createdAt: now().toISOString(),
      createdBy,
      revokedAt: null,
    };
    await saveToken(client, token);
    remember(token);
    await saved(token);
    return token;
  }

  return {
    async create(request, createdBy) {
      const secret = newSecret(API_TOKEN_PREFIX);
      return { info: tokenInfo(await store(request, secret, createdBy)), token: secret };
    },
    async adopt(secret, name) {
      if (byHash.has(hashToken(secret))) return undefined;
      return tokenInfo(
        await store({ name, role: 'admin', branchIds: [], unitIds: [], crewIds: [] }, secret, 'BOOTSTRAP_ADMIN_TOKEN'),
      );
    },
    async revoke(id) {
      const token = byId.get(id);
      if (!token) throw new NotFoundError('token_not_found', `令牌不存在 / token "${id}" does not exist`);
      if (token.revokedAt !== null) {
        // Published again: the first try may have been stored but not published.
        await saved(token);
        return tokenInfo(token);
      }
      const revoked = { ...token, version: token.version + 1, revokedAt: now().toISOString() };
      // Stored first: a revocation that did not reach storage would come back on restart.
      await saveToken(client, revoked);
      remember(revoked);
      await saved(revoked);
      return tokenInfo(revoked);
    },
    list: () =>
      [...byId.values()]
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
        .map(tokenInfo),
    stored: () => [...byId.values()],
    find: (secret) => byHash.get(hashToken(secret)),
    hasActiveAdmin: () => [...byId.values()].some((t) => t.role === 'admin' && t.revokedAt === null),
    reload,
  };
}
