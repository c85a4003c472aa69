import type { z } from 'zod';
import type { CompetitionList, CompetitionSaved, FinalStandingsResponse } from '../../../schemas/api.schema.ts';
import type { PeriodNotice } from '../../../schemas/notice.schema.ts';
import type { PeriodList } from '../../../schemas/versions.schema.ts';
import type { ReporterApi } from './api.ts';
import { takesPart, type Crew, type Org } from './org-scope.ts';

// Types only (erased): the contract's zod schemas stay out of the phone's bundle.
export type FrozenRow = z.infer<typeof FinalStandingsResponse>['rows'][number];
export type NoticeObjection = PeriodNotice['objections'][number];

/** A period in 公示 the reporter may object to: its frozen results and the objections so far. */
export interface OpenNotice {
  competitionId: string;
  competitionName: { zh: string; en: string };
  periodId: string;
  periodName: { zh: string; en: string };
  startsOn: string;
  endsOn: string;
  rows: FrozenRow[];
  objections: NoticeObjection[];
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/**
 * The periods in 公示 of the competitions the reporter's crews take part in: the competitions
 * (GET /v1/competitions), each one's participants, its periods' status, then for those in_notice
 * the frozen standings and the notice (objections, end date). A few requests per competition.
 */
export async function openNotices(api: ReporterApi, crews: readonly Crew[], org: Org): Promise<OpenNotice[]> {
  const { competitions } = await api.get<z.infer<typeof CompetitionList>>('/v1/competitions');
  const found = await Promise.all(
    competitions.map(async (c) => {
      const saved = await api.get<z.infer<typeof CompetitionSaved>>(`/v1/competitions/${path(c.id)}`);
      if (!takesPart(saved.definition.participants, crews, org)) return [];
      const { periods } = await api.get<z.infer<typeof PeriodList>>(`/v1/competitions/${path(c.id)}/periods`);
      return Promise.all(
        periods
          .filter((p) => p.status === 'in_notice')
          .map(async (p): Promise<OpenNotice> => {
            const base = `/v1/competitions/${path(c.id, 'periods', p.id)}`;
            const [standings, notice] = await Promise.all([
              api.get<z.infer<typeof FinalStandingsResponse>>(`${base}/standings?limit=500`),
              api.get<PeriodNotice>(`${base}/notice`),
            ]);
            return {
              competitionId: c.id,
              competitionName: saved.definition.name,
              periodId: p.id,
              periodName: p.name,
              startsOn: notice.startsOn,
              endsOn: notice.endsOn,
              rows: standings.rows,
              objections: notice.objections,
            };
          }),
      );
    }),
  );
  return found.flat();
}
