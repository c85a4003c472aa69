import { Registry } from 'prom-client';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createNotify, type NotifyDeps } from '../../services/notify/notify.ts';
import type { NotifyFact } from '../../services/notify/notify-fact.ts';
import { writeDeliverySteps } from '../../services/storage/notify-deliveries.store.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, waitFor } from '../support/test-leaderboard.ts';
import { startWebhookReceiver, type Robot, type WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Messages to the work groups on the real embedded engine: channels and subscriptions through the
 * API (keys and secrets never sent back, viewers refused), facts posted to the notifier reach each
 * subscribed group once through the local receiver (which checks every body and signature), a
 * fact posted twice or after a restart is not posted again, failures are retried with backoff
 * then given up, an organiser's retry sends again, a message left "sending" by a stopped process
 * becomes uncertain and is not re-sent, and the metrics say so.
 */
const clock = fixedClock('2026-03-05T10:00:00+08:00');
const ADMIN = `lbt_${'n'.repeat(43)}`;
const BASE_MS = 60_000;
let lb: Leaderboard;
let rx: WebhookReceiver;
const tokens: Record<string, string> = {};
const robots: Record<'wecom' | 'dingtalk' | 'feishu' | 'unit', Robot> = {} as never;
const channelIds: Record<string, string> = {};

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
async function call(method: Method, url: string, token: string | null = tokens['hq'] ?? ADMIN, payload?: unknown) {
  return lb.app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());

function fact(key: string, kind: NotifyFact['kind'] = 'daily_standings', extra: Partial<NotifyFact> = {}): NotifyFact {
  return {
    key,
    competitionId: 'labour-m3',
    kind,
    title: `三月劳动竞赛 · ${key}`,
    markdown: `## 三月劳动竞赛 · ${key}\n**第一名** 西湖甲班\n[打开大屏](https://lb.example.cn/screens/labour-m3)`,
    occurredAt: clock.now().toISOString(),
    ...extra,
  };
}

/** A second notifier and worker on the test's storage and clock (the test drives them itself). */
const ownNotify = (options: Pick<NotifyDeps, 'pollMs' | 'timers' | 'timeoutMs'>) =>
  createNotify({
    client: lb.client,
    now: clock.now,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    publicUrl: 'https://lb.example.cn',
    webhookHosts: ['127.0.0.1'],
    maxAttempts: 3,
    retryBaseMs: BASE_MS,
    ...options,
  });

async function deliveries(query = '') {
  const res = await call('GET', `/v1/notify/deliveries${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ deliveries: Record<string, unknown>[] }>().deliveries;
}

beforeAll(async () => {
  rx = await startWebhookReceiver({ now: () => clock.now().getTime() });
  lb = await startTestLeaderboard(clock, {
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    PUBLIC_URL: 'https://lb.example.cn/',
    NOTIFY_MAX_ATTEMPTS: '3',
    NOTIFY_RETRY_BASE_MS: String(BASE_MS),
    // The local receiver stands in for the platforms' hosts.
    NOTIFY_WEBHOOK_HOSTS: '127.0.0.1',
  });
  expect((await call('PUT', '/v1/org', ADMIN, smallOrg)).statusCode).toBe(200);
  expect((await call('PUT', '/v1/competitions/labour-m3', ADMIN, labourCompetition)).statusCode).toBe(200);
  for (const [key, body] of [
    ['hq', { name: 'HQ 工会', role: 'organiser' }],
    ['viewer', { name: '班组长 李四', role: 'viewer' }],
    ['ningbo', { name: '宁波分公司工会', role: 'organiser', branchIds: ['B2'] }],
  ] as const) {
    const res = await call('POST', '/v1/tokens', ADMIN, body);
    expect(res.statusCode, res.body).toBe(201);
    tokens[key] = res.json<{ token: string }>().token;
  }
  robots.wecom = rx.robot('wecom');
  robots.dingtalk = rx.robot('dingtalk', { secret: 'SECdingtalk0123456789abcdef' });
  robots.feishu = rx.robot('feishu', { secret: 'feishu-sign-secret' });
  robots.unit = rx.robot('wecom');
});
afterAll(async () => {
  await lb.close();
  await rx.close();
});
afterEach(() => rx.expectNoRefusals());

describe('channels', () => {
  it('are created by organisers; the key and the secret are never sent back', async () => {
    for (const [key, name, unitIds] of [
      ['wecom', '西湖站企业微信群', []],
      ['dingtalk', '杭州分公司钉钉群', []],
      ['feishu', '工会飞书群', []],
      ['unit', '西湖站安全群', ['U1']],
    ] as const) {
      const robot = robots[key];
      const res = await call('POST', '/v1/notify/channels', tokens['hq'], {
        name,
        platform: robot.platform,
        webhookUrl: robot.webhookUrl,
        ...(robot.secret ? { secret: robot.secret } : {}),
        unitIds,
      });
      expect(res.statusCode, res.body).toBe(201);
      const channel = res.json<Record<string, unknown>>();
      expect(channel).toMatchObject({
        name,
        platform: robot.platform,
        hasSecret: robot.secret !== '',
        createdBy: 'HQ 工会',
      });
      expect(channel['channelId']).toMatch(/^ch-[0-9a-f]{8}$/u);
      expect(channel['webhookHint']).toContain('…');
      channelIds[key] = String(channel['channelId']);
    }
    const list = await call('GET', '/v1/notify/channels');
    expect(list.statusCode).toBe(200);
    expect(list.json<{ channels: unknown[] }>().channels).toHaveLength(4);
    for (const robot of Object.values(robots)) {
      expect(list.body).not.toContain(robot.id.slice(8));
      if (robot.secret) expect(list.body).not.toContain(robot.secret);
    }
    expect(list.body).not.toMatch(/"secret"|"webhookUrl"/u);
  });

  it('refuse a webhook on a host neither a platform’s nor NOTIFY_WEBHOOK_HOSTS’s, on create and on change, storing nothing', async () => {
    // The server posts wherever a channel says: an internal service's address must never be one.
    for (const webhookUrl of [
      'http://10.0.0.5:8123/?query=SELECT%201',
      'http://localhost:8123/?query=SELECT%201',
      'https://oapi.dingtalk.com.evil.example/robot/send?access_token=x',
    ]) {
      const res = await call('POST', '/v1/notify/channels', tokens['hq'], {
        name: '内网',
        platform: 'wecom',
        webhookUrl,
      });
      expect(res.statusCode, webhookUrl).toBe(422);
      expect(res.json()).toMatchObject({
        error: { code: 'webhook_host_not_allowed', details: [{ path: 'body.webhookUrl' }] },
      });
      expect(res.json<{ error: { message: string } }>().error.message).toContain('NOTIFY_WEBHOOK_HOSTS');
    }
    const changed = await call('PUT', `/v1/notify/channels/${channelIds['wecom'] ?? ''}`, tokens['hq'], {
      name: '西湖站企业微信群',
      platform: 'wecom',
      webhookUrl: 'http://169.254.169.254/latest/meta-data',
      unitIds: [],
    });
    expect(changed.statusCode).toBe(422);
    const list = await call('GET', '/v1/notify/channels');
    expect(list.json<{ channels: unknown[] }>().channels).toHaveLength(4);
    expect(list.body).not.toContain('169.254');
  });

  it('refuse viewers and callers without a token on every route', async () => {
    const routes: [Method, string][] = [
      ['GET', '/v1/notify/channels'],
      ['POST', '/v1/notify/channels'],
      ['PUT', `/v1/notify/channels/${channelIds['wecom'] ?? ''}`],
      ['DELETE', `/v1/notify/channels/${channelIds['wecom'] ?? ''}`],
      ['POST', `/v1/notify/channels/${channelIds['wecom'] ?? ''}/test`],
      ['GET', '/v1/competitions/labour-m3/notify'],
      ['PUT', '/v1/competitions/labour-m3/notify'],
      ['GET', '/v1/notify/deliveries'],
      ['POST', `/v1/notify/deliveries/${encodeURIComponent('x:y')}/retry`],
    ];
    for (const [method, url] of routes) {
      expect((await call(method, url, tokens['viewer'], method === 'GET' ? undefined : {})).statusCode, url).toBe(403);
      expect((await call(method, url, null, method === 'GET' ? undefined : {})).statusCode, url).toBe(401);
    }
    expect(rx.requestCount()).toBe(0);
  });

  it('a test message reaches each group signed, and says what the platform answered', async () => {
    for (const key of ['wecom', 'dingtalk', 'feishu'] as const) {
      const res = await call('POST', `/v1/notify/channels/${channelIds[key] ?? ''}/test`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json(), key).toEqual({ ok: true, answer: key === 'feishu' ? 'code 0: success' : 'errcode 0: ok' });
      const [message] = rx.messages(robots[key].id);
      expect(message?.title).toContain('测试消息');
      expect(message?.text).toContain('https://lb.example.cn)');
    }
  });

  it('keeps the address and the secret when an update omits them; "" removes the secret', async () => {
    const id = channelIds['dingtalk'] ?? '';
    // Neither the address nor the secret is sent: the console never has them.
    const kept = await call('PUT', `/v1/notify/channels/${id}`, tokens['hq'], {
      name: '杭州分公司钉钉群（新）',
      platform: 'dingtalk',
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ name: '杭州分公司钉钉群（新）', hasSecret: true });
    // Still the same robot, signed with the stored secret: the receiver accepts it.
    const before = rx.messages(robots.dingtalk.id).length;
    expect((await call('POST', `/v1/notify/channels/${id}/test`)).json()).toMatchObject({ ok: true });
    expect(rx.messages(robots.dingtalk.id)).toHaveLength(before + 1);
    const scratch = await call('POST', '/v1/notify/channels', tokens['hq'], {
      name: '临时群',
      platform: 'dingtalk',
      webhookUrl: rx.robot('dingtalk', { secret: 'S' }).webhookUrl,
      secret: 'S',
    });
    const scratchId = scratch.json<{ channelId: string }>().channelId;
    const removed = await call('PUT', `/v1/notify/channels/${scratchId}`, tokens['hq'], {
      name: '临时群',
      platform: 'dingtalk',
      webhookUrl: rx.robot('dingtalk').webhookUrl,
      secret: '',
    });
    expect(removed.json()).toMatchObject({ hasSecret: false });
    expect((await call('DELETE', `/v1/notify/channels/${scratchId}`)).statusCode).toBe(204);
    expect((await call('GET', '/v1/notify/channels')).json<{ channels: unknown[] }>().channels).toHaveLength(4);
  });

  it('a wrong secret: the test answers ok=false with the platform’s refusal (recorded by the receiver)', async () => {
    const robot = rx.robot('feishu', { secret: 'right' });
    const created = await call('POST', '/v1/notify/channels', tokens['hq'], {
      name: '错误密钥',
      platform: 'feishu',
      webhookUrl: robot.webhookUrl,
      secret: 'wrong',
    });
    const id = created.json<{ channelId: string }>().channelId;
    const res = await call('POST', `/v1/notify/channels/${id}/test`);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ ok: boolean; answer: string }>()).toMatchObject({
      ok: false,
      answer: expect.stringContaining('19021'),
    });
    expect(rx.refusals.map((r) => r.robotId)).toEqual([robot.id]);
    rx.clearRefusals();
    expect((await call('DELETE', `/v1/notify/channels/${id}`)).statusCode).toBe(204);
  });
});

describe('subscriptions', () => {
  it('refuse an unknown or repeated channel, then save', async () => {
    const unknown = await call('PUT', '/v1/competitions/labour-m3/notify', tokens['hq'], {
      subscriptions: [{ channelId: 'ch-00000000', leaderChanged: true }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ error: { code: 'channel_not_found' } });
    const twice = await call('PUT', '/v1/competitions/labour-m3/notify', tokens['hq'], {
      subscriptions: [{ channelId: channelIds['wecom'] }, { channelId: channelIds['wecom'] }],
    });
    expect(twice.statusCode).toBe(422);
    const saved = await call('PUT', '/v1/competitions/labour-m3/notify', tokens['hq'], {
      subscriptions: [
        { channelId: channelIds['wecom'], daily: { at: '18:00' }, veto: true },
        { channelId: channelIds['dingtalk'], daily: { at: '18:00' }, weekly: { weekday: 1, at: '09:00' }, top: 5 },
        { channelId: channelIds['feishu'], daily: { at: '18:30' }, notice: true },
        { channelId: channelIds['unit'], hazardOverdue: true },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const got = await call('GET', '/v1/competitions/labour-m3/notify');
    expect(got.json()).toMatchObject({
      competitionId: 'labour-m3',
      subscriptions: [
        { channelId: channelIds['wecom'], daily: { at: '18:00' }, veto: true, leaderChanged: false, top: 10 },
        { channelId: channelIds['dingtalk'], weekly: { weekday: 1, at: '09:00' }, top: 5 },
        { channelId: channelIds['feishu'], notice: true },
        { channelId: channelIds['unit'], hazardOverdue: true },
      ],
    });
    expect((await lb.notify.notifier.subscriptions()).get('labour-m3')).toHaveLength(4);
    expect((await call('GET', '/v1/competitions/nope/notify')).statusCode).toBe(404);
  });

  it('a channel in use cannot be deleted: 409 naming the competition', async () => {
    const res = await call('DELETE', `/v1/notify/channels/${channelIds['feishu'] ?? ''}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: { code: 'channel_in_use', message: expect.stringContaining('labour-m3') },
    });
  });
});

describe('delivering facts', () => {
  const count = (key: keyof typeof robots) => rx.messages(robots[key].id).length;
  let before: Record<string, number> = {};
  const snapshot = () =>
    (before = Object.fromEntries(Object.keys(robots).map((k) => [k, count(k as keyof typeof robots)])));
  const added = (key: keyof typeof robots) => count(key) - (before[key] ?? 0);

  it('each subscribed group hears a fact once, signed; posted twice it is not sent again', async () => {
    snapshot();
    await lb.notify.notifier.post(fact('daily:labour-m3:2026-03-05'));
    await lb.notify.notifier.post(fact('daily:labour-m3:2026-03-05'));
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu'), added('unit')]).toEqual([1, 1, 1, 0]);
    await lb.notify.notifier.post(fact('daily:labour-m3:2026-03-05'));
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu')]).toEqual([1, 1, 1]);
    const feishu = rx.messages(robots.feishu.id).at(-1);
    expect(feishu?.title).toBe('三月劳动竞赛 · daily:labour-m3:2026-03-05');
    expect(feishu?.text).toContain('**第一名** 西湖甲班');
    const log = await deliveries('?competitionId=labour-m3');
    const daily = log.filter((d) => d['factKey'] === 'daily:labour-m3:2026-03-05');
    expect(daily).toHaveLength(3);
    expect(daily).toEqual(
      expect.arrayContaining(
        ['dingtalk', 'feishu', 'wecom'].map((key) =>
          expect.objectContaining({
            deliveryId: `${channelIds[key] ?? ''}:daily:labour-m3:2026-03-05`,
            status: 'delivered',
            attempts: 1,
            kind: 'daily_standings',
          }),
        ),
      ),
    );
  });

  it('a fact for some channels only (fact.channelIds) reaches only those that also subscribe its kind', async () => {
    snapshot();
    const only = [channelIds['dingtalk'] ?? '', channelIds['unit'] ?? ''];
    await lb.notify.notifier.post(fact('daily:labour-m3:2026-03-04', 'daily_standings', { channelIds: only }));
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu'), added('unit')]).toEqual([0, 1, 0, 0]);
    // The others' own post of the same key is theirs: one delivery per channel and key.
    await lb.notify.notifier.post(
      fact('daily:labour-m3:2026-03-04', 'daily_standings', { channelIds: [channelIds['wecom'] ?? ''] }),
    );
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu')]).toEqual([1, 1, 0]);
  });

  it('only the subscribed kinds; an overdue hazard only to its unit’s group', async () => {
    snapshot();
    await lb.notify.notifier.post(fact('veto:labour-m3:2026-03-05:C3:serious-accident', 'veto'));
    await lb.notify.notifier.post(fact('overdue:r-1', 'hazard_overdue', { unitId: 'U1' }));
    await lb.notify.notifier.post(fact('overdue:r-2', 'hazard_overdue', { unitId: 'U3' }));
    await lb.notify.notifier.post(fact('leader:labour-m3:2026-03-05:C1', 'leader_changed'));
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu'), added('unit')]).toEqual([1, 0, 0, 1]);
    expect(rx.messages(robots.unit.id).at(-1)?.title).toContain('overdue:r-1');
  });

  it('after a restart (a new notifier on the same storage) a fact posted again is not sent again', async () => {
    snapshot();
    const restarted = ownNotify({});
    await lb.notify.worker.stop();
    await restarted.worker.start();
    await restarted.notifier.post(fact('daily:labour-m3:2026-03-05'));
    await restarted.worker.pass();
    await restarted.worker.stop();
    await lb.notify.worker.start();
    expect([added('wecom'), added('dingtalk'), added('feishu')]).toEqual([0, 0, 0]);
  });

  it('failed attempts are retried after base × 2^n, then delivered once', async () => {
    snapshot();
    rx.failNext(2, 'errcode', robots.wecom.id);
    const requests = rx.requestCount(robots.wecom.id);
    await lb.notify.notifier.post(fact('veto:labour-m3:2026-03-05:C1:serious-accident', 'veto'));
    await lb.notify.worker.pass();
    const id = `${channelIds['wecom'] ?? ''}:veto:labour-m3:2026-03-05:C1:serious-accident`;
    const first = (await deliveries('?status=retrying')).find((d) => d['deliveryId'] === id);
    expect(first).toMatchObject({
      status: 'retrying',
      attempts: 1,
      lastError: 'errcode 45009: api freq out of limit',
      nextAttemptAt: new Date(clock.now().getTime() + BASE_MS).toISOString(),
    });
    // Not due yet: nothing is sent.
    advance(BASE_MS - 1_000);
    await lb.notify.worker.pass();
    expect(rx.requestCount(robots.wecom.id)).toBe(requests + 1);
    advance(1_000);
    await lb.notify.worker.pass();
    expect(rx.requestCount(robots.wecom.id)).toBe(requests + 2);
    const second = (await deliveries()).find((d) => d['deliveryId'] === id);
    expect(second).toMatchObject({
      status: 'retrying',
      attempts: 2,
      nextAttemptAt: new Date(clock.now().getTime() + 2 * BASE_MS).toISOString(),
    });
    advance(2 * BASE_MS);
    await lb.notify.worker.pass();
    expect(added('wecom')).toBe(1);
    expect((await deliveries()).find((d) => d['deliveryId'] === id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
    });
  });

  it('given up after NOTIFY_MAX_ATTEMPTS: failed in the log; an organiser’s retry sends it once', async () => {
    snapshot();
    rx.failNext(3, 'http500', robots.feishu.id);
    await lb.notify.notifier.post(fact('notice-opened:labour-m3:march', 'notice_opened'));
    for (const wait of [0, BASE_MS, 2 * BASE_MS]) {
      advance(wait);
      await lb.notify.worker.pass();
    }
    const id = `${channelIds['feishu'] ?? ''}:notice-opened:labour-m3:march`;
    const failed = await deliveries('?status=failed');
    expect(failed).toEqual([
      expect.objectContaining({ deliveryId: id, attempts: 3, lastError: expect.stringContaining('HTTP 500') }),
    ]);
    advance(10 * BASE_MS);
    await lb.notify.worker.pass();
    expect(added('feishu')).toBe(0);
    const notYet = await call(
      'POST',
      `/v1/notify/deliveries/${encodeURIComponent(`${channelIds['wecom'] ?? ''}:daily:labour-m3:2026-03-05`)}/retry`,
    );
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json()).toMatchObject({ error: { code: 'delivery_not_retryable' } });
    expect((await call('POST', `/v1/notify/deliveries/${encodeURIComponent('ch-x:nothing')}/retry`)).statusCode).toBe(
      404,
    );
    const retried = await call('POST', `/v1/notify/deliveries/${encodeURIComponent(id)}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ deliveryId: id, status: 'pending' });
    await lb.notify.worker.pass();
    expect(added('feishu')).toBe(1);
    expect((await deliveries()).find((d) => d['deliveryId'] === id)).toMatchObject({
      status: 'delivered',
      attempts: 4,
    });
  });

  it('a message left "sending" by a stopped process is uncertain after the restart and not sent again until retried', async () => {
    snapshot();
    await lb.notify.worker.stop();
    await lb.notify.notifier.post(fact('daily:labour-m3:2026-03-06'));
    const id = `${channelIds['dingtalk'] ?? ''}:daily:labour-m3:2026-03-06`;
    // What a process killed during the POST leaves: the attempt begun, no outcome.
    await writeDeliverySteps(lb.client, [
      {
        deliveryId: id,
        seq: 1,
        step: 'sending',
        at: clock.now().toISOString(),
        competitionId: 'labour-m3',
        channelId: channelIds['dingtalk'] ?? '',
        detail: { attempt: 1 },
      },
    ]);
    // The others of that fact were not begun: they go out after the restart.
    await lb.notify.worker.start();
    await lb.notify.worker.pass();
    expect([added('wecom'), added('dingtalk'), added('feishu')]).toEqual([1, 0, 1]);
    const uncertain = await deliveries('?status=uncertain');
    expect(uncertain).toEqual([
      expect.objectContaining({
        deliveryId: id,
        attempts: 1,
        lastError: expect.stringContaining('may or may not have reached the group'),
      }),
    ]);
    advance(10 * BASE_MS);
    await lb.notify.worker.pass();
    expect(added('dingtalk')).toBe(0);
    expect((await call('POST', `/v1/notify/deliveries/${encodeURIComponent(id)}/retry`)).statusCode).toBe(200);
    await lb.notify.worker.pass();
    expect(added('dingtalk')).toBe(1);
  });

  it('the worker wakes on a post and sets its timer to the next attempt (injected clock and timers)', async () => {
    snapshot();
    const timers: { run: () => void; ms: number }[] = [];
    const notify = ownNotify({
      pollMs: 10 * BASE_MS,
      timers: {
        setTimeout: (run, ms) => {
          const timer = { run, ms };
          timers.push(timer);
          return timer;
        },
        clearTimeout: (handle) => {
          const at = timers.indexOf(handle as (typeof timers)[number]);
          if (at >= 0) timers.splice(at, 1);
        },
      },
    });
    await lb.notify.worker.stop();
    await notify.worker.start();
    await notify.worker.pass();
    // Nothing waiting: the next look is the poll.
    expect(timers.map((t) => t.ms)).toEqual([10 * BASE_MS]);
    rx.failNext(1, 'errcode', robots.wecom.id);
    await notify.notifier.post(fact('veto:labour-m3:2026-03-05:C2:serious-accident', 'veto'));
    await notify.worker.pass();
    expect(rx.failures.at(-1)).toEqual({ robotId: robots.wecom.id, kind: 'errcode' });
    // One timer, due when the retry is (sooner than the poll).
    expect(timers.map((t) => t.ms)).toEqual([BASE_MS]);
    advance(BASE_MS);
    timers.shift()?.run();
    await notify.worker.pass();
    expect(added('wecom')).toBe(1);
    expect(timers.map((t) => t.ms)).toEqual([10 * BASE_MS]);
    await notify.worker.stop();
    expect(timers).toEqual([]);
    await lb.notify.worker.start();
  });

  it('a start while a send is under way waits for its outcome instead of calling it uncertain', async () => {
    snapshot();
    const notify = ownNotify({
      timeoutMs: 300,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
    });
    await lb.notify.worker.stop();
    await notify.worker.start();
    rx.failNext(1, 'hang', robots.wecom.id);
    const hangsBefore = rx.failures.length;
    await notify.notifier.post(fact('veto:labour-m3:2026-03-05:C3:restart-race', 'veto'));
    const passing = notify.worker.pass();
    // The 企业微信 robot holds the POST: a stop and a start come while it is under way.
    await waitFor(async () => {
      if (rx.failures.length === hangsBefore) throw new Error('the POST has not reached the robot yet');
    });
    void notify.worker.stop();
    await notify.worker.start();
    await passing;
    await notify.worker.pass();
    const id = `${channelIds['wecom'] ?? ''}:veto:labour-m3:2026-03-05:C3:restart-race`;
    // Its outcome (no answer: retried later) is the one step after "sending"; nothing called it
    // uncertain. Every stored row is read: two steps with one seq would be read back as one.
    const rows = await lb.client.query({
      query: 'SELECT seq, step FROM notify_delivery_steps WHERE delivery_id = {id:String} ORDER BY seq, step',
      query_params: { id },
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      { seq: 0, step: 'enqueued' },
      { seq: 1, step: 'sending' },
      { seq: 2, step: 'attempt_failed' },
    ]);
    await notify.worker.stop();
    await lb.notify.worker.start();
    // Tried again when due, it reaches the group once.
    advance(BASE_MS);
    await lb.notify.worker.pass();
    expect(added('wecom')).toBe(1);
  });

  it('a burst to one robot is held to its platform’s 20 a minute, the rest sent when the minute allows, each once', async () => {
    // A minute after everything before: the robot's earlier messages are out of its window.
    advance(60_000);
    snapshot();
    const failures = rx.failures.length;
    const only = [channelIds['dingtalk'] ?? ''];
    for (let day = 1; day <= 22; day++)
      await lb.notify.notifier.post(
        fact(`daily:labour-m3:burst-${String(day)}`, 'daily_standings', { channelIds: only }),
      );
    await lb.notify.worker.pass();
    // 钉钉 would refuse the 21st and then the robot for 10 minutes: it waits, pending, not failed.
    expect(added('dingtalk')).toBe(20);
    expect(rx.failures).toHaveLength(failures);
    const waiting = (await deliveries('?status=pending')).filter((d) =>
      String(d['deliveryId']).includes(':daily:labour-m3:burst-'),
    );
    expect(waiting.map((d) => d['attempts'])).toEqual([0, 0]);
    advance(59_000);
    await lb.notify.worker.pass();
    expect(added('dingtalk')).toBe(20);
    advance(1_000);
    await lb.notify.worker.pass();
    expect(added('dingtalk')).toBe(22);
    const titles = rx
      .messages(robots.dingtalk.id)
      .slice(-22)
      .map((m) => m.title);
    expect(new Set(titles).size).toBe(22);
  });

  it('the delivery log filters and limits', async () => {
    expect(await deliveries('?limit=2')).toHaveLength(2);
    const all = await deliveries('?limit=500');
    expect(all.map((d) => d['createdAt'])).toEqual([...all.map((d) => d['createdAt'])].sort().reverse());
    expect((await call('GET', '/v1/notify/deliveries?limit=501')).statusCode).toBe(400);
    expect((await call('GET', '/v1/notify/deliveries?lmit=5')).statusCode).toBe(400);
  });

  it('an organiser limited to a branch neither sees nor changes a group-wide competition’s messages', async () => {
    const ningbo = tokens['ningbo'] ?? '';
    expect((await call('GET', '/v1/competitions/labour-m3/notify', ningbo)).statusCode).toBe(403);
    expect((await call('PUT', '/v1/competitions/labour-m3/notify', ningbo, { subscriptions: [] })).statusCode).toBe(
      403,
    );
    expect((await call('GET', '/v1/notify/deliveries?competitionId=labour-m3', ningbo)).statusCode).toBe(403);
    const own = await call('GET', '/v1/notify/deliveries', ningbo);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ deliveries: [] });
    expect((await deliveries()).length).toBeGreaterThan(0);
    const [failedOne] = await deliveries('?status=delivered');
    const retry = await call(
      'POST',
      `/v1/notify/deliveries/${encodeURIComponent(String(failedOne?.['deliveryId']))}/retry`,
      ningbo,
    );
    expect(retry.statusCode).toBe(403);
    // Nor through the channel the competition posts to: pointing it at another group, posting a
    // test into it or deleting it would change where (and what) HQ's groups hear.
    const hqChannel = `/v1/notify/channels/${channelIds['wecom'] ?? ''}`;
    const redirected = await call('PUT', hqChannel, ningbo, {
      name: '宁波的群',
      platform: 'wecom',
      webhookUrl: robots.unit.webhookUrl,
      unitIds: [],
    });
    expect(redirected.statusCode, redirected.body).toBe(403);
    expect((await call('POST', `${hqChannel}/test`, ningbo)).statusCode).toBe(403);
    expect((await call('DELETE', hqChannel, ningbo)).statusCode).toBe(403);
    const kept = (await call('GET', '/v1/notify/channels')).json<{ channels: { channelId: string; name: string }[] }>();
    expect(kept.channels.find((c) => c.channelId === channelIds['wecom'])?.name).not.toBe('宁波的群');
  });

  it('the metrics count outcomes by platform and show the outbox', async () => {
    const res = await call('GET', '/metrics', ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/notify_deliveries_total\{platform="wecom",outcome="delivered"\} [1-9]/u);
    expect(res.body).toMatch(/notify_deliveries_total\{platform="wecom",outcome="attempt_failed"\} 2/u);
    expect(res.body).toMatch(/notify_deliveries_total\{platform="feishu",outcome="failed"\} 1/u);
    expect(res.body).toMatch(/^notify_outbox_pending 0$/mu);
  });
});
