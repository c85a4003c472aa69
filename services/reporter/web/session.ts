import { ApiRefusal, type ReporterApi } from './api.ts';

const TOKEN_KEY = 'reporter-token';
const WHO_KEY = 'reporter-who';

export interface Reporter {
  id: string;
  name: string;
  role: string;
  branchIds: string[];
  unitIds: string[];
  crewIds: string[];
}

export type SignIn =
  | { state: 'signed-in'; reporter: Reporter; offline: boolean }
  | { state: 'signed-out'; reason: 'none' | 'revoked' | 'unknown' };

/**
 * The personal link is /reporter#t=<token>: the fragment never reaches a server's or a proxy's
 * log, and it is taken off the address at once, so a screenshot or a forwarded page shows no secret.
 */
export function takeTokenFromLink(location: Location, history: History, storage: Storage): string | undefined {
  const fromLink = new URLSearchParams(location.hash.replace(/^#/, '')).get('t');
  if (fromLink) {
    if (fromLink !== storage.getItem(TOKEN_KEY)) storage.removeItem(WHO_KEY);
    storage.setItem(TOKEN_KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

export function signOut(storage: Storage): void {
  storage.removeItem(TOKEN_KEY);
  storage.removeItem(WHO_KEY);
}

interface WhoAmI {
  token: (Omit<Reporter, 'crewIds'> & { crewIds?: string[] }) | null;
}

/** Who the kept token is; offline, who it was the last time (the reporter can still fill in drafts). */
export async function whoAmI(api: ReporterApi, storage: Storage): Promise<SignIn> {
  if (!storage.getItem(TOKEN_KEY)) return { state: 'signed-out', reason: 'none' };
  try {
    const who = await api.get<WhoAmI>('/v1/whoami');
    if (!who.token) return { state: 'signed-out', reason: 'unknown' };
    // A viewer may object during 公示 (issue 17) and report nothing: the page shows it that tab only.
    const { id, name, role, branchIds, unitIds, crewIds = [] } = who.token;
    const reporter: Reporter = { id, name, role, branchIds, unitIds, crewIds };
    storage.setItem(WHO_KEY, JSON.stringify(reporter));
    return { state: 'signed-in', reporter, offline: false };
  } catch (err) {
    if (err instanceof ApiRefusal) {
      signOut(storage);
      return { state: 'signed-out', reason: err.status === 403 ? 'revoked' : 'unknown' };
    }
    const kept = storage.getItem(WHO_KEY);
    if (kept) return { state: 'signed-in', reporter: JSON.parse(kept) as Reporter, offline: true };
    throw err;
  }
}
