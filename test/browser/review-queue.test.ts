import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { launchChromium } from '../support/browser.ts';
import { chooseOption, consoleShot, settled, signedInConsolePage } from '../support/console-page.ts';
import { hazardHuntCompetition, marchAt, smallOrg } from '../support/fixtures.ts';
import { freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';

/**
 * 审核 in the console, in a real Chromium on a fixed clock: the reports waiting in the organiser's
 * scope with their photos (a placeholder where the photo cannot be shown), approved in bulk with a
 * note, one rejected with the reason the reporter then reads.
 */
const shot = consoleShot;
const clock = fixedClock('2026-03-10T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let leaderboard: Leaderboard;
let base: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const admin = () => leaderboard.firstAdminToken ?? '';
let reporter = '';

async function api(method: string, path: string, body?: unknown, token = admin()) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Report {
  reportId: string;
  status: string;
  approvedLevels: number;
  steps: { note: string | null }[];
  rejection: { reason: string } | null;
}
const mine = async () =>
  ((await api('GET', '/v1/reports?mine=true', undefined, reporter)) as { reports: Report[] }).reports;

beforeAll(async () => {
  leaderboard = await startTestLeaderboard(clock, { AUTH_MODE: 'tokens' });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', { ...smallOrg, targets: [] });
  await api('PUT', '/v1/competitions/ankang-m3', hazardHuntCompetition);
  reporter = String(
    (await api('POST', '/v1/tokens', { name: '西湖站 安全员', role: 'reporter', unitIds: ['U1'] })).token,
  );
  const reports: [string, string, string, string][] = [
    ['r-1', 'C1', '3号加油机', '油枪胶管老化开裂'],
    ['r-2', 'C2', '油罐区东侧', '消防沙池缺沙'],
    ['r-3', 'C1', '便利店', '灭火器过期'],
  ];
  for (const [reportId, crewId, location, description] of reports) {
    await api(
      'POST',
      '/v1/reports',
      {
        reportId,
        event: { type: 'hazard_found', crewId, occurredAt: marchAt('09', '09:00:00'), hazardId: `H-${reportId}` },
        location,
        description,
        evidence: [`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`],
      },
      reporter,
    );
  }
  // No competition reviews innovations here: approved at once, for the committee to adopt.
  await api(
    'POST',
    '/v1/reports',
    {
      reportId: 'r-i',
      event: {
        type: 'innovation',
        crewId: 'C2',
        occurredAt: marchAt('05'),
        innovationId: 'I-tray',
        category: 'renovation',
        status: 'submitted',
      },
      description: '加油机防滴漏托盘',
    },
    reporter,
  );
  browser = await launchChromium();
  page = await signedInConsolePage(browser, { base, token: admin(), now: clock.now(), problems });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
});

describe('the review queue', () => {
  it('lists the pending reports with their photos side by side', async () => {
    await page.goto(`${base}/console/review`);
    await page.waitForSelector('[data-testid="review-table"] .ant-table-row');
    expect(await page.locator('[data-testid="review-table"] .ant-table-row').count()).toBe(3);
    // Crew names come with the registry's own answer, which can follow the reports'.
    await page.locator('[data-testid="review-table"] .ant-table-row', { hasText: '西湖甲班' }).first().waitFor();
    const text = await page.textContent('[data-testid="review-table"]');
    expect(text).toContain('油枪胶管老化开裂');
    expect(text).toContain('西湖甲班');
    expect(text).toContain('第 1/2 级：单位安全员');
    // No evidence store here: each photo shows a placeholder, never a broken image.
    await waitFor(async () =>
      expect(await page.locator('[data-testid="evidence-placeholder"]:has-text("照片暂不可看")').count()).toBe(6),
    );
    await settled(page);
    await page.screenshot(shot('review-queue'));
  });

  it('approves two reports at once with a note', async () => {
    await page.locator('[data-testid="review-table"] .ant-table-row:has-text("油枪胶管") .ant-checkbox-input').check();
    await page.locator('[data-testid="review-table"] .ant-table-row:has-text("消防沙池") .ant-checkbox-input').check();
    await page.click('[data-testid="review-approve"]');
    await settled(page);
    await page.fill('[data-testid="review-note"]', '现场核实属实');
    await page.screenshot(shot('review-approve'));
    await page.click('[data-testid="review-confirm"]');
    await waitFor(async () => {
      const byId = new Map((await mine()).map((r) => [r.reportId, r]));
      expect(byId.get('r-1')).toMatchObject({
        status: 'pending',
        approvedLevels: 1,
        steps: [{ note: '现场核实属实' }],
      });
      expect(byId.get('r-2')).toMatchObject({ status: 'pending', approvedLevels: 1 });
      expect(byId.get('r-3')).toMatchObject({ approvedLevels: 0 });
    });
    await page.waitForSelector('[data-testid="review-table"] .ant-table-row:has-text("第 2/2 级：分公司工会")');
  });

  it('rejects one with the reason the reporter reads, and refuses a rejection without one', async () => {
    await page.locator('[data-testid="review-table"] .ant-table-row:has-text("灭火器") .ant-checkbox-input').check();
    await page.click('[data-testid="review-reject"]');
    await settled(page);
    await page.click('[data-testid="review-confirm"]');
    await page.waitForSelector('.ant-message-notice:has-text("驳回必须填写原因")');
    await page.fill('[data-testid="review-note"]', '照片与地点不符，请重拍');
    await page.click('[data-testid="review-confirm"]');
    await waitFor(async () =>
      expect((await mine()).find((r) => r.reportId === 'r-3')).toMatchObject({
        status: 'rejected',
        rejection: { reason: '照片与地点不符，请重拍' },
      }),
    );
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="review-table"] .ant-table-row').length === 2,
    );
    await settled(page);
    await page.screenshot(shot('review-after'));
    expect(problems).toEqual([]);
  });

  it('lets the committee adopt an approved innovation: a new event of the same innovation', async () => {
    await chooseOption(page, '[data-testid="review-status"]', '已通过');
    const row = page.locator('[data-testid="review-table"] .ant-table-row:has-text("防滴漏托盘")');
    await row.waitFor();
    await row.locator('[data-testid="innovation-adopt"]').click();
    await page.waitForSelector('.ant-message-notice:has-text("已记为采纳")');
    const stored = await (
      await leaderboard.client.query({
        query: "SELECT status FROM events WHERE event_id = 'report-r-i-adopted' AND innovation_id = 'I-tray'",
        format: 'JSONEachRow',
      })
    ).json<{ status: string }>();
    expect(stored).toEqual([{ status: 'adopted' }]);
    expect(problems).toEqual([]);
  });
});
