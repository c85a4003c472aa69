import { describe, expect, it } from 'vitest';
import {
  ChannelRequest,
  ChannelUpdate,
  SubscriptionsRequest,
  type NotifyChannel,
} from '../../schemas/notify.schema.ts';
import {
  answerHint,
  blocksSaving,
  channelToForm,
  competitionsNamedIn,
  formToChannelRequest,
  formToSubscriptions,
  newChannelForm,
  subscriptionsToForm,
  webhookProblem,
} from '../../services/console/web/model/notify-form.ts';

const channel = (over: Partial<NotifyChannel> = {}): NotifyChannel => ({
  channelId: 'ch-0a1b2c3d',
  name: '运营一部安全群',
  platform: 'dingtalk',
  webhookHint: 'https://oapi.dingtalk.com/robot/send?access_token=ab…9f',
  hasSecret: true,
  unitIds: ['U1'],
  createdAt: '2026-12-05T01:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-12-05T01:00:00.000Z',
  ...over,
});

describe('the robot address check', () => {
  it.each([
    ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx', undefined],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=98975521a1b2', undefined],
    ['feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/f19a-77', undefined],
    ['dingtalk', '  https://oapi.dingtalk.com/robot/send?access_token=x  ', undefined],
    ['dingtalk', 'oapi.dingtalk.com/robot/send?access_token=x', 'invalid'],
    ['dingtalk', 'ftp://oapi.dingtalk.com/robot/send?access_token=x', 'invalid'],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=', 'incomplete'],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/send', 'incomplete'],
    ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?', 'incomplete'],
    ['feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/', 'incomplete'],
    ['feishu', 'https://oapi.dingtalk.com/robot/send?access_token=x', 'otherPlatform'],
    ['dingtalk', 'http://127.0.0.1:4100/dingtalk/robot/send?access_token=t', 'otherHost'],
  ] as const)('%s %s → %s', (platform, address, kind) => {
    const problem = webhookProblem(platform, address);
    expect(problem?.kind).toBe(kind);
    // Only a host of no platform may still be saved (a private deployment, a test receiver).
    expect(blocksSaving(problem)).toBe(kind !== undefined && kind !== 'otherHost');
  });

  it('names the platform whose address it is', () => {
    expect(webhookProblem('wecom', 'https://open.feishu.cn/open-apis/bot/v2/hook/x')).toEqual({
      kind: 'otherPlatform',
      platform: 'feishu',
    });
  });
});

describe('a channel through the form', () => {
  it('adds a 钉钉 robot with its 加签 secret, a request the API accepts', () => {
    const request = formToChannelRequest(
      {
        ...newChannelForm(),
        name: ' 运营一部安全群 ',
        webhookUrl: ' https://oapi.dingtalk.com/robot/send?access_token=t ',
        secret: ' SECabc ',
        unitIds: ['U1'],
      },
      false,
    );
    expect(request).toEqual({
      name: '运营一部安全群',
      platform: 'dingtalk',
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      secret: 'SECabc',
      unitIds: ['U1'],
    });
    expect(ChannelRequest.safeParse(request).success).toBe(true);
  });

  it('a new channel without a secret sends none', () => {
    const request = formToChannelRequest({ ...newChannelForm(), name: 'x', webhookUrl: 'https://a.b/c' }, false);
    expect(request).not.toHaveProperty('secret');
  });

  it('an edit starts with the address and the secret empty, and empty keeps the stored ones', () => {
    const form = channelToForm(channel());
    expect(form).toMatchObject({ name: '运营一部安全群', platform: 'dingtalk', webhookUrl: '', secret: '' });
    const request = formToChannelRequest({ ...form, unitIds: ['U1', 'U2'] }, true);
    expect(request).toEqual({ name: '运营一部安全群', platform: 'dingtalk', unitIds: ['U1', 'U2'] });
    expect(ChannelUpdate.safeParse(request).success).toBe(true);
  });

  it('an edit replaces the secret when one is typed, and removes it when asked (empty string)', () => {
    const form = channelToForm(channel());
    expect(formToChannelRequest({ ...form, secret: 'SECnew' }, true).secret).toBe('SECnew');
    expect(formToChannelRequest({ ...form, secret: 'SECnew', removeSecret: true }, true).secret).toBe('');
    expect(formToChannelRequest({ ...form, removeSecret: true }, true).secret).toBe('');
  });

  it('a 企业微信 robot has no secret: none is sent, and one left from another platform is removed', () => {
    const wecom = {
      ...newChannelForm(),
      platform: 'wecom' as const,
      name: 'x',
      webhookUrl: 'https://a.b/c',
      secret: 'SECx',
    };
    expect(formToChannelRequest(wecom, false)).not.toHaveProperty('secret');
    expect(formToChannelRequest(wecom, true).secret).toBe('');
  });
});

describe('subscriptions through the cards', () => {
  const channels = [channel(), channel({ channelId: 'ch-2', name: '飞书群', platform: 'feishu', unitIds: [] })];

  it('gives every channel a card: saved settings where subscribed, switched off with the usual times elsewhere', () => {
    const forms = subscriptionsToForm(channels, [
      {
        channelId: 'ch-0a1b2c3d',
        daily: { at: '17:30' },
        leaderChanged: true,
        veto: false,
        notice: true,
        hazardOverdue: true,
        top: 5,
      },
    ]);
    expect(forms).toEqual([
      {
        channelId: 'ch-0a1b2c3d',
        dailyOn: true,
        dailyAt: '17:30',
        weeklyOn: false,
        weekday: 1,
        weeklyAt: '09:00',
        leaderChanged: true,
        veto: false,
        notice: true,
        hazardOverdue: true,
        top: 5,
      },
      {
        channelId: 'ch-2',
        dailyOn: false,
        dailyAt: '18:00',
        weeklyOn: false,
        weekday: 1,
        weeklyAt: '09:00',
        leaderChanged: false,
        veto: false,
        notice: false,
        hazardOverdue: false,
        top: 10,
      },
    ]);
  });

  it('saves only the cards that ask for something, with the times of what is switched on', () => {
    const [first, second] = subscriptionsToForm(channels, []);
    if (!first || !second) throw new Error('two cards expected');
    const body = formToSubscriptions([
      { ...first, dailyOn: true, dailyAt: '18:30', weeklyOn: false, weeklyAt: '10:00', top: 8 },
      { ...second, dailyAt: '07:00' },
    ]);
    expect(body).toEqual({
      subscriptions: [
        {
          channelId: 'ch-0a1b2c3d',
          daily: { at: '18:30' },
          leaderChanged: false,
          veto: false,
          notice: false,
          hazardOverdue: false,
          top: 8,
        },
      ],
    });
    expect(SubscriptionsRequest.safeParse(body).success).toBe(true);
    const weekly = formToSubscriptions([{ ...second, weeklyOn: true, weekday: 5, weeklyAt: '16:00', veto: true }]);
    expect(weekly.subscriptions[0]).toMatchObject({ weekly: { weekday: 5, at: '16:00' }, veto: true });
    expect(weekly.subscriptions[0]).not.toHaveProperty('daily');
    expect(SubscriptionsRequest.safeParse(weekly).success).toBe(true);
  });
});

describe('what to do about a platform’s refusal', () => {
  it.each([
    ['{"errcode":310000,"errmsg":"sign not match"}', 'sign'],
    ['errcode 310000: keywords not in content', 'keywords'],
    ['{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', 'sign'],
    ['{"code":19024,"msg":"Key Words Not Found"}', 'keywords'],
    ['{"code":19022,"msg":"Ip Not Allowed"}', 'ip'],
    ['{"code":11232,"msg":"frequency limited"}', 'rateLimit'],
    ['{"errcode":45009,"errmsg":"api freq out of limit"}', 'rateLimit'],
    ['{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}', 'rateLimit'],
    ['{"errcode":93000,"errmsg":"invalid webhook url"}', 'address'],
    ['{"errcode":300001,"errmsg":"token is not exist"}', 'address'],
    ['{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}', 'address'],
    ['connect ECONNREFUSED 127.0.0.1:4100', undefined],
    ['{"errcode":1310000}', undefined],
  ] as const)('%s → %s', (answer, hint) => {
    expect(answerHint(answer)).toBe(hint);
  });
});

describe('a channel still in use', () => {
  it('finds the competitions the refusal names, whole ids only', () => {
    const competitions = [{ id: 'sep' }, { id: 'labour-m3' }, { id: 'labour' }, { id: 'ankang-2026' }];
    const message =
      '工作群机器人 "运营一部安全群" 仍被竞赛 labour-m3、ankang-2026 订阅，请先取消订阅 / channel "ch-1" is still subscribed by competition(s) labour-m3, ankang-2026: remove those subscriptions first';
    expect(competitionsNamedIn(message, competitions)).toEqual([{ id: 'labour-m3' }, { id: 'ankang-2026' }]);
  });
});
