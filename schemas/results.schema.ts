import { z } from 'zod';
import { StandingsPageQuery } from './api.schema.ts';
import { DigitsInt, IsoDate, Query } from './common.schema.ts';

/** Downloads and printed pages of standings: the ranking group as on GET …/standings, and every row of it. */
const group = StandingsPageQuery.group;
const asOf = IsoDate.optional().describe('day to judge (YYYY-MM-DD); default today in the competition time zone');

export const StandingsDocumentQuery = Query({ asOf, group });
export const FinalStandingsDocumentQuery = Query({ group });

export const PrintTitle = z
  .enum(['notice', 'commendation'])
  .describe('notice: 公示 (results posted for objections before they are final); commendation: 表彰名单');

const printOptions = {
  group,
  title: PrintTitle.default('notice'),
  top: DigitsInt(1, 100_000)
    .optional()
    .describe('only crews ranked 1 to top (ties included), e.g. the winners of a commendation list'),
};

export const PrintStandingsQuery = Query({ asOf, ...printOptions });
export const PrintFinalStandingsQuery = Query(printOptions);

/** An .xlsx answer, for OpenAPI. */
export const XlsxFile = z.string().meta({ format: 'binary', description: 'an .xlsx workbook' });
