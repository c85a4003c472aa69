import type { Logger } from 'pino';
import { OrgPlaces } from '../../schemas/org.schema.ts';

export interface RegistryFollower {
  /** Undefined until the first registry has been read. */
  crewIds(): ReadonlySet<string> | undefined;
  /** A crew's branch and unit, for tokens limited to some of them. */
  crew(crewId: string): { branchId: string; unitId: string } | undefined;
  /** Reads the registry now; resolves true when it has one. */
  refresh(): Promise<boolean>;
  stop(): void;
}

/**
 * The ingest service keeps no state of its own: it reads which crews exist from the API's
 * GET /v1/org, and again every refreshMs. If a read fails it keeps the registry it has.
 */
export function createRegistryFollower(deps: {
  url: string;
  /** Sent when the API's reads need a token (STANDINGS_ACCESS=viewer). */
  token?: string;
  refreshMs: number;
  logger: Logger;
  fetch?: typeof fetch;
}): RegistryFollower {
  const get = deps.fetch ?? fetch;
  let crews: Set<string> | undefined;
  let places = new Map<string, { branchId: string; unitId: string }>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function refresh(): Promise<boolean> {
    try {
      const res = await get(deps.url, {
        headers: deps.token === undefined ? {} : { authorization: `Bearer ${deps.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${deps.url} answered ${res.status}`);
      const org = OrgPlaces.parse(await res.json());
      const first = crews === undefined;
      const branchOfUnit = new Map(org.units.map((u) => [u.id, u.branchId]));
      places = new Map(org.crews.map((c) => [c.id, { branchId: branchOfUnit.get(c.unitId) ?? '', unitId: c.unitId }]));
      crews = new Set(places.keys());
      if (first) deps.logger.info({ crews: crews.size }, 'registry loaded');
    } catch (err) {
      deps.logger.warn(
        { err, url: deps.url },
        crews ? 'registry refresh failed; keeping the loaded one' : 'registry not readable yet',
      );
    }
    return crews !== undefined;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => void refresh().finally(schedule),
      crews ? deps.refreshMs : Math.min(deps.refreshMs, 1_000),
    );
    timer.unref();
  }
  schedule();

  return {
    crewIds: () => crews,
    crew: (crewId) => places.get(crewId),
    refresh,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
