import type { Competition } from '../../schemas/competition.schema.ts';
import { UNIT_TYPE_ZH } from '../registry/org-csv.ts';
import type { StoredRow } from '../scoring/standings.store.ts';

type Entry = Pick<
  StoredRow,
  | 'rank'
  | 'crewId'
  | 'crewName'
  | 'unitName'
  | 'branchName'
  | 'headcount'
  | 'score'
  | 'disqualified'
  | 'vetoes'
  | 'indicators'
>;

/**
 * Standings as a union office files and posts them (the .xlsx download and the print page): who,
 * what, over which days, and one row per crew with each indicator's points. Built from the stored
 * rows the JSON API answers with, so the documents say what the API says.
 */
export interface ResultsTable {
  /** 集团名称, from the registry. */
  readonly groupName: string;
  readonly competitionId: string;
  readonly competitionName: string;
  /** Frozen final standings of a closed period (结算); otherwise live standings, which may change. */
  readonly final: boolean;
  /** The days judged: a closed period's, or the competition's from its start to the day asked. */
  readonly period: { readonly id: string | null; readonly name: string; readonly start: string; readonly end: string };
  /** 统计日: the day the standings are as of. */
  readonly asOf: string;
  readonly group: { readonly id: string; readonly label: string };
  readonly indicators: readonly { readonly id: string; readonly name: string }[];
  readonly rows: readonly ResultsRow[];
  readonly computedAt: string;
  /** The day a final table was closed, in the competition's time zone; null for live standings. */
  readonly closedOn: string | null;
  readonly definitionVersion: number;
  /** 制表日期: today in the competition's time zone. */
  readonly issuedOn: string;
  /** 制表单位 */
  readonly issuer: string;
  /** A closed period's 公示 and whether its results are confirmed final; null: live, or no 公示. */
  readonly notice: ResultsNotice | null;
}

export interface ResultsNotice {
  readonly status: 'in_notice' | 'notice_ended' | 'final';
  readonly endsOn: string;
}

/** What the 公示 says of a closed period's results, in the words of a posted table. */
export function noticeWords(notice: ResultsNotice | null): string {
  if (!notice) return '';
  switch (notice.status) {
    case 'in_notice':
      return `公示中（至 ${notice.endsOn}），非最终结果`;
    case 'notice_ended':
      return `公示期满（${notice.endsOn}），待确认`;
    case 'final':
      return '正式结果';
  }
}

export interface ResultsRow {
  /** null: disqualified (一票否决). */
  readonly rank: number | null;
  readonly crewId: string;
  readonly crewName: string;
  readonly unitName: string;
  readonly branchName: string;
  readonly headcount: number;
  /** Per indicator of the table, in its order; null where the crew's entry has none. */
  readonly points: readonly (number | null)[];
  readonly score: number;
  readonly disqualified: boolean;
  /** 否决/备注: vetoes and what they did, in words. */
  readonly remark: string;
}

/** "overall", "branch:B1", "unit_type:station" in the words of a results sheet. */
export function groupLabel(group: string, branchName: (id: string) => string | undefined): string {
  if (group === 'overall') return '总排名';
  const [kind, id = ''] = group.split(/:(.*)/s);
  if (kind === 'branch') return `${branchName(id) ?? id} 排名`;
  if (kind === 'unit_type') return `${UNIT_TYPE_ZH[id as keyof typeof UNIT_TYPE_ZH] ?? id} 排名`;
  return group;
}

function remarkOf(entry: Entry, indicatorName: (id: string) => string): string {
  return entry.vetoes
    .map((veto) => {
      const reason = veto.reason.zh === '' ? '' : `（${veto.reason.zh}）`;
      if (veto.effect === 'disqualify') return `一票否决：${veto.name.zh}${reason}`;
      const zeroed = entry.indicators
        .filter((i) => i.zeroedBy === veto.vetoId)
        .map((i) => indicatorName(i.indicatorId));
      return `${veto.name.zh}${reason}：${zeroed.length > 0 ? `${zeroed.join('、')}记 0 分` : '相关指标记 0 分'}`;
    })
    .join('；');
}

/** The union that issues the table: the group's own, unless its name already says so. */
export function issuerOf(groupName: string): string {
  return groupName.endsWith('工会') ? groupName : `${groupName}工会`;
}

export interface ResultsInput {
  groupName: string;
  competitionId: string;
  /** The rules the standings were computed (or frozen) with: names of the competition and indicators. */
  definition: Competition;
  final: boolean;
  period: ResultsTable['period'];
  asOf: string;
  group: ResultsTable['group'];
  entries: readonly Entry[];
  computedAt: string;
  closedOn: string | null;
  definitionVersion: number;
  issuedOn: string;
  notice?: ResultsNotice | null;
}

export function resultsTable(input: ResultsInput): ResultsTable {
  const indicators = input.definition.indicators.map((i) => ({ id: i.id, name: i.name.zh }));
  const names = new Map(indicators.map((i) => [i.id, i.name]));
  const indicatorName = (id: string) => names.get(id) ?? id;
  return {
    groupName: input.groupName,
    competitionId: input.competitionId,
    competitionName: input.definition.name.zh,
    final: input.final,
    period: input.period,
    asOf: input.asOf,
    group: input.group,
    indicators,
    rows: input.entries.map((entry) => {
      const points = new Map(entry.indicators.map((i) => [i.indicatorId, i.points]));
      return {
        rank: entry.rank,
        crewId: entry.crewId,
        crewName: entry.crewName,
        unitName: entry.unitName,
        branchName: entry.branchName,
        headcount: entry.headcount,
        points: indicators.map((i) => points.get(i.id) ?? null),
        score: entry.score,
        disqualified: entry.disqualified,
        remark: remarkOf(entry, indicatorName),
      };
    }),
    computedAt: input.computedAt,
    closedOn: input.closedOn,
    definitionVersion: input.definitionVersion,
    issuedOn: input.issuedOn,
    issuer: issuerOf(input.groupName),
    notice: input.notice ?? null,
  };
}
