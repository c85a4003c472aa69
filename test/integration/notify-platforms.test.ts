import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookRequest, type WebhookTarget } from '../../services/notify/webhook-request.ts';
import { sendWebhook } from '../../services/notify/webhook-send.ts';
import { startWebhookReceiver, type RobotPlatform, type WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Each platform's body and signature as the product builds them, POSTed with Node's fetch to the
 * local receiver, which checks them against the documented formats with its own implementation of
 * the signing algorithms. Also: a wrong secret or an old timestamp is refused (and recorded), an
 * over-long 企业微信 message is cut to fit, injected failures come back as failed answers.
 */
const NOW = Date.parse('2026-12-05T10:00:00Z');
let receiver: WebhookReceiver;
const message = {
  title: '安康杯 · 12月5日亮晒',
  markdown:
    '## 安康杯 · 12月5日亮晒\n**第一名** 西湖甲班\n- 2. 西湖乙班\n> 截至 18:00\n[打开大屏](https://lb.example.cn/s/abc)',
};

beforeAll(async () => {
  receiver = await startWebhookReceiver({ now: () => NOW });
});
afterAll(async () => {
  await receiver.close();
});

const send = (target: WebhookTarget, at = NOW, body = message) =>
  sendWebhook(target.platform, webhookRequest(target, body, at), { timeoutMs: 5_000 });

describe('each platform’s documented body and signature', () => {
  afterEach(() => receiver.expectNoRefusals());

  it.each<[RobotPlatform, string]>([
    ['wecom', ''],
    ['dingtalk', 'SEC0123456789abcdef+/='],
    ['dingtalk', ''],
    ['feishu', 'feishu-secret-签名'],
    ['feishu', ''],
  ])('%s (secret %j) is accepted and reads as sent', async (platform, secret) => {
    const robot = receiver.robot(platform, { secret });
    const answer = await send({ platform, webhookUrl: robot.webhookUrl, secret });
    expect(answer.ok, answer.answer).toBe(true);
    const [got] = receiver.messages(robot.id);
    expect(got?.title).toBe(message.title);
    expect(got?.text).toContain('西湖甲班');
    expect(got?.text).toContain('[打开大屏](https://lb.example.cn/s/abc)');
    if (platform === 'dingtalk' && secret !== '') expect(got?.query['timestamp']).toBe(String(NOW));
    if (platform === 'feishu' && secret !== '') expect(got?.body['timestamp']).toBe(String(NOW / 1000));
  });

  it('企业微信: a message over 4096 bytes arrives cut to fit, with its link', async () => {
    const robot = receiver.robot('wecom');
    const rows = Array.from({ length: 300 }, (_, i) => `- ${i + 1}. 某某加油站第${i + 1}班组 ${i} 分`).join('\n');
    const answer = await send({ platform: 'wecom', webhookUrl: robot.webhookUrl, secret: '' }, NOW, {
      title: '每日亮晒',
      markdown: `## 每日亮晒\n${rows}\n[查看全部](https://lb.example.cn/r/1)`,
    });
    expect(answer.ok, answer.answer).toBe(true);
    const text = receiver.messages(robot.id)[0]?.text ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(text.endsWith('[查看全部](https://lb.example.cn/r/1)')).toBe(true);
  });
});

describe('the receiver refuses what the platform would', () => {
  it.each<[RobotPlatform, string]>([
    ['dingtalk', 'errcode 310000'],
    ['feishu', 'code 19021'],
  ])('%s: a wrong secret is refused with %s and recorded', async (platform, code) => {
    const robot = receiver.robot(platform, { secret: 'right' });
    const before = receiver.refusals.length;
    const answer = await send({ platform, webhookUrl: robot.webhookUrl, secret: 'wrong' });
    expect(answer).toMatchObject({ ok: false });
    expect(answer.answer).toContain(code);
    expect(receiver.messages(robot.id)).toEqual([]);
    expect(receiver.refusals.slice(before)).toEqual([
      expect.objectContaining({ robotId: robot.id, reason: expect.stringContaining('does not match') }),
    ]);
  });

  it.each<RobotPlatform>(['dingtalk', 'feishu'])(
    '%s: a signature made more than an hour ago is refused',
    async (platform) => {
      const robot = receiver.robot(platform, { secret: 's' });
      const before = receiver.refusals.length;
      const answer = await send({ platform, webhookUrl: robot.webhookUrl, secret: 's' }, NOW - 2 * 3_600_000);
      expect(answer.ok).toBe(false);
      expect(receiver.refusals.slice(before)[0]?.reason).toContain('more than an hour');
    },
  );

  it('an unknown robot key is refused', async () => {
    const before = receiver.refusals.length;
    const answer = await send({
      platform: 'wecom',
      webhookUrl: `${receiver.url}/cgi-bin/webhook/send?key=nobody`,
      secret: '',
    });
    expect(answer).toEqual({ ok: false, answer: 'errcode 93000: invalid webhook url' });
    expect(receiver.refusals.length).toBe(before + 1);
    expect(() => receiver.expectNoRefusals()).toThrow(/refused/u);
  });
});

describe('injected failures', () => {
  it.each<[RobotPlatform, string]>([
    ['wecom', 'errcode 45009'],
    ['dingtalk', 'errcode 130101'],
    ['feishu', 'code 11232'],
  ])('%s: the next request answers the rate limit (%s), the one after is accepted', async (platform, code) => {
    const robot = receiver.robot(platform, { secret: platform === 'wecom' ? '' : 'k' });
    const target = { platform, webhookUrl: robot.webhookUrl, secret: robot.secret };
    receiver.failNext(1, 'errcode', robot.id);
    const first = await send(target);
    expect(first.ok).toBe(false);
    expect(first.answer).toContain(code);
    expect((await send(target)).ok).toBe(true);
    expect(receiver.messages(robot.id)).toHaveLength(1);
    expect(receiver.requestCount(robot.id)).toBe(2);
  });

  it('HTTP 500 is a failed answer', async () => {
    const robot = receiver.robot('wecom');
    receiver.failNext(2, 'http500', robot.id);
    const target = { platform: 'wecom' as const, webhookUrl: robot.webhookUrl, secret: '' };
    expect((await send(target)).answer).toContain('HTTP 500');
    expect((await send(target)).ok).toBe(false);
    expect((await send(target)).ok).toBe(true);
    expect(receiver.failures.filter((f) => f.robotId === robot.id)).toHaveLength(2);
  });

  it('no answer within the timeout is a failed attempt that says so', async () => {
    const robot = receiver.robot('dingtalk', { secret: 'k' });
    receiver.failNext(1, 'hang', robot.id);
    const request = webhookRequest({ platform: 'dingtalk', webhookUrl: robot.webhookUrl, secret: 'k' }, message, NOW);
    const answer = await sendWebhook('dingtalk', request, { timeoutMs: 300 });
    expect(answer).toEqual({ ok: false, answer: '超时 / no answer within 300 ms' });
    expect(receiver.messages(robot.id)).toEqual([]);
    expect(receiver.failures.at(-1)).toEqual({ robotId: robot.id, kind: 'hang' });
  });

  it('a closed port is a network error, not a throw', async () => {
    const answer = await send({
      platform: 'wecom',
      webhookUrl: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=k',
      secret: '',
    });
    expect(answer.ok).toBe(false);
    expect(answer.answer).toContain('network error');
    expect(answer.answer).not.toContain('key=k');
  });
});
