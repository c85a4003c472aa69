import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import { WHOLE_PERIOD_ID, type Competition } from '../../schemas/competition.schema.ts';
import type { LocalizedName } from '../../schemas/common.schema.ts';
import type { LateEventList, PeriodState } from '../../schemas/versions.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { branchInRegistry, pageOf, parseGroup, type StandingsService } from '../scoring/standings.service.ts';
import type { SnapshotCrew, StoredRow } from '../scoring/standings.store.ts';
import { addDays, dayInZone, startOfDay } from '../shared/calendar.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import {
  countLateEvents,
  loadClosures,
  readFinalCrews,
  readLateEvents,
  writeClosure,
  type FrozenMember,
  type PeriodWindow,
  type StoredClosure,
} from '../storage/closures.store.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';

export interface PeriodDef {
  id: string;
  name: LocalizedName;
  start: string;
  end: string;
}

export interface FinalStandingsPage {
  closure: StoredClosure;
  lateEvents: number;
  group: string;
  total: number;
  rows: StoredRow[];
}

export interface Periods {
  list(
    competitionId: string,
  ): Promise<{ competitionId: string; timeZone: string; periods: z.infer<typeof PeriodState>[] }>;
  /** Freezes a period's final standings from the current rules and the events stored so far. */
  close(competitionId: string, periodId: string, by: string, note: string): Promise<StoredClosure>;
  finalStandings(
    competitionId: string,
    periodId: string,
    query: { group?: string; crewId?: string; limit: number; offset: number },
  ): Promise<FinalStandingsPage>;
  lateEvents(competitionId: string, periodId: string, limit: number): Promise<z.infer<typeof LateEventList>>;
  /**
   * 复核: freezes a closed period again, by the rules it closed under, from the events and
   * corrections stored so far (after an upheld objection's corrections); the earlier frozen rows
   * are kept and superseded. Returns both, for the list of changes.
   */
  recheck(
    competitionId: string,
    periodId: string,
    by: string,
    note: string,
  ): Promise<{ closure: StoredClosure; before: SnapshotCrew[]; after: SnapshotCrew[] }>;
  /** The ids of a competition's closed periods (stages and "final"). */
  closedPeriodIds(competitionId: string): Promise<string[]>;
}

/** The closable periods of a definition: its stages, then the whole period ("final"). */
export function periodsOf(definition: Competition): PeriodDef[] {
  return [
    ...definition.stages,
    { id: WHOLE_PERIOD_ID, name: { zh: '全程', en: 'Whole competition' }, ...definition.period },
  ];
}

function windowOf(closure: Pick<StoredClosure, 'start' | 'end'>, timeZone: string): PeriodWindow {
  return {
    startInstant: startOfDay(closure.start, timeZone),
    endInstant: startOfDay(addDays(closure.end, 1), timeZone),
  };
}

export interface PeriodsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  standings: StandingsService;
  now: () => Date;
  /** Resolves once this process's event inserts stamped before the instant have finished. */
  settle: (instant: Date) => Promise<void>;
}

export function createPeriods(deps: PeriodsDeps): Periods {
  const { client, catalog, standings, now } = deps;
  const oneAtATime = createOneAtATime();
  /** Frozen standings never change: kept by closure, the last few read. */
  const frozen = new Map<string, Promise<SnapshotCrew[]>>();

  function competitionOrThrow(id: string): StoredCompetition {
    const competition = catalog.competition(id);
    if (!competition) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
    return competition;
  }

  async function closureOrThrow(competitionId: string, periodId: string): Promise<StoredClosure> {
    const closure = (await loadClosures(client, competitionId)).find((c) => c.periodId === periodId);
    if (!closure) {
      throw new NotFoundError(
        'period_not_closed',
        `阶段 "${periodId}" 尚未结算 / period "${periodId}" of competition "${competitionId}" is not closed; see GET /v1/competitions/${competitionId}/periods`,
      );
    }
    return closure;
  }

  /** The version a period closed under (the current one if that version is somehow gone). */
  function rulesOf(closure: StoredClosure): StoredCompetition {
    return (
      catalog.version(closure.competitionId, closure.definitionVersion) ?? competitionOrThrow(closure.competitionId)
    );
  }

  /**
   * The crews a unit- or branch-level period sums, each with its entrant, as the registry stands
   * while it closes: an event of one of them stored after the closing is late for that entrant.
   */
  function membersOf(definition: Competition, entrants: readonly SnapshotCrew[]): FrozenMember[] {
    const level = definition.entrants;
    if (level !== 'unit' && level !== 'branch') return [];
    const frozenIds = new Set(entrants.map((e) => e.crew.crewId));
    return catalog
      .participants(definition)
      .map((c) => ({ crewId: c.crewId, entrantId: level === 'unit' ? c.unitId : c.branchId }))
      .filter((m) => frozenIds.has(m.entrantId));
  }

  function frozenCrews(closure: StoredClosure): Promise<SnapshotCrew[]> {
    const key = `${closure.competitionId}\u0000${closure.periodId}\u0000${closure.closedAt}`;
    let crews = frozen.get(key);
    if (!crews) {
      crews = readFinalCrews(client, closure);
      crews.catch(() => frozen.delete(key));
      frozen.set(key, crews);
      if (frozen.size > 16) frozen.delete(frozen.keys().next().value ?? key);
    }
    return crews;
  }

  async function freeze(
    competitionId: string,
    definitionVersion: number,
    definition: Competition,
    periodId: string,
    period: { start: string; end: string },
    by: string,
    note: string,
    after?: string,
  ): Promise<StoredClosure> {
    // Stamped before the events are read, and inserts stamped earlier are waited for: an
    // event is then either in the frozen standings or stored from the closing on (late).
    // One stored during the read may be both; it is reported rather than silently lost.
    // A re-check is stamped after the closure it supersedes: its rows are told apart by the stamp.
    const closing = new Date(Math.max(now().getTime(), after === undefined ? 0 : Date.parse(after) + 1));
    await deps.settle(closing);
    const closedAt = closing.toISOString();
    const crews = await standings.evaluate(
      competitionId,
      { ...definition, period: { start: period.start, end: period.end } },
      period.end,
    );
    const closure: StoredClosure = {
      competitionId,
      periodId,
      start: period.start,
      end: period.end,
      closedAt,
      closedBy: by,
      note,
      definitionVersion,
      orgVersion: catalog.orgVersion(),
      crews: crews.length,
    };
    await writeClosure(client, closure, crews, membersOf(definition, crews));
    return closure;
  }

  return {
    async list(competitionId) {
      const competition = competitionOrThrow(competitionId);
      const closures = await loadClosures(client, competitionId);
      const defined = periodsOf(competition.definition);
      // A stage closed and later removed from the rules is still a closed period.
      const removed = closures
        .filter((c) => !defined.some((p) => p.id === c.periodId))
        .map((c) => ({ id: c.periodId, name: { zh: c.periodId, en: c.periodId }, start: c.start, end: c.end }));
      const periods = await Promise.all(
        [...defined, ...removed].map(async (period) => {
          const closure = closures.find((c) => c.periodId === period.id);
          if (!closure) return { ...period, closed: null };
          const { definition } = rulesOf(closure);
          const late = await countLateEvents(
            client,
            closure,
            windowOf(closure, definition.timeZone),
            definition.entrants,
          );
          const { closedAt, closedBy, note, definitionVersion, orgVersion, crews } = closure;
          return {
            ...period,
            // The dates it was judged over, even if the stage was redefined since.
            start: closure.start,
            end: closure.end,
            closed: { closedAt, closedBy, note, definitionVersion, orgVersion, crews, lateEvents: late },
          };
        }),
      );
      return { competitionId, timeZone: competition.definition.timeZone, periods };
    },

    close: (competitionId, periodId, by, note) =>
      oneAtATime(async () => {
        const competition = competitionOrThrow(competitionId);
        const definition = competition.definition;
        const period = periodsOf(definition).find((p) => p.id === periodId);
        if (!period) {
          throw new NotFoundError(
            'period_not_found',
            `竞赛没有阶段 "${periodId}" / competition "${competitionId}" has no period "${periodId}"; its periods are ${periodsOf(
              definition,
            )
              .map((p) => p.id)
              .join(', ')}`,
          );
        }
        const existing = (await loadClosures(client, competitionId)).find((c) => c.periodId === periodId);
        if (existing) {
          throw new ConflictError(
            'period_already_closed',
            `阶段 "${periodId}" 已于 ${existing.closedAt} 结算，结果不可更改 / period "${periodId}" was closed at ${existing.closedAt} by ${existing.closedBy}; its final standings cannot change`,
          );
        }
        const today = dayInZone(now(), definition.timeZone);
        if (period.end >= today) {
          throw new ConflictError(
            'period_not_over',
            `阶段 "${periodId}" 到 ${period.end} 才结束，不能提前结算 / period "${periodId}" runs until ${period.end} (today is ${today} in ${definition.timeZone}); close it from ${addDays(period.end, 1)}`,
          );
        }
        return freeze(competitionId, competition.version, definition, periodId, period, by, note);
      }),

    recheck: (competitionId, periodId, by, note) =>
      oneAtATime(async () => {
        const earlier = await closureOrThrow(competitionId, periodId);
        const rules = rulesOf(earlier);
        const before = await frozenCrews(earlier);
        const closure = await freeze(
          competitionId,
          earlier.definitionVersion,
          rules.definition,
          periodId,
          { start: earlier.start, end: earlier.end },
          by,
          note,
          earlier.closedAt,
        );
        return { closure, before, after: await frozenCrews(closure) };
      }),

    async finalStandings(competitionId, periodId, query) {
      const closure = await closureOrThrow(competitionId, periodId);
      // Judged by the rules it closed under: groups and time zone may have changed since.
      const competition = rulesOf(closure);
      const [crews, lateEvents] = await Promise.all([
        frozenCrews(closure),
        countLateEvents(
          client,
          closure,
          windowOf(closure, competition.definition.timeZone),
          competition.definition.entrants,
        ),
      ]);
      // A branch removed from the registry since the closing still has its frozen rows.
      const inRegistry = branchInRegistry(catalog);
      const group = parseGroup(
        query.group,
        competition,
        (id) => inRegistry(id) || crews.some((c) => c.crew.branchId === id),
      );
      const snapshot = {
        competitionId,
        asOf: closure.end,
        computedAt: closure.closedAt,
        definitionVersion: closure.definitionVersion,
        orgVersion: closure.orgVersion,
        crews,
      };
      return {
        closure,
        lateEvents,
        group: group.label,
        ...pageOf(snapshot, group, query.crewId, query.limit, query.offset),
      };
    },

    async closedPeriodIds(competitionId) {
      return (await loadClosures(client, competitionId)).map((c) => c.periodId);
    },

    async lateEvents(competitionId, periodId, limit) {
      competitionOrThrow(competitionId);
      const closure = await closureOrThrow(competitionId, periodId);
      const competition = rulesOf(closure);
      const window = windowOf(closure, competition.definition.timeZone);
      const level = competition.definition.entrants;
      const [total, events] = await Promise.all([
        countLateEvents(client, closure, window, level),
        readLateEvents(client, closure, window, level, limit),
      ]);
      return {
        competitionId,
        periodId,
        closedAt: closure.closedAt,
        timeZone: competition.definition.timeZone,
        total,
        events,
      };
    },
  };
}
