import {
  DEFAULT_TIME_ZONE,
  WHOLE_PERIOD_ID,
  type Competition,
  type Indicator,
} from '../../schemas/competition.schema.ts';
import type { UnitType } from '../../schemas/org.schema.ts';
import type { EntrantLevel } from '../../schemas/sheet.schema.ts';
import type { ColumnFormat, ScreenData, ScreenRow, ScreenView, ScreenViewData } from '../../schemas/screen.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Periods } from '../competition/periods.ts';
import type { StandingsService } from '../scoring/standings.service.ts';
import type { CrewProfile } from '../scoring/engine/types.ts';
import type { StoredRow } from '../scoring/standings.store.ts';
import { addDays, dayInZone, startOfDay } from '../shared/calendar.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';
import { leadingIndicators } from './default-screen.ts';
import { screenAward } from './screen-award.ts';
import type { CrewInnovationMonth } from './innovations.query.ts';
import type { ResolvedScreen } from './screen-catalog.ts';

export interface ScreenDataDeps {
  catalog: Catalog;
  standings: Pick<StandingsService, 'read' | 'defaultDay'>;
  /** The whole period's closure (已结算) and its frozen standings. */
  finals: FinalStandings;
  loadInnovations: (window: { from: Date; to: Date }) => Promise<CrewInnovationMonth[]>;
  /** Whether any event occurred within [from, to) has been stored. */
  anyReport: (window: { from: Date; to: Date }) => Promise<boolean>;
  now: () => Date;
  heartbeatSeconds: number;
}

export interface FinalStandings {
  /** When the competition's whole period was closed, or undefined while it is open. */
  closedAt(competitionId: string): Promise<string | undefined>;
  /** The whole period's 公示 (services/notice/): its status and last day; null without one. */
  notice(competitionId: string): Promise<ScreenViewData['notice']>;
  read: Periods['finalStandings'];
}

type Column = ScreenViewData['columns'][number];

/** Rows read for a view the organiser did not limit: every entrant of the group. */
const EVERY_ENTRANT = 100_000;

/**
 * What a column shows, so that it is what its header says: the measured value (a completion
 * rate, safe days, hazards found), except for a penalty (pointsEach below zero, "三违扣分"),
 * whose column shows the deduction in points, not the persons or events counted.
 */
export function columnFormat(indicator: Indicator): ColumnFormat {
  const rule = indicator.rule;
  switch (rule.kind) {
    case 'target':
    case 'rectification_rate':
      return 'percent';
    case 'safety_days':
      return 'days';
    case 'count':
      if (rule.pointsEach < 0) return 'points';
      // Per head, a count is a fraction (0.25 violations a person): rounding it would show 0.
      return rule.perCapita ? 'number' : 'count';
    case 'innovation':
      return 'count';
    case 'sum':
      return rule.metric === 'sales.amount_cny' && !rule.perCapita ? 'currency' : 'number';
  }
}

/** A points column says so when its name does not (三违扣分 does; 三违 would read as a count). */
export function columnName(indicator: Indicator, format: ColumnFormat): Column['name'] {
  if (format !== 'points') return indicator.name;
  const { zh, en } = indicator.name;
  return {
    zh: /分$/.test(zh) ? zh : `${zh}（分）`,
    en: /\b(points?|pts|penalty|deductions?)$/i.test(en) ? en : `${en} (points)`,
  };
}

function indicatorColumns(definition: Competition, ids: readonly string[] | undefined): Column[] {
  const chosen = ids
    ? ids.map((id) => definition.indicators.find((i) => i.id === id)).filter((i) => i !== undefined)
    : leadingIndicators(definition);
  return chosen.map((i) => {
    const format = columnFormat(i);
    return { id: i.id, name: columnName(i, format), format };
  });
}

export function toScreenRow(row: StoredRow, columns: readonly Column[]): ScreenRow {
  const targets = row.facts?.targets ?? [];
  return {
    crewId: row.crewId,
    crewName: row.crewName,
    ...(row.person ? { personCrewName: row.person.crewName } : {}),
    unitName: row.unitName,
    branchName: row.branchName,
    rank: row.rank,
    rankChange: row.rankChange,
    score: row.score,
    disqualified: row.disqualified,
    vetoes: row.vetoes.map((v) => ({ name: v.name, reason: v.reason })),
    cells: columns.map((c) => {
      const result = row.indicators.find((i) => i.indicatorId === c.id);
      if (!result) return null;
      return c.format === 'points' ? result.points : result.value;
    }),
    targetReached: targets.length === 0 ? null : targets.every((t) => t.actual >= t.target),
    award: screenAward(row.sheet),
  };
}

/**
 * Rows for a crew's own screen: the leaders, then each of the crew's own rows with its
 * neighbours; `gapsBefore` marks where rows were left out between them.
 */
export function aroundRows<T extends { crewId: string }>(
  ordered: readonly T[],
  ownIds: ReadonlySet<string>,
  top: number,
  around: number,
): { rows: T[]; gapsBefore: number[] } | null {
  const own = ordered.flatMap((r, i) => (ownIds.has(r.crewId) ? [i] : []));
  if (own.length === 0) return null;
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(top, ordered.length); i++) keep.add(i);
  for (const at of own) {
    for (let i = Math.max(0, at - around); i <= Math.min(ordered.length - 1, at + around); i++) keep.add(i);
  }
  const indexes = [...keep].sort((a, b) => a - b);
  const gapsBefore: number[] = [];
  indexes.forEach((index, i) => {
    const previous = indexes[i - 1];
    if (previous !== undefined && index !== previous + 1) gapsBefore.push(i);
  });
  return { rows: indexes.map((i) => ordered[i] as T), gapsBefore };
}

/**
 * Which rows of a ranking are a crew's own, by the competition's entrants: the crew's row, its
 * unit's or branch's, or (个人赛) the rows of its persons. A person-level view shows no neighbours:
 * a crew looks for its own people, and a long crew's persons with theirs would fill many pages.
 */
export function ownRows(
  rows: readonly Pick<StoredRow, 'crewId' | 'person'>[],
  level: EntrantLevel,
  crew: Pick<CrewProfile, 'crewId' | 'unitId' | 'branchId'>,
): { ids: Set<string>; neighbours: boolean } {
  switch (level) {
    case 'crew':
      return { ids: new Set([crew.crewId]), neighbours: true };
    case 'unit':
      return { ids: new Set([crew.unitId]), neighbours: true };
    case 'branch':
      return { ids: new Set([crew.branchId]), neighbours: true };
    case 'person':
      return {
        ids: new Set(rows.filter((r) => r.person?.crewId === crew.crewId).map((r) => r.crewId)),
        neighbours: false,
      };
  }
}

/**
 * The month's innovation table: 一等奖 first, then 二等奖, 三等奖, adoptions and submissions;
 * equal tallies share a rank (1, 1, 3) and are listed by crew id.
 */
export function rankInnovations(
  tallies: readonly CrewInnovationMonth[],
): { tally: CrewInnovationMonth; rank: number; cells: number[] }[] {
  const sorted = tallies
    .map((tally) => ({ tally, cells: [...tally.awards, tally.adopted, tally.submitted] }))
    .sort((a, b) => {
      for (let i = 0; i < a.cells.length; i++) {
        const d = (b.cells[i] ?? 0) - (a.cells[i] ?? 0);
        if (d !== 0) return d;
      }
      return a.tally.crewId < b.tally.crewId ? -1 : a.tally.crewId > b.tally.crewId ? 1 : 0;
    });
  let rank = 0;
  return sorted.map((entry, i) => {
    const previous = sorted[i - 1]?.cells;
    if (!previous || previous.some((v, j) => v !== entry.cells[j])) rank = i + 1;
    return { ...entry, rank };
  });
}

const UNIT_TYPE_NAMES: Record<UnitType, { zh: string; en: string }> = {
  station: { zh: '加油站', en: 'Stations' },
  depot: { zh: '油库', en: 'Depots' },
  mine: { zh: '矿井', en: 'Mines' },
  workshop: { zh: '车间', en: 'Workshops' },
  district: { zh: '区队', en: 'Districts' },
  other: { zh: '其他单位', en: 'Other units' },
};

/**
 * The heading of a ranking view without its own title: 总排名, 杭州分公司排名 / Hangzhou Branch
 * ranking, 加油站排名 / Stations ranking. Never the raw key ("station排名"), never Chinese in English.
 */
export function groupTitle(
  org: { branches: readonly { id: string; name: string; nameEn?: string | undefined }[] },
  group: string,
): { zh: string; en: string } {
  if (group === 'overall') return { zh: '总排名', en: 'Overall' };
  const [groupBy, key = ''] = group.split(/:(.*)/s) as [string, string?];
  if (groupBy === 'branch') {
    const branch = org.branches.find((b) => b.id === key);
    const zh = branch?.name ?? key;
    return { zh: `${zh}排名`, en: `${branch?.nameEn || zh} ranking` };
  }
  const names = UNIT_TYPE_NAMES[key as UnitType] ?? { zh: key, en: key };
  return { zh: `${names.zh}排名`, en: `${names.en} ranking` };
}

/** One page of a ranking as the view shows it: live standings, or the frozen final ones. */
interface RankingPage {
  asOf: string;
  computedAt: string | null;
  total: number;
  rows: StoredRow[];
}

/** A view before it says whether its competition has had a report yet (asked once per build). */
type ViewData = Omit<ScreenViewData, 'reported'>;

/** Builds what one screen (optionally a crew's own) shows now, view by view. */
export function createScreenDataBuilder(deps: ScreenDataDeps) {
  const { catalog, standings, finals, now } = deps;
  /** Competition periods known to have a report: events are never deleted, so it stays true. */
  const reportedPeriods = new Set<string>();

  /** Whether any event of the competition's period has been stored, by any crew (never a false "no reports"). */
  async function reported(competitionId: string, asked: Map<string, Promise<boolean>>): Promise<boolean> {
    const competition = catalog.competition(competitionId);
    if (!competition) return false;
    const { period, timeZone } = competition.definition;
    const key = `${competitionId}\u0000${period.start}\u0000${period.end}`;
    if (reportedPeriods.has(key)) return true;
    let answer = asked.get(key);
    if (!answer) {
      answer = deps
        .anyReport({ from: startOfDay(period.start, timeZone), to: startOfDay(addDays(period.end, 1), timeZone) })
        .then((found) => {
          if (found) reportedPeriods.add(key);
          return found;
        });
      asked.set(key, answer);
    }
    return answer;
  }

  /** Per build: whether each competition's whole period is closed (asked once per competition). */
  type Closures = Map<string, Promise<string | undefined>>;

  function closedAt(competition: StoredCompetition, closures: Closures): Promise<string | undefined> {
    const { period, timeZone } = competition.definition;
    // Only a period that is over can have been closed: live competitions never ask.
    if (dayInZone(now(), timeZone) <= period.end) return Promise.resolve(undefined);
    let answer = closures.get(competition.id);
    if (!answer) {
      answer = finals.closedAt(competition.id);
      closures.set(competition.id, answer);
    }
    return answer;
  }

  /** How many crews enter the group: what a screen counts before the first standings exist. */
  function entrants(competition: StoredCompetition, group: string): number {
    const [groupBy, key] = group.split(/:(.*)/s);
    const crews = catalog
      .participants(competition.definition)
      .filter((c) => (groupBy === 'branch' ? c.branchId === key : groupBy === 'unit_type' ? c.unitType === key : true));
    if (competition.definition.entrants !== 'person') return crews.length;
    // 个人赛: the persons of those crews.
    const ids = new Set(crews.map((c) => c.crewId));
    return catalog.org().persons.filter((p) => ids.has(p.crewId)).length;
  }

  async function readRanking(
    competition: StoredCompetition,
    closed: string | undefined,
    group: string,
    limit: number,
  ): Promise<RankingPage> {
    const { period, timeZone } = competition.definition;
    // Before its first day a competition has no standings (they exist up to today): a screen
    // hung early says 未开始 and when it starts instead of waiting for data that cannot come.
    if (dayInZone(now(), timeZone) < period.start) {
      return { asOf: period.start, computedAt: null, total: entrants(competition, group), rows: [] };
    }
    if (closed === undefined) return standings.read(competition.id, { group, limit, offset: 0 });
    const page = await finals.read(competition.id, WHOLE_PERIOD_ID, { group, limit, offset: 0 });
    return { asOf: page.closure.end, computedAt: page.closure.closedAt, total: page.total, rows: page.rows };
  }

  function base(competition: StoredCompetition, key: string, series: string, view: ScreenView, closed?: string) {
    const def = competition.definition;
    return {
      key,
      series,
      competitionId: competition.id,
      competitionName: def.name,
      competitionKind: def.kind,
      entrantLevel: def.entrants,
      timeZone: def.timeZone,
      period: { start: def.period.start, end: def.period.end },
      closedAt: closed ?? null,
      seconds: view.seconds,
      highlightCrewId: null,
      highlightIds: [],
      gapsBefore: [],
    };
  }

  async function ranking(
    competition: StoredCompetition,
    closures: Closures,
    key: string,
    series: string,
    view: ScreenView & { kind: 'ranking' | 'branch_tops' },
    group: string,
    title: (total: number) => ScreenViewData['title'],
  ): Promise<ViewData> {
    const columns = indicatorColumns(competition.definition, view.indicators);
    const closed = await closedAt(competition, closures);
    const page = await readRanking(competition, closed, group, view.limit ?? EVERY_ENTRANT);
    return {
      ...base(competition, key, series, view, closed),
      notice: closed === undefined ? null : await finals.notice(competition.id),
      kind: 'ranking',
      title: title(page.total),
      ranking: groupTitle(catalog.org(), group),
      group,
      asOf: page.asOf,
      computedAt: page.computedAt,
      columns,
      rows: page.rows.map((r) => toScreenRow(r, columns)),
      total: page.total,
      limit: view.limit !== undefined && view.limit < page.total ? view.limit : null,
    };
  }

  async function aroundMe(
    competition: StoredCompetition,
    closures: Closures,
    key: string,
    view: ScreenView & { kind: 'around' },
    crewId: string,
  ): Promise<ViewData | null> {
    const columns = indicatorColumns(competition.definition, view.indicators);
    const closed = await closedAt(competition, closures);
    // The whole ordered group: a crew's neighbours by position, ties and vetoed crews included.
    const page = await readRanking(competition, closed, 'overall', EVERY_ENTRANT);
    const crew = catalog.crew(crewId);
    if (!crew) return null;
    const own = ownRows(page.rows, competition.definition.entrants, crew);
    const picked = aroundRows(page.rows, own.ids, view.top, own.neighbours ? view.around : 0);
    if (!picked) return null;
    return {
      ...base(competition, key, key, view, closed),
      notice: closed === undefined ? null : await finals.notice(competition.id),
      kind: 'around',
      title: { zh: `${crew.crewName} · 我的位置`, en: `${crew.crewName} · around me` },
      ranking: groupTitle(catalog.org(), 'overall'),
      group: 'overall',
      asOf: page.asOf,
      computedAt: page.computedAt,
      columns,
      rows: picked.rows.map((r) => toScreenRow(r, columns)),
      total: page.total,
      limit: null,
      highlightCrewId: crewId,
      highlightIds: [...own.ids],
      gapsBefore: picked.gapsBefore,
    };
  }

  async function innovations(
    competition: StoredCompetition,
    closures: Closures,
    key: string,
    view: ScreenView & { kind: 'innovations' },
  ): Promise<ViewData> {
    const { timeZone } = competition.definition;
    const today = standings.defaultDay(competition);
    const month = view.month === 'current' ? today.slice(0, 7) : view.month;
    const first = `${month}-01`;
    const nextFirst = `${addDays(`${month}-28`, 7).slice(0, 7)}-01`;
    const [tallies, closed] = await Promise.all([
      deps.loadInnovations({ from: startOfDay(first, timeZone), to: startOfDay(nextFirst, timeZone) }),
      closedAt(competition, closures),
    ]);
    const participants = new Map(catalog.participants(competition.definition).map((c) => [c.crewId, c]));
    const ranked = rankInnovations(tallies.filter((t) => participants.has(t.crewId)));
    const rows: ScreenRow[] = ranked.slice(0, view.limit).map(({ tally, rank, cells }) => {
      const crew = participants.get(tally.crewId);
      return {
        crewId: tally.crewId,
        crewName: crew?.crewName ?? tally.crewId,
        unitName: crew?.unitName ?? '',
        branchName: crew?.branchName ?? '',
        rank,
        rankChange: null,
        score: null,
        disqualified: false,
        vetoes: [],
        cells,
        targetReached: null,
        award: null,
      };
    });
    const [year, mm] = month.split('-');
    const title = { zh: `${year}年${Number(mm)}月 五小创新`, en: `五小 innovations, ${month}` };
    return {
      ...base(competition, key, key, view, closed),
      notice: closed === undefined ? null : await finals.notice(competition.id),
      kind: 'innovations',
      title,
      ranking: title,
      group: null,
      asOf: today,
      computedAt: now().toISOString(),
      columns: [
        { id: 'award1', name: { zh: '一等奖', en: '1st prize' }, format: 'count' },
        { id: 'award2', name: { zh: '二等奖', en: '2nd prize' }, format: 'count' },
        { id: 'award3', name: { zh: '三等奖', en: '3rd prize' }, format: 'count' },
        { id: 'adopted', name: { zh: '已采纳', en: 'Adopted' }, format: 'count' },
        { id: 'submitted', name: { zh: '已提交', en: 'Submitted' }, format: 'count' },
      ],
      rows,
      total: ranked.length,
      limit: view.limit < ranked.length ? view.limit : null,
    };
  }

  async function viewData(
    view: ScreenView,
    index: number,
    crewId: string | undefined,
    closures: Closures,
  ): Promise<ViewData[]> {
    const competition = catalog.competition(view.competitionId);
    // A competition deleted or renamed after the screen was saved: the view has nothing to show.
    if (!competition) return [];
    const def = competition.definition;
    const series = String(index);
    switch (view.kind) {
      case 'ranking': {
        const title = view.title ?? groupTitle(catalog.org(), view.group);
        return [await ranking(competition, closures, series, series, view, view.group, () => title)];
      }
      case 'branch_tops': {
        if (!def.rankingGroups.includes('branch')) return [];
        const branches = new Map<string, string>();
        for (const c of catalog.participants(def)) branches.set(c.branchId, c.branchName);
        const org = catalog.org();
        const { limit } = view;
        return Promise.all(
          [...branches].map(([id, name]) => {
            const en = org.branches.find((b) => b.id === id)?.nameEn || name;
            // "前10名" only when the branch has more crews than that: the title says what is listed.
            const title = (total: number) =>
              limit !== undefined && limit < total
                ? { zh: `${name} 前${limit}名`, en: `${en}: top ${limit}` }
                : groupTitle(org, `branch:${id}`);
            return ranking(competition, closures, `${index}:branch:${id}`, series, view, `branch:${id}`, title);
          }),
        );
      }
      case 'around': {
        if (crewId === undefined) return [];
        const data = await aroundMe(competition, closures, series, view, crewId);
        return data ? [data] : [];
      }
      case 'innovations':
        return [await innovations(competition, closures, series, view)];
    }
  }

  return async function build(screen: ResolvedScreen, crewId?: string): Promise<ScreenData> {
    const def = screen.definition;
    const closures: Closures = new Map();
    const built = (await Promise.all(def.views.map((view, i) => viewData(view, i, crewId, closures)))).flat();
    const asked = new Map<string, Promise<boolean>>();
    const views = await Promise.all(
      built.map(async (view): Promise<ScreenViewData> => ({
        ...view,
        reported: await reported(view.competitionId, asked),
      })),
    );
    const groupName = catalog.org().groupName;
    const first = def.views.map((v) => catalog.competition(v.competitionId)).find((c) => c !== undefined);
    return {
      screenId: screen.id,
      name: def.name,
      title: def.branding.title ?? { zh: groupName, en: groupName },
      primaryColour: def.branding.primaryColour,
      accentColour: def.branding.accentColour,
      celebrate: def.celebrate,
      staleAfterSeconds: def.staleAfterSeconds,
      heartbeatSeconds: deps.heartbeatSeconds,
      // Every supported zone is UTC+08:00; the first competition's keeps the clock beside its 统计日.
      timeZone: first?.definition.timeZone ?? DEFAULT_TIME_ZONE,
      generatedAt: now().toISOString(),
      views,
    };
  };
}

export type ScreenDataBuilder = ReturnType<typeof createScreenDataBuilder>;
