import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type { LateNotice } from '../../schemas/correction.schema.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { DEFAULT_TIME_ZONE } from '../../schemas/competition.schema.ts';
import type { EntrantLevel } from '../../schemas/sheet.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { dayInZone } from '../shared/calendar.ts';
import { frozenEntrants, loadAllClosures, type FrozenEntrants } from '../storage/closures.store.ts';

export type LateNoticeView = z.infer<typeof LateNotice>;

/** A change to scores: of a crew (and the person it names), at an instant, stored (or to be stored) at another. */
export interface ScoreChange {
  crewId: string;
  personId?: string | undefined;
  occurredAt: string;
  storedAt: string;
}

/** The crew, person and instant of an event, as a change to scores. */
export function scoreChangeOf(event: MetricEvent): Omit<ScoreChange, 'storedAt'> {
  return {
    crewId: event.crewId,
    personId: 'personId' in event ? event.personId : undefined,
    occurredAt: event.occurredAt,
  };
}

/**
 * The frozen row of a closure of this entrant level that a change would have altered, as the
 * engine scores entrants (and closures.store.ts counts late changes): the crew's own row, its
 * unit's or branch's as summed at the closing, or the named person's (an event naming nobody
 * counts for no person).
 */
function entrantOf(frozen: FrozenEntrants, closureKey: string, level: EntrantLevel, change: ScoreChange) {
  switch (level) {
    case 'crew':
      return frozen.rows.has(`${closureKey}\u0000${change.crewId}`) ? change.crewId : undefined;
    case 'person':
      return change.personId !== undefined && frozen.rows.has(`${closureKey}\u0000${change.personId}`)
        ? change.personId
        : undefined;
    case 'unit':
    case 'branch':
      return frozen.members.get(`${closureKey}\u0000${change.crewId}`);
  }
}

/**
 * The closed periods each change falls in: its entrant's standings were frozen there, the
 * change's day lies in the period, and it was stored from the closing on. Such a change never
 * alters the frozen standings; the period reports it among its late changes (closures.store.ts).
 */
export async function lateNotices(
  client: ClickHouseClient,
  catalog: Catalog,
  changes: readonly (readonly ScoreChange[])[],
): Promise<LateNoticeView[][]> {
  const all = changes.flat();
  if (all.length === 0) return changes.map(() => []);
  const closures = await loadAllClosures(client);
  if (closures.length === 0) return changes.map(() => []);
  const frozen = await frozenEntrants(client, closures, {
    crewIds: all.map((c) => c.crewId),
    personIds: all.flatMap((c) => c.personId ?? []),
  });
  return changes.map((list) =>
    list.flatMap((change) =>
      closures.flatMap((closure) => {
        // A closed period is judged by the rules it closed under; zones share the calendar day.
        const definition = catalog.version(closure.competitionId, closure.definitionVersion)?.definition;
        const day = dayInZone(new Date(change.occurredAt), definition?.timeZone ?? DEFAULT_TIME_ZONE);
        const entrantId =
          day >= closure.start && day <= closure.end && Date.parse(change.storedAt) >= Date.parse(closure.closedAt)
            ? entrantOf(
                frozen,
                `${closure.competitionId}\u0000${closure.periodId}`,
                definition?.entrants ?? 'crew',
                change,
              )
            : undefined;
        return entrantId === undefined
          ? []
          : [
              {
                competitionId: closure.competitionId,
                periodId: closure.periodId,
                closedAt: closure.closedAt,
                crewId: change.crewId,
                entrantId,
                day,
              },
            ];
      }),
    ),
  );
}

/** The late notices as a sentence: which frozen standings stay as they are. */
export function lateSentence(notices: readonly LateNoticeView[]): string {
  if (notices.length === 0) return '';
  // Each period with the frozen row it would have changed: a crew, unit, branch or person.
  const periods = [...new Set(notices.map((n) => `${n.competitionId}/${n.periodId} (${n.entrantId})`))].join(', ');
  return `此更正涉及已结算阶段 ${periods}：其冻结的最终排名不变，此更正记为迟到变更 / it falls in the closed period(s) ${periods}: their frozen final standings do not change, and it is listed among their late changes`;
}
