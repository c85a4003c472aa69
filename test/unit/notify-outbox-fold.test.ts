import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../schemas/notify.schema.ts';
import { foldDeliveries } from '../../services/notify/delivery-fold.ts';
import { backoffMs } from '../../services/notify/delivery-worker.ts';
import type { NotifyFact } from '../../services/notify/notify-fact.ts';
import { wantsFact } from '../../services/notify/subscriptions.ts';
import { webhookHint } from '../../services/notify/webhook-hint.ts';
import type { DeliveryStepKind, StoredDeliveryStep } from '../../services/storage/notify-deliveries.store.ts';

const fact = {
  key: 'daily:c:2026-03-05',
  kind: 'daily_standings',
  title: 't',
  markdown: 'm',
  occurredAt: '2026-03-05T10:00:00.000Z',
};
const at = (minute: number) => `2026-03-05T10:${String(minute).padStart(2, '0')}:00.000Z`;

function steps(...kinds: [DeliveryStepKind, Record<string, unknown>?][]): StoredDeliveryStep[] {
  return kinds.map(([step, detail], seq) => ({
    deliveryId: 'ch-1:daily:c:2026-03-05',
    seq,
    step,
    at: at(seq),
    competitionId: 'c',
    channelId: 'ch-1',
    detail: seq === 0 ? { fact, channelName: '群', platform: 'feishu' } : (detail ?? {}),
  }));
}

describe('a delivery is the fold of its steps', () => {
  it.each([
    [[['enqueued']], { status: 'pending', attempts: 0, sending: false, nextAttemptAt: at(0) }],
    [[['enqueued'], ['sending']], { status: 'pending', attempts: 1, sending: true }],
    [
      [['enqueued'], ['sending'], ['delivered']],
      { status: 'delivered', attempts: 1, deliveredAt: at(2), nextAttemptAt: undefined },
    ],
    [
      [['enqueued'], ['sending'], ['attempt_failed', { error: 'errcode 45009', nextAttemptAt: at(9) }]],
      { status: 'retrying', attempts: 1, attemptsSinceRetry: 1, lastError: 'errcode 45009', nextAttemptAt: at(9) },
    ],
    [
      [['enqueued'], ['sending'], ['failed', { error: 'HTTP 500' }], ['retry'], ['sending']],
      { status: 'pending', attempts: 2, attemptsSinceRetry: 1, sending: true, lastError: 'HTTP 500' },
    ],
    [
      [['enqueued'], ['sending'], ['uncertain', { error: 'u' }]],
      { status: 'uncertain', sending: false, lastError: 'u' },
    ],
    [
      [['enqueued'], ['sending'], ['uncertain'], ['retry']],
      { status: 'pending', attemptsSinceRetry: 0, nextAttemptAt: at(3), lastSeq: 3 },
    ],
  ] as [[DeliveryStepKind, Record<string, unknown>?][], Record<string, unknown>][])('%j → %j', (kinds, expected) => {
    const [state] = foldDeliveries(steps(...kinds));
    expect(state).toMatchObject({ ...expected, platform: 'feishu', channelName: '群', fact });
  });

  it('a delivery whose enqueued step is missing is left out', () => {
    expect(foldDeliveries(steps(['enqueued'], ['sending']).slice(1))).toEqual([]);
  });
});

describe('backoff', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [8, 640_000],
    [20, 3_600_000],
  ])('after %i failed attempt(s): %i ms', (failed, ms) => {
    expect(backoffMs(failed, 5_000, 3_600_000)).toBe(ms);
  });
});

describe('which channels hear a fact', () => {
  const none: Subscription = {
    channelId: 'ch-1',
    leaderChanged: false,
    veto: false,
    notice: false,
    hazardOverdue: false,
    top: 10,
  };
  const f = (kind: NotifyFact['kind'], unitId?: string): NotifyFact => ({
    ...fact,
    competitionId: 'c',
    kind,
    ...(unitId ? { unitId } : {}),
  });
  it.each([
    [{ daily: { at: '18:00' } }, f('daily_standings'), true],
    [{}, f('daily_standings'), false],
    [{ weekly: { weekday: 1, at: '09:00' } }, f('weekly_ranking'), true],
    [{ leaderChanged: true }, f('leader_changed'), true],
    [{ veto: true }, f('veto'), true],
    [{ veto: true }, f('leader_changed'), false],
    [{ notice: true }, f('notice_opened'), true],
    [{ notice: true }, f('notice_confirmed'), true],
    [{ hazardOverdue: true }, f('hazard_overdue', 'U1'), true],
    [{ hazardOverdue: true }, f('hazard_overdue', 'U2'), false],
    [{ hazardOverdue: true }, f('hazard_overdue'), false],
  ] as [Partial<Subscription>, NotifyFact, boolean][])('%j, %j → %s', (switches, theFact, wanted) => {
    expect(wantsFact({ ...none, ...switches }, { unitIds: ['U1'] }, theFact)).toBe(wanted);
  });
});

describe('webhook hints show the robot, not its key', () => {
  it.each([
    [
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=69…aa',
    ],
    [
      'https://oapi.dingtalk.com/robot/send?access_token=98975521a1b23c02',
      'https://oapi.dingtalk.com/robot/send?access_token=98…02',
    ],
    [
      'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd',
      'https://open.feishu.cn/open-apis/bot/v2/hook/5e…fd',
    ],
    ['http://127.0.0.1:8080/hook?k=abc', 'http://127.0.0.1:8080/hook?k=…'],
    // A stray "%" the URL parser keeps: the hint (and so every channel list) must not throw on it.
    [
      'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07%',
      'https://open.feishu.cn/open-apis/bot/v2/hook/5e…7%',
    ],
  ])('%s → %s', (url, hint) => {
    expect(webhookHint(url)).toBe(hint);
  });
});
