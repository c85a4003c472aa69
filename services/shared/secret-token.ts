import { createHash, randomBytes } from 'node:crypto';

/** A new secret: a recognisable prefix (so one found in a log or a chat can be traced) and random bytes. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** What is stored instead of a secret: its SHA-256, hex. Secrets are random, so no salt or stretching is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
