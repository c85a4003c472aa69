import type { FastifyRequest } from 'fastify';
import { ANONYMOUS, OPEN, bearer, tokenPrincipal, type Principal } from '../access/access.ts';
import { UnavailableError } from '../shared/errors.ts';
import type { AccessFollower } from './access-follower.ts';

export interface TokenCheck {
  /** Who sent a request: 401 / 403 as the API answers, 503 until the tokens have been read. */
  principal(request: FastifyRequest): Principal;
}

/**
 * Tokens are verified here, from what the API published to the access topic (the hash of each
 * secret, its role, scope and revocation), never by asking the API: an API outage, and an ingest
 * restart during one, change nothing.
 */
export function createTokenCheck(deps: {
  access: Pick<AccessFollower, 'loaded' | 'find' | 'apiOpen'>;
  topic: string;
  /**
   * Whether an API running open may open this service too: only when it listens on loopback
   * itself. An ingest service reachable from the network never runs open.
   */
  allowOpen: boolean;
}): TokenCheck {
  return {
    principal(request) {
      if (!deps.access.loaded()) {
        throw new UnavailableError(`API tokens are still being read from Kafka topic ${deps.topic}`, 2);
      }
      const secret = bearer(request);
      if (secret === undefined) return deps.allowOpen && deps.access.apiOpen() === true ? OPEN : ANONYMOUS;
      return tokenPrincipal(deps.access.find(secret));
    },
  };
}
