import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type { LateNotice } from '../../schemas/correction.schema.ts';
import { DEFAULT_TIME_ZONE } from '../../schemas/competition.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { dayInZone } from '../shared/calendar.ts';
import { frozenCrews, loadAllClosures } from '../storage/closures.store.ts';

export type LateNoticeView = z.infer<typeof LateNotice>;

/** A change to scores: of a crew, at an instant, stored (or to be stored) at another. */
export interface ScoreChange {
  crewId: string;
  occurredAt: string;
  storedAt: string;
}

/**
 * The closed periods each change falls in: the crew's standings were frozen there, the change's
 * day lies in the period, and it was stored from the closing on. Such a change never alters the
 * frozen standings; the period reports it among its late changes (closures.store.ts).
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
  const frozen = await frozenCrews(
    client,
    closures,
    all.map((c) => c.crewId),
  );
  return changes.map((list) =>
    list.flatMap((change) =>
      closures.flatMap((closure) => {
        // A closed period is judged by the rules it closed under; zones share the calendar day.
        const timeZone =
          catalog.version(closure.competitionId, closure.definitionVersion)?.definition.timeZone ?? DEFAULT_TIME_ZONE;
        const day = dayInZone(new Date(change.occurredAt), timeZone);
        const late =
          day >= closure.start &&
          day <= closure.end &&
          Date.parse(change.storedAt) >= Date.parse(closure.closedAt) &&
          frozen.has(`${closure.competitionId}\u0000${closure.periodId}\u0000${change.crewId}`);
        return late
          ? [
              {
                competitionId: closure.competitionId,
                periodId: closure.periodId,
                closedAt: closure.closedAt,
                crewId: change.crewId,
                day,
              },
            ]
          : [];
      }),
    ),
  );
}

/** The late notices as a sentence: which frozen standings stay as they are. */
export function lateSentence(notices: readonly LateNoticeView[]): string {
  if (notices.length === 0) return '';
  const periods = [...new Set(notices.map((n) => `${n.competitionId}/${n.periodId}`))].join(', ');
  return `此更正涉及已结算阶段 ${periods}：其冻结的最终排名不变，此更正记为迟到变更 / it falls in the closed period(s) ${periods}: their frozen final standings do not change, and it is listed among their late changes`;
}
