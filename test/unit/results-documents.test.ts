import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { Org } from '../../schemas/org.schema.ts';
import { registryWorkbook } from '../../services/excel/registry-export.ts';
import { standingsWorkbook } from '../../services/excel/standings-workbook.ts';
import { printedRows, renderPrintPage } from '../../services/print/print-page.ts';
import type { ResultsRow, ResultsTable } from '../../services/results/results-table.ts';
import { smallOrg } from '../support/fixtures.ts';
import { readBack } from '../support/workbooks.ts';

/**
 * What the product writes for spreadsheets and printers never turns a name into something else:
 * input refuses names starting with = + - @ today, but a registry saved before that rule, or a
 * veto reason, still reaches these documents, so each writer keeps text as text on its own.
 */
const FORMULA_LIKE = ['=HYPERLINK("http://evil.example","点我")', '+1+1', '-2+3', '@SUM(1,1)', '\t=1+1', '3-1'];

function row(rank: number | null, crewName: string, score: number): ResultsRow {
  return {
    rank,
    crewId: `C-${crewName.length}-${score}`,
    crewName,
    unitName: '西湖加油站',
    branchName: '杭州分公司',
    headcount: 4,
    points: [score],
    score,
    disqualified: rank === null,
    remark: rank === null ? '一票否决：重大事故一票否决' : '',
  };
}

const table: ResultsTable = {
  groupName: '测试集团',
  competitionId: 'labour-m3',
  competitionName: '三月劳动竞赛',
  final: true,
  notice: null,
  period: { id: 'w1', name: '第一周', start: '2026-03-01', end: '2026-03-07' },
  asOf: '2026-03-07',
  group: { id: 'overall', label: '总排名' },
  indicators: [{ id: 'volume', name: '销量' }],
  rows: [
    ...FORMULA_LIKE.map((name, i) => row(i + 1, name, 90 - i)),
    row(7, '<b>粗体</b>&amp;', 50),
    row(7, '并列班', 50),
    row(null, '否决班', 0),
  ],
  computedAt: '2026-03-08T00:00:00.000Z',
  closedOn: '2026-03-08',
  definitionVersion: 2,
  issuedOn: '2026-03-08',
  issuer: '测试集团工会',
};

async function sheetXml(bytes: Uint8Array, part: string): Promise<string> {
  return (await (await JSZip.loadAsync(bytes)).file(part)?.async('string')) ?? '';
}

describe('the standings workbook', () => {
  it('writes formula-like names as text cells, read back exactly as they were', async () => {
    const bytes = await standingsWorkbook(table);
    expect(await sheetXml(bytes, 'xl/worksheets/sheet1.xml')).not.toMatch(/<f[ >]/);
    const sheet = (await readBack(bytes)).worksheets[0];
    const names = FORMULA_LIKE.map((_, i) => sheet?.getRow(4 + i).getCell(2).value);
    expect(names).toEqual(FORMULA_LIKE);
  });
});

describe('the registry workbook', () => {
  it('writes formula-like names of a registry saved before the input rule as text cells', async () => {
    const org = Org.parse(smallOrg);
    const legacy = { ...org, crews: org.crews.map((crew, i) => ({ ...crew, name: FORMULA_LIKE[i] ?? crew.name })) };
    const bytes = await registryWorkbook(legacy, { version: 3, exportedOn: '2026-03-10' });
    expect(await sheetXml(bytes, 'xl/worksheets/sheet1.xml')).not.toMatch(/<f[ >]/);
    const sheet = (await readBack(bytes)).getWorksheet('组织架构');
    const names = legacy.crews.map((_, i) => sheet?.getRow(3 + i).getCell(9).value);
    expect(names).toEqual(legacy.crews.map((crew) => crew.name));
  });
});

describe('the print page', () => {
  it('escapes every name and keeps no inline script or style', () => {
    const html = renderPrintPage(table, { title: 'notice' });
    expect(html).toContain('&lt;b&gt;粗体&lt;/b&gt;&amp;amp;');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;点我&quot;)');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('lists every crew on a notice, ranked crews on a commendation, and ties at the last rank asked', () => {
    const crews = (rows: readonly ResultsRow[]) => rows.map((r) => r.crewName);
    expect(printedRows(table, { title: 'notice' })).toHaveLength(table.rows.length);
    expect(crews(printedRows(table, { title: 'commendation' }))).not.toContain('否决班');
    expect(crews(printedRows(table, { title: 'commendation', top: 7 }))).toEqual(
      crews(table.rows.filter((r) => r.rank !== null)),
    );
    expect(printedRows(table, { title: 'notice', top: 2 })).toHaveLength(2);
  });

  it('names the closed period and its closing day, or says live standings are not final', () => {
    const final = renderPrintPage(table, { title: 'notice' });
    expect(final).toContain('<h1>三月劳动竞赛 第一周结果公示</h1>');
    expect(final).toContain('（第一周：2026年3月1日至2026年3月7日）');
    expect(final).toContain('依据竞赛规则第 2 版，于2026年3月8日结算。');
    expect(final).not.toContain('非最终结果');
    const live = renderPrintPage(
      { ...table, final: false, closedOn: null, asOf: '2026-03-05', period: { ...table.period, end: '2026-03-05' } },
      { title: 'commendation' },
    );
    expect(live).toContain('<h1>三月劳动竞赛表彰名单</h1>');
    expect(live).toContain('统计日 2026年3月5日');
    expect(live).toContain('<p class="provisional-mark">非最终结果</p>');
    expect(live).toContain('<body class="provisional">');
  });
});
