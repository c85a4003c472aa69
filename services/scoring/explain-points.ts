import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import type { Competition, Indicator, IndicatorRule } from '../../schemas/competition.schema.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import type { EventEffect, IndicatorEventsPage } from '../../schemas/explain.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { periodsOf } from '../competition/periods.ts';
import { decodeCursor, encodeCursor } from '../corrections/corrections.ts';
import { describeEvents, type EventView } from '../corrections/event-views.ts';
import { addDays, clampDay, dayInZone, startOfDay } from '../shared/calendar.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import { findEvents, type EventClause, type EventFilter, type StoredEvent } from '../storage/event-reads.store.ts';
import { currentInnovationEvents, hazardStates, latestCountedIncident } from '../storage/explain.store.ts';
import { ALL_SEVERITIES, innovationPoints } from './engine/indicator-rules.ts';
import { overdueHazardIds, type FactsWindow } from './facts.query.ts';

type Effect = z.infer<typeof EventEffect>;
type Page = z.infer<typeof IndicatorEventsPage>;
type Rule<K extends IndicatorRule['kind']> = Extract<IndicatorRule, { kind: K }>;

/** The calendar days whose events explain an indicator, and the instants they span. */
export interface ExplainWindow extends FactsWindow {
  periodId: string;
  timeZone: string;
}

export interface ExplainDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  now: () => Date;
}

export interface ExplainPoints {
  window(competition: Competition, query: { asOf?: string; period?: string }): ExplainWindow;
  /** One page of the events behind an indicator's points for a crew, newest first. */
  indicatorEvents(
    competition: Competition,
    crewId: string,
    indicator: Indicator,
    window: ExplainWindow,
    page: { limit: number; cursor?: string },
    /** 个人赛: the events naming this person (the entrant id), whichever crew reported them. */
    personId?: string,
  ): Promise<Page>;
}

const ALL_VIOLATION_KINDS = ['command', 'operation', 'discipline'];

/** The events a metric key adds up (the rollup's expansion in migration 0001, read backwards). */
function metricClause(metric: string): EventClause {
  const [head = '', rest = '', measure] = metric.split('.');
  switch (head) {
    case 'sales':
      return rest === 'amount_cny'
        ? { type: 'sales' }
        : { type: 'sales', column: 'unit', values: [rest.replace('volume_', '')] };
    case 'incident':
      return { type: 'incident', column: 'severity', values: [rest] };
    case 'hazard':
      return { type: rest === 'found' ? 'hazard_found' : 'hazard_rectified' };
    case 'violation':
      return { type: 'violation', column: 'violation_kind', values: measure === undefined ? [] : [rest] };
    default:
      return { type: 'metric', column: 'metric_name', values: [metric.slice('metric.'.length)] };
  }
}

/** What one event adds to a metric key. */
function metricPart(event: MetricEvent, metric: string): number {
  switch (event.type) {
    case 'sales':
      return metric === 'sales.amount_cny' ? (event.amountCny ?? 0) : event.volume;
    case 'violation':
      return metric.endsWith('.persons') ? event.personCount : 1;
    case 'metric':
      return event.value;
    default:
      return 1;
  }
}

function countClauses(rule: Rule<'count'>): EventClause[] {
  switch (rule.event) {
    case 'incident':
      return [{ type: 'incident', column: 'severity', values: rule.severities ?? ALL_SEVERITIES }];
    case 'violation':
      return [{ type: 'violation', column: 'violation_kind', values: rule.violationKinds ?? ALL_VIOLATION_KINDS }];
    case 'hazard_found':
    case 'hazard_overdue':
      return [{ type: 'hazard_found' }];
    case 'hazard_rectified':
      return [{ type: 'hazard_rectified' }];
  }
}

function countPart(event: MetricEvent, rule: Rule<'count'>): number {
  return event.type === 'violation' && rule.measure === 'persons' ? event.personCount : 1;
}

const perEvent = (counts: boolean, role: Effect['role'], value: number | null, points: number | null): Effect => ({
  counts,
  role,
  value,
  points,
});

export function createExplainPoints(deps: ExplainDeps): ExplainPoints {
  const { client, catalog, now } = deps;

  return {
    window(competition, query) {
      const { period, timeZone } = competition;
      const asOf = query.asOf ?? clampDay(dayInZone(now(), timeZone), period.start, period.end);
      const periodId = query.period ?? 'final';
      const judged = periodsOf(competition).find((p) => p.id === periodId);
      if (!judged) {
        throw new NotFoundError(
          'period_not_found',
          `竞赛没有阶段 "${periodId}" / the competition has no period "${periodId}"; its periods are ${periodsOf(
            competition,
          )
            .map((p) => p.id)
            .join(', ')}`,
        );
      }
      const end = asOf < judged.end ? asOf : judged.end;
      if (end < judged.start) {
        throw new InvalidInputError(
          'as_of_before_period',
          `asOf ${asOf} 早于阶段 "${periodId}" 开始（${judged.start}） / asOf ${asOf} is before period "${periodId}" starts (${judged.start})`,
          undefined,
          400,
        );
      }
      return {
        periodId,
        timeZone,
        start: judged.start,
        asOf: end,
        startInstant: startOfDay(judged.start, timeZone),
        endInstant: startOfDay(addDays(end, 1), timeZone),
      };
    },

    async indicatorEvents(competition, crewId, indicator, window, page, personId) {
      const rule = indicator.rule;
      // A person counts as a crew of one (person-entrants.ts).
      const headcount = personId === undefined ? (catalog.crew(crewId)?.headcount ?? 1) : 1;
      const share = (perCapita: boolean) => indicator.weight / (perCapita && headcount > 0 ? headcount : 1);
      const whose: EventFilter = personId === undefined ? { crewIds: [crewId] } : { personId };
      const inWindow: EventFilter = { ...whose, from: window.startInstant, to: window.endInstant };

      let filter: EventFilter;
      let effects: (events: readonly StoredEvent[], views: readonly EventView[]) => Promise<Effect[]>;
      const counted = (view: EventView | undefined) => view?.state === 'counted';

      switch (rule.kind) {
        case 'sum':
        case 'target': {
          filter = { ...inWindow, clauses: [metricClause(rule.metric)] };
          effects = async (events, views) =>
            events.map((s, i) => {
              const value = metricPart(s.event, rule.metric);
              if (!counted(views[i])) return perEvent(false, 'withdrawn', value, rule.kind === 'sum' ? 0 : null);
              const points = rule.kind === 'sum' ? value * rule.pointsPerUnit * share(rule.perCapita) : null;
              return perEvent(true, 'counted', value, points);
            });
          break;
        }
        case 'count': {
          if (rule.event === 'hazard_overdue') {
            // Hazards name no person: nothing is overdue for one.
            const ids =
              personId !== undefined
                ? []
                : await overdueHazardIds(client, crewId, window, {
                    timeZone: window.timeZone,
                    days: rule.rectifyWithinDays ?? 0,
                  });
            // An overdue hazard may have been found before the window: its finding is listed.
            filter = {
              ...whose,
              to: window.endInstant,
              clauses: [{ type: 'hazard_found', column: 'hazard_id', values: ids }],
            };
          } else {
            filter = { ...inWindow, clauses: countClauses(rule) };
          }
          const role = rule.event === 'hazard_overdue' ? 'overdue' : 'counted';
          effects = async (events, views) =>
            events.map((s, i) => {
              const value = countPart(s.event, rule);
              if (!counted(views[i])) return perEvent(false, 'withdrawn', value, 0);
              return perEvent(true, role, value, value * rule.pointsEach * share(rule.perCapita));
            });
          break;
        }
        case 'safety_days': {
          const severities = rule.breakingSeverities;
          filter = { ...inWindow, clauses: [{ type: 'incident', column: 'severity', values: severities }] };
          const latest = latestCountedIncident(client, crewId, severities, {
            from: window.startInstant,
            to: window.endInstant,
          });
          effects = async (events, views) => {
            const breaking = await latest;
            return events.map((s, i) => {
              if (!counted(views[i])) return perEvent(false, 'withdrawn', null, null);
              return perEvent(true, s.event.eventId === breaking ? 'breaks_run' : 'earlier_break', null, null);
            });
          };
          break;
        }
        case 'innovation': {
          filter = {
            ...inWindow,
            clauses: [
              rule.categories === undefined
                ? { type: 'innovation' }
                : { type: 'innovation', column: 'category', values: rule.categories },
            ],
          };
          effects = async (events, views) => {
            const ids = events.flatMap((s) => (s.event.type === 'innovation' ? [s.event.innovationId] : []));
            const current = await currentInnovationEvents(client, crewId, ids, window.endInstant, personId);
            const startedAt = window.startInstant.getTime();
            return events.map((s, i) => {
              const e = s.event;
              if (e.type !== 'innovation' || !counted(views[i])) return perEvent(false, 'withdrawn', null, 0);
              const now = current.get(e.innovationId);
              if (now?.eventId !== e.eventId || Date.parse(now.at) < startedAt) {
                return perEvent(false, 'superseded', null, 0);
              }
              const points = innovationPoints(rule, e.status, e.awardLevel ?? 0) * indicator.weight;
              return perEvent(true, 'current_status', 1, points);
            });
          };
          break;
        }
        case 'rectification_rate': {
          filter = { ...inWindow, clauses: [{ type: 'hazard_found' }, { type: 'hazard_rectified' }] };
          effects = async (events, views) => {
            const ids = events.flatMap((s) =>
              s.event.type === 'hazard_found' || s.event.type === 'hazard_rectified' ? [s.event.hazardId] : [],
            );
            const states = await hazardStates(client, crewId, ids, window.endInstant);
            const startedAt = window.startInstant.getTime();
            return events.map((s, i) => {
              const e = s.event;
              if ((e.type !== 'hazard_found' && e.type !== 'hazard_rectified') || !counted(views[i])) {
                return perEvent(false, 'withdrawn', null, null);
              }
              const state = states.get(e.hazardId);
              const inPeriod = state?.foundAt != null && Date.parse(state.foundAt) >= startedAt;
              if (!inPeriod) return perEvent(false, 'outside_period', null, null);
              if (e.type === 'hazard_rectified') return perEvent(true, 'rectifies', null, null);
              return perEvent(true, state.rectified ? 'rectified' : 'open', null, null);
            });
          };
          break;
        }
      }

      const found = await findEvents(client, filter, {
        limit: page.limit,
        ...(page.cursor === undefined ? {} : { after: decodeCursor(page.cursor) }),
      });
      const views = await describeEvents({ client, catalog }, found.events);
      const explained = await effects(found.events, views);
      return {
        indicatorId: indicator.id,
        total: found.total,
        events: views.map((view, i) => ({ ...view, effect: explained[i] ?? perEvent(false, 'withdrawn', null, null) })),
        nextCursor: found.next === null ? null : encodeCursor(found.next),
      };
    },
  };
}
