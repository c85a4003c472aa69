import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { PeriodNotice } from '../../schemas/notice.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { LAN_HOST, lanAddress, launchChromium } from '../support/browser.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';
import { cameraPhoto } from './camera-photo.ts';

/**
 * 异议 from a reporter's phone (360×640, real Chromium, real routes and storage): during the 公示
 * of a competition their crews take part in, the 公示 / 异议 tab shows the frozen results; the
 * reporter objects under a real name with a photo as evidence, sees it waiting, then the
 * organiser's rejection with its reason. A reporter of another branch is offered nothing.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const ADMIN = `lbt_${'p'.repeat(43)}`;
const clock = fixedClock('2026-09-28T12:00:00+08:00');
const SEP = '/v1/competitions/labour-m3/periods/sep';
let lb: Leaderboard;
let base: string;
let browser: Browser;

const competition: CompetitionInput = {
  ...labourCompetition,
  name: { zh: '杭州九月劳动竞赛', en: 'Hangzhou September competition' },
  period: { start: '2026-09-01', end: '2026-12-31' },
  participants: { scope: 'selected', branchIds: ['B1'], unitIds: [], crewIds: [] },
  stages: [{ id: 'sep', name: { zh: '九月', en: 'September' }, start: '2026-09-01', end: '2026-09-29' }],
};

async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function reporterToken(name: string, unitIds: string[]): Promise<string> {
  const res = await api('POST', '/v1/tokens', { name, role: 'reporter', unitIds });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ token: string }>().token;
}

async function phone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(clock.now());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  return { context, page, problems };
}

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, {
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    // The phone's plain-http LAN address in some tests (a name the LAN's DNS gives the server).
    ALLOWED_HOSTS: LAN_HOST,
  });
  expect((await api('PUT', '/v1/org', smallOrg)).statusCode).toBe(200);
  expect((await api('PUT', '/v1/competitions/labour-m3', competition)).statusCode).toBe(200);
  const at = (day: string) => `2026-09-${day}T10:00:00+08:00`;
  const events = [
    { eventId: 's1', crewId: 'C1', type: 'sales', occurredAt: at('02'), volume: 12_000, unit: 'litres' },
    { eventId: 's2', crewId: 'C2', type: 'sales', occurredAt: at('03'), volume: 9_000, unit: 'litres' },
    { eventId: 's3', crewId: 'C3', type: 'sales', occurredAt: at('04'), volume: 20_000, unit: 'litres' },
  ];
  expect((await api('POST', '/v1/events', events)).statusCode).toBeLessThan(300);
  await lb.refresher.idle();
  clock.set('2026-09-30T10:00:00+08:00');
  expect((await api('POST', `${SEP}/close`, { note: '九月结算' })).statusCode).toBe(200);
  clock.set('2026-10-09T09:00:00+08:00');
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('公示 / 异议 on the reporter phone page', () => {
  it('shows the frozen results in 公示 and takes an objection with a photo, then shows the answer', async () => {
    const token = await reporterToken('王明 西湖加油站安全员', ['U1']);
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.getByRole('tab', { name: '公示 / 异议' }).click();
    const card = page.locator('[data-notice="labour-m3/sep"]');
    await card.waitFor();
    expect(await card.getByRole('heading').textContent()).toBe('杭州九月劳动竞赛 · 九月');
    expect(await card.textContent()).toContain('公示期至 2026-10-13（含）');
    // The frozen rows, Hangzhou's crews only, as GET …/standings answers them.
    const frozen = (await api('GET', `${SEP}/standings`)).json<{ rows: { crewId: string }[] }>();
    const shown = await card
      .locator('[data-entrant-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entrant-id')));
    expect(shown).toEqual(frozen.rows.map((r) => r.crewId));
    expect(shown.sort()).toEqual(['C1', 'C2', 'C3']);

    // Sent without a name: the form says what is missing, nothing is sent.
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByText('请填写真实姓名').waitFor();
    await card.getByRole('option', { name: '半山甲班' }).click();
    await card.getByLabel('真实姓名').fill('王明');
    // Filled in, a field is no longer named as missing.
    expect(await card.getByText('请填写真实姓名').count()).toBe(0);
    expect(await card.getByText('请填写异议内容').count()).toBe(1);
    await card.getByLabel('异议内容').fill('半山甲班 9 月 4 日的销量是两天的合计，重复计入');
    await page.setInputFiles('[data-notice="labour-m3/sep"] [data-testid="photo-input"]', {
      name: 'IMG_0100.jpg',
      mimeType: 'image/jpeg',
      buffer: await cameraPhoto(browser),
    });
    await card.locator('[data-testid="thumbs"] img').waitFor();
    await page.screenshot({
      path: join(SHOTS, `reporter-objection-form.${SHOTS.startsWith('test/') ? 'jpg' : 'png'}`),
      fullPage: true,
      ...(SHOTS.startsWith('test/') ? { type: 'jpeg', quality: 80 } : {}),
    });
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByRole('status').filter({ hasText: '异议已提交（半山甲班）' }).waitFor();
    await card.locator('[data-testid="my-objections"] [data-status="open"]').waitFor();

    const notice = (await api('GET', `${SEP}/notice`)).json<PeriodNotice>();
    expect(notice.objections).toHaveLength(1);
    const objection = notice.objections[0];
    expect(objection).toMatchObject({
      entrantId: 'C3',
      realName: '王明',
      what: '半山甲班 9 月 4 日的销量是两天的合计，重复计入',
      by: '王明 西湖加油站安全员',
      status: 'open',
    });
    expect(objection?.evidence).toHaveLength(1);
    // The photo is stored as evidence the organiser can open.
    const photo = await api('GET', `/v1/evidence/${objection?.evidence[0] ?? ''}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    // The form is empty again for another objection.
    expect(await card.getByLabel('真实姓名').inputValue()).toBe('');

    // The organiser rejects it; the reporter reads the answer on the phone.
    const rejected = await api('POST', `${SEP}/objections/${objection?.objectionId ?? ''}/reject`, {
      reason: '经核对 POS 记录，9 月 4 日只有一笔',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    await page.getByRole('button', { name: '刷新' }).click();
    const answered = card.locator('[data-testid="my-objections"] [data-status="rejected"]');
    await answered.waitFor();
    expect(await answered.textContent()).toContain('处理意见：经核对 POS 记录，9 月 4 日只有一笔');
    expect(await answered.textContent()).toContain('已驳回');
    await answered.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(SHOTS, `reporter-objection-answer.${SHOTS.startsWith('test/') ? 'jpg' : 'png'}`),
      ...(SHOTS.startsWith('test/') ? { type: 'jpeg', quality: 80 } : {}),
    });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets a viewer object from a personal link: the 公示 / 异议 tab only, in words (no photos)', async () => {
    const res = await api('POST', '/v1/tokens', { name: '李红 西湖加油站职工', role: 'viewer' });
    expect(res.statusCode, res.body).toBe(201);
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${res.json<{ token: string }>().token}`);
    const card = page.locator('[data-notice="labour-m3/sep"]');
    await card.waitFor();
    // Nothing to report from here: the only tab is 公示 / 异议, and the form takes no photos.
    expect(await page.getByRole('tab').allTextContents()).toEqual(['公示 / 异议']);
    expect(await page.getByTestId('reporter-name').textContent()).toBe('查看人：李红 西湖加油站职工');
    expect(await card.locator('[data-testid="photo-input"]').count()).toBe(0);
    await card.getByRole('option', { name: '西湖甲班' }).click();
    await card.getByLabel('真实姓名').fill('李红');
    await card.getByLabel('异议内容').fill('西湖甲班 9 月 2 日的销量少记了 2000 升');
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByRole('status').filter({ hasText: '异议已提交（西湖甲班）' }).waitFor();
    await page.screenshot({ path: join('.tmp/screenshots', 'reporter-objection-viewer.png'), fullPage: true });
    const notice = (await api('GET', `${SEP}/notice`)).json<PeriodNotice>();
    expect(notice.objections.find((o) => o.by === '李红 西湖加油站职工')).toMatchObject({
      entrantId: 'C1',
      realName: '李红',
      evidence: [],
      status: 'open',
    });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sent again after its answer was lost on the way, is taken once, its photo uploaded once', async () => {
    const token = await reporterToken('赵强 西湖加油站班组长', ['U1']);
    const { context, page, problems } = await phone();
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/evidence')) uploads.push(r.url());
    });
    // The first objection reaches the server and is stored; its answer never reaches the phone.
    let cut = 0;
    await context.route(`**${SEP}/objections`, async (route) => {
      if (cut > 0) return route.continue();
      cut++;
      // Sent from this process, which does not resolve the LAN name as the browser does.
      const stored = await route.fetch({ url: route.request().url().replace(LAN_HOST, '127.0.0.1') });
      expect(stored.status()).toBe(201);
      return route.abort('connectionreset');
    });
    // At a plain-http LAN address, as many phones open the product: the id is made without randomUUID.
    await page.goto(`${lanAddress(base)}/reporter#t=${token}`);
    await page.getByRole('tab', { name: '公示 / 异议' }).click();
    const card = page.locator('[data-notice="labour-m3/sep"]');
    await card.getByRole('option', { name: '西湖乙班' }).click();
    await card.getByLabel('真实姓名').fill('赵强');
    await card.getByLabel('异议内容').fill('西湖乙班 9 月的销量少记了一笔');
    await page.setInputFiles('[data-notice="labour-m3/sep"] [data-testid="photo-input"]', {
      name: 'IMG_0101.jpg',
      mimeType: 'image/jpeg',
      buffer: await cameraPhoto(browser),
    });
    await card.locator('[data-testid="thumbs"] img').waitFor();
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByRole('alert').filter({ hasText: '连不上服务器' }).waitFor();
    // What was typed stays; sent again, the server answers the objection it took the first time.
    expect(await card.getByLabel('异议内容').inputValue()).toBe('西湖乙班 9 月的销量少记了一笔');
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByRole('status').filter({ hasText: '异议已提交（西湖乙班）' }).waitFor();
    const notice = (await api('GET', `${SEP}/notice`)).json<PeriodNotice>();
    const mine = notice.objections.filter((o) => o.by === '赵强 西湖加油站班组长');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ entrantId: 'C2', what: '西湖乙班 9 月的销量少记了一笔', status: 'open' });
    expect(mine[0]?.evidence).toHaveLength(1);
    expect(uploads).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers nothing to a reporter whose crews take no part', async () => {
    const token = await reporterToken('陈刚 北仑加油站安全员', ['U3']);
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.getByRole('tab', { name: '公示 / 异议' }).click();
    await page.getByText('现在没有您所在班组参加的竞赛在公示。').waitFor();
    expect(await page.locator('[data-notice]').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
