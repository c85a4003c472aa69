import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { ReportList, type Report } from '../../schemas/report.schema.ts';
import { launchChromium } from '../support/browser.ts';
import { cameraPhoto } from './camera-photo.ts';
import { settled, signedInConsolePage } from '../support/console-page.ts';
import { hazardHuntCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * Issue 17's story end to end, in real Chromium on a fixed clock: a reporter on a 360×640 phone
 * reports two hazards with a photo; neither counts while 待审核; the unit's reviewer approves both
 * in the console's 审核 page (level 1 of 2): still nothing counts; the branch's reviewer approves
 * one and rejects the other: the approved one now counts in the standings and on the big screen,
 * the rejected one never does.
 */
const SHOTS = '.tmp/screenshots';
const ADMIN = `lbt_${'e'.repeat(43)}`;
const clock = fixedClock('2026-03-10T10:00:00+08:00');
const COMPETITION = 'ankang-m3';
vi.setConfig({ testTimeout: 180_000 });

let lb: Leaderboard;
let base: string;
let browser: Browser;
const problems: string[] = [];

async function api<T>(method: string, url: string, payload?: unknown, token = ADMIN): Promise<T> {
  const res = await lb.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

const tokenFor = async (body: Record<string, unknown>) =>
  (await api<{ token: string }>('POST', '/v1/tokens', body)).token;

interface StandingsRow {
  crewId: string;
  score: number;
  indicators: { indicatorId: string; points: number }[];
}

/** The hazards found points of each crew, as the standings API answers for the fixed day. */
async function foundPoints(): Promise<Record<string, number | undefined>> {
  const { rows } = await api<{ rows: StandingsRow[] }>(
    'GET',
    `/v1/competitions/${COMPETITION}/standings?asOf=2026-03-10`,
  );
  return Object.fromEntries(rows.map((r) => [r.crewId, r.indicators.find((i) => i.indicatorId === 'found')?.points]));
}

/** The events stored for a crew: the standings are computed from these and nothing else. */
async function storedEvents(crewId: string): Promise<string[]> {
  const rows = await (
    await lb.client.query({
      query: 'SELECT event_id FROM events WHERE crew_id = {crewId:String} ORDER BY event_id',
      query_params: { crewId },
      format: 'JSONEachRow',
    })
  ).json<{ event_id: string }>();
  return rows.map((r) => r.event_id);
}

async function reportAt(location: string): Promise<Report> {
  const { reports } = ReportList.parse(await api('GET', '/v1/reports'));
  const found = reports.find((r) => r.location === location);
  if (!found) throw new Error(`no report at ${location}`);
  return found;
}

async function reportHazard(page: Page, crew: string, location: string, description: string, photo: Buffer) {
  await page.waitForSelector('[data-kind="hazard_found"] form');
  const option = page.getByRole('listbox', { name: '班组' }).getByRole('option', { name: crew });
  await option.click();
  await page.fill('input[name=location]', location);
  await page.fill('textarea[name=description]', description);
  await page.setInputFiles('[data-testid="photo-input"]', { name: 'IMG.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.waitForSelector('[data-testid="thumbs"] img');
  expect(await option.getAttribute('aria-selected')).toBe('true');
  await page.click('[data-testid="submit"]');
  await page.waitForSelector(`[data-testid="outbox"] [data-state="sent"]:has-text("${location}")`);
  // Once sent, the page draws a fresh form: the next report goes into that one.
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[name=location]')?.value === '');
}

/** In the console's 审核 page signed in as the reviewer: decides the rows with these texts. */
async function decideInConsole(
  page: Page,
  rows: string[],
  decision: 'approve' | 'reject',
  note: string,
  done: () => Promise<void>,
): Promise<void> {
  await page.goto(`${base}/console/review`);
  for (const text of rows) {
    const row = page.locator(`[data-testid="review-table"] .ant-table-row:has-text("${text}")`);
    await row.waitFor();
    await row.locator('.ant-checkbox-input').check();
  }
  await page.click(`[data-testid="review-${decision}"]`);
  await settled(page);
  await page.fill('[data-testid="review-note"]', note);
  await page.click('[data-testid="review-confirm"]');
  await waitFor(done);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  lb = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN });
  await api('PUT', '/v1/org', { ...smallOrg, targets: [] });
  await api('PUT', `/v1/competitions/${COMPETITION}`, hazardHuntCompetition);
  await api('PUT', '/v1/screens/hazards', {
    name: { zh: '隐患排查', en: 'Hazards' },
    views: [{ kind: 'ranking', competitionId: COMPETITION }],
  });
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('a hazard from a phone photo to the standings through two levels of review', () => {
  it('counts once the unit and then the branch approve; a rejected one never counts', async () => {
    const reporter = await tokenFor({ name: '赵安全员', role: 'reporter', unitIds: ['U1'] });
    // Organiser tokens are limited to branches: both reviewers are organisers of B1; the
    // review levels only ask that each level is a different reviewer.
    const unitReviewer = await tokenFor({ name: '西湖站 安全员', role: 'organiser', branchIds: ['B1'] });
    const branchReviewer = await tokenFor({ name: '杭州分公司工会', role: 'organiser', branchIds: ['B1'] });

    // The crews' TV, open all along.
    const { token: display } = await api<{ token: string }>('POST', '/v1/screens/hazards/links', { label: 'e2e' });
    const screen = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await screen.goto(`${base}/screens/hazards?token=${display}`);
    await screen.waitForSelector('body[data-connection="live"] [data-crew-id="C1"]');
    const screenScore = async (crewId: string) =>
      (await screen.textContent(`[data-crew-id="${crewId}"] .c-score`))?.trim();
    expect(await screenScore('C1')).toBe('0.00');

    // The reporter's phone.
    const phone = await browser.newContext({
      viewport: { width: 360, height: 640 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await phone.newPage();
    await page.clock.setFixedTime(clock.now());
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${base}/reporter#t=${reporter}`);
    const photo = await cameraPhoto(browser, 2000, 1500);
    await reportHazard(page, '西湖甲班', '3号加油机旁', '消防沙池缺沙', photo);
    await page.screenshot({ path: join(SHOTS, 'e2e-phone-sent.png') });
    await reportHazard(page, '西湖乙班', '油罐区东侧', '灭火器压力不足', photo);

    const found = await reportAt('3号加油机旁');
    const rejectedLater = await reportAt('油罐区东侧');
    expect(found).toMatchObject({
      status: 'pending',
      event: { type: 'hazard_found', crewId: 'C1' },
      levels: ['单位安全员', '分公司工会'],
      approvedLevels: 0,
      reportedBy: '赵安全员',
    });
    expect(found.evidence).toHaveLength(1);
    expect(rejectedLater).toMatchObject({ status: 'pending', event: { crewId: 'C2' } });
    // 待审核: no event stored, nothing counts.
    expect(await storedEvents('C1')).toEqual([]);
    expect(await foundPoints()).toMatchObject({ C1: 0, C2: 0 });

    // Level 1: the unit's reviewer approves both in the console, photos beside them.
    const unitConsole = await signedInConsolePage(browser, { base, token: unitReviewer, now: clock.now(), problems });
    await unitConsole.goto(`${base}/console/review`);
    await unitConsole.waitForSelector('[data-testid="review-table"] .ant-table-row:has-text("消防沙池缺沙")');
    // The photos themselves, loaded and drawn (not a broken image).
    await waitFor(async () =>
      expect(
        await unitConsole.$$eval('[data-testid="review-table"] img.review-photo', (imgs) =>
          imgs.map((i) => (i as HTMLImageElement).naturalWidth),
        ),
      ).toEqual([1600, 1600]),
    );
    expect(await unitConsole.textContent('[data-testid="review-table"]')).toContain('第 1/2 级：单位安全员');
    await settled(unitConsole);
    await unitConsole.screenshot({ path: join(SHOTS, 'e2e-review-queue-unit.png') });
    await decideInConsole(unitConsole, ['消防沙池缺沙', '灭火器压力不足'], 'approve', '现场核实属实', async () => {
      expect(await reportAt('3号加油机旁')).toMatchObject({ status: 'pending', approvedLevels: 1 });
      expect(await reportAt('油罐区东侧')).toMatchObject({ status: 'pending', approvedLevels: 1 });
    });
    // One level of two: still nothing counts.
    expect([...(await storedEvents('C1')), ...(await storedEvents('C2'))]).toEqual([]);
    expect(await foundPoints()).toMatchObject({ C1: 0, C2: 0 });

    // Level 2: the branch's reviewer approves one and rejects the other.
    const branchConsole = await signedInConsolePage(browser, {
      base,
      token: branchReviewer,
      now: clock.now(),
      problems,
    });
    await branchConsole.goto(`${base}/console/review`);
    await branchConsole.waitForSelector(
      '[data-testid="review-table"] .ant-table-row:has-text("消防沙池缺沙"):has-text("第 2/2 级：分公司工会")',
    );
    await settled(branchConsole);
    await branchConsole.screenshot({ path: join(SHOTS, 'e2e-review-queue-branch.png') });
    await decideInConsole(branchConsole, ['灭火器压力不足'], 'reject', '照片与地点不符', async () => {
      expect(await reportAt('油罐区东侧')).toMatchObject({
        status: 'rejected',
        rejection: { reason: '照片与地点不符', by: '杭州分公司工会' },
        eventId: null,
      });
    });
    await decideInConsole(branchConsole, ['消防沙池缺沙'], 'approve', '同意', async () => {
      expect(await reportAt('3号加油机旁')).toMatchObject({
        status: 'approved',
        approvedLevels: 2,
        eventId: `report-${found.reportId}`,
      });
    });
    expect(await storedEvents('C1')).toEqual([`report-${found.reportId}`]);
    expect(await storedEvents('C2')).toEqual([]);
    // Counted: in the standings and live on the TV, once.
    await waitFor(async () => expect(await foundPoints()).toMatchObject({ C1: 2, C2: 0 }));
    await waitFor(async () => expect(await screenScore('C1')).toBe('2.00'));
    expect(await screenScore('C2')).toBe('0.00');
    await screen.screenshot({ path: join(SHOTS, 'e2e-screen-counted.png') });

    // The rejected report cannot be approved afterwards.
    const again = await lb.app.inject({
      method: 'POST',
      url: '/v1/reports/review',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { reportIds: [rejectedLater.reportId], decision: 'approved' },
    });
    expect(again.json<{ results: { ok: boolean }[] }>().results).toMatchObject([{ ok: false }]);
    expect(await storedEvents('C2')).toEqual([]);

    // The reporter reads both outcomes on the phone.
    await page.getByRole('tab', { name: '我的上报' }).click();
    await page.waitForSelector(`[data-testid="my-reports"] [data-report-id="${rejectedLater.reportId}"]`);
    const mine = await page.textContent('[data-testid="my-reports"]');
    expect(mine).toContain('已通过');
    expect(mine).toContain('退回原因：照片与地点不符');
    await page.screenshot({ path: join(SHOTS, 'e2e-phone-mine.png') });
    expect(problems).toEqual([]);
  });
});
