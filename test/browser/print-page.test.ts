import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { OrgInput } from '../../schemas/org.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { labourCompetition, marchAt } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * The 表彰/公示 page in a real Chromium under the server's Content-Security-Policy: it renders,
 * escapes every name, prints to A4 PDF over several pages with the table header on each, and
 * marks live standings as not final. Screenshots and the PDF land in .tmp/ to look at;
 * UPDATE_SCREENSHOTS=1 writes the README's.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
/** The printed PDFs are looked at, never committed. */
const PDFS = '.tmp/screenshots';
const clock = fixedClock('2026-03-10T12:00:00+08:00');
let lb: Leaderboard;
let base: string;
let browser: Browser;

const SCRIPT_NAME = '<script>alert(1)</script>西湖班';
const IMG_NAME = '"><img src=x onerror=alert(2)>北仑班';
const BRANCHES = ['杭州分公司', '宁波分公司', '温州分公司'];

/**
 * 3 branches, 9 stations, 72 crews: a results table over three A4 pages, every fourth crew with a
 * name that wraps onto several lines (a row that could be cut across a page break).
 */
const CREWS = 72;
const longName = (i: number) =>
  `第${i + 1}班组（华东片区城区第三综合服务班，含夜班与节假日值守人员、加油站便利店店员、油罐车押运员、设备维护人员及新入职见习员工）`;
const org: OrgInput = {
  groupName: '浙江石油集团有限公司',
  branches: BRANCHES.map((name, i) => ({ id: `B${i + 1}`, name })),
  units: Array.from({ length: 9 }, (_, i) => ({
    id: `U${i + 1}`,
    branchId: `B${(i % 3) + 1}`,
    name: `第${i + 1}加油站`,
    type: 'station' as const,
  })),
  crews: Array.from({ length: CREWS }, (_, i) => ({
    id: `C${String(i + 1).padStart(2, '0')}`,
    unitId: `U${(i % 9) + 1}`,
    name:
      i === 0
        ? SCRIPT_NAME
        : i === 1
          ? IMG_NAME
          : i % 4 === 3
            ? longName(i)
            : `第${i + 1}班组（${['甲', '乙', '丙'][i % 3] ?? ''}班）`,
    headcount: 4 + (i % 5),
  })),
  targets: [],
};

const competition: CompetitionInput = {
  ...labourCompetition,
  name: { zh: '2026年“安全生产月”劳动竞赛', en: 'Safety month labour competition' },
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量', en: 'Volume' },
      rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
    },
  ],
  stages: [{ id: 'w1', name: { zh: '第一周', en: 'Week 1' }, start: '2026-03-01', end: '2026-03-07' }],
};

/** Sales on 3 March, a different volume per crew; a serious injury for crew C03 (vetoed). */
const events = [
  ...(org.crews ?? []).map((crew, i) => ({
    eventId: `s-${crew.id}`,
    crewId: crew.id,
    type: 'sales',
    occurredAt: marchAt('03'),
    volume: 1000 + ((i * 37) % CREWS) * 100,
    unit: 'litres',
  })),
  { eventId: 'x-C03', crewId: 'C03', type: 'incident', occurredAt: marchAt('04'), severity: 'serious_injury' },
];

async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
  const problems: string[] = [];
  // Offline: everything the page loads comes from this server (no CDN, no web fonts).
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith('data:')) problems.push(`request: ${url}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems };
}

/** Pages of a PDF Chromium printed, with their size in points (A4: 595 × 842). */
function pdfPages(pdf: Buffer): { count: number; sizes: string[] } {
  const text = pdf.toString('latin1');
  const count = (text.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  const sizes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map(
    (m) => `${Math.round(Number(m[1]))}x${Math.round(Number(m[2]))}`,
  );
  return { count, sizes };
}

/** Text without any whitespace: pdftotext breaks lines and pads cells where the PDF has none. */
const squash = (text: string) => text.replace(/\s+/g, '');

/**
 * Each page's text in the order Chromium drew it (pdftotext -raw, from poppler-utils, which
 * .ci/run installs), whitespace removed: a cell's lines come out one after the other.
 */
function pdfPageTexts(file: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const page = String(i + 1);
    try {
      return squash(execFileSync('pdftotext', ['-raw', '-f', page, '-l', page, file, '-'], { encoding: 'utf8' }));
    } catch (err) {
      throw new Error('pdftotext could not read the printed PDF (install poppler-utils)', { cause: err });
    }
  });
}

/** A fontconfig pattern's family, its special characters escaped. */
const fcFamily = (family: string) => family.replace(/[-:,\\]/g, (c) => `\\${c}`);

/** The first family of a CSS font-family list installed here; a generic family as fontconfig resolves it for Chinese. */
function firstInstalled(stack: string): string {
  for (const family of stack.split(',').map((f) => f.trim().replace(/^["']|["']$/g, ''))) {
    if (['serif', 'sans-serif', 'monospace'].includes(family)) {
      return execFileSync('fc-match', ['-f', '%{family[0]}', `${family}:lang=zh-cn`], { encoding: 'utf8' });
    }
    const found = execFileSync('fc-list', ['-f', '%{family[0]}\n', `:family=${fcFamily(family)}`], {
      encoding: 'utf8',
    });
    if (found.trim() !== '') return found.split('\n')[0] ?? '';
  }
  return '';
}

/** Whether fontconfig knows a family as a Chinese font, and its name says serif (宋/仿宋/明 styles), not sans. */
function cjkSerif(family: string): boolean {
  const chinese = execFileSync('fc-list', ['-f', '%{family[0]}\n', `:family=${fcFamily(family)}:lang=zh-cn`], {
    encoding: 'utf8',
  });
  return chinese.trim() !== '' && !/sans|hei|yahei|pingfang/i.test(family);
}

/** The fonts Chromium drew a node's text with (DevTools' "Rendered fonts"). */
async function platformFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map((font) => font.familyName);
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock);
  const send = async (method: 'PUT' | 'POST', url: string, payload: unknown) => {
    const res = await lb.app.inject({ method, url, payload: payload as Record<string, unknown> });
    expect(res.statusCode).toBeLessThan(300);
  };
  await send('PUT', '/v1/org', org);
  await send('PUT', '/v1/competitions/safety-month', competition);
  await send('POST', '/v1/events', events);
  await lb.refresher.flush();
  await send('POST', '/v1/competitions/safety-month/periods/w1/close', { note: '' });
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(PDFS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('the 公示 page of a closed period', () => {
  it('lists every crew of the frozen final standings, names escaped, with signature lines', async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(`${base}/print/competitions/safety-month/periods/w1`);
    // Served under the product's strict policy: no inline script or style would run.
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await expect.poll(() => page.title()).toContain('浙江石油集团有限公司');
    expect(await page.textContent('h1')).toBe('2026年“安全生产月”劳动竞赛 第一周结果公示');
    // Closed on 03-10: on public notice for 5 working days (03-11 … 03-17), not final yet.
    expect(await page.textContent('.period')).toBe(
      '（第一周：2026年3月1日至2026年3月7日\u3000公示中（至 2026-03-17），非最终结果）',
    );
    expect(await page.$$eval('thead th', (ths) => ths.map((th) => th.textContent))).toEqual([
      '名次',
      '班组',
      '单位',
      '分公司',
      '得分',
      '备注',
    ]);
    const json = (await lb.app.inject({ url: '/v1/competitions/safety-month/periods/w1/standings?limit=100' })).json();
    const rows = await page.$$eval('tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows).toHaveLength(CREWS);
    expect(rows.map((r) => r.slice(0, 5))).toEqual(
      json.rows.map(
        (r: { rank: number | null; crewName: string; unitName: string; branchName: string; score: number }) => [
          r.rank === null ? '—' : String(r.rank),
          r.crewName,
          r.unitName,
          r.branchName,
          r.score.toFixed(2),
        ],
      ),
    );
    // Names are text: no element or script came out of them.
    expect(rows.map((r) => r[1])).toEqual(expect.arrayContaining([SCRIPT_NAME, IMG_NAME]));
    expect(await page.$$eval('script', (scripts) => scripts.map((s) => s.getAttribute('src')))).toEqual([
      '/print/assets/print.js',
    ]);
    expect(await page.$$('img')).toHaveLength(0);
    const vetoed = rows.find((r) => r[0] === '—');
    expect(vetoed?.[5]).toContain('一票否决：重大事故一票否决');
    expect(await page.$$eval('.signatures .sign', (divs) => divs.map((d) => d.textContent))).toEqual([
      '制表人：',
      '审核人：',
      '浙江石油集团有限公司工会（盖章）',
      '日期：',
    ]);
    expect(await page.$('.provisional-mark')).toBeNull();
    await page.screenshot({ path: join(SHOTS, 'print-notice.jpg'), type: 'jpeg', quality: 85, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prints to A4 portrait over several pages, the header on each, no row cut across a page', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/print/competitions/safety-month/periods/w1`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.$eval('.toolbar', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await page.$eval('thead', (el) => getComputedStyle(el).display)).toBe('table-header-group');
    expect(await page.$eval('tbody tr', (el) => getComputedStyle(el).breakInside)).toBe('avoid');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const file = join(PDFS, 'print-notice.pdf');
    writeFileSync(file, pdf);
    const { count, sizes } = pdfPages(pdf);
    expect(count).toBeGreaterThanOrEqual(3);
    expect(new Set(sizes)).toEqual(new Set(['595x842']));

    const pages = pdfPageTexts(file, count);
    expect(pages[0]).toContain('2026年“安全生产月”劳动竞赛第一周结果公示');
    pages.forEach((text, i) => {
      // The table's header at the top of every page the table runs onto, and the page number.
      expect(text, `page ${i + 1}`).toContain('名次班组单位分公司得分备注');
      expect(text, `page ${i + 1}`).toContain(`第${i + 1}页共${count}页`);
    });
    // Each crew's row whole on one page: a row cut at a page break leaves its name in two halves.
    const cut = (org.crews ?? [])
      .map((crew) => ({
        name: crew.name,
        on: pages.flatMap((text, i) => (text.includes(squash(crew.name)) ? [i + 1] : [])),
      }))
      .filter((crew) => crew.on.length !== 1);
    expect(cut).toEqual([]);
    // Long names did wrap, so the check above had rows to cut.
    const heights = await page.$$eval('tbody tr', (trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeGreaterThan(1.5 * Math.min(...heights));
    // The lines to sign and seal on the same page as the end of the list, never on a page of their own.
    const lastRow = await page.$eval('tbody tr:last-child td:nth-child(2)', (td) => td.textContent);
    expect(pages.at(-1)).toContain(squash(lastRow ?? 'no last row'));
    expect(pages.at(-1)).toContain('制表人：');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prints in a Chinese serif this machine has, the first of the page’s font stack that fontconfig finds', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/print/competitions/safety-month/periods/w1`);
    await page.emulateMedia({ media: 'print' });
    for (const selector of ['h1', '.intro', 'tbody td:nth-child(2)', 'thead th']) {
      const stack = await page.$eval(selector, (el) => getComputedStyle(el).fontFamily);
      const expected = firstInstalled(stack);
      const used = await platformFonts(page, selector);
      // Every glyph of the text from one font: the stack's first installed family, a CJK serif.
      expect(used, `${selector} (${stack})`).toEqual([expected]);
      expect(cjkSerif(expected), expected).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prints from its button: the page’s own script calls the browser’s print (beforeprint fires)', async () => {
    const { page, problems } = await watchedPage();
    await page.addInitScript(() => {
      window.addEventListener('beforeprint', () => document.body.setAttribute('data-printed', 'yes'));
    });
    await page.goto(`${base}/print/competitions/safety-month/periods/w1?title=commendation&top=3`);
    expect(await page.getAttribute('body', 'data-printed')).toBeNull();
    await page.click('#print-button');
    await page.waitForSelector('body[data-printed="yes"]');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the 表彰名单 page of live standings', () => {
  it('names only the winners asked for, and says the results are not final', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/print/competitions/safety-month/standings?asOf=2026-03-10&title=commendation&top=3`);
    expect(await page.textContent('h1')).toBe('2026年“安全生产月”劳动竞赛表彰名单');
    expect(await page.textContent('.provisional-mark')).toBe('非最终结果');
    expect(await page.getAttribute('body', 'class')).toBe('provisional');
    const ranks = await page.$$eval('tbody td.rank', (tds) => tds.map((td) => Number(td.textContent)));
    expect(ranks.length).toBeGreaterThanOrEqual(3);
    expect(ranks.every((rank) => rank >= 1 && rank <= 3)).toBe(true);
    await page.screenshot({
      path: join(SHOTS, 'print-commendation-live.jpg'),
      type: 'jpeg',
      quality: 85,
      fullPage: true,
    });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true });
    writeFileSync(join(PDFS, 'print-commendation-live.pdf'), pdf);
    expect(pdfPages(pdf).count).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('from a page of this server holding a token (the console, with STANDINGS_ACCESS=viewer)', () => {
  it('prints the page fetched with its token in a same-origin frame, style and script allowed by the policy', async () => {
    const { page, problems } = await watchedPage();
    // Any page of this server under its policy (this one asks for no favicon, which the landing page does).
    await page.goto(`${base}/print/competitions/safety-month/standings?asOf=2026-03-10`);
    const frame = await page.evaluate(async (url) => {
      // The console adds its Authorization header here; this server runs with public reads.
      const res = await fetch(url);
      const iframe = document.createElement('iframe');
      iframe.srcdoc = await res.text();
      const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
      document.body.append(iframe);
      await loaded;
      const doc = iframe.contentDocument;
      if (!doc) throw new Error('no frame document');
      // The page's own script runs in the frame: its button calls the frame's print().
      let printed = false;
      if (iframe.contentWindow) iframe.contentWindow.print = () => (printed = true);
      doc.getElementById('print-button')?.click();
      const th = doc.querySelector('table.results th');
      return {
        rows: doc.querySelectorAll('tbody tr').length,
        headerBorder: th ? getComputedStyle(th).borderTopStyle : '',
        printed,
      };
    }, '/print/competitions/safety-month/periods/w1?title=commendation&top=3');
    expect(frame).toEqual({ rows: 3, headerBorder: 'solid', printed: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
