import type { FastifyRequest } from 'fastify';
import { WhoAmI } from '../../schemas/access.schema.ts';
import { ANONYMOUS, OPEN, type Principal } from '../access/access.ts';
import { ForbiddenError, UnauthorizedError, UnavailableError } from '../shared/errors.ts';

export interface TokenCheck {
  principal(request: FastifyRequest): Promise<Principal>;
  /** The id of the token a request carries, if it was checked already (for the rate limit). */
  knownTokenId(request: FastifyRequest): string | undefined;
}

interface Cached {
  at: number;
  answer: Promise<Principal>;
  resolved?: Principal;
}

/**
 * The ingest service keeps no tokens: it asks the API who a token is (GET /v1/whoami with the
 * request's Authorization header) and keeps the answer for ttlMs, so a revocation reaches it
 * within that time and a busy station costs the API one question per ttlMs.
 */
export function createTokenCheck(deps: {
  whoamiUrl: string;
  ttlMs: number;
  /**
   * Whether an API running open may open this service too: only when it listens on loopback
   * itself. An ingest service reachable from the network never runs open.
   */
  allowOpen: boolean;
  now?: () => number;
  fetch?: typeof fetch;
  maxEntries?: number;
}): TokenCheck {
  const get = deps.fetch ?? fetch;
  const clock = deps.now ?? Date.now;
  const maxEntries = deps.maxEntries ?? 10_000;
  const cache = new Map<string, Cached>();

  async function ask(authorization: string | undefined): Promise<Principal> {
    let res: Response;
    try {
      res = await get(deps.whoamiUrl, {
        headers: authorization === undefined ? {} : { authorization },
        signal: AbortSignal.timeout(5_000),
      });
    } catch (err) {
      throw new UnavailableError(`cannot check the API token with ${deps.whoamiUrl}`, 2, { cause: err });
    }
    if (res.status === 401 || res.status === 403) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      const code = body?.error?.code ?? 'token_unknown';
      const message = body?.error?.message ?? 'the API token was refused';
      throw res.status === 401 ? new UnauthorizedError(code, message) : new ForbiddenError(code, message);
    }
    if (!res.ok) throw new UnavailableError(`${deps.whoamiUrl} answered ${res.status}`, 2);
    const who = WhoAmI.parse(await res.json());
    if (who.token) {
      return {
        kind: 'token',
        token: undefined,
        tokenId: who.token.id,
        name: who.token.name,
        role: who.token.role,
        branchIds: who.token.branchIds,
        unitIds: who.token.unitIds,
      };
    }
    return who.open && deps.allowOpen ? OPEN : ANONYMOUS;
  }

  return {
    principal(request) {
      const authorization = request.headers.authorization;
      const key = authorization ?? '';
      const cached = cache.get(key);
      if (cached && clock() - cached.at < deps.ttlMs) return cached.answer;
      const answer = ask(authorization);
      // Unavailable answers are not kept: the next request asks again.
      answer.catch((err: unknown) => {
        if (err instanceof UnavailableError && cache.get(key)?.answer === answer) cache.delete(key);
      });
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value ?? key);
      const entry: Cached = { at: clock(), answer };
      cache.set(key, entry);
      answer.then((p) => (entry.resolved = p)).catch(() => undefined);
      return answer;
    },
    knownTokenId(request) {
      return cache.get(request.headers.authorization ?? '')?.resolved?.tokenId;
    },
  };
}
