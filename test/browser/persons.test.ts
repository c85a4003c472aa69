import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { signedInConsolePage } from '../support/console-page.ts';
import { smallOrg } from '../support/fixtures.ts';
import { freePort } from '../support/spawn-service.ts';
import { ROSTER_HEADER, workbookOf } from '../support/workbooks.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { screenSettled } from './screen-settled.ts';

/**
 * 个人赛 in a real Chromium on a fixed clock: a person-level competition (岗位明星) whose console
 * standings and breakdown name each person with their crew, a big screen listing persons with
 * their crew under the name, and persons uploaded with the roster in the console's registry.
 */

const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const clock = fixedClock('2026-03-10T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const admin = () => leaderboard.firstAdminToken ?? '';

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const persons = [
  { id: 'P1', crewId: 'C1', name: '张三', job: '加油员' },
  { id: 'P2', crewId: 'C1', name: '李四' },
  { id: 'P3', crewId: 'C3', name: '王五' },
  { id: 'P4', crewId: 'C4', name: '赵六' },
];
const at = (day: string) => `2026-03-${day}T09:00:00+08:00`;
const sale = (eventId: string, crewId: string, personId: string, volume: number) => ({
  eventId,
  crewId,
  personId,
  type: 'sales',
  occurredAt: at('05'),
  volume,
  unit: 'litres',
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', { ...smallOrg, targets: [], persons });
  await api('PUT', '/v1/competitions/post-stars', {
    name: { zh: '岗位明星', en: 'Post stars' },
    kind: 'labour',
    period: { start: '2026-03-01', end: '2026-03-31' },
    entrants: 'person',
    indicators: [
      {
        id: 'volume',
        name: { zh: '个人销量', en: 'Own sales' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
    ],
    grades: { kind: 'places', levels: [{ id: 'star', name: { zh: '岗位明星', en: 'Post star' }, count: 1 }] },
  });
  await api('POST', '/v1/events', [
    sale('s1', 'C1', 'P1', 3000),
    sale('s2', 'C1', 'P2', 4500),
    sale('s3', 'C3', 'P3', 1200),
    // Names nobody: C1's, no person's.
    { eventId: 's4', crewId: 'C1', type: 'sales', occurredAt: at('05'), volume: 9000, unit: 'litres' },
  ]);
  await leaderboard.refresher.flush();
  browser = await launchChromium();
  page = await signedInConsolePage(browser, { base, token: admin(), now: clock.now(), problems });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

const rowTexts = (p: Page, selector: string) => p.locator(selector).allTextContents();

describe('a person-level competition in the console', () => {
  it('lists persons with their crew, and opens a person’s breakdown with their crew and job', async () => {
    await page.goto(`${base}/console/competitions/post-stars?tab=standings`);
    await page.waitForSelector('[data-testid="standings-table"] .ant-table-row');
    const header = (await page.textContent('[data-testid="standings-table"] thead')) ?? '';
    expect(header).toContain('姓名');
    expect(header).toContain('所在班组');
    const rows = await rowTexts(page, '[data-testid="standings-table"] tbody .ant-table-row');
    // 李四 45, 张三 30, 王五 12, 赵六 0 (no events); the 9,000 L naming nobody counts for no one.
    expect(rows.map((r) => /李四|张三|王五|赵六/.exec(r)?.[0])).toEqual(['李四', '张三', '王五', '赵六']);
    expect(await page.textContent('[data-testid="person-crew-P1"]')).toBe('西湖甲班');
    expect(await page.textContent('[data-testid="person-crew-P4"]')).toBe('北仑甲班');
    expect(await page.textContent('[data-testid="score-P2"]')).toBe('45');
    expect(await page.textContent('[data-testid="grade-P2"]')).toBe('岗位明星');
    expect(await page.textContent('body')).toContain('共 4 人；点击姓名查看得分明细');
    await page.click('[data-crew-id="P1"]');
    await page.waitForSelector('[data-testid="breakdown-score"]');
    expect(await page.textContent('[data-testid="breakdown-person-crew"]')).toBe('西湖甲班');
    const drawer = (await page.textContent('[data-testid="crew-drawer"]')) ?? '';
    expect(drawer).toContain('张三 · 得分明细');
    expect(drawer).toContain('加油员');
    await page.waitForFunction(() =>
      document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
    );
    await page.screenshot({ path: join(SHOTS, 'console-person-standings.png') });
    expect(problems).toEqual([]);
  });
});

describe('a person-level competition on the big screen', () => {
  it('shows each person’s name with their crew and unit under it', async () => {
    await api('PUT', '/v1/screens/post-stars-tv', {
      name: { zh: '岗位明星', en: 'Post stars' },
      views: [{ kind: 'ranking', competitionId: 'post-stars' }],
    });
    const { token } = (await api('POST', '/v1/screens/post-stars-tv/links', { label: 'e2e' })) as { token: string };
    const tv = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await tv.goto(`${base}/screens/post-stars-tv?token=${token}`);
    await tv.waitForSelector('body[data-connection="live"] [data-crew-id]');
    await screenSettled(tv);
    const order = await tv.$$eval('[data-crew-id]', (rows) => rows.map((r) => (r as HTMLElement).dataset['crewId']));
    expect(order).toEqual(['P2', 'P1', 'P3', 'P4']);
    await waitFor(async () => expect(await tv.textContent('[data-crew-id="P1"] .crew-name')).toBe('张三'));
    expect(await tv.textContent('[data-crew-id="P1"] .crew-sub')).toBe('西湖甲班 · 西湖加油站');
    expect(await tv.textContent('[data-crew-id="P3"] .crew-sub')).toBe('半山甲班 · 半山油库');
    expect(await tv.textContent('#board-head .c-crew')).toBe('姓名');
    expect(await tv.textContent('#view-sub')).toBe('参赛人员 4 人');
    await tv.screenshot({ path: join(SHOTS, 'screen-persons.png') });
    await tv.close();
  });
});

describe('persons uploaded in the console', () => {
  /** The handbook's pictures are JPEG, written with UPDATE_SCREENSHOTS=1; the ones in .tmp are PNG. */
  async function shoot(name: string): Promise<void> {
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    await page.evaluate(() => document.querySelectorAll('.ant-message-notice').forEach((n) => n.remove()));
    const readme = SHOTS.startsWith('test/');
    await page.screenshot({
      path: join(SHOTS, `${name}.${readme ? 'jpg' : 'png'}`),
      ...(readme ? { type: 'jpeg' as const, quality: 80 } : {}),
    });
  }

  /** A workbook as the union keeps it: the roster with a new crew, and a 人员名单 under a title row. */
  const workbook = (crewOfNewPerson: string) =>
    workbookOf(
      {
        花名册: [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C6', '西湖丙班', 3]],
        人员名单: [
          ['2026年岗位明星参赛人员'],
          ['人员编号', '姓名', '所在班组编号', '岗位'],
          ['P1', '张三', 'C1', '站长'],
          ['P5', '孙七', crewOfNewPerson, '加油员'],
        ],
      },
      (wb) => wb.getWorksheet('人员名单')?.mergeCells('A1:D1'),
    );
  const upload = async (bytes: Buffer) =>
    page.setInputFiles('.ant-upload input[type=file]', {
      name: '花名册.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: bytes,
    });

  it('shows an unknown crew at its sheet and cell, then imports the roster and persons at once and lists them', async () => {
    await page.goto(`${base}/console/registry?tab=persons`);
    await page.waitForSelector('[data-testid="persons-table"] .ant-table-row');
    expect(await rowTexts(page, '[data-testid="persons-table"] tbody .ant-table-row')).toHaveLength(4);
    expect(await page.textContent('[data-testid="person-crew-P1"]')).toBe('西湖甲班（C1） · 西湖加油站');

    await page.click('[data-testid="import"]');
    await upload(await workbook('C404'));
    await page.waitForSelector('[data-testid="import-errors"] .ant-table-row');
    const errors = await rowTexts(page, '[data-testid="import-errors"] .ant-table-row');
    expect(errors).toEqual([expect.stringMatching(/^人员名单C44所在班组编号组织架构中没有班组 C404/)]);
    const version = leaderboard.catalog.orgVersion();

    await page.click('text=重新选择文件');
    await upload(await workbook('C6'));
    await page.waitForSelector('[data-testid="import-plan"]');
    const plan = (await page.textContent('[data-testid="import-plan"]')) ?? '';
    expect(plan).toContain('花名册（组织架构表，1 行）；人员名单（人员名单，2 行）');
    expect(plan).toContain('人员新增 1，修改 1，不变 0');
    expect(leaderboard.catalog.orgVersion()).toBe(version);
    await shoot('console-import-persons');
    await page.click('[data-testid="import-save"]');
    await page.waitForSelector('text=已保存（组织架构版本');
    expect(leaderboard.catalog.orgVersion()).toBe(version + 1);
    await page.click('.ant-modal-footer button, .import-footer button');
    await page.waitForSelector('[data-testid="person-crew-P5"]');
    expect(await page.textContent('[data-testid="person-crew-P5"]')).toBe('西湖丙班（C6） · 西湖加油站');
    const rows = await rowTexts(page, '[data-testid="persons-table"] tbody .ant-table-row');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('站长');
    expect(await page.textContent('body')).toContain('5 名人员');
    await shoot('console-registry-persons');
    expect(leaderboard.catalog.org().persons.find((p) => p.id === 'P5')).toEqual({
      id: 'P5',
      crewId: 'C6',
      name: '孙七',
      job: '加油员',
    });
    expect(problems).toEqual([]);
  });
});

describe('a person-level competition closed, with late changes', () => {
  const lateEvents = async () => {
    const { periods } = (await api('GET', '/v1/competitions/post-stars/periods')) as {
      periods: { id: string; closed: { lateEvents: number } | null }[];
    };
    return periods.find((p) => p.id === 'final')?.closed?.lateEvents;
  };

  it('lists each late change with the person it would have changed and the crew that reported it', async () => {
    clock.set('2026-04-02T09:00:00+08:00');
    await page.clock.setFixedTime(new Date(clock.now()));
    await api('POST', '/v1/competitions/post-stars/periods/final/close', { note: '三月岗位明星' });
    // After the closing: 王五's March sale (late for 王五), and one naming nobody (late for no person).
    await api('POST', '/v1/events', [
      sale('late-p3', 'C3', 'P3', 800),
      { eventId: 'late-c1', crewId: 'C1', type: 'sales', occurredAt: at('06'), volume: 100, unit: 'litres' },
    ]);
    await waitFor(async () => expect(await lateEvents()).toBe(1), 20_000);
    // Withdrawn again: the withdrawal is a late change of its own, for 王五 too.
    await api('POST', '/v1/events/late-p3/withdraw', { crewId: 'C3', reason: '重复上报' });
    await waitFor(async () => expect(await lateEvents()).toBe(2), 20_000);

    await page.goto(`${base}/console/competitions/post-stars?tab=periods`);
    await page.waitForSelector('[data-testid="periods-table"] >> text=迟到数据 2 条');
    await page.click('[data-testid="final-final"]');
    await page.waitForSelector('[data-testid="late-table"] .ant-table-row');
    // The frozen rows are persons, each with their crew.
    const finalHeader = (await page.textContent('[data-testid="final-table"] thead')) ?? '';
    expect(finalHeader).toContain('姓名');
    expect(finalHeader).toContain('所在班组');
    expect(await rowTexts(page, '[data-testid="final-table"] tbody .ant-table-row')).toContain(
      '3王五半山甲班半山油库杭州分公司12',
    );
    const header = (await page.textContent('[data-testid="late-table"] thead')) ?? '';
    expect(header).toContain('参赛对象');
    expect(header).toContain('上报班组');
    const rows = await rowTexts(page, '[data-testid="late-table"] tbody .ant-table-row');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toContain('late-p3');
      expect(row).toContain('王五');
      expect(row).toContain('半山甲班');
    }
    expect(rows[1]).toContain('已撤回');
    expect(await page.locator('[data-testid="late-entrant-late-p3"]').first().textContent()).toBe('王五');
    expect(await page.locator('[data-testid="late-crew-late-p3"]').first().textContent()).toBe('半山甲班');
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    await page.screenshot({ path: join(SHOTS, 'console-late-persons.png') });
    expect(problems).toEqual([]);
  });
});
