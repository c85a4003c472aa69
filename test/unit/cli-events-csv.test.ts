import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvHeader, readEventsCsv, readNdjson, type SourceItem } from '../../services/cli/event-source.ts';
import { csvRowToEvent, eventColumns, isEventsHeader, type EventField } from '../../services/cli/events-csv.ts';
import { detectImportKind } from '../../services/cli/import.command.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-events-csv-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
async function all(items: AsyncGenerator<SourceItem>): Promise<SourceItem[]> {
  const list: SourceItem[] = [];
  for await (const item of items) list.push(item);
  return list;
}

describe('events CSV row → event', () => {
  const fields: EventField[] = ['eventId', 'crewId', 'occurredAt', 'type', 'volume', 'unit', 'amountCny', 'note'];
  it.each([
    {
      name: 'numbers become numbers, empty cells are left out',
      cells: ['e1', 'C1', '2026-11-03T08:15:00+08:00', 'sales', '4200', 'litres', '', ''],
      result: {
        event: {
          eventId: 'e1',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:15:00+08:00',
          type: 'sales',
          volume: 4200,
          unit: 'litres',
        },
      },
    },
    {
      name: 'cells are trimmed; decimals kept',
      cells: [' e2 ', 'C1', '2026-11-03T08:15:00+08:00', 'sales', ' 12.5 ', 'tonnes', '99.9', ' 夜班 '],
      result: {
        event: {
          eventId: 'e2',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:15:00+08:00',
          type: 'sales',
          volume: 12.5,
          unit: 'tonnes',
          amountCny: 99.9,
          note: '夜班',
        },
      },
    },
    {
      name: 'a number cell that is not a number stays text, for the server to name',
      cells: ['e3', 'C1', '2026-11-03T08:15:00+08:00', 'sales', '4,2', 'litres', '', ''],
      result: {
        event: {
          eventId: 'e3',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:15:00+08:00',
          type: 'sales',
          volume: '4,2',
          unit: 'litres',
        },
      },
    },
    {
      name: 'numbers as Excel writes them, like registry sheets',
      cells: ['e5', 'C1', '2026-11-03T08:15:00+08:00', 'sales', '4,200', 'litres', '', '１２'],
      result: {
        event: {
          eventId: 'e5',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:15:00+08:00',
          type: 'sales',
          volume: 4200,
          unit: 'litres',
          note: '１２',
        },
      },
    },
    {
      name: 'text fields that look like numbers stay text',
      cells: ['123', 'C1', '2026-11-03T08:15:00+08:00', 'sales', '1', 'litres', '', '007'],
      result: {
        event: {
          eventId: '123',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:15:00+08:00',
          type: 'sales',
          volume: 1,
          unit: 'litres',
          note: '007',
        },
      },
    },
    {
      name: 'a short row',
      cells: ['e4', 'C1'],
      result: { problem: expect.stringMatching(/expected 8 cells, found 2/) },
    },
  ])('$name', ({ cells, result }) => {
    expect(csvRowToEvent(fields, cells)).toEqual(result);
  });

  it.each([
    { header: ['eventId', 'crewId', 'occurredAt', 'type'], events: true },
    { header: ['\uFEFF事件编号', '班组编号', '发生时间', '事件类型'], events: true },
    {
      header: ['分公司编号', '分公司名称', '单位编号', '单位名称', '单位类型', '班组编号', '班组名称', '人数'],
      events: false,
    },
    { header: ['竞赛编号', '班组编号', '指标', '目标值'], events: false },
    { header: ['eventId', 'crewId'], events: false },
  ])('$header is an events sheet: $events', ({ header, events }) => {
    expect(isEventsHeader(header)).toBe(events);
  });

  it.each([
    {
      header: ['事件编号', '班组编号', '发生时间', '类型', '销量', '计量单位'],
      result: { fields: ['eventId', 'crewId', 'occurredAt', 'type', 'volume', 'unit'] },
    },
    {
      header: ['eventId', 'crewId', 'occurredAt', 'type', 'litres'],
      result: { problem: expect.stringMatching(/unknown column\(s\) "litres"/) },
    },
    {
      header: ['eventId', 'crewId', 'occurredAt', 'type', '事件编号'],
      result: { problem: expect.stringMatching(/named twice: "事件编号"/) },
    },
    { header: ['eventId', 'crewId', 'occurredAt'], result: { problem: expect.stringMatching(/missing column type/) } },
  ])('columns of $header', ({ header, result }) => {
    expect(eventColumns(header)).toEqual(result);
  });
});

describe('reading events files from a byte offset', () => {
  it('NDJSON: every line with the offset just after it; blank lines skipped, bad JSON reported, BOM and CRLF handled', async () => {
    const text = '\uFEFF{"eventId":"a"}\r\n\n{"eventId":"中"}\n{oops\n{"eventId":"z"}';
    const path = file('e.ndjson', text);
    const items = await all(readNdjson(path, { offset: 0, line: 0 }));
    const bytes = Buffer.from(text);
    expect(items).toEqual([
      { line: 1, end: bytes.indexOf('\n') + 1, event: { eventId: 'a' } },
      { line: 3, end: bytes.indexOf('{oops'), event: { eventId: '中' } },
      {
        line: 4,
        end: bytes.indexOf('{"eventId":"z"}'),
        problem: expect.stringMatching(/not valid JSON/),
        raw: '{oops',
      },
      { line: 5, end: bytes.length, event: { eventId: 'z' } },
    ]);
    // Resuming at the offset after line 3 reads exactly what followed.
    const resumed = await all(readNdjson(path, { offset: items[1]?.end ?? -1, line: 3 }));
    expect(resumed.map((i) => i.line)).toEqual([4, 5]);
  });

  it('NDJSON: a file larger than one read chunk, lines split across chunks', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ eventId: `e${i}`, note: '班组'.repeat(i % 7) }),
    );
    const path = file('big.ndjson', `${lines.join('\n')}\n`);
    const items = await all(readNdjson(path, { offset: 0, line: 0 }));
    expect(items).toHaveLength(30_000);
    expect(items[29_999]).toMatchObject({ line: 30_000, event: { eventId: 'e29999' } });
    expect(items.at(-1)?.end).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
  });

  it('CSV: header, rows with quoted line breaks, resume after a row', async () => {
    const text =
      '\uFEFFeventId,crewId,occurredAt,type,volume,unit,note\r\ne1,C1,2026-11-03T08:00:00+08:00,sales,10,litres,"甲\r\n乙"\r\n\r\ne2,C2,2026-11-03T09:00:00+08:00,sales,x,litres,\r\ne3,C1\r\n';
    const path = file('e.csv', text);
    const head = await readCsvHeader(path);
    expect(head?.header).toEqual(['eventId', 'crewId', 'occurredAt', 'type', 'volume', 'unit', 'note']);
    expect(head?.start).toEqual({ offset: Buffer.from(text).indexOf('e1,'), line: 1 });
    if (head === undefined) throw new Error('no header');
    const columns = eventColumns(head.header);
    if (!('fields' in columns)) throw new Error(columns.problem);
    const items = await all(readEventsCsv(path, columns.fields, head.start));
    const bytes = Buffer.from(text);
    expect(items).toEqual([
      {
        line: 3,
        end: bytes.indexOf('\r\n\r\n') + 2,
        event: {
          eventId: 'e1',
          crewId: 'C1',
          occurredAt: '2026-11-03T08:00:00+08:00',
          type: 'sales',
          volume: 10,
          unit: 'litres',
          note: '甲\r\n乙',
        },
      },
      {
        line: 5,
        end: bytes.indexOf('e3,'),
        event: {
          eventId: 'e2',
          crewId: 'C2',
          occurredAt: '2026-11-03T09:00:00+08:00',
          type: 'sales',
          volume: 'x',
          unit: 'litres',
        },
      },
      { line: 6, end: bytes.length, problem: expect.stringMatching(/expected 7 cells, found 2/), raw: 'e3,C1' },
    ]);
    const [firstRow] = items;
    if (firstRow === undefined) throw new Error('no rows');
    const resumed = await all(readEventsCsv(path, columns.fields, { offset: firstRow.end, line: firstRow.line }));
    expect(resumed.map((i) => [i.line, i.end])).toEqual(items.slice(1).map((i) => [i.line, i.end]));
  });
});

describe('what an import file holds', () => {
  it.each([
    { name: 'e.ndjson', kind: undefined, expected: { kind: 'events', format: 'ndjson' } },
    { name: 'e.JSONL', kind: undefined, expected: { kind: 'events', format: 'ndjson' } },
    {
      name: 'e.csv',
      header: ['eventId', 'crewId', 'occurredAt', 'type'],
      kind: undefined,
      expected: { kind: 'events', format: 'csv' },
    },
    { name: 'e.csv', header: ['事件编号', '发生时间'], kind: undefined, expected: { kind: 'events', format: 'csv' } },
    { name: '组织架构.csv', header: ['分公司编号', '班组编号', '人数'], kind: undefined, expected: { kind: 'org' } },
    { name: 'e.csv', header: ['eventId', 'occurredAt'], kind: 'org' as const, expected: { kind: 'org' } },
    { name: 'e.txt', kind: 'events' as const, expected: { kind: 'events', format: 'ndjson' } },
    { name: '花名册.XLSX', kind: undefined, expected: { kind: 'org' } },
    { name: '花名册.xlsx', kind: 'org' as const, expected: { kind: 'org' } },
  ])('$name $header --kind $kind', async ({ name, header, kind, expected }) => {
    expect(await detectImportKind(name, kind, () => Promise.resolve(header))).toEqual(expected);
  });

  it('asks for --kind when the extension says nothing', async () => {
    await expect(detectImportKind('events.txt', undefined)).rejects.toThrow(/--kind org\|events/);
  });

  it('refuses events from a workbook, saying to save it as CSV', async () => {
    await expect(detectImportKind('events.xlsx', 'events')).rejects.toThrow(/CSV UTF-8/);
  });
});
