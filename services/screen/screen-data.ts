import type { Competition } from '../../schemas/competition.schema.ts';
import type { UnitType } from '../../schemas/org.schema.ts';
import type { ColumnFormat, ScreenData, ScreenRow, ScreenView, ScreenViewData } from '../../schemas/screen.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { StandingsService } from '../scoring/standings.service.ts';
import type { StoredRow } from '../scoring/standings.store.ts';
import { addDays, startOfDay } from '../shared/calendar.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';
import { leadingIndicators } from './default-screen.ts';
import type { CrewInnovationMonth } from './innovations.query.ts';
import type { ResolvedScreen } from './screen-catalog.ts';

export interface ScreenDataDeps {
  catalog: Catalog;
  standings: Pick<StandingsService, 'read' | 'defaultDay'>;
  loadInnovations: (window: { from: Date; to: Date }) => Promise<CrewInnovationMonth[]>;
  now: () => Date;
  heartbeatSeconds: number;
}

type Column = ScreenViewData['columns'][number];

const FORMAT_OF_RULE: Record<Competition['indicators'][number]['rule']['kind'], ColumnFormat> = {
  target: 'percent',
  rectification_rate: 'percent',
  safety_days: 'days',
  count: 'count',
  innovation: 'count',
  sum: 'number',
};

function indicatorColumns(definition: Competition, ids: readonly string[] | undefined): Column[] {
  const chosen = ids
    ? ids.map((id) => definition.indicators.find((i) => i.id === id)).filter((i) => i !== undefined)
    : leadingIndicators(definition);
  return chosen.map((i) => ({
    id: i.id,
    name: i.name,
    format: i.rule.kind === 'sum' && i.rule.metric === 'sales.amount_cny' ? 'currency' : FORMAT_OF_RULE[i.rule.kind],
  }));
}

export function toScreenRow(row: StoredRow, columns: readonly Column[]): ScreenRow {
  const targets = row.facts?.targets ?? [];
  return {
    crewId: row.crewId,
    crewName: row.crewName,
    unitName: row.unitName,
    branchName: row.branchName,
    rank: row.rank,
    rankChange: row.rankChange,
    score: row.score,
    disqualified: row.disqualified,
    vetoes: row.vetoes.map((v) => ({ name: v.name, reason: v.reason })),
    cells: columns.map((c) => row.indicators.find((i) => i.indicatorId === c.id)?.value ?? null),
    targetReached: targets.length === 0 ? null : targets.every((t) => t.actual >= t.target),
  };
}

/**
 * Rows for a crew's own screen: the leaders, then the crew with its neighbours; `gapsBefore`
 * marks where rows were left out between the two.
 */
export function aroundRows<T extends { crewId: string }>(
  ordered: readonly T[],
  crewId: string,
  top: number,
  around: number,
): { rows: T[]; gapsBefore: number[] } | null {
  const at = ordered.findIndex((r) => r.crewId === crewId);
  if (at < 0) return null;
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(top, ordered.length); i++) keep.add(i);
  for (let i = Math.max(0, at - around); i <= Math.min(ordered.length - 1, at + around); i++) keep.add(i);
  const indexes = [...keep].sort((a, b) => a - b);
  const gapsBefore: number[] = [];
  indexes.forEach((index, i) => {
    const previous = indexes[i - 1];
    if (previous !== undefined && index !== previous + 1) gapsBefore.push(i);
  });
  return { rows: indexes.map((i) => ordered[i] as T), gapsBefore };
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

/** Builds what one screen (optionally a crew's own) shows now, view by view. */
export function createScreenDataBuilder(deps: ScreenDataDeps) {
  const { catalog, standings, now } = deps;

  function base(competition: StoredCompetition, key: string, view: ScreenView) {
    return {
      key,
      competitionId: competition.id,
      competitionName: competition.definition.name,
      competitionKind: competition.definition.kind,
      seconds: view.seconds,
      highlightCrewId: null,
      gapsBefore: [],
    };
  }

  async function ranking(
    competition: StoredCompetition,
    key: string,
    view: ScreenView & { kind: 'ranking' | 'branch_tops' },
    group: string,
    title: ScreenViewData['title'],
  ): Promise<ScreenViewData> {
    const columns = indicatorColumns(competition.definition, view.indicators);
    const page = await standings.read(competition.id, { group, limit: view.limit, offset: 0 });
    return {
      ...base(competition, key, view),
      kind: 'ranking',
      title,
      asOf: page.asOf,
      computedAt: page.computedAt,
      columns,
      rows: page.rows.map((r) => toScreenRow(r, columns)),
      total: page.total,
    };
  }

  async function aroundMe(
    competition: StoredCompetition,
    key: string,
    view: ScreenView & { kind: 'around' },
    crewId: string,
  ): Promise<ScreenViewData | null> {
    const columns = indicatorColumns(competition.definition, view.indicators);
    // The whole ordered group: a crew's neighbours by position, ties and vetoed crews included.
    const page = await standings.read(competition.id, { group: 'overall', limit: 10_000, offset: 0 });
    const picked = aroundRows(page.rows, crewId, view.top, view.around);
    if (!picked) return null;
    const crew = catalog.crew(crewId);
    return {
      ...base(competition, key, view),
      kind: 'around',
      title: { zh: `${crew?.crewName ?? crewId} · 我的位置`, en: `${crew?.crewName ?? crewId} · around me` },
      asOf: page.asOf,
      computedAt: page.computedAt,
      columns,
      rows: picked.rows.map((r) => toScreenRow(r, columns)),
      total: page.total,
      highlightCrewId: crewId,
      gapsBefore: picked.gapsBefore,
    };
  }

  async function innovations(
    competition: StoredCompetition,
    key: string,
    view: ScreenView & { kind: 'innovations' },
  ): Promise<ScreenViewData> {
    const { timeZone } = competition.definition;
    const today = standings.defaultDay(competition);
    const month = view.month === 'current' ? today.slice(0, 7) : view.month;
    const first = `${month}-01`;
    const nextFirst = `${addDays(`${month}-28`, 7).slice(0, 7)}-01`;
    const tallies = await deps.loadInnovations({
      from: startOfDay(first, timeZone),
      to: startOfDay(nextFirst, timeZone),
    });
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
      };
    });
    const [year, mm] = month.split('-');
    return {
      ...base(competition, key, view),
      kind: 'innovations',
      title: { zh: `${year}年${Number(mm)}月 五小创新`, en: `五小 innovations, ${month}` },
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
    };
  }

  async function viewData(view: ScreenView, index: number, crewId: string | undefined): Promise<ScreenViewData[]> {
    const competition = catalog.competition(view.competitionId);
    // A competition deleted or renamed after the screen was saved: the view has nothing to show.
    if (!competition) return [];
    const def = competition.definition;
    switch (view.kind) {
      case 'ranking': {
        const title = view.title ?? groupTitle(catalog.org(), view.group);
        return [await ranking(competition, String(index), view, view.group, title)];
      }
      case 'branch_tops': {
        if (!def.rankingGroups.includes('branch')) return [];
        const branches = new Map<string, string>();
        for (const c of catalog.participants(def)) branches.set(c.branchId, c.branchName);
        const org = catalog.org();
        return Promise.all(
          [...branches].map(([id, name]) => {
            const en = org.branches.find((b) => b.id === id)?.nameEn || name;
            return ranking(competition, `${index}:branch:${id}`, view, `branch:${id}`, {
              zh: `${name} 前${view.limit}名`,
              en: `${en}: top ${view.limit}`,
            });
          }),
        );
      }
      case 'around': {
        if (crewId === undefined) return [];
        const data = await aroundMe(competition, String(index), view, crewId);
        return data ? [data] : [];
      }
      case 'innovations':
        return [await innovations(competition, String(index), view)];
    }
  }

  return async function build(screen: ResolvedScreen, crewId?: string): Promise<ScreenData> {
    const def = screen.definition;
    const views = (await Promise.all(def.views.map((view, i) => viewData(view, i, crewId)))).flat();
    const groupName = catalog.org().groupName;
    return {
      screenId: screen.id,
      name: def.name,
      title: def.branding.title ?? { zh: groupName, en: groupName },
      primaryColour: def.branding.primaryColour,
      accentColour: def.branding.accentColour,
      celebrate: def.celebrate,
      staleAfterSeconds: def.staleAfterSeconds,
      heartbeatSeconds: deps.heartbeatSeconds,
      generatedAt: now().toISOString(),
      views,
    };
  };
}

export type ScreenDataBuilder = ReturnType<typeof createScreenDataBuilder>;
