import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';
import { PLATFORM_WEBHOOK_HOSTS, refuseWebhookHost, webhookHostAllowed } from '../../services/notify/webhook-hosts.ts';

describe('webhook hosts', () => {
  it.each([
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', PLATFORM_WEBHOOK_HOSTS, true],
    ['https://OAPI.DingTalk.com/robot/send?access_token=abc', PLATFORM_WEBHOOK_HOSTS, true],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/abc', PLATFORM_WEBHOOK_HOSTS, true],
    ['https://open.feishu.cn.example.com/open-apis/bot/v2/hook/abc', PLATFORM_WEBHOOK_HOSTS, false],
    ['https://user@open.feishu.cn@10.0.0.5/x', PLATFORM_WEBHOOK_HOSTS, false],
    ['http://127.0.0.1:8123/?query=SELECT%201', PLATFORM_WEBHOOK_HOSTS, false],
    // The robot's key must not cross the network in clear.
    ['http://oapi.dingtalk.com/robot/send?access_token=abc', PLATFORM_WEBHOOK_HOSTS, false],
    ['http://127.0.0.1:8123/x', ['127.0.0.1'], true],
    ['http://127.0.0.1:8123/x', ['127.0.0.1:9000'], false],
    ['http://127.0.0.1:9000/x', ['127.0.0.1:9000'], true],
    ['not a url', ['not a url'], false],
  ] as const)('%s with %j: %s', (url, allowed, expected) => {
    expect(webhookHostAllowed(url, allowed)).toBe(expected);
  });

  it('refuses a platform’s address over http with its own words', () => {
    expect(() =>
      refuseWebhookHost('http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', PLATFORM_WEBHOOK_HOSTS),
    ).toThrow(/https:\/\//u);
    expect(() => refuseWebhookHost('http://10.0.0.5/x', PLATFORM_WEBHOOK_HOSTS)).toThrow(/NOTIFY_WEBHOOK_HOSTS/u);
  });

  it('are the platforms’ own, plus NOTIFY_WEBHOOK_HOSTS, lower-cased', () => {
    expect(parseConfig({}).notify.webhookHosts).toEqual(PLATFORM_WEBHOOK_HOSTS);
    expect(parseConfig({ NOTIFY_WEBHOOK_HOSTS: 'Robot.Corp.example,10.1.2.3:8080' }).notify.webhookHosts).toEqual([
      ...PLATFORM_WEBHOOK_HOSTS,
      'robot.corp.example',
      '10.1.2.3:8080',
    ]);
    expect(() => parseConfig({ NOTIFY_WEBHOOK_HOSTS: 'a b' })).toThrow(/NOTIFY_WEBHOOK_HOSTS/u);
  });
});
