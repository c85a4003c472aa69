import type { ClickHouseClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { hashToken, newSecret } from '../shared/secret-token.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../shared/errors.ts';
import { loadDisplayLinks, saveDisplayLink, type StoredDisplayLink } from '../storage/display-links.store.ts';
import { newShortCode, normaliseShortCode } from './short-code.ts';

/** Display tokens start with this, so one found in a log or a chat is recognisable. */
const TOKEN_PREFIX = 'dl_';

/** What a short code typed at /s/ leads to. */
export type ShortCodeLookup =
  | { state: 'open'; link: StoredDisplayLink; code: string }
  | { state: 'revoked'; link: StoredDisplayLink }
  | { state: 'unknown' };

export interface DisplayLinks {
  /** A new link for a screen; its token and short code are returned here and never again. */
  create(screenId: string, label: string): Promise<{ link: StoredDisplayLink; token: string; shortCode: string }>;
  /** Revokes a link; revoking a revoked link is not an error. Open screens using it are told. */
  revoke(linkId: string): Promise<StoredDisplayLink>;
  list(screenId?: string): StoredDisplayLink[];
  /** The link a token (or a link's short code) opens `screenId` with, or a 401 / 403 that says why not. */
  authorize(token: string | undefined, screenId: string): StoredDisplayLink;
  /** The link a short code belongs to, as typed (lower case, hyphens and full-width forgiven). */
  lookUpShortCode(typed: string): ShortCodeLookup;
  /** Called with each link as it is revoked (here or, after reload, by another instance). */
  onRevoked(listener: (link: StoredDisplayLink) => void): () => void;
  /** Re-reads links from storage (another instance may have created or revoked some). */
  reload(): Promise<void>;
}

export interface DisplayLinksDeps {
  client: ClickHouseClient;
  now: () => Date;
}

export async function createDisplayLinks(deps: DisplayLinksDeps): Promise<DisplayLinks> {
  const { client, now } = deps;
  let byId = new Map<string, StoredDisplayLink>();
  let byHash = new Map<string, StoredDisplayLink>();
  let byCodeHash = new Map<string, StoredDisplayLink>();
  const listeners = new Set<(link: StoredDisplayLink) => void>();

  function use(links: readonly StoredDisplayLink[]): void {
    const before = byId;
    byId = new Map(links.map((l) => [l.id, l]));
    byHash = new Map(links.map((l) => [l.tokenHash, l]));
    byCodeHash = new Map(links.filter((l) => l.shortCodeHash !== '').map((l) => [l.shortCodeHash, l]));
    for (const link of links) {
      if (link.revokedAt !== null && before.get(link.id)?.revokedAt === null) announce(link);
    }
  }

  function announce(link: StoredDisplayLink): void {
    for (const listener of listeners) listener(link);
  }

  async function reload(): Promise<void> {
    use(await loadDisplayLinks(client));
  }
  await reload();

  function remember(link: StoredDisplayLink): void {
    byId.set(link.id, link);
    byHash.set(link.tokenHash, link);
    if (link.shortCodeHash !== '') byCodeHash.set(link.shortCodeHash, link);
  }

  /** A code no link here has. Another instance may make the same one at the same moment: at 31^8 codes, not worth a lock. */
  function freshShortCode(): string {
    for (;;) {
      const code = newShortCode();
      if (!byCodeHash.has(hashToken(code))) return code;
    }
  }

  function byShortCode(typed: string): { link: StoredDisplayLink | undefined; code: string } | undefined {
    const code = normaliseShortCode(typed);
    return code === null ? undefined : { link: byCodeHash.get(hashToken(code)), code };
  }

  return {
    async create(screenId, label) {
      const token = newSecret(TOKEN_PREFIX, 24);
      const shortCode = freshShortCode();
      const link: StoredDisplayLink = {
        id: `link-${randomBytes(6).toString('hex')}`,
        version: 1,
        screenId,
        label,
        tokenHash: hashToken(token),
        shortCodeHash: hashToken(shortCode),
        createdAt: now().toISOString(),
        revokedAt: null,
      };
      await saveDisplayLink(client, link);
      remember(link);
      return { link, token, shortCode };
    },
    async revoke(linkId) {
      const link = byId.get(linkId);
      if (!link) throw new NotFoundError('display_link_not_found', `display link "${linkId}" does not exist`);
      if (link.revokedAt !== null) return link;
      const revoked = { ...link, version: link.version + 1, revokedAt: now().toISOString() };
      // Stored first: a revocation that did not reach storage would come back on restart.
      await saveDisplayLink(client, revoked);
      remember(revoked);
      announce(revoked);
      return revoked;
    },
    list(screenId) {
      return [...byId.values()]
        .filter((l) => screenId === undefined || l.screenId === screenId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    authorize(token, screenId) {
      if (token === undefined || token === '') {
        throw new UnauthorizedError(
          'display_token_required',
          '此大屏需要显示链接 / this screen needs a display link: open it with ?token=<display token>',
        );
      }
      const link = byHash.get(hashToken(token)) ?? byShortCode(token)?.link;
      if (!link) {
        throw new UnauthorizedError('display_token_unknown', '显示链接无效 / the display token is not known');
      }
      if (link.revokedAt !== null) {
        throw new ForbiddenError(
          'display_token_revoked',
          `显示链接已撤销 / this display link ("${link.label}") was revoked at ${link.revokedAt}`,
        );
      }
      if (link.screenId !== screenId) {
        throw new ForbiddenError(
          'display_token_not_for_screen',
          `此显示链接只能打开大屏 "${link.screenId}" / this display link opens screen "${link.screenId}", not "${screenId}"`,
        );
      }
      return link;
    },
    lookUpShortCode(typed) {
      const found = byShortCode(typed);
      if (!found?.link) return { state: 'unknown' };
      return found.link.revokedAt === null
        ? { state: 'open', link: found.link, code: found.code }
        : { state: 'revoked', link: found.link };
    },
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
  };
}
