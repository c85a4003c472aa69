import type { Competition } from '../../../schemas/competition.schema.ts';
import type { IncidentSeverity, InnovationCategory, InnovationStatus } from '../../../schemas/event.schema.ts';
import type { Person, UnitType } from '../../../schemas/org.schema.ts';
import type { FactSummary } from './fact-summary.ts';
import type { SheetOutcome } from '../../../schemas/sheet.schema.ts';

/** A crew as the registry describes it, denormalised for scoring and for standings rows. */
export interface CrewProfile {
  crewId: string;
  crewName: string;
  unitId: string;
  unitName: string;
  unitType: UnitType;
  branchId: string;
  branchName: string;
  headcount: number;
  /**
   * 个人赛: the entrant is a person of the registry. crewId and crewName are then the person's id
   * and name (as a unit's competition puts the unit's there), unit and branch those of the
   * person's crew, headcount 1, and this names the crew and the job.
   */
  person?: EntrantPerson;
}

/** The crew a person entrant belongs to, and the person's job (岗位) if the registry has one. */
export interface EntrantPerson {
  crewId: string;
  crewName: string;
  job: string | null;
}

export interface InnovationTally {
  category: InnovationCategory;
  status: InnovationStatus;
  /** 1, 2 or 3 when status is awarded, else 0. */
  awardLevel: 0 | 1 | 2 | 3;
  count: number;
}

/**
 * What ClickHouse knows about one crew for one competition as of one day.
 * Every number covers [period.start, asOf] in the competition's time zone.
 */
export interface CrewFacts {
  /** Sum per metric key (see schemas/metric-key.schema.ts); a missing key means 0. */
  metrics: Readonly<Record<string, number>>;
  /** Latest day (YYYY-MM-DD) of an incident of each severity within [period.start, asOf]. */
  lastIncidentDay: Readonly<Partial<Record<IncidentSeverity, string>>>;
  /** Hazards found within the period, and how many of those were rectified by the end of asOf. */
  hazards: { found: number; rectified: number };
  /** Innovations by their current status (the latest event as of asOf), when that event lies in the period. */
  innovations: readonly InnovationTally[];
  /**
   * Hazards that became overdue within [period.start, asOf], keyed by the days allowed to rectify
   * them (the rectifyWithinDays of the competition's hazard_overdue rules). A hazard becomes
   * overdue on the day after its deadline day (found day + days) when no rectification came
   * before that day began. Absent when the competition has no such rule.
   */
  overdueHazards?: Readonly<Record<number, number>>;
}

export const EMPTY_FACTS: CrewFacts = {
  metrics: {},
  lastIncidentDay: {},
  hazards: { found: 0, rectified: 0 },
  innovations: [],
};

/**
 * Facts per entrant id, as a map answers them. A source may also say which entrants' facts can
 * differ from those of an earlier source with the same `base` (score-memo.ts then looks only at
 * those): every other entrant gets the very same facts object from both.
 */
export interface FactsSource {
  get(entrantId: string): CrewFacts | undefined;
  changes?: FactsChanges;
}

export interface FactsChanges {
  /** What the unlisted entrants' facts come from (the kept closed days' sums). */
  base: object;
  /** The entrants whose facts may differ from what `base` alone gives them. */
  ids: readonly string[];
}

export interface ScoringInput {
  competition: Competition;
  /** The day being judged, YYYY-MM-DD, within the competition period. */
  asOf: string;
  /** Participating crews, already resolved from the competition's participants and the registry. */
  crews: readonly CrewProfile[];
  /**
   * Facts per crew id (per person id when the competition's entrants are persons); an entrant
   * without an entry has EMPTY_FACTS.
   */
  facts: FactsSource;
  /** Per-crew targets of this competition: crewId -> metric key -> target value. */
  targets: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** The registry's persons; a person-level competition's entrants are those of the participating crews. */
  persons?: readonly Pick<Person, 'id' | 'name' | 'crewId' | 'job'>[];
}

export interface IndicatorResult {
  indicatorId: string;
  /** The measured value the points came from (after per-capita normalisation); null when it cannot be measured (no target). */
  value: number | null;
  /** Points after rule, weight and vetoes, rounded to 2 decimals. */
  points: number;
  /** Set when a veto zeroed this indicator. */
  zeroedBy?: string;
}

export interface VetoResult {
  vetoId: string;
  name: { zh: string; en: string };
  effect: 'zero_indicator' | 'disqualify';
  /** Human-readable reason in Chinese and English, e.g. "重伤 1 起 / 1 serious injury". */
  reason: { zh: string; en: string };
}

export interface CrewScore {
  crew: CrewProfile;
  /** Sum of indicator points, rounded to 2 decimals. 0 when disqualified. */
  score: number;
  disqualified: boolean;
  vetoes: readonly VetoResult[];
  indicators: readonly IndicatorResult[];
  /** What the score stands on (safe days, hazards, 三违, targets), for screens beside it. */
  facts: FactSummary;
  /** 考核细则, gates and grade; null for a competition with none of them. */
  sheet: SheetOutcome | null;
}

export interface StandingsRow extends CrewScore {
  groupBy: 'overall' | 'branch' | 'unit_type';
  /** '' for overall, the branch id, or the unit type. */
  groupKey: string;
  /** 1-based rank inside the group; null for a disqualified crew (listed after the ranked ones). */
  rank: number | null;
}
