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

/** 3 branches, 9 stations, 45 crews: a results table longer than one A4 page. */
const org: OrgInput = {
  groupName: '浙江石油集团有限公司',
  branches: BRANCHES.map((name, i) => ({ id: `B${i + 1}`, name })),
  units: Array.from({ length: 9 }, (_, i) => ({
    id: `U${i + 1}`,
    branchId: `B${(i % 3) + 1}`,
    name: `第${i + 1}加油站`,
    type: 'station' as const,
  })),
  crews: Array.from({ length: 45 }, (_, i) => ({
    id: `C${String(i + 1).padStart(2, '0')}`,
    unitId: `U${(i % 9) + 1}`,
    name: i === 0 ? SCRIPT_NAME : i === 1 ? IMG_NAME : `第${i + 1}班组（${['甲', '乙', '丙'][i % 3] ?? ''}班）`,
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
    volume: 1000 + ((i * 37) % 45) * 100,
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
    expect(await page.textContent('.period')).toBe('（第一周：2026年3月1日至2026年3月7日）');
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
    expect(rows).toHaveLength(45);
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

  it('prints to A4 portrait over several pages, the header on each, without the toolbar', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/print/competitions/safety-month/periods/w1`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.$eval('.toolbar', (el) => getComputedStyle(el).display)).toBe('none');
    expect(await page.$eval('thead', (el) => getComputedStyle(el).display)).toBe('table-header-group');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(PDFS, 'print-notice.pdf'), pdf);
    const { count, sizes } = pdfPages(pdf);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(new Set(sizes)).toEqual(new Set(['595x842']));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prints from its button (the page’s own script, allowed by the policy)', async () => {
    const { page, problems } = await watchedPage();
    await page.addInitScript(() => {
      window.print = () => document.body.setAttribute('data-printed', 'yes');
    });
    await page.goto(`${base}/print/competitions/safety-month/periods/w1?title=commendation&top=3`);
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
