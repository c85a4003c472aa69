import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import type { NotifyFact } from '../../services/notify/notify-fact.ts';
import { writeDeliverySteps } from '../../services/storage/notify-deliveries.store.ts';
import { launchChromium } from '../support/browser.ts';
import { confirmPopconfirm, consoleShot, openedDialog, settled, signedInConsolePage } from '../support/console-page.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { apiCaller, freePort } from '../support/spawn-service.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { startWebhookReceiver, type Robot, type WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * 工作群机器人 in the organisers' console, in a real Chromium against the real routes, notifier and
 * delivery worker, with the local receiver standing in for 钉钉 (it checks the documented body and
 * the 加签 signature of every request): an organiser adds a 钉钉 group robot with its secret (the
 * form says when an address belongs to another platform), sends a test message the robot accepts,
 * sees 钉钉's refusal and what to do when the secret is wrong, fixes it without pasting the address
 * again, subscribes a competition to 每日亮晒 and 领先者变化, and follows the delivery log: a message
 * retried after a refusal turns 已送达 by itself, a failed one is sent again with 重发, an uncertain one
 * (the server stopped while sending) only after the organiser confirms. Deleting the
 * group while the competition uses it is refused, naming the competition.
 */
const shot = consoleShot;
const clock = fixedClock('2026-03-10T10:00:00+08:00');
const RETRY_BASE_MS = 60_000;
vi.setConfig({ testTimeout: 120_000 });

let leaderboard: Leaderboard;
let rx: WebhookReceiver;
let robot: Robot;
let base: string;
let browser: Browser;
let page: Page;
let organiser = '';
const problems: string[] = [];
const GROUP = '运营一部安全群';
const admin = () => leaderboard.firstAdminToken ?? '';
const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = organiser) =>
  apiCaller(base, token)<T>(method, path, body);
const card = `[data-testid="subscription-${GROUP}"]`;

function fact(key: string, kind: NotifyFact['kind'], title: string): NotifyFact {
  return {
    key,
    competitionId: 'labour-m3',
    kind,
    title,
    markdown: `## ${title}\n1. **西湖甲班** 120 分\n2. 半山甲班 96 分\n\n[查看大屏排名](https://lb.example.cn/screens/competition.labour-m3)`,
    occurredAt: clock.now().toISOString(),
  };
}

/** Moves the product's clock (and the page's) on, so a retry falls due. */
async function advance(ms: number): Promise<void> {
  clock.set(new Date(clock.now().getTime() + ms).toISOString());
  await page.clock.setFixedTime(clock.now());
}

/** The delivery log's row of a message, found by its title. */
const logRow = (title: string) => `[data-testid="deliveries-table"] .ant-table-row:has-text("${title}")`;
/**
 * The row's status tag reading exactly this status. Not `text=已送达` on the row: an uncertain
 * message's error ("无法确定是否已送达群里") stays on its row while it is pending again, and matched.
 */
const statusIs = (title: string, status: string) =>
  `${logRow(title)} [data-testid="delivery-status"]:text-is("${status}")`;

/**
 * 重发 on a message's row (confirmed when asked), resolved once the console said 已放回待发送, i.e.
 * the server stored the retry. A new toast is waited for: the page's clock is fixed, so antd's
 * toasts (timed with Date.now) never close, and an earlier 重发's toast would match at once.
 */
async function retryInLog(title: string, confirm?: string): Promise<void> {
  const toasts = () =>
    page.$$eval(
      '.ant-message-notice',
      (notices) => notices.filter((n) => n.textContent.includes('已放回待发送')).length,
    );
  const before = await toasts();
  await page.click(`${logRow(title)} [data-testid="retry-delivery"]`);
  if (confirm !== undefined) {
    await page.waitForSelector(`.ant-popconfirm >> text=${confirm}`);
    await confirmPopconfirm(page);
  }
  await waitFor(async () => {
    if ((await toasts()) <= before) throw new Error(`重发 of "${title}": no new 已放回待发送 toast`);
  }, 30_000);
}

async function testMessage(): Promise<{ result: string; answer: string; hint: string | null }> {
  await page.click(`[data-testid="test-channel-${GROUP}"]`);
  await page.waitForSelector('[data-testid="test-result"]');
  await settled(page);
  const outcome = {
    result: (await page.textContent('[data-testid="test-result"]')) ?? '',
    answer: (await page.textContent('[data-testid="test-answer"]')) ?? '',
    hint: await page.$('[data-testid="test-hint"]').then((h) => h?.textContent() ?? null),
  };
  return outcome;
}

async function closeTestResult(): Promise<void> {
  // Once the dialog has zoomed in: a press before may be released off the button (see the in-use notice).
  await openedDialog(page);
  await page.click('[data-testid="close-test-result"]');
  await page.waitForSelector('[data-testid="test-result"]', { state: 'detached' });
}

beforeAll(async () => {
  rx = await startWebhookReceiver({ now: () => clock.now().getTime() });
  leaderboard = await startTestLeaderboard(clock, {
    AUTH_MODE: 'tokens',
    PUBLIC_URL: 'https://lb.example.cn/',
    NOTIFY_MAX_ATTEMPTS: '2',
    NOTIFY_RETRY_BASE_MS: String(RETRY_BASE_MS),
    // The local receiver stands in for oapi.dingtalk.com: allowed as a private deployment's host would be.
    NOTIFY_WEBHOOK_HOSTS: '127.0.0.1',
  });
  const port = await freePort();
  await leaderboard.app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  await api('PUT', '/v1/org', smallOrg, admin());
  await api('PUT', '/v1/competitions/labour-m3', labourCompetition, admin());
  organiser = (
    await api<{ token: string }>('POST', '/v1/tokens', { name: '集团工会 张三', role: 'organiser' }, admin())
  ).token;
  robot = rx.robot('dingtalk', { secret: 'SECc0ffee0123456789abcdef0123456789abcdef0123456789abcdef01234567' });
  browser = await launchChromium();
  page = await signedInConsolePage(browser, { base, token: organiser, now: clock.now(), problems });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await leaderboard.close();
  await rx.close();
});

describe('工作群机器人 in the console', () => {
  it('adds a 钉钉 robot with its 加签 secret: the form says where to find them and catches a wrong address', async () => {
    await page.click('.console-sider >> text=工作群机器人');
    await page.waitForSelector('[data-testid="channels-empty"]');
    await page.click('[data-testid="add-channel"]');
    await page.waitForSelector('[data-testid="channel-form"]');
    await openedDialog(page);
    await page.click('[data-testid="channel-platform"] >> text=钉钉');
    const steps = (await page.textContent('[data-testid="channel-steps"]')) ?? '';
    expect(steps).toContain('“安全设置”勾选“加签”');
    expect(steps).toContain('SEC');
    await page.fill('[data-testid="channel-name"]', GROUP);
    // A 飞书 robot's address with 钉钉 chosen: said at once, and not saved.
    await page.fill('[data-testid="channel-webhook"]', 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c');
    await page.waitForSelector('[data-testid="channel-form"] >> text=这是飞书机器人的地址');
    await page.fill('[data-testid="channel-secret"]', robot.secret);
    // A host of no platform is only warned about in the form; the server refuses it unless its operator allowed it.
    await page.fill('[data-testid="channel-webhook"]', 'http://10.0.0.1/robot/send?access_token=t');
    await page.waitForSelector('[data-testid="channel-form"] >> text=这不是钉钉机器人的地址');
    await page.click('[data-testid="save-channel"]');
    await page.waitForSelector('[data-testid="channel-form"] >> text=不在允许的列表中');
    // The handbook's picture: the form as an organiser fills it with a real 钉钉 address (no warning).
    await page.fill('[data-testid="channel-webhook"]', 'https://oapi.dingtalk.com/robot/send?access_token=8f3a…');
    await page.waitForSelector('[data-testid="channel-form"] >> text=不在允许的列表中', { state: 'detached' });
    await page.waitForSelector('[data-testid="channel-form"] >> text=这不是钉钉机器人的地址', { state: 'detached' });
    // Finite animations over (a focused field's caret blink or an icon's spin never ends).
    await page.waitForFunction(() =>
      document
        .getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
    );
    await page.screenshot(shot('notify-channel'));
    // The local receiver stands in: an allowed host (NOTIFY_WEBHOOK_HOSTS).
    await page.fill('[data-testid="channel-webhook"]', robot.webhookUrl);
    await page.click('[data-testid="channel-units"]');
    await page.keyboard.type('西湖');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.click('[data-testid="save-channel"]');
    await page.waitForSelector('[data-testid="channel-form"]', { state: 'detached' });
    await page.waitForSelector(`[data-testid="channels-table"] .ant-table-row:has-text("${GROUP}")`);
    const row = (await page.textContent(`[data-testid="channels-table"] .ant-table-row`)) ?? '';
    expect(row).toContain('钉钉');
    expect(row).toContain('已加签');
    expect(row).toContain('西湖加油站');
    // The robot's token and the secret are not on the page.
    expect(row).not.toContain(robot.id);
    expect(await page.content()).not.toContain(robot.secret);
    const { channels } = await api<{ channels: { name: string; hasSecret: boolean; unitIds: string[] }[] }>(
      'GET',
      '/v1/notify/channels',
    );
    expect(channels).toMatchObject([{ name: GROUP, hasSecret: true, unitIds: ['U1'] }]);
  });

  it('sends a test message: the robot accepts it, signed with the secret', async () => {
    const outcome = await testMessage();
    expect(outcome.result).toBe('测试消息已发出，钉钉已接受');
    expect(outcome.answer).toBe('errcode 0: ok');
    expect(outcome.hint).toBeNull();
    await settled(page);
    await page.screenshot(shot('notify-test'));
    await closeTestResult();
    const [message] = rx.messages(robot.id);
    expect(rx.messages(robot.id)).toHaveLength(1);
    expect(message?.title).toBe(`测试消息 · ${GROUP}`);
    expect(message?.query['sign']).toBeTruthy();
    expect(rx.refusals).toEqual([]);
  });

  it('a wrong secret: 钉钉 refuses the test message and the console says what to do; fixed without the address', async () => {
    await page.click(`[data-testid="edit-channel-${GROUP}"]`);
    await page.waitForSelector('[data-testid="channel-form"]');
    await openedDialog(page);
    // The address is never shown again: empty keeps it.
    expect(await page.inputValue('[data-testid="channel-webhook"]')).toBe('');
    expect(await page.getAttribute('[data-testid="channel-webhook"]', 'placeholder')).toContain('留空则不改');
    await page.fill('[data-testid="channel-secret"]', 'SECnot-the-robots-secret');
    await page.click('[data-testid="save-channel"]');
    await page.waitForSelector('[data-testid="channel-form"]', { state: 'detached' });

    const refused = await testMessage();
    expect(refused.result).toBe('钉钉没有接受测试消息');
    expect(refused.answer).toBe('errcode 310000: sign not match');
    expect(refused.hint).toContain('签名不对');
    await closeTestResult();
    expect(rx.refusals).toHaveLength(1);
    expect(rx.messages(robot.id)).toHaveLength(1);

    await page.click(`[data-testid="edit-channel-${GROUP}"]`);
    await page.waitForSelector('[data-testid="channel-form"]');
    await openedDialog(page);
    await page.fill('[data-testid="channel-secret"]', robot.secret);
    await page.click('[data-testid="save-channel"]');
    await page.waitForSelector('[data-testid="channel-form"]', { state: 'detached' });
    expect((await testMessage()).result).toBe('测试消息已发出，钉钉已接受');
    await closeTestResult();
    expect(rx.messages(robot.id)).toHaveLength(2);
    expect(rx.refusals).toHaveLength(1);
  });

  it('subscribes the competition: 每日亮晒 at 17:30, 领先者变化, top 5', async () => {
    await page.goto(`${base}/console/competitions/labour-m3`);
    await page.click('.ant-tabs-tab >> text=群消息');
    await page.waitForSelector(card);
    expect(await page.textContent(`${card} .ant-card-extra`)).toBe('未订阅');
    // The group has a unit, so 隐患逾期 is offered.
    expect(await page.isDisabled(`${card} [data-testid="sub-hazardOverdue-switch"]`)).toBe(false);
    await page.click(`${card} [data-testid="sub-daily"] .ant-switch`);
    await page.click(`${card} [data-testid="sub-daily"] .ant-picker input`);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('17:30');
    await page.keyboard.press('Enter');
    await page.click(`${card} [data-testid="sub-leaderChanged-switch"]`);
    await page.fill(`${card} .notify-top input`, '5');
    await page.keyboard.press('Tab');
    expect(await page.textContent(`${card} .ant-card-extra`)).toBe('会收到消息');
    await settled(page);
    await page.screenshot(shot('notify-subscriptions'));
    await page.click('[data-testid="save-subscriptions"]');
    await page.waitForSelector('.ant-message >> text=已保存：1 个群会收到这个竞赛的消息');
    const saved = await api<{ subscriptions: unknown[] }>('GET', '/v1/competitions/labour-m3/notify');
    const { channels } = await api<{ channels: { channelId: string }[] }>('GET', '/v1/notify/channels');
    expect(saved.subscriptions).toEqual([
      {
        channelId: channels[0]?.channelId,
        daily: { at: '17:30' },
        leaderChanged: true,
        veto: false,
        notice: false,
        hazardOverdue: false,
        top: 5,
      },
    ]);
  });

  it('follows a message in the log: 重试中 after 钉钉 refused once, then 已送达 without reloading', async () => {
    const title = '三月劳动竞赛 · 3月10日亮晒';
    rx.failNext(1, 'errcode', robot.id);
    await leaderboard.notify.notifier.post(fact('daily:labour-m3:2026-03-10', 'daily_standings', title));
    await leaderboard.notify.worker.pass();
    await page.click('[data-testid="refresh-deliveries"]');
    await page.waitForSelector(statusIs(title, '重试中'));
    expect(await page.textContent(`${logRow(title)} [data-testid="delivery-error"]`)).toContain('130101');
    await page.waitForSelector('[data-testid="auto-refresh"]');
    expect(await page.$(`${logRow(title)} [data-testid="retry-delivery"]`)).toBeNull();

    await advance(RETRY_BASE_MS * 2);
    await leaderboard.notify.worker.pass();
    // The log looks again by itself while something is on its way.
    await page.waitForSelector(statusIs(title, '已送达'), { timeout: 15_000 });
    await page.waitForSelector('[data-testid="auto-refresh"]', { state: 'detached' });
    const delivered = rx.messages(robot.id).at(-1);
    expect(delivered?.title).toBe(title);
    expect(delivered?.text).toContain('**西湖甲班** 120 分');
    expect(delivered?.query['sign']).toBeTruthy();
    expect(rx.messages(robot.id)).toHaveLength(3);
  });

  it('sends a failed message again with 重发', async () => {
    const title = '三月劳动竞赛 · 领先者变化';
    rx.failNext(2, 'errcode', robot.id);
    await leaderboard.notify.notifier.post(fact('leader:labour-m3:2026-03-10:1:C1', 'leader_changed', title));
    await leaderboard.notify.worker.pass();
    await advance(RETRY_BASE_MS * 2);
    await leaderboard.notify.worker.pass();
    await page.click('[data-testid="refresh-deliveries"]');
    await page.waitForSelector(statusIs(title, '失败'));
    expect(await page.textContent(`${logRow(title)} [data-testid="delivery-error"]`)).toBe(
      'errcode 130101: send too fast, exceed 20 times per minute',
    );
    expect(rx.messages(robot.id)).toHaveLength(3);
    await settled(page);
    await page.locator('[data-testid="delivery-log"]').screenshot(shot('notify-log'));

    await retryInLog(title);
    await leaderboard.notify.worker.pass();
    await page.waitForSelector(statusIs(title, '已送达'), { timeout: 15_000 });
    await waitFor(async () => {
      if (rx.messages(robot.id).length !== 4) throw new Error('not sent again yet');
    });
    expect(rx.messages(robot.id).at(-1)?.title).toBe(title);
    // Each message reached the group once.
    expect(rx.messages(robot.id).filter((m) => m.title === title)).toHaveLength(1);
    await page.waitForSelector('[data-testid="auto-refresh"]', { state: 'detached' });
  });

  it('an uncertain message (the server stopped while sending) is sent again only after the organiser confirms', async () => {
    const title = '三月劳动竞赛 · 3月结果公示';
    const key = 'notice-opened:labour-m3:m3';
    const { channels } = await api<{ channels: { channelId: string }[] }>('GET', '/v1/notify/channels');
    const channelId = channels[0]?.channelId ?? '';
    await api('PUT', '/v1/competitions/labour-m3/notify', {
      subscriptions: [{ channelId, daily: { at: '17:30' }, leaderChanged: true, notice: true, top: 5 }],
    });
    // What a process stopped during the POST leaves behind: the attempt begun, no outcome.
    await leaderboard.notify.worker.stop();
    await leaderboard.notify.notifier.post(fact(key, 'notice_opened', title));
    await writeDeliverySteps(leaderboard.client, [
      {
        deliveryId: `${channelId}:${key}`,
        seq: 1,
        step: 'sending',
        at: clock.now().toISOString(),
        competitionId: 'labour-m3',
        channelId,
        detail: { attempt: 1 },
      },
    ]);
    await leaderboard.notify.worker.start();
    await leaderboard.notify.worker.pass();
    await page.click('[data-testid="refresh-deliveries"]');
    await page.waitForSelector(statusIs(title, '不确定'));
    expect(await page.textContent(`${logRow(title)} [data-testid="delivery-error"]`)).toContain(
      '无法确定是否已送达群里',
    );
    expect(rx.messages(robot.id)).toHaveLength(4);

    // It may already be in the group: the organiser is asked first.
    await retryInLog(title, '重发可能让群里看到两次');
    await leaderboard.notify.worker.pass();
    await page.waitForSelector(statusIs(title, '已送达'), { timeout: 15_000 });
    expect(rx.messages(robot.id).at(-1)?.title).toBe(title);
    expect(rx.messages(robot.id)).toHaveLength(5);
    expect(rx.messages(robot.id).filter((m) => m.title === title)).toHaveLength(1);
  });

  it('refuses to delete the group while the competition posts to it, naming the competition', async () => {
    await page.click('.console-sider >> text=工作群机器人');
    await page.waitForSelector(`[data-testid="channels-table"] .ant-table-row:has-text("${GROUP}")`);
    await page.click(`[data-testid="remove-channel-${GROUP}"]`);
    await confirmPopconfirm(page, '[data-testid="remove-channel-ok"]');
    await page.waitForSelector('[data-testid="channel-in-use"]');
    expect(await page.textContent('[data-testid="channel-in-use"]')).toContain('三月劳动竞赛');
    // The link is pressed once the notice has finished zooming in. The notice is in the page while
    // rc-motion still holds it transparent at full size, and Playwright takes that for stable: on a
    // loaded machine a frame passed between its press and its release, the zoom began (from a fifth
    // of the size, around where 删除 was confirmed), the release landed on the dialog's backdrop, and
    // the click went there instead of to the link: nothing opened (failed once in CI).
    await openedDialog(page);
    await page.click('[data-testid="channel-in-use"] >> text=三月劳动竞赛');
    await page.waitForSelector(card);
    // The notice closed as the competition's page opened.
    await page.waitForSelector('[data-testid="channel-in-use"]', { state: 'detached' });
    expect(page.url()).toBe(`${base}/console/competitions/labour-m3?tab=notify`);
    expect((await api<{ channels: unknown[] }>('GET', '/v1/notify/channels')).channels).toHaveLength(1);
    expect(rx.refusals).toHaveLength(1);
    // No message reached the group a second time, late: 2 test messages and 3 from the outbox.
    expect(rx.messages(robot.id).map((m) => m.title)).toEqual([
      `测试消息 · ${GROUP}`,
      `测试消息 · ${GROUP}`,
      '三月劳动竞赛 · 3月10日亮晒',
      '三月劳动竞赛 · 领先者变化',
      '三月劳动竞赛 · 3月结果公示',
    ]);
    expect(problems).toEqual([]);
  });
});
