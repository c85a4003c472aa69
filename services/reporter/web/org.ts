import type { ReporterApi } from './api.ts';
import type { Org } from './org-scope.ts';

const ORG_KEY = 'reporter-org';

/** The registry; offline, the one read on the last visit (the reporter can still fill in drafts). */
export async function loadOrg(api: ReporterApi, storage: Storage): Promise<Org> {
  try {
    const org = await api.get<Org>('/v1/org');
    storage.setItem(ORG_KEY, JSON.stringify(org));
    return org;
  } catch (err) {
    const kept = storage.getItem(ORG_KEY);
    if (kept) return JSON.parse(kept) as Org;
    throw err;
  }
}
