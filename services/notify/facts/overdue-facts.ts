import type { ClickHouseClient } from '@clickhouse/client';
import type { Catalog } from '../../catalog/catalog.ts';
import { hazardDeadlineDays } from '../../scoring/facts.query.ts';
import { addDays, startOfDay } from '../../shared/calendar.ts';
import { unrectifiedHazardReports } from '../../storage/reports.store.ts';
import { hazardOverdueMessage, type PublicLinks } from './fact-messages.ts';
import type { PostFact, Subscribed } from './fact-post.ts';
import { overdueHazards, type OverdueRule, type UnrectifiedHazard } from './overdue-decisions.ts';

/** An unrectified hazard with the unit it was reported for. */
export type ReportedHazard = UnrectifiedHazard & { unitId: string };

/** The approved hazard reports with no rectification stored, reported since an instant. */
export function unrectifiedHazards(client: ClickHouseClient) {
  return async (since: Date): Promise<ReportedHazard[]> =>
    (await unrectifiedHazardReports(client, since)).map((r) => ({
      reportId: r.reportId,
      crewId: r.event.crewId,
      unitId: r.unitId,
      foundAt: r.event.occurredAt,
      location: r.location,
      description: r.description,
    }));
}

export interface OverdueFactsDeps {
  catalog: Pick<Catalog, 'crew' | 'participants'>;
  hazards: (since: Date) => Promise<ReportedHazard[]>;
  links: PublicLinks;
  post: PostFact;
}

/** Whether a crew's hazards count in a competition: it ranks the crew, its unit, its branch or its people. */
function coverage(catalog: OverdueFactsDeps['catalog'], { competition }: Subscribed): (crewId: string) => boolean {
  const def = competition.definition;
  const ids = new Set(
    catalog
      .participants(def)
      .map((p) =>
        def.entrants === 'person' ? (p.person?.crewId ?? '') : def.entrants === 'unit' ? p.unitId : p.crewId,
      ),
  );
  if (def.entrants === 'branch') {
    const branches = new Set(catalog.participants(def).map((p) => p.branchId));
    return (crewId) => branches.has(catalog.crew(crewId)?.branchId ?? '');
  }
  if (def.entrants === 'unit') return (crewId) => ids.has(catalog.crew(crewId)?.unitId ?? '');
  return (crewId) => ids.has(crewId);
}

/** Overdue hazards, to the groups of the crew's unit (the notifier matches fact.unitId). */
export function createOverdueFacts(deps: OverdueFactsDeps) {
  const { catalog, links, post } = deps;
  return async function overdueFacts(subscribed: readonly Subscribed[], now: Date): Promise<void> {
    const rules: OverdueRule[] = subscribed.flatMap((s) => {
      const def = s.competition.definition;
      const days = hazardDeadlineDays(def);
      if (!s.subscriptions.some((x) => x.hazardOverdue) || days.length === 0) return [];
      return [
        {
          competitionId: s.competition.id,
          timeZone: def.timeZone,
          period: def.period,
          rectifyWithinDays: Math.min(...days),
          covers: coverage(catalog, s),
        },
      ];
    });
    if (rules.length === 0) return;
    // A hazard is reported after it is found, and counts only if found inside a competition.
    const since = new Date(Math.min(...rules.map((r) => startOfDay(r.period.start, r.timeZone).getTime())));
    const hazards = await deps.hazards(since);
    const byId = new Map(hazards.map((h) => [h.reportId, h]));
    for (const overdue of overdueHazards(hazards, rules, now)) {
      const reported = byId.get(overdue.hazard.reportId);
      const crew = catalog.crew(overdue.hazard.crewId);
      const rule = rules.find((r) => r.competitionId === overdue.competitionId);
      const competition = subscribed.find((s) => s.competition.id === overdue.competitionId)?.competition;
      if (!reported || !rule || !competition) continue;
      await post({
        key: overdue.key,
        competitionId: overdue.competitionId,
        kind: 'hazard_overdue',
        // The crew's unit now (a crew moved since keeps its hazards), else the one it was reported for.
        unitId: crew?.unitId ?? reported.unitId,
        ...hazardOverdueMessage(links, {
          competitionName: competition.definition.name.zh,
          competitionId: overdue.competitionId,
          crewId: overdue.hazard.crewId,
          crewName: crew?.crewName ?? overdue.hazard.crewId,
          unitName: crew?.unitName ?? reported.unitId,
          foundOn: overdue.foundOn,
          deadline: overdue.deadline,
          location: overdue.hazard.location,
          description: overdue.hazard.description,
        }),
        occurredAt: startOfDay(addDays(overdue.deadline, 1), rule.timeZone).toISOString(),
      });
    }
  };
}
