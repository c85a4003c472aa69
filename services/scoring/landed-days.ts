import type { Catalog } from '../catalog/catalog.ts';
import type { CrewProfile } from './engine/types.ts';
import { dayInZone } from '../shared/calendar.ts';

export interface StoredEventRef {
  crewId: string;
  /** Epoch milliseconds. */
  occurredAtMs: number;
}

/** The days a batch of stored events landed on, in a time zone: of all of them, or of some crews'. */
export interface LandedDays {
  all(timeZone: string): ReadonlySet<string>;
  of(timeZone: string, crewIds: ReadonlySet<string>): ReadonlySet<string>;
}

/**
 * A batch of thousands of events covers a handful of crews' days: they are found once per time
 * zone, not once per event and competition.
 */
export function landedDays(events: readonly StoredEventRef[]): LandedDays {
  const zones = new Map<string, { all: Set<string>; byCrew: Map<string, Set<string>> }>();
  function inZone(timeZone: string) {
    let zone = zones.get(timeZone);
    if (!zone) {
      zone = { all: new Set(), byCrew: new Map() };
      for (const event of events) {
        const day = dayInZone(event.occurredAtMs, timeZone);
        zone.all.add(day);
        let days = zone.byCrew.get(event.crewId);
        if (!days) zone.byCrew.set(event.crewId, (days = new Set()));
        days.add(day);
      }
      zones.set(timeZone, zone);
    }
    return zone;
  }
  return {
    all: (timeZone) => inZone(timeZone).all,
    of(timeZone, crewIds) {
      const { all, byCrew } = inZone(timeZone);
      const days = new Set<string>();
      // Whichever is smaller is walked: a batch's crews or the competition's (a branch's few
      // hundred against a back-fill's 10,000, or the reverse), and no further once every day is in.
      const add = (crewDays: ReadonlySet<string> | undefined) => {
        if (crewDays) for (const day of crewDays) days.add(day);
        return days.size === all.size;
      };
      if (crewIds.size < byCrew.size) {
        for (const crewId of crewIds) if (add(byCrew.get(crewId))) break;
      } else for (const [crewId, crewDays] of byCrew) if (crewIds.has(crewId) && add(crewDays)) break;
      return days;
    },
  };
}

const idsOf = new WeakMap<readonly CrewProfile[], ReadonlySet<string>>();

/**
 * The crews whose events count in a competition: its participants (the catalog keeps them per
 * definition and registry version, so the set is built once for each).
 */
export function participantIds(
  catalog: Catalog,
  competition: Parameters<Catalog['participants']>[0],
): ReadonlySet<string> {
  const participants = catalog.participants(competition);
  let ids = idsOf.get(participants);
  if (!ids) idsOf.set(participants, (ids = new Set(participants.map((c) => c.crewId))));
  return ids;
}
