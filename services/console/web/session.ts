/**
 * The API token of this browser tab: kept in sessionStorage (the same key the landing page uses),
 * so it survives a reload and is forgotten when the tab closes.
 */
const KEY = 'leaderboard.apiToken';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage may be forbidden: the token then lives as long as the page.
    return null;
  }
}

let memory: string | null = null;

export function savedToken(): string | null {
  return storage()?.getItem(KEY) ?? memory;
}

export function saveToken(token: string | null): void {
  memory = token;
  const s = storage();
  if (!s) return;
  if (token === null) s.removeItem(KEY);
  else s.setItem(KEY, token);
}
