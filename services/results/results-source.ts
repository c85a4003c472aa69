import type { Catalog } from '../catalog/catalog.ts';
import type { Periods } from '../competition/periods.ts';
import { periodsOf } from '../competition/periods.ts';
import type { StandingsService } from '../scoring/standings.service.ts';
import type { StoredRow } from '../scoring/standings.store.ts';
import { dayInZone } from '../shared/calendar.ts';
import { NotFoundError } from '../shared/errors.ts';
import { groupLabel, resultsTable, type ResultsNotice, type ResultsTable } from './results-table.ts';

export interface ResultsSourceDeps {
  catalog: Catalog;
  standings: StandingsService;
  periods: Periods;
  now: () => Date;
  /** A closed period's 公示 (services/notice/); null when it has none. */
  noticeOf?: (competitionId: string, periodId: string) => Promise<ResultsNotice | null>;
}

export interface ResultsSource {
  /** Live standings of a day (default: as GET …/standings), every row of the group. */
  live(competitionId: string, query: { asOf?: string | undefined; group: string }): Promise<ResultsTable>;
  /** A closed period's frozen final standings, every row of the group. */
  final(competitionId: string, periodId: string, query: { group: string }): Promise<ResultsTable>;
}

/** The API's own page size limit: documents read the standings as the JSON API serves them, page by page. */
const PAGE = 10_000;

/** Every row of a group, page by page; all pages from one snapshot (a newer one midway starts over). */
async function allRows<P extends { total: number; rows: StoredRow[]; computedAt: string }>(
  read: (offset: number) => Promise<P>,
): Promise<{ first: P; rows: StoredRow[] }> {
  for (let attempt = 0; ; attempt++) {
    const first = await read(0);
    const rows = [...first.rows];
    let consistent = true;
    while (rows.length < first.total && consistent) {
      const page = await read(rows.length);
      consistent = page.computedAt === first.computedAt && page.rows.length > 0;
      rows.push(...page.rows);
    }
    if (consistent || attempt >= 3) return { first, rows };
  }
}

export function createResultsSource(deps: ResultsSourceDeps): ResultsSource {
  const { catalog } = deps;
  const branchName = (id: string) => catalog.org().branches.find((b) => b.id === id)?.name;

  function competitionOrThrow(id: string) {
    const stored = catalog.competition(id);
    if (!stored) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
    return stored;
  }

  return {
    async live(competitionId, query) {
      const competition = competitionOrThrow(competitionId);
      const { first, rows } = await allRows((offset) =>
        deps.standings.read(competitionId, { asOf: query.asOf, group: query.group, limit: PAGE, offset }),
      );
      // The names of the rules the snapshot was computed with.
      const definition = catalog.version(competitionId, first.definitionVersion)?.definition ?? competition.definition;
      return resultsTable({
        groupName: catalog.org().groupName,
        competitionId,
        definition,
        final: false,
        period: { id: null, name: '统计期间', start: definition.period.start, end: first.asOf },
        asOf: first.asOf,
        group: { id: first.group, label: groupLabel(first.group, (id) => rows[0]?.branchName ?? branchName(id)) },
        entries: rows,
        computedAt: first.computedAt,
        closedOn: null,
        definitionVersion: first.definitionVersion,
        issuedOn: dayInZone(deps.now(), definition.timeZone),
      });
    },

    async final(competitionId, periodId, query) {
      const competition = competitionOrThrow(competitionId);
      const { first, rows } = await allRows(async (offset) => {
        const page = await deps.periods.finalStandings(competitionId, periodId, {
          group: query.group,
          limit: PAGE,
          offset,
        });
        return { ...page, computedAt: page.closure.closedAt };
      });
      const { closure } = first;
      // Names as they were in the rules the period closed under (as GET …/periods/{periodId}/standings).
      const definition =
        catalog.version(competitionId, closure.definitionVersion)?.definition ?? competition.definition;
      // The period's name in the rules it closed under; a stage removed since goes by its id.
      const name = periodsOf(definition).find((p) => p.id === periodId)?.name.zh ?? periodId;
      return resultsTable({
        groupName: catalog.org().groupName,
        competitionId,
        definition,
        final: true,
        period: { id: periodId, name, start: closure.start, end: closure.end },
        asOf: closure.end,
        group: { id: first.group, label: groupLabel(first.group, (id) => rows[0]?.branchName ?? branchName(id)) },
        entries: rows,
        computedAt: closure.closedAt,
        closedOn: dayInZone(new Date(closure.closedAt), definition.timeZone),
        definitionVersion: closure.definitionVersion,
        issuedOn: dayInZone(deps.now(), definition.timeZone),
        notice: (await deps.noticeOf?.(competitionId, periodId)) ?? null,
      });
    },
  };
}
