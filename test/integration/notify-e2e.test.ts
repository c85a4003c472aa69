import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { startWebhookReceiver, type Robot, type WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Messages to the work groups from the real product (embedded engine, the notifier's outbox and
 * delivery worker, the fact sources) to a local receiver standing in for the group robots of
 * 企业微信, 钉钉 (加签) and 飞书 (签名校验), which checks each documented body and signature.
 * One competition is subscribed on a channel of each platform; events make a leader and then
 * another, and a veto; the daily time passes; a reported hazard is overdue (to the groups of its
 * unit only); a stage is closed (公示 across 国庆) and confirmed. Each group gets each fact once,
 * and rebuilding the app over the same data directory (a restart) posts nothing again.
 */
const clock = fixedClock('2026-09-28T12:00:00+08:00');
const ADMIN = `lbt_${'a'.repeat(43)}`;
const PUBLIC_URL = 'https://lb.example.cn';
// The local receiver stands in for the platforms' hosts.
const ENV = { AUTH_MODE: 'tokens', BOOTSTRAP_ADMIN_TOKEN: ADMIN, PUBLIC_URL, NOTIFY_WEBHOOK_HOSTS: '127.0.0.1' };
const ID = 'safety-q3';
let lb: Leaderboard;
let rx: WebhookReceiver;
const robots: Record<'wecom' | 'dingtalk' | 'feishu', Robot> = {} as Record<'wecom' | 'dingtalk' | 'feishu', Robot>;
let organiser = '';

type Method = 'GET' | 'POST' | 'PUT';
async function call(method: Method, url: string, token = ADMIN, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** 安康杯 of the third quarter: hazards found score, overdue ones cost, a serious injury disqualifies. */
const competition: CompetitionInput = {
  name: { zh: '安康杯', en: 'Ankang Cup' },
  kind: 'ankang',
  period: { start: '2026-09-01', end: '2026-12-31' },
  stages: [{ id: 'sep', name: { zh: '九月', en: 'September' }, start: '2026-09-01', end: '2026-09-29' }],
  indicators: [
    {
      id: 'found',
      name: { zh: '发现隐患', en: 'Found' },
      rule: { kind: 'count', event: 'hazard_found', pointsEach: 2 },
    },
    {
      id: 'overdue',
      name: { zh: '超期未整改', en: 'Overdue' },
      rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 3, pointsEach: -10 },
    },
  ],
  vetoes: [
    {
      id: 'serious-injury',
      name: { zh: '重伤事故一票否决', en: 'Serious injury veto' },
      when: { kind: 'incident', severities: ['serious_injury', 'fatality'] },
      effect: { kind: 'disqualify' },
    },
  ],
};

const at = (day: string, time = '10:00:00') => `2026-09-${day}T${time}+08:00`;
const found = (eventId: string, crewId: string) => ({
  eventId,
  crewId,
  type: 'hazard_found',
  occurredAt: at('28', '09:00:00'),
  hazardId: eventId,
});

async function send(events: unknown[]): Promise<void> {
  const res = await call('POST', '/v1/events', ADMIN, events);
  expect(res.json()).toMatchObject({ accepted: events.length });
  await lb.refresher.idle();
}

/** Every message each robot accepted, by title. */
function titles(robot: Robot): string[] {
  return rx.messages(robot.id).map((m) => m.title);
}

/** What each group must have heard, in order of the facts. */
const LEADER_C1 = '安康杯 · 领先者变化';
const expected = {
  leaders: [LEADER_C1, LEADER_C1, LEADER_C1],
  veto: '安康杯 · 一票否决：半山甲班（半山油库）',
  daily: '安康杯 · 9月28日亮晒',
  weekly: '安康杯 · 本周排名（9月22日—9月28日）',
  overdue: '隐患逾期未整改：北仑甲班',
  opened: '安康杯 · 九月结果公示',
  confirmed: '安康杯 · 九月结果确认',
};

/** Runs the fact sources now (as their next tick would) and lets the worker send what they posted. */
async function tick(): Promise<void> {
  await lb.notifySources?.sweep();
  await lb.notify.worker.pass();
}

beforeAll(async () => {
  rx = await startWebhookReceiver({ now: () => clock.now().getTime() });
  robots.wecom = rx.robot('wecom');
  robots.dingtalk = rx.robot('dingtalk', { secret: 'SEC0123456789abcdef' });
  robots.feishu = rx.robot('feishu', { secret: 'feishu-secret-42' });
  lb = await startTestLeaderboard(clock, ENV);
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  const saved = await call('PUT', `/v1/competitions/${ID}`, ADMIN, competition);
  expect(saved.statusCode, saved.body).toBeLessThan(300);
  const token = await call('POST', '/v1/tokens', ADMIN, { name: 'HQ 工会', role: 'organiser' });
  organiser = token.json().token;
  // 北仑 (U3) groups hear of its overdue hazards: 企业微信 is U3's group, 飞书 U1's and U3's, 钉钉 no unit's.
  const units = { wecom: ['U3'], dingtalk: [], feishu: ['U1', 'U3'] };
  const subscriptions = [];
  for (const platform of ['wecom', 'dingtalk', 'feishu'] as const) {
    const robot = robots[platform];
    const res = await call('POST', '/v1/notify/channels', organiser, {
      name: `${platform} 安全群`,
      platform,
      webhookUrl: robot.webhookUrl,
      ...(robot.secret ? { secret: robot.secret } : {}),
      unitIds: units[platform],
    });
    expect(res.statusCode, res.body).toBe(201);
    // 钉钉's group has the day's standings later, and longer.
    const daily = platform === 'dingtalk' ? { daily: { at: '20:00' }, top: 5 } : { daily: { at: '18:00' }, top: 3 };
    subscriptions.push({
      channelId: res.json().channelId as string,
      weekly: { weekday: 1, at: '18:00' },
      leaderChanged: true,
      veto: true,
      notice: true,
      hazardOverdue: true,
      ...daily,
    });
  }
  const subscribed = await call('PUT', `/v1/competitions/${ID}/notify`, organiser, { subscriptions });
  expect(subscribed.statusCode, subscribed.body).toBe(200);
});
afterEach(() => {
  rx.expectNoRefusals();
});
afterAll(async () => {
  await lb.close();
  await rx.close();
});

describe('messages to the work groups, end to end', () => {
  it('a hazard reported for 北仑甲班 on 9-20 and not rectified is overdue since 9-24: its unit’s groups hear it once', async () => {
    const report = await call('POST', '/v1/reports', ADMIN, {
      reportId: 'r-overdue-1',
      event: { type: 'hazard_found', crewId: 'C4', occurredAt: at('20', '09:00:00'), hazardId: 'H-BL-1' },
      location: '油罐区东侧',
      description: '消防通道堆放杂物',
    });
    expect(report.statusCode, report.body).toBe(201);
    expect(report.json().report.status).toBe('approved');
    await lb.refresher.idle();
    await tick();
    await rx.waitForMessages(1, robots.wecom.id);
    await rx.waitForMessages(1, robots.feishu.id);
    expect(titles(robots.wecom)).toEqual([expected.overdue]);
    expect(titles(robots.feishu)).toEqual([expected.overdue]);
    expect(titles(robots.dingtalk)).toEqual([]);
    const text = rx.messages(robots.wecom.id)[0]?.text ?? '';
    // Found 9-20, 3 days to rectify: the last day was 9-23.
    expect(text).toContain('**北仑加油站 · 北仑甲班** 9月20日发现的隐患，整改期限9月23日已过，仍未整改。');
    expect(text).toContain('油罐区东侧');
    expect(text).toContain(`${PUBLIC_URL}/screens/competition.${ID}?crew=C4`);
  });

  it('a first leader, then another overtaking it, then a veto: each group hears each once', async () => {
    // 西湖甲班 finds 2 hazards (4 points), alone ahead of 0.
    await send([found('h-c1-1', 'C1'), found('h-c1-2', 'C1')]);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) {
        expect(titles(robot).filter((t) => t === LEADER_C1)).toHaveLength(1);
      }
    });
    // 西湖乙班 finds 3 (6 points).
    await send([found('h-c2-1', 'C2'), found('h-c2-2', 'C2'), found('h-c2-3', 'C2')]);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) {
        expect(titles(robot).filter((t) => t === LEADER_C1)).toHaveLength(2);
      }
    });
    const leaders = rx.messages(robots.dingtalk.id).filter((m) => m.title === LEADER_C1);
    expect(leaders[0]?.text).toContain('9月28日，**西湖甲班（西湖加油站）** 以 4 分领先，位列第一名。');
    expect(leaders[1]?.text).toContain(
      '9月28日，**西湖乙班（西湖加油站）** 以 6 分超过 西湖甲班（西湖加油站），升至第一名。',
    );
    // 半山甲班: a serious injury.
    await send([
      {
        eventId: 'inc-1',
        crewId: 'C3',
        type: 'incident',
        occurredAt: at('28', '11:00:00'),
        severity: 'serious_injury',
      },
    ]);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) expect(titles(robot)).toContain(expected.veto);
    });
    const veto = rx.messages(robots.feishu.id).find((m) => m.title === expected.veto);
    expect(veto?.text).toContain('触发「重伤事故一票否决」');
    expect(veto?.text).toContain('取消评比资格');
  });

  it('at 18:00 the day’s standings (to the groups asking at 18:00 only) and, on Monday, the week’s ranking', async () => {
    clock.set('2026-09-28T17:59:00+08:00');
    await tick();
    expect(titles(robots.wecom)).not.toContain(expected.daily);
    clock.set('2026-09-28T18:00:00+08:00');
    await tick();
    await waitFor(async () => {
      for (const robot of [robots.wecom, robots.feishu])
        expect(titles(robot)).toEqual(expect.arrayContaining([expected.daily, expected.weekly]));
      expect(titles(robots.dingtalk)).toContain(expected.weekly);
    });
    expect(titles(robots.dingtalk)).not.toContain(expected.daily);
    const daily = rx.messages(robots.wecom.id).find((m) => m.title === expected.daily)?.text ?? '';
    // 6, 4, then 0 for 北仑乙班 (北仑甲班: 2 − 10 = −8; 半山甲班 disqualified).
    expect(daily).toContain('截至9月28日 18:00，共 5 个班组参赛，前 3 名：');
    expect(daily).toContain('- **第1名** 西湖乙班（西湖加油站）\u30006分');
    expect(daily).toContain('- **第2名** 西湖甲班（西湖加油站）\u30004分');
    expect(daily).toContain('- **第3名** 北仑乙班（北仑加油站）\u30000分');
    expect(daily).toContain(`[查看大屏排名](${PUBLIC_URL}/screens/competition.${ID})`);
    const weekly = rx.messages(robots.dingtalk.id).find((m) => m.title === expected.weekly)?.text ?? '';
    expect(weekly).toContain('按 9月22日—9月28日 这 7 天的成绩排名');
  });

  it('a restart the same evening posts nothing again; 西湖甲班 taking the lead back after it is a new change', async () => {
    clock.set('2026-09-28T19:00:00+08:00');
    const before = Object.values(robots).map((r) => rx.requestCount(r.id));
    await lb.close();
    lb = await startTestLeaderboard(clock, ENV);
    await tick();
    await tick();
    expect(Object.values(robots).map((r) => rx.requestCount(r.id))).toEqual(before);
    // 西湖甲班 finds 2 more (8 points, ahead of 6): the day's third change of leader.
    await send([found('h-c1-3', 'C1'), found('h-c1-4', 'C1')]);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) {
        expect(titles(robot).filter((t) => t === LEADER_C1)).toHaveLength(3);
      }
    });
    const back = rx.messages(robots.wecom.id).filter((m) => m.title === LEADER_C1)[2];
    // 20:00: 钉钉's group gets the day's standings now, as they are now, its 5 first.
    clock.set('2026-09-28T20:00:00+08:00');
    await tick();
    const daily = await waitFor(async () => {
      const found = rx.messages(robots.dingtalk.id).find((m) => m.title === expected.daily);
      expect(found).toBeDefined();
      return found?.text ?? '';
    });
    expect(daily).toContain('截至9月28日 20:00，共 5 个班组参赛，前 5 名：');
    // Against yesterday's evening, when all but 北仑甲班 (−8, 5th) shared the first place at 0.
    const lines = daily.split('\n').filter((l) => l.startsWith('- '));
    expect(lines).toEqual([
      '- **第1名** 西湖甲班（西湖加油站）\u30008分',
      '- **第2名** 西湖乙班（西湖加油站）\u30006分 ↓1',
      '- **第3名** 北仑乙班（北仑加油站）\u30000分 ↓2',
      '- **第4名** 北仑甲班（北仑加油站）\u3000-8分 ↑1',
      '- 半山甲班（半山油库）\u3000一票否决',
    ]);
    for (const robot of [robots.wecom, robots.feishu]) {
      expect(titles(robot).filter((t) => t === expected.daily)).toHaveLength(1);
    }
    expect(back?.text).toContain(
      '9月28日，**西湖甲班（西湖加油站）** 以 8 分超过 西湖乙班（西湖加油站），升至第一名。',
    );
  });

  it('closing September opens its 公示 until 10-13, across 国庆; confirming it makes the results final', async () => {
    clock.set('2026-09-30T10:00:00+08:00');
    const closed = await call('POST', `/v1/competitions/${ID}/periods/sep/close`, organiser, { note: '九月结算' });
    expect(closed.statusCode, closed.body).toBe(200);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) expect(titles(robot)).toContain(expected.opened);
    });
    const opened = rx.messages(robots.feishu.id).find((m) => m.title === expected.opened)?.text ?? '';
    // 10-01..07 off; working days 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13 (a Tuesday).
    expect(opened).toContain('结果自9月30日起公示 5 个工作日，至 **2026年10月13日（星期二）**（含）止');
    expect(opened).toContain(`${PUBLIC_URL}/print/competitions/${ID}/periods/sep?title=notice`);

    clock.set('2026-10-14T10:00:00+08:00');
    const confirmed = await call('POST', `/v1/competitions/${ID}/periods/sep/confirm`, organiser, {
      note: '公示期满无异议',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    await waitFor(async () => {
      for (const robot of Object.values(robots)) expect(titles(robot)).toContain(expected.confirmed);
    });
    const final = rx.messages(robots.wecom.id).find((m) => m.title === expected.confirmed)?.text ?? '';
    expect(final).toContain('九月公示期满，无异议，结果已于2026年10月14日确认为**正式结果**。');
  });

  it('each group heard each fact exactly once, and a restart after it all posts nothing again', async () => {
    await lb.close();
    lb = await startTestLeaderboard(clock, ENV);
    await tick();
    await tick();
    const all = [
      ...expected.leaders,
      expected.veto,
      expected.daily,
      expected.weekly,
      expected.opened,
      expected.confirmed,
    ];
    const sorted = (list: string[]) => [...list].sort();
    expect(sorted(titles(robots.dingtalk))).toEqual(sorted(all));
    expect(sorted(titles(robots.wecom))).toEqual(sorted([...all, expected.overdue]));
    expect(sorted(titles(robots.feishu))).toEqual(sorted([...all, expected.overdue]));
    // Every request was accepted (signatures checked), none failed, none refused.
    for (const robot of Object.values(robots)) expect(rx.requestCount(robot.id)).toBe(titles(robot).length);
    const deliveries = (await call('GET', `/v1/notify/deliveries?competitionId=${ID}`, organiser)).json<{
      deliveries: { status: string }[];
    }>().deliveries;
    expect(deliveries).toHaveLength(9 + 9 + 8);
    expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(['delivered']));
  });
});
