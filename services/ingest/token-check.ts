import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { WhoAmI } from '../../schemas/access.schema.ts';
import { ANONYMOUS, OPEN, type Principal } from '../access/access.ts';
import { ForbiddenError, UnauthorizedError, UnavailableError, type AppError } from '../shared/errors.ts';

export interface TokenCheck {
  principal(request: FastifyRequest): Promise<Principal>;
  /** The id of the token a request carries, if it was checked already (for the rate limit). */
  knownTokenId(request: FastifyRequest): string | undefined;
  /** Since when the API has not answered (ISO 8601); undefined while it does. */
  apiAwaySince(): string | undefined;
}

/** The API's latest answer about a token: who it is, or the 401 / 403 it gave. */
type Answer = { principal: Principal } | { refusal: AppError };

type Entry<A extends Answer = Answer> = A & { checkedAt: number };

/** While the API does not answer, a token's question is asked again at most this often. */
const RETRY_AWAY_MS = 1_000;
/** Refused tokens kept apart and fewer: made-up tokens must not push out the good answers. */
const MAX_REFUSED = 1_000;

/**
 * The ingest service keeps no tokens of its own: it asks the API who a token is (GET /v1/whoami
 * with the request's Authorization header). The answers are kept warm: one older than
 * `ttlMs * 3/4` is asked again in the background while the request is answered from it, one
 * older than `ttlMs` is asked again before answering, so a revocation reaches this service
 * within `ttlMs` while the API answers.
 *
 * When the API does not answer (restarting, unreachable, 5xx), each token is judged by the last
 * answer the API gave about it, however old, so events keep flowing to Kafka; the API is asked
 * again at most once a second per token meanwhile. Only a token never seen before waits for the
 * API (503 until it answers).
 */
export function createTokenCheck(deps: {
  whoamiUrl: string;
  ttlMs: number;
  /**
   * Whether an API running open may open this service too: only when it listens on loopback
   * itself. An ingest service reachable from the network never runs open.
   */
  allowOpen: boolean;
  logger?: Logger;
  now?: () => number;
  fetch?: typeof fetch;
  maxEntries?: number;
}): TokenCheck {
  const get = deps.fetch ?? fetch;
  const clock = deps.now ?? Date.now;
  const maxEntries = deps.maxEntries ?? 10_000;
  /** Tokens the API said who they are (or open / anonymous for no token), oldest use first. */
  const known = new Map<string, Entry<{ principal: Principal }>>();
  const refused = new Map<string, Entry<{ refusal: AppError }>>();
  const asking = new Map<string, Promise<Answer>>();
  /** Per token, no question before this while the API is away. */
  const retryAt = new Map<string, number>();
  let awaySince: number | undefined;

  async function fetchAnswer(authorization: string | undefined): Promise<Answer> {
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
      return {
        refusal: res.status === 401 ? new UnauthorizedError(code, message) : new ForbiddenError(code, message),
      };
    }
    if (!res.ok) throw new UnavailableError(`${deps.whoamiUrl} answered ${res.status}`, 2);
    const who = WhoAmI.parse(await res.json());
    if (who.token) {
      return {
        principal: {
          kind: 'token',
          token: undefined,
          tokenId: who.token.id,
          name: who.token.name,
          role: who.token.role,
          branchIds: who.token.branchIds,
          unitIds: who.token.unitIds,
        },
      };
    }
    return { principal: who.open && deps.allowOpen ? OPEN : ANONYMOUS };
  }

  function remember(key: string, answer: Answer): void {
    known.delete(key);
    refused.delete(key);
    const checkedAt = clock();
    if ('principal' in answer) {
      known.set(key, { ...answer, checkedAt });
      if (known.size > maxEntries) known.delete(known.keys().next().value ?? key);
    } else {
      refused.set(key, { ...answer, checkedAt });
      if (refused.size > Math.min(maxEntries, MAX_REFUSED)) refused.delete(refused.keys().next().value ?? key);
    }
  }

  /** Asks the API about a token, one question per token at a time; remembers what it answers. */
  function ask(key: string, authorization: string | undefined): Promise<Answer> {
    const inFlight = asking.get(key);
    if (inFlight) return inFlight;
    const question = fetchAnswer(authorization)
      .then((answer) => {
        if (awaySince !== undefined) deps.logger?.info('the API answers again: tokens are checked with it again');
        awaySince = undefined;
        retryAt.delete(key);
        remember(key, answer);
        return answer;
      })
      .catch((err: unknown) => {
        if (awaySince === undefined) {
          awaySince = clock();
          deps.logger?.warn({ err }, 'the API does not answer: tokens are judged by its last answers');
        }
        retryAt.set(key, clock() + RETRY_AWAY_MS);
        throw err;
      })
      .finally(() => asking.delete(key));
    asking.set(key, question);
    return question;
  }

  function settle(answer: Answer): Principal {
    if ('refusal' in answer) throw answer.refusal;
    return answer.principal;
  }

  return {
    async principal(request) {
      const authorization = request.headers.authorization;
      const key = authorization ?? '';
      const good = known.get(key);
      const entry = good ?? refused.get(key);
      if (!entry) return settle(await ask(key, authorization));
      if (good) {
        // Used lately: to the end of the eviction order.
        known.delete(key);
        known.set(key, good);
      }
      const age = clock() - entry.checkedAt;
      if (age < (deps.ttlMs * 3) / 4) return settle(entry);
      if (age < deps.ttlMs || awaySince !== undefined) {
        // Answered from the entry while the API is asked in the background (while it is away,
        // at most once a second per token).
        if (!asking.has(key) && clock() >= (retryAt.get(key) ?? 0)) ask(key, authorization).catch(() => undefined);
        return settle(entry);
      }
      try {
        return settle(await ask(key, authorization));
      } catch (err) {
        // The API is away: the last answer it gave about this token stands.
        if (err instanceof UnavailableError) return settle(entry);
        throw err;
      }
    },
    knownTokenId(request) {
      return known.get(request.headers.authorization ?? '')?.principal.tokenId;
    },
    apiAwaySince: () => (awaySince === undefined ? undefined : new Date(awaySince).toISOString()),
  };
}
