import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CrewBreakdownResponse,
  ErrorResponse,
  StandingsQuerystring,
  StandingsResponse,
} from '../../../schemas/api.schema.ts';
import { DigitsInt, IsoDate, PathId, Query } from '../../../schemas/common.schema.ts';
import {
  IndicatorEventsParams,
  IndicatorEventsQuery,
  IndicatorEventsResponse,
} from '../../../schemas/explain.schema.ts';
import type { Competition } from '../../../schemas/competition.schema.ts';
import type { Org } from '../../../schemas/org.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Corrections } from '../../corrections/corrections.ts';
import { addDays, startOfDay } from '../../shared/calendar.ts';
import type { ExplainPoints } from '../../scoring/explain-points.ts';
import type { StandingsService } from '../../scoring/standings.service.ts';
import type { StoredRow } from '../../scoring/standings.store.ts';
import { NotFoundError } from '../../shared/errors.ts';

export interface StandingsRouteDeps {
  catalog: Catalog;
  standings: StandingsService;
  access: Access;
  corrections: Pick<Corrections, 'ofCrew'>;
  explain: ExplainPoints;
}

/** The first events of each indicator a breakdown lists unless asked otherwise (?events=). */
const BREAKDOWN_EVENTS = 5;

export function toEntry(row: StoredRow, definition: Competition) {
  const names = new Map(definition.indicators.map((i) => [i.id, i.name]));
  return {
    rank: row.rank,
    previousRank: row.prevRank,
    rankChange: row.rankChange,
    crewId: row.crewId,
    crewName: row.crewName,
    unitId: row.unitId,
    unitName: row.unitName,
    unitType: row.unitType,
    branchId: row.branchId,
    branchName: row.branchName,
    headcount: row.headcount,
    score: row.score,
    disqualified: row.disqualified,
    vetoes: row.vetoes,
    indicators: row.indicators.map((i) => ({ ...i, name: names.get(i.indicatorId) })),
    facts: row.facts,
    sheet: row.sheet,
    person: row.person,
  };
}

/** The entrant a breakdown asks for: a crew, or a unit or branch with the crews it sums. */
function entrantOf(
  org: Org,
  level: Competition['entrants'],
  id: string,
): { branchId: string; unitType: string; crewIds: string[]; personId?: string } | undefined {
  if (level === 'person') {
    // 个人赛: the entrant id is the person's; the corrections listed are their crew's.
    const person = org.persons.find((p) => p.id === id);
    const entrant = person && entrantOf(org, 'crew', person.crewId);
    return person && entrant ? { ...entrant, personId: person.id } : undefined;
  }
  if (level === 'unit') {
    const unit = org.units.find((u) => u.id === id);
    if (!unit) return undefined;
    return {
      branchId: unit.branchId,
      unitType: unit.type,
      crewIds: org.crews.filter((c) => c.unitId === id).map((c) => c.id),
    };
  }
  if (level === 'branch') {
    if (!org.branches.some((b) => b.id === id)) return undefined;
    const units = new Set(org.units.filter((u) => u.branchId === id).map((u) => u.id));
    // rollUpEntrants files a branch under unit type "other".
    return { branchId: id, unitType: 'other', crewIds: org.crews.filter((c) => units.has(c.unitId)).map((c) => c.id) };
  }
  const crew = org.crews.find((c) => c.id === id);
  const unit = crew && org.units.find((u) => u.id === crew.unitId);
  return crew && unit ? { branchId: unit.branchId, unitType: unit.type, crewIds: [id] } : undefined;
}

type CrewCorrections = Awaited<ReturnType<StandingsRouteDeps['corrections']['ofCrew']>>;

/** The corrections of several crews as one list, newest first, at most 50 (as CrewBreakdownResponse says). */
function mergeCorrections(lists: readonly CrewCorrections[]): CrewCorrections {
  if (lists.length === 1 && lists[0]) return lists[0];
  const items = lists
    .flatMap((l) => l.items)
    .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0))
    .slice(0, 50);
  return { total: lists.reduce((acc, l) => acc + l.total, 0), items };
}

export function standingsRoute(deps: StandingsRouteDeps) {
  const competitionParams = z.object({ id: PathId((id) => deps.catalog.versions(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    function definitionOf(id: string): Competition {
      const stored = deps.catalog.competition(id);
      if (!stored) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
      return stored.definition;
    }

    r.get('/v1/competitions/:id/standings', {
      onRequest: deps.access.read,
      schema: {
        summary: '排行榜 / Standings',
        description:
          'Ranked crews of one group (overall, branch:<id> or unit_type:<type>) as of a day, from the latest stored snapshot, with the rules and registry versions that produced it and whether a change is still being recomputed.',
        tags: ['standings'],
        params: competitionParams,
        querystring: StandingsQuerystring,
        response: { 200: StandingsResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
      handler: async (request) => {
        const definition = definitionOf(request.params.id);
        const q = request.query;
        const page = await deps.standings.read(request.params.id, q);
        return {
          competitionId: page.competitionId,
          name: definition.name,
          entrants: definition.entrants,
          timeZone: definition.timeZone,
          asOf: page.asOf,
          computedAt: page.computedAt,
          definitionVersion: page.definitionVersion,
          registryVersion: page.registryVersion,
          recomputing: page.recomputing,
          group: page.group,
          total: page.total,
          limit: q.limit,
          offset: q.offset,
          rows: page.rows.map((row) => toEntry(row, definition)),
        };
      },
    });

    r.get('/v1/competitions/:id/crews/:crewId', {
      onRequest: deps.access.read,
      schema: {
        summary: '班组得分明细 / A crew’s breakdown',
        description:
          'Every indicator’s value and points, the vetoes that apply and why, the crew’s rank in each ranking group, and the withdrawals and corrections of its events (reason, author, time).',
        tags: ['standings'],
        params: competitionParams.extend({ crewId: PathId() }),
        querystring: Query({
          asOf: IsoDate.optional(),
          events: DigitsInt(0, 50)
            .default(BREAKDOWN_EVENTS)
            .describe('how many of each indicator’s events to list (0: none); page on with …/indicators/{id}/events'),
        }),
        response: { 200: CrewBreakdownResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
      handler: async (request) => {
        const { id, crewId } = request.params;
        const definition = definitionOf(id);
        // A unit's or branch's competition names its entrants by the unit or branch id.
        const crew = entrantOf(deps.catalog.org(), definition.entrants, crewId);
        if (!crew) throw new NotFoundError('crew_not_found', `crew "${crewId}" is not in the registry`);
        const groups = definition.rankingGroups.map((g) =>
          g === 'overall' ? 'overall' : g === 'branch' ? `branch:${crew.branchId}` : `unit_type:${crew.unitType}`,
        );
        const pages = await Promise.all(
          groups.map((group) =>
            deps.standings.read(id, { asOf: request.query.asOf, group, crewId, limit: 1, offset: 0 }),
          ),
        );
        // Any order of ranking groups may be configured; the crew's own row comes from overall.
        const overall = pages[definition.rankingGroups.indexOf('overall')];
        const row = overall?.rows[0];
        if (!overall || !row) {
          throw new NotFoundError(
            'crew_not_participating',
            `crew "${crewId}" does not take part in competition "${id}"`,
          );
        }
        const window = deps.explain.window(definition, { asOf: overall.asOf });
        const span = {
          from: startOfDay(definition.period.start, definition.timeZone),
          to: startOfDay(addDays(overall.asOf, 1), definition.timeZone),
        };
        // The events behind the points are listed per crew; a unit's or branch's breakdown lists
        // the corrections of all its crews, and its events by crew from each crew's breakdown.
        const [corrections, explained] = await Promise.all([
          Promise.all(crew.crewIds.map((c) => deps.corrections.ofCrew(c, span))).then(mergeCorrections),
          request.query.events === 0 || (definition.entrants !== 'crew' && crew.personId === undefined)
            ? Promise.resolve([])
            : Promise.all(
                definition.indicators.map((indicator) =>
                  deps.explain.indicatorEvents(
                    definition,
                    crewId,
                    indicator,
                    window,
                    { limit: request.query.events },
                    crew.personId,
                  ),
                ),
              ),
        ]);
        return {
          competitionId: id,
          asOf: overall.asOf,
          computedAt: overall.computedAt,
          definitionVersion: overall.definitionVersion,
          registryVersion: overall.registryVersion,
          recomputing: pages.some((p) => p.recomputing),
          crew: toEntry(row, definition),
          groups: pages.map((p) => ({ group: p.group, rank: p.rows[0]?.rank ?? null, total: p.total })),
          corrections,
          explained,
        };
      },
    });

    r.get('/v1/competitions/:id/crews/:crewId/indicators/:indicatorId/events', {
      onRequest: deps.access.read,
      schema: {
        summary: '指标得分依据 / The events behind an indicator’s points',
        description:
          'The crew’s events that produced one indicator’s points, newest first and paged, in the window the standings judge (the whole competition, or a stage with ?period=, up to asOf, calendar days in the competition’s time zone), with the indicator’s filters applied (metric, severities, 三违 kinds, categories). Each event says whether it counts and its role (the accident that broke the safe days, an innovation’s current status, a hazard rectified or open, overdue), its part in the value and, where points are per event, in the points. Withdrawn and corrected events are listed as such, with the correction.',
        tags: ['standings'],
        params: competitionParams.extend({ crewId: PathId(), ...IndicatorEventsParams.shape }),
        querystring: IndicatorEventsQuery,
        response: { 200: IndicatorEventsResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
      handler: async (request) => {
        const { id, crewId, indicatorId } = request.params;
        const definition = definitionOf(id);
        // 个人赛: the entrant is a person and the events are those naming them.
        const personId = definition.entrants === 'person' ? crewId : undefined;
        if (
          personId !== undefined
            ? !deps.catalog.org().persons.some((p) => p.id === personId)
            : !deps.catalog.crew(crewId)
        ) {
          throw new NotFoundError(
            personId !== undefined ? 'person_not_found' : 'crew_not_found',
            `${personId !== undefined ? 'person' : 'crew'} "${crewId}" is not in the registry`,
          );
        }
        const indicator = definition.indicators.find((i) => i.id === indicatorId);
        if (!indicator) {
          throw new NotFoundError(
            'indicator_not_found',
            `竞赛没有指标 "${indicatorId}" / competition "${id}" has no indicator "${indicatorId}"; its indicators are ${definition.indicators.map((i) => i.id).join(', ')}`,
          );
        }
        const q = request.query;
        const window = deps.explain.window(definition, { asOf: q.asOf, period: q.period });
        const page = await deps.explain.indicatorEvents(
          definition,
          crewId,
          indicator,
          window,
          { limit: q.limit, ...(q.cursor === undefined ? {} : { cursor: q.cursor }) },
          personId,
        );
        return {
          competitionId: id,
          crewId,
          asOf: window.asOf,
          window: { periodId: window.periodId, start: window.start, end: window.asOf, timeZone: window.timeZone },
          limit: q.limit,
          ...page,
        };
      },
    });
  };
}
