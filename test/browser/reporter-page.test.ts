import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { ReportList, type Report } from '../../schemas/report.schema.ts';
import { LAN_HOST, lanAddress, launchChromium } from '../support/browser.ts';
import { cameraPhoto } from './camera-photo.ts';
import { chooseOption, openedDialog, settled, signedInConsolePage } from '../support/console-page.ts';
import { scanQr } from './scan-qr.ts';
import { hazardHuntCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';

/**
 * A reporter on a cheap phone (360×640) in real Chromium against the real routes and storage
 * (POST /v1/evidence into the local evidence folder, POST /v1/reports into the reports table):
 * signs in with the personal link, reports a hazard with a photo over a connection lost
 * mid-submit, reads 我的上报 as reviewed, and is refused once the link is revoked.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? 'test/browser/screenshots' : '.tmp/screenshots';
const ADMIN = `lbt_${'r'.repeat(43)}`;
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const PHONE = {
  viewport: { width: 360, height: 640 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  // The reporters' phones are on Beijing time: the form's default time reads as theirs.
  timezoneId: 'Asia/Shanghai',
};
let lb: Leaderboard;
let base: string;
let browser: Browser;

/** The handbook's pictures are JPEG (UPDATE_SCREENSHOTS=1 writes them); the ones in .tmp are PNG to look at. */
async function shoot(target: Page, name: string): Promise<void> {
  const handbook = SHOTS.startsWith('test/');
  await target.screenshot({
    path: join(SHOTS, `${name}.${handbook ? 'jpg' : 'png'}`),
    ...(handbook ? { type: 'jpeg', quality: 80 } : {}),
  });
}

async function api(method: string, url: string, payload?: unknown) {
  return lb.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: payload as object,
  });
}

/** The reports the server stored at a location, as the API answers them. */
async function storedReports(location: string): Promise<Report[]> {
  const res = await api('GET', '/v1/reports');
  expect(res.statusCode).toBe(200);
  return ReportList.parse(res.json()).reports.filter((r) => r.location === location);
}

async function organiserToken(name: string): Promise<string> {
  const res = await api('POST', '/v1/tokens', { name, role: 'organiser', branchIds: ['B1'] });
  expect(res.statusCode).toBe(201);
  return res.json<{ token: string }>().token;
}

async function review(token: string, reportIds: string[], decision: 'approved' | 'rejected', note?: string) {
  const res = await lb.app.inject({
    method: 'POST',
    url: '/v1/reports/review',
    headers: { authorization: `Bearer ${token}` },
    payload: { reportIds, decision, ...(note === undefined ? {} : { note }) },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json<{ results: { ok: boolean }[] }>().results.every((r) => r.ok)).toBe(true);
}

async function reporterToken(name: string): Promise<{ id: string; token: string }> {
  const res = await api('POST', '/v1/tokens', { name, role: 'reporter', unitIds: ['U1'] });
  expect(res.statusCode).toBe(201);
  return res.json();
}

/** The width and height in a JPEG's start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.readUInt16BE(0)).toBe(0xffd8);
  let at = 2;
  while (at < bytes.length) {
    const marker = bytes.readUInt16BE(at);
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xffc0 && marker <= 0xffc2)
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  throw new Error('no SOF marker');
}

async function phone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  // The form's default time is the phone's clock: fixed, so screenshots do not change by the day.
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
  // Hazards are reviewed at two levels: a report stays 待审核 until both approve.
  const competition = await api('PUT', '/v1/competitions/ankang-m3', hazardHuntCompetition);
  expect(competition.statusCode).toBeLessThan(300);
  base = await lb.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  await lb.close();
});

describe('the reporter phone page', () => {
  it('is handed out from the console as a personal link and QR code that sign the phone in', async () => {
    const problems: string[] = [];
    const organiser = await signedInConsolePage(browser, { base, token: ADMIN, now: clock.now(), problems });
    await organiser.goto(`${base}/console/tokens`);
    await organiser.click('[data-testid="new-token"]');
    await organiser.fill('[data-testid="token-name"]', '赵安全员');
    await openedDialog(organiser);
    await chooseOption(organiser, '[data-testid="token-role"]', '上报人');
    await chooseOption(organiser, '[data-testid="token-units"]', '西湖加油站');
    await organiser.keyboard.press('Escape');
    await organiser.click('[data-testid="create-token"]');
    await organiser.waitForSelector('[data-testid="reporter-qr"] svg');
    const link = (await organiser.textContent('[data-testid="reporter-link-url"]')) ?? '';
    const secret = (await organiser.textContent('[data-testid="new-token-secret"]')) ?? '';
    expect(link).toBe(`${base}/reporter#t=${secret}`);
    // The QR code a phone scans is exactly that link.
    expect(await scanQr(organiser, '[data-testid="reporter-qr"] svg')).toBe(link);
    await settled(organiser);
    await shoot(organiser, 'reporter-link-console');
    expect(problems).toEqual([]);
    await organiser.context().close();

    const { context, page } = await phone();
    await page.goto(link);
    await page.waitForSelector('body[data-sign-in="signed-in"]');
    expect(await page.textContent('[data-testid="reporter-name"]')).toBe('上报人：赵安全员');
    await context.close();
  });

  it('signs in with the personal link and takes the secret off the address', async () => {
    const { token } = await reporterToken('王安全员');
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.waitForSelector('body[data-sign-in="signed-in"]');
    expect(await page.textContent('[data-testid="reporter-name"]')).toBe('上报人：王安全员');
    expect(page.url()).toBe(`${base}/reporter`);
    // Only the crews of the token's unit (U1) are offered.
    expect(await page.getByRole('listbox', { name: '班组' }).getByRole('option').allTextContents()).toEqual([
      '西湖甲班',
      '西湖乙班',
    ]);
    await shoot(page, 'reporter-hazard-form');
    // Reopened later from the phone's home screen, without the link: still signed in.
    await page.goto(`${base}/reporter`);
    await page.waitForSelector('body[data-sign-in="signed-in"]');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a revoked link, and signs out a phone that was signed in with it', async () => {
    const { id, token } = await reporterToken('李班长');
    const { context, page } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.waitForSelector('body[data-sign-in="signed-in"]');
    expect((await api('DELETE', `/v1/tokens/${id}`)).statusCode).toBe(200);
    await page.reload();
    await page.waitForSelector('body[data-sign-in="revoked"]');
    expect(await page.textContent('[data-testid="sign-in-message"]')).toContain('此上报链接已被组织者撤销');
    await shoot(page, 'reporter-revoked');
    // The link itself opened again on another phone.
    const other = await phone();
    await other.page.goto(`${base}/reporter#t=${token}`);
    await other.page.waitForSelector('body[data-sign-in="revoked"]');
    await other.context.close();
    await context.close();
  });

  it('sends a hazard with a resized photo once, across a connection lost mid-submit', async () => {
    const { token } = await reporterToken('张安全员');
    const { context, page, problems } = await phone();
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/evidence')) uploads.push(r.url());
    });
    // The first report POST reaches the server and is stored; its answer is lost with the
    // connection. Routed only once: from then on the page's requests meet setOffline.
    let firstSent: { reportId: string } | undefined;
    await context.route(
      '**/v1/reports',
      async (route) => {
        firstSent = route.request().postDataJSON() as { reportId: string };
        expect((await route.fetch()).status()).toBe(201);
        await context.setOffline(true);
        await route.abort('internetdisconnected');
      },
      { times: 1 },
    );
    await page.goto(`${base}/reporter#t=${token}`);
    await page.waitForSelector('[data-kind="hazard_found"] form');
    await page.fill('input[name=location]', '3号加油机旁');
    await page.fill('textarea[name=description]', '消防沙池缺沙');
    const photo = await cameraPhoto(browser);
    await page.setInputFiles('[data-testid="photo-input"]', {
      name: 'IMG_0001.jpg',
      mimeType: 'image/jpeg',
      buffer: photo,
    });
    await page.waitForSelector('[data-testid="thumbs"] img');
    await page.click('[data-testid="submit"]');

    await page.waitForSelector('[data-testid="outbox"] [data-state="waiting"]');
    // The outbox says why it waits once a send has failed; on a slow machine the draft may show
    // 正在发送 first, so wait for the notice rather than read the text at once.
    await page.waitForSelector('[data-testid="outbox"] [role="status"]:has-text("网络已断开")');
    await shoot(page, 'reporter-waiting');
    // The server has it, the phone does not know: it keeps the draft and retries.
    expect(firstSent).toBeDefined();
    expect((await storedReports('3号加油机旁')).map((r) => r.reportId)).toEqual([firstSent?.reportId]);
    await context.setOffline(false);
    await page.waitForSelector('[data-testid="outbox"] [data-state="sent"]', { timeout: 15_000 });
    await shoot(page, 'reporter-sent');

    // Sent twice (the lost answer), stored once, with the photo uploaded once and resized.
    const stored = await storedReports('3号加油机旁');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      reportId: firstSent?.reportId,
      event: { type: 'hazard_found', crewId: 'C1' },
      location: '3号加油机旁',
      description: '消防沙池缺沙',
      reportedBy: '张安全员',
    });
    expect(uploads).toHaveLength(1);
    expect(stored[0]?.evidence).toHaveLength(1);
    const served = await api('GET', `/v1/evidence/${stored[0]?.evidence[0] ?? ''}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(jpegSize(served.rawPayload)).toEqual({ width: 1600, height: 1200 });
    expect(served.rawPayload.length).toBeLessThan(photo.length / 2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a report from a plain-http LAN address, where the phone has no crypto.randomUUID', async () => {
    const { token } = await reporterToken('孙安全员');
    const { context, page, problems } = await phone();
    await page.goto(`${lanAddress(base)}/reporter#t=${token}`);
    await page.waitForSelector('[data-kind="hazard_found"] form');
    // What a phone at http://192.168.… has: no secure context, so no randomUUID.
    expect(await page.evaluate(() => [isSecureContext, typeof crypto.randomUUID])).toEqual([false, 'undefined']);
    await page.fill('input[name=location]', '东侧卸油口');
    await page.fill('textarea[name=description]', '卸油口静电接地线断开');
    await page.click('[data-testid="submit"]');
    await page.waitForSelector('[data-testid="outbox"] [data-state="sent"]', { timeout: 15_000 });
    const stored = await storedReports('东侧卸油口');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.reportId).toMatch(/^r-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stored[0]).toMatchObject({ description: '卸油口静电接地线断开', reportedBy: '孙安全员' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps what is typed into the next report while a slow upload of the last one finishes', async () => {
    const { token } = await reporterToken('孙安全员');
    const { context, page, problems } = await phone();
    // The photo of the first report uploads slowly: held until the next report is being typed.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route(
      '**/v1/evidence?**',
      async (route) => {
        await held;
        await route.continue();
      },
      { times: 1 },
    );
    await page.goto(`${base}/reporter#t=${token}`);
    await page.waitForSelector('[data-kind="hazard_found"] form');
    const where = page.getByLabel('地点');
    const what = page.getByLabel('情况说明');
    await where.fill('配电房门口');
    await what.fill('灭火器过期');
    await page.setInputFiles('[data-testid="photo-input"]', {
      name: 'IMG_0002.jpg',
      mimeType: 'image/jpeg',
      buffer: await cameraPhoto(browser),
    });
    await page.waitForSelector('[data-testid="thumbs"] img');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForSelector('[data-testid="outbox"] [data-state="sending"]');
    // The form is fresh at once; the next report is typed while the first one's photo uploads.
    expect(await where.inputValue()).toBe('');
    await where.fill('油罐区西侧');
    await what.fill('接地线松动');
    release();
    await page.waitForSelector('[data-testid="outbox"] [data-state="sent"]:has-text("配电房门口")');
    // The upload's end redrew nothing typed.
    expect(await where.inputValue()).toBe('油罐区西侧');
    expect(await what.inputValue()).toBe('接地线松动');
    expect((await storedReports('配电房门口')).map((r) => r.description)).toEqual(['灭火器过期']);
    expect(await storedReports('油罐区西侧')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a 三违 with its kind chosen and two persons ticked (the persons of the chosen crew)', async () => {
    const persons = [
      { id: 'P1', crewId: 'C1', name: '张三' },
      { id: 'P2', crewId: 'C1', name: '李四' },
      { id: 'P3', crewId: 'C2', name: '王五' },
    ];
    expect((await api('PUT', '/v1/org', { ...smallOrg, persons })).statusCode).toBe(200);
    const { token } = await reporterToken('吴安全员');
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.getByRole('option', { name: '三违' }).click();
    await page.waitForSelector('[data-kind="violation"] form');
    // Sent without a kind: the form says what is missing.
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('请填写三违类别').waitFor();
    // Only the chosen crew's persons are offered.
    await page.getByRole('listbox', { name: '班组' }).getByRole('option', { name: '西湖乙班' }).click();
    expect(await page.getByRole('checkbox').count()).toBe(1);
    await page.getByRole('listbox', { name: '班组' }).getByRole('option', { name: '西湖甲班' }).click();
    await page.getByRole('listbox', { name: '三违类别' }).getByRole('option', { name: '违章作业' }).click();
    await page.getByRole('checkbox', { name: '张三' }).check();
    await page.getByRole('checkbox', { name: '李四' }).check();
    await page.getByLabel('情况说明').fill('未按规定佩戴安全帽');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForSelector('[data-testid="outbox"] [data-state="sent"]:has-text("三违")');
    const res = await api('GET', '/v1/reports');
    const stored = ReportList.parse(res.json()).reports.filter((r) => r.reportedBy === '吴安全员');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      event: { type: 'violation', crewId: 'C1', kind: 'operation', personCount: 2 },
      description: '涉及人员：张三、李四\n未按规定佩戴安全帽',
    });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists 我的上报 with 待审核 (levels so far), 已通过 and 已退回 with the reason', async () => {
    const { token } = await reporterToken('钱安全员');
    const unitReviewer = await organiserToken('西湖站长');
    const branchReviewer = await organiserToken('杭州分公司工会');
    const reports: [string, string][] = [
      ['r-1', '配电房'],
      ['r-2', '3号加油机'],
      ['r-3', '油罐区东侧'],
    ];
    for (const [i, [reportId, location]] of reports.entries()) {
      // Reported a minute apart: the list is newest first.
      clock.set(`2026-03-10T12:0${i + 1}:00+08:00`);
      const res = await lb.app.inject({
        method: 'POST',
        url: '/v1/reports',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          reportId,
          event: {
            type: 'hazard_found',
            crewId: 'C1',
            occurredAt: '2026-03-10T09:30:00+08:00',
            hazardId: `hz-${reportId}`,
          },
          location,
          evidence: [],
        },
      });
      expect(res.statusCode).toBe(201);
    }
    await review(unitReviewer, ['r-1', 'r-2'], 'approved');
    await review(branchReviewer, ['r-2'], 'approved');
    await review(unitReviewer, ['r-3'], 'rejected', '照片看不清隐患位置，请重拍');

    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.getByRole('tab', { name: '我的上报' }).click();
    await page.waitForSelector('[data-testid="my-reports"] [data-report-id="r-3"]');
    const rows = await page.$$eval('[data-testid="my-reports"] [data-report-id]', (li) => li.map((x) => x.textContent));
    expect(rows).toEqual([
      expect.stringMatching(/^发现隐患已退回.*油罐区东侧退回原因：照片看不清隐患位置，请重拍$/),
      expect.stringMatching(/^发现隐患已通过.*3号加油机$/),
      expect.stringMatching(/^发现隐患待审核 1\/2.*配电房$/),
    ]);
    await shoot(page, 'reporter-mine');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends the rectification of an open hazard picked from the crew’s list', async () => {
    // 3号加油机 (r-2) was approved at both levels in the test before: it waits for its rectification.
    const { token } = await reporterToken('郑安全员');
    const { context, page, problems } = await phone();
    await page.goto(`${base}/reporter#t=${token}`);
    await page.getByRole('option', { name: '隐患整改' }).click();
    const open = page.getByRole('radio', { name: /3号加油机/ });
    await open.check();
    await page.getByLabel('整改措施').fill('已更换加油枪密封圈');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForSelector('[data-testid="outbox"] [data-state="sent"]:has-text("隐患整改")');
    const res = await api('GET', '/v1/reports');
    const stored = ReportList.parse(res.json()).reports.filter((r) => r.reportedBy === '郑安全员');
    expect(stored).toMatchObject([
      { event: { type: 'hazard_rectified', crewId: 'C1', hazardId: 'hz-r-2' }, description: '已更换加油枪密封圈' },
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
