import { noticeWords, type ResultsRow, type ResultsTable } from '../results/results-table.ts';
import { escapeHtml, pageHead } from '../shared/html-page.ts';

export type PrintTitle = 'notice' | 'commendation';

export interface PrintOptions {
  /** notice: 公示; commendation: 表彰名单. */
  title: PrintTitle;
  /** Only crews ranked 1 to top (ties included). */
  top?: number | undefined;
}

export const PRINT_CSS_PATH = '/print/assets/print.css';
export const PRINT_SCRIPT_PATH = '/print/assets/print.js';

/** 2026-03-01 as 2026年3月1日. */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Which crews a page lists: a commendation names ranked crews only; `top` keeps ranks 1 to top. */
export function printedRows(table: ResultsTable, options: PrintOptions): ResultsRow[] {
  const { top } = options;
  return table.rows.filter((row) => {
    if (top !== undefined) return row.rank !== null && row.rank <= top;
    return options.title === 'notice' || row.rank !== null;
  });
}

function heading(table: ResultsTable, options: PrintOptions): string {
  const period = table.final && table.period.id !== 'final' ? ` ${table.period.name}` : '';
  return `${table.competitionName}${period}${options.title === 'notice' ? '结果公示' : '表彰名单'}`;
}

function periodLine(table: ResultsTable): string {
  const days = `${chineseDate(table.period.start)}至${chineseDate(table.period.end)}`;
  const group = table.group.id === 'overall' ? '' : `\u3000${table.group.label}`;
  const notice = table.notice ? `\u3000${noticeWords(table.notice)}` : '';
  return table.final
    ? `（${table.period.name}：${days}${group}${notice}）`
    : `（统计期间：${days}，统计日 ${chineseDate(table.asOf)}${group}）`;
}

function intro(table: ResultsTable, options: PrintOptions): string {
  const what = `${table.competitionName}${table.final ? table.period.name : ''}`;
  return options.title === 'notice'
    ? `经考核评比，现将${what}排名结果予以公示${table.notice ? `，公示期至 ${chineseDate(table.notice.endsOn)}` : ''}。公示期间如有异议，请以实名方式向${table.issuer}反映。`
    : `经考核评比，下列班组在${what}中成绩突出，予以表彰。`;
}

function rowHtml(row: ResultsRow, withRemarks: boolean): string {
  const cells = [
    `<td class="rank">${row.rank === null ? '—' : String(row.rank)}</td>`,
    `<td>${escapeHtml(row.crewName)}</td>`,
    `<td class="unit">${escapeHtml(row.unitName)}</td>`,
    `<td class="branch">${escapeHtml(row.branchName)}</td>`,
    `<td class="score">${row.score.toFixed(2)}</td>`,
    ...(withRemarks ? [`<td class="remark">${escapeHtml(row.remark)}</td>`] : []),
  ];
  return `<tr data-crew-id="${escapeHtml(row.crewId)}">${cells.join('')}</tr>`;
}

/**
 * Above an empty sheet, and never printed: what to do next. A commendation lists ranked crews only,
 * so vetoed crews alone leave it empty too.
 */
const EMPTY_HINT = `<p class="toolbar empty-hint" data-testid="empty-hint">这一页没有班组：竞赛还没有排名，或表彰名单只列有名次的班组。请到<a href="/console">工会工作台</a>检查花名册和竞赛是否已发布（见<a href="/handbook#print">组织者手册</a>）。<span lang="en">No crews on this page yet: check the roster and the published rules in the console.</span></p>
`;

/**
 * The 表彰名单 or 公示 page of standings, ready to print on A4 (to paper, or to PDF from the
 * browser): the group, the competition, the period, rank, crew, unit, branch and score, the
 * header repeated on every page, and lines to sign and seal. Live standings are marked 非最终结果
 * on the page and on every printed sheet. No inline script or style (the CSP allows neither).
 */
export function renderPrintPage(table: ResultsTable, options: PrintOptions): string {
  const rows = printedRows(table, options);
  const withRemarks = rows.some((row) => row.remark !== '');
  const headers = ['名次', '班组', '单位', '分公司', '得分', ...(withRemarks ? ['备注'] : [])];
  const body =
    rows.length === 0
      ? `<tr><td class="empty" colspan="${headers.length}">暂无排名</td></tr>`
      : rows.map((row) => rowHtml(row, withRemarks)).join('\n');
  const title = heading(table, options);
  return `${pageHead({ title: `${table.groupName} ${title}`, stylesheet: PRINT_CSS_PATH, script: PRINT_SCRIPT_PATH })}
<body class="${table.final ? 'final' : 'provisional'}">
<div class="toolbar"><button type="button" id="print-button">打印 / 另存为 PDF</button><span>在打印对话框中选择 A4、纵向</span></div>
${rows.length === 0 ? EMPTY_HINT : ''}<main class="sheet">
<header class="doc-head">
<p class="group-name">${escapeHtml(table.groupName)}</p>
<h1>${escapeHtml(title)}</h1>
<p class="period">${escapeHtml(periodLine(table))}</p>
${table.final ? '' : '<p class="provisional-mark">非最终结果</p>'}
</header>
<p class="intro">${escapeHtml(intro(table, options))}</p>
<table class="results">
<thead><tr>${headers.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<div class="closing">
<p class="notes">${escapeHtml(
    table.final
      ? `依据竞赛规则第 ${table.definitionVersion} 版，于${chineseDate(table.closedOn ?? table.period.end)}结算。`
      : `依据竞赛规则第 ${table.definitionVersion} 版，为统计日的实时排名，以阶段结算结果为准。`,
  )}</p>
<section class="signatures" aria-label="签字盖章">
<div class="sign">制表人：<span class="line"></span></div>
<div class="sign">审核人：<span class="line"></span></div>
<div class="sign seal">${escapeHtml(table.issuer)}（盖章）</div>
<div class="sign date">日期：<span class="line"></span></div>
</section>
</div>
</main>
</body>
</html>
`;
}

/** The page's one script: the print button (the toolbar itself is not printed). */
export const PRINT_SCRIPT = `document.getElementById('print-button').addEventListener('click', function () { window.print(); });\n`;
