import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { smallOrg } from '../support/fixtures.ts';
import { apiCaller, freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { screenSettled } from './screen-settled.ts';

/**
 * A crew's own big screen (我的位置, a display link with ?crew=) when the competition's entrants
 * are not crews, at 1920×1080 in a real Chromium on a fixed clock (March 2026): a person-level
 * competition shows the leaders, then every person of the crew with their ranks (a long crew
 * pages on); a unit- or branch-level one marks the crew's unit or branch. Celebrations keep their
 * rules: none for a person who failed a gate, even climbing to first.
 */

const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const clock = fixedClock('2026-03-10T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

// 西湖甲班 (C1) is a long crew: 14 persons. The other crews have two or three.
const surnames = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱'];
const c1 = surnames.map((s, i) => ({ id: `P1${String(i + 1).padStart(2, '0')}`, crewId: 'C1', name: `${s}师傅` }));
const others = [
  { id: 'P201', crewId: 'C2', name: '郑建国' },
  { id: 'P202', crewId: 'C2', name: '何丽' },
  { id: 'P203', crewId: 'C2', name: '高峰' },
  { id: 'P301', crewId: 'C3', name: '林涛' },
  { id: 'P302', crewId: 'C3', name: '罗敏' },
  { id: 'P401', crewId: 'C4', name: '梁静' },
  { id: 'P402', crewId: 'C4', name: '宋杰' },
  { id: 'P501', crewId: 'C5', name: '谢娜' },
  { id: 'P502', crewId: 'C5', name: '韩磊' },
];
const persons = [...c1, ...others];

const at = (day: string) => `2026-03-${day}T09:00:00+08:00`;
let sent = 0;
const sale = (crewId: string, personId: string, volume: number, day = '03') => ({
  eventId: `s${++sent}`,
  crewId,
  type: 'sales',
  occurredAt: at(day),
  volume,
  unit: 'litres',
  personId,
});
// Other crews' persons lead; C1's are spread from 4th place down, 张师傅 (P101) the best of them.
const events = [
  sale('C2', 'P201', 9000),
  sale('C3', 'P301', 8500),
  sale('C4', 'P401', 8000),
  ...c1.map((p, i) => sale('C1', p.id, 7000 - i * 450)),
  sale('C2', 'P202', 6800),
  sale('C5', 'P501', 3000),
  // 罗敏 (C3) 三违: fails 零三违, never congratulated.
  sale('C3', 'P302', 100),
  { eventId: 'v1', crewId: 'C3', type: 'violation', occurredAt: at('04'), kind: 'operation', personId: 'P302' },
];

const indicators = [
  {
    id: 'volume',
    name: { zh: '销量', en: 'Volume' },
    rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
  },
];
const competition = (entrants: string, zh: string, en: string) => ({
  name: { zh, en },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  entrants,
  indicators,
  gates: [{ id: 'zero-violations', name: { zh: '零三违', en: 'No violations' }, rule: { kind: 'no_violations' } }],
});

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
const problems: string[] = [];
const admin = () => leaderboard.firstAdminToken ?? '';

/** The API as the organiser (a non-2xx answer throws with its body). */
const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  apiCaller(base, admin())<T>(method, path, body);

/** The around-me screen of a competition for crew C1, opened at 1920×1080. */
async function crewScreen(competitionId: string, seconds = 600): Promise<Page> {
  const id = `around-${competitionId}`;
  await api('PUT', `/v1/screens/${id}`, {
    name: { zh: id, en: id },
    views: [{ kind: 'around', competitionId, top: 3, around: 2, seconds }],
  });
  const link = await api<{ url: string }>('POST', `/v1/screens/${id}/links`, { label: '西湖甲班休息室' });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => problems.push(err.message));
  await page.clock.setFixedTime(new Date(clock.now()));
  await page.goto(`${base}${link.url}&crew=C1`);
  await page.waitForSelector('body[data-connection="live"] [data-crew-id]');
  await screenSettled(page);
  return page;
}

const shown = (page: Page) =>
  page.$$eval('[data-crew-id]', (rows) =>
    rows.map((r) => ({
      id: (r as HTMLElement).dataset['crewId'] ?? '',
      rank: (r as HTMLElement).dataset['rank'] ?? '',
      me: r.hasAttribute('data-me'),
      tag: r.querySelector('.me-tag')?.textContent ?? '',
      gap: r.previousElementSibling?.classList.contains('gap') ?? false,
    })),
  );

/** Nothing cut off or outside the screen, names readable from across the room. */
async function fitsTheScreen(page: Page): Promise<void> {
  const look = await page.evaluate(() => {
    const bottom = document.querySelector('#rows-box')?.getBoundingClientRect().bottom ?? 0;
    const rows = [...document.querySelectorAll('[data-crew-id]')];
    const name = document.querySelector('[data-crew-id] .crew-name');
    return {
      overflowX: document.documentElement.scrollWidth > window.innerWidth,
      overflowY: document.documentElement.scrollHeight > window.innerHeight,
      cut: rows.filter((r) => r.getBoundingClientRect().bottom > bottom + 1).length,
      clipped: [...document.querySelectorAll('[data-crew-id] .crew-name, [data-crew-id] .me-tag')]
        .filter((n) => n.scrollWidth > n.clientWidth)
        .map((n) => n.textContent),
      namePx: name ? parseFloat(getComputedStyle(name).fontSize) : 0,
    };
  });
  expect(look).toMatchObject({ overflowX: false, overflowY: false, cut: 0, clipped: [] });
  expect(look.namePx).toBeGreaterThanOrEqual(28);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', { ...smallOrg, targets: [], persons });
  await api('PUT', '/v1/competitions/stars', competition('person', '岗位明星竞赛', 'Post stars'));
  await api('PUT', '/v1/competitions/units', competition('unit', '加油站劳动竞赛', 'Station competition'));
  await api('PUT', '/v1/competitions/branches', competition('branch', '分公司劳动竞赛', 'Branch competition'));
  await api('POST', '/v1/events', events);
  await waitFor(async () => {
    const standings = await api<{ rows: { crewId: string }[] }>('GET', '/v1/competitions/stars/standings?limit=5');
    if (standings.rows[0]?.crewId !== 'P201') throw new Error('not scored yet');
  }, 30_000);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('a crew’s own screen of a person-level competition', () => {
  let page: Page;

  it('shows the leaders, then every person of the crew with their ranks, marked as ours', async () => {
    page = await crewScreen('stars', 5);
    expect(await page.textContent('#view-title')).toBe('西湖甲班 · 我的位置');
    expect(await page.textContent('#view-sub')).toBe('本班组 14 人 · 最好第4名 · 参赛人员 23 人');
    const first = await shown(page);
    // The top three, then 张师傅 (4th) on: C1's persons only, no neighbours from other crews.
    expect(first.slice(0, 3).map((r) => [r.id, r.rank, r.me])).toEqual([
      ['P201', '1', false],
      ['P301', '2', false],
      ['P401', '3', false],
    ]);
    const ours = first.slice(3);
    expect(ours.length).toBeGreaterThan(3);
    expect(ours.every((r) => r.me && r.tag === '本班组' && r.id.startsWith('P1'))).toBe(true);
    expect(ours[0]).toMatchObject({ id: 'P101', rank: '4' });
    // 何丽 (C2, 6th by 6,800 L) sits between 张师傅 and 王师傅: a gap marks the rows left out.
    expect(ours[1]).toMatchObject({ id: 'P102', rank: '6', gap: true });
    expect(await page.textContent('[data-crew-id="P101"] .crew-sub')).toBe('西湖甲班 · 西湖加油站');
    await fitsTheScreen(page);
    await page.screenshot({ path: join(SHOTS, 'screen-around-persons.jpg'), type: 'jpeg', quality: 85 });
    expect(problems).toEqual([]);
  });

  it('pages on through a long crew, so every person of it is shown', async () => {
    const pages = Number(await page.getAttribute('body', 'data-pages'));
    expect(pages).toBeGreaterThan(1);
    // From the first page: the pages flip every 5 s, and the test before may have outlasted it.
    await page.waitForSelector('body[data-page="1"]', { timeout: 5_000 * (pages + 1) });
    const seen = new Set((await shown(page)).map((r) => r.id));
    for (let p = 2; p <= pages; p++) {
      await page.waitForSelector(`body[data-page="${p}"]`, { timeout: 15_000 });
      // Read with the page it belongs to, before the next flip.
      if (p === pages) expect(await page.textContent('[data-testid="pager"]')).toBe(`第 ${pages}/${pages} 页`);
      await screenSettled(page);
      const rows = await shown(page);
      // Only the crew's own persons after the first page; never a leader repeated.
      expect(rows.every((r) => r.me)).toBe(true);
      rows.forEach((r) => seen.add(r.id));
      await fitsTheScreen(page);
      if (p === pages) {
        await page.screenshot({ path: join(SHOTS, 'screen-around-persons-last-page.jpg'), type: 'jpeg', quality: 85 });
      }
    }
    expect(c1.every((p) => seen.has(p.id))).toBe(true);
    await page.close();
  });

  it('never congratulates a person who failed a gate, even at first place; one who passed, yes', async () => {
    page = await crewScreen('stars');
    // 罗敏 (三违, fails 零三违) climbs to first: no banner.
    await api('POST', '/v1/events', [sale('C3', 'P302', 20_000, '05')]);
    await page.waitForFunction(() => document.querySelector('[data-crew-id]')?.getAttribute('data-crew-id') === 'P302');
    expect(await page.getAttribute('[data-crew-id="P302"]', 'data-gate-failed')).toBe('true');
    expect(await page.isHidden('#celebration')).toBe(true);
    // 张师傅 of this crew overtakes everyone: congratulated.
    await api('POST', '/v1/events', [sale('C1', 'P101', 30_000, '06')]);
    await page.waitForFunction(() => document.querySelector('[data-crew-id]')?.getAttribute('data-crew-id') === 'P101');
    await page.waitForSelector('#celebration:not([hidden])');
    expect(await page.textContent('#celebration')).toContain('张师傅');
    expect(await page.getAttribute('[data-crew-id="P101"]', 'data-me')).toBe('true');
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe('a crew’s own screen of a unit- or branch-level competition', () => {
  it('marks the crew’s unit as ours, with its place', async () => {
    const page = await crewScreen('units');
    const rows = await shown(page);
    expect(rows.map((r) => [r.id, r.me, r.tag])).toEqual([
      ['U1', true, '本单位'],
      ['U2', false, ''],
      ['U3', false, ''],
    ]);
    expect(await page.textContent('#view-sub')).toBe('西湖加油站 第1名 · 参赛单位 3 个');
    await fitsTheScreen(page);
    await page.screenshot({ path: join(SHOTS, 'screen-around-unit.jpg'), type: 'jpeg', quality: 85 });
    await page.keyboard.press('l');
    expect(await page.textContent('[data-crew-id="U1"] .me-tag')).toBe('Our unit');
    await page.close();
  });

  it('marks the crew’s branch as ours', async () => {
    const page = await crewScreen('branches');
    expect((await shown(page)).map((r) => [r.id, r.me, r.tag])).toEqual([
      ['B1', true, '本分公司'],
      ['B2', false, ''],
    ]);
    expect(await page.textContent('#view-sub')).toBe('杭州分公司 第1名 · 参赛分公司 2 个');
    await fitsTheScreen(page);
    await page.close();
    expect(problems).toEqual([]);
  });
});
