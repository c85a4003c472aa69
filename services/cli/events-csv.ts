import { numberFromCell } from '../registry/org-csv.ts';

/** The fields of an event as CSV columns (schemas/event.schema.ts), in the order docs/cli.md lists them. */
export const EVENT_FIELDS = [
  'eventId',
  'crewId',
  'occurredAt',
  'type',
  'volume',
  'unit',
  'product',
  'amountCny',
  'severity',
  'hazardId',
  'kind',
  'personCount',
  'innovationId',
  'category',
  'status',
  'awardLevel',
  'benefitCny',
  'name',
  'value',
  'note',
  'personId',
  'itemId',
  'findings',
  'points',
  'inspector',
  'evidence',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** Cells that are numbers in the event schema; every other cell stays text. */
const NUMERIC = new Set<EventField>([
  'volume',
  'amountCny',
  'personCount',
  'awardLevel',
  'benefitCny',
  'value',
  'findings',
  'points',
]);

/** Chinese headers station systems and spreadsheets use, for the same fields. */
export const CHINESE_HEADERS: Readonly<Record<string, EventField>> = {
  事件编号: 'eventId',
  班组编号: 'crewId',
  发生时间: 'occurredAt',
  事件类型: 'type',
  类型: 'type',
  销量: 'volume',
  计量单位: 'unit',
  油品: 'product',
  金额: 'amountCny',
  严重程度: 'severity',
  隐患编号: 'hazardId',
  三违类型: 'kind',
  人次: 'personCount',
  人数: 'personCount',
  创新编号: 'innovationId',
  创新类别: 'category',
  状态: 'status',
  获奖等级: 'awardLevel',
  创效: 'benefitCny',
  指标名称: 'name',
  数值: 'value',
  备注: 'note',
  人员编号: 'personId',
  考核项目: 'itemId',
  考核项目编号: 'itemId',
  发现问题数: 'findings',
  扣分: 'points',
  评分: 'points',
  检查人: 'inspector',
  证据: 'evidence',
};

const isEventField = (name: string): name is EventField => (EVENT_FIELDS as readonly string[]).includes(name);

function fieldOf(header: string): EventField | undefined {
  const name = header.replace(/^\uFEFF/, '').trim();
  return isEventField(name) ? name : CHINESE_HEADERS[name];
}

/** A CSV of events names the event id and the time; a registry sheet names neither. */
export function isEventsHeader(header: readonly string[]): boolean {
  const fields = new Set(header.map(fieldOf));
  return fields.has('eventId') && fields.has('occurredAt');
}

/** The event field of every column, or what is wrong with the header (nothing is sent then). */
export function eventColumns(header: readonly string[]): { fields: EventField[] } | { problem: string } {
  const fields: EventField[] = [];
  const unknown: string[] = [];
  const seen = new Set<EventField>();
  const twice: string[] = [];
  for (const column of header) {
    const field = fieldOf(column);
    if (field === undefined) unknown.push(column);
    else if (seen.has(field)) twice.push(column);
    else {
      seen.add(field);
      fields.push(field);
    }
  }
  if (unknown.length > 0) {
    return {
      problem: `未知的列 / unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}; 可用 / known: ${EVENT_FIELDS.join(', ')}`,
    };
  }
  if (twice.length > 0)
    return { problem: `重复的列 / column(s) named twice: ${twice.map((c) => `"${c}"`).join(', ')}` };
  for (const needed of ['eventId', 'crewId', 'occurredAt', 'type'] as const) {
    if (!seen.has(needed)) return { problem: `缺少列 / missing column ${needed}` };
  }
  return { fields };
}

/**
 * One CSV row as an event: empty cells are left out (an optional field not given), number
 * fields become numbers. A cell that is not a number is sent as text, so the server names the
 * field and the problem like for any other bad event.
 */
export function csvRowToEvent(
  fields: readonly EventField[],
  cells: readonly string[],
): { event: Record<string, unknown> } | { problem: string } {
  if (cells.length !== fields.length) {
    return {
      problem: `应有 ${fields.length} 列，实有 ${cells.length} 列 / expected ${fields.length} cells, found ${cells.length}`,
    };
  }
  const event: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    const cell = (cells[i] ?? '').trim();
    if (cell === '') return;
    if (field === 'evidence') {
      // One cell holds every reference, separated by ; or 、 (a spreadsheet has one 证据 column).
      event[field] = cell
        .split(/[;；、]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
    } else if (NUMERIC.has(field)) {
      // Read as registry sheets are: Excel writes "1,234" and full-width digits.
      event[field] = numberFromCell(cell) ?? cell;
    } else {
      event[field] = cell;
    }
  });
  return { event };
}
