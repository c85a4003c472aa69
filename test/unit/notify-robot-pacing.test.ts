import { describe, expect, it } from 'vitest';
import { createRobotPacer } from '../../services/notify/robot-pacing.ts';
import type { WebhookTarget } from '../../services/notify/webhook-request.ts';

const robot = (platform: WebhookTarget['platform'], key: string): WebhookTarget => ({
  platform,
  webhookUrl: `https://example.invalid/robot/${key}`,
  secret: '',
});

describe('robot pacing (the platforms’ limits per robot)', () => {
  it('企业微信 / 钉钉: the 21st message in a minute waits until the first has left the minute', () => {
    const pacer = createRobotPacer();
    const ding = robot('dingtalk', 'a');
    for (let i = 0; i < 20; i++) {
      expect(pacer.waitMs(ding, 1_000 + i * 100)).toBe(0);
      pacer.posted(ding, 1_000 + i * 100);
    }
    expect(pacer.waitMs(ding, 3_000)).toBe(58_000);
    expect(pacer.waitMs(ding, 60_999)).toBe(1);
    expect(pacer.waitMs(ding, 61_000)).toBe(0);
    pacer.posted(ding, 61_000);
    // The second of the first twenty leaves the minute next.
    expect(pacer.waitMs(ding, 61_000)).toBe(100);
    expect(pacer.waitMs(robot('wecom', 'c'), 61_000)).toBe(0);
  });

  it('飞书: 5 a second and 100 a minute', () => {
    const pacer = createRobotPacer();
    const lark = robot('feishu', 'b');
    for (let i = 0; i < 5; i++) pacer.posted(lark, 10_000);
    expect(pacer.waitMs(lark, 10_500)).toBe(500);
    for (let s = 1; s < 20; s++) for (let i = 0; i < 5; i++) pacer.posted(lark, 10_000 + s * 1_000);
    // 100 in 20 seconds: the minute's limit holds it back beyond the second's.
    expect(pacer.waitMs(lark, 30_000)).toBe(40_000);
    expect(pacer.waitMs(lark, 70_001)).toBe(0);
  });

  it('counts per robot address, so two channels on one robot share its limit', () => {
    const pacer = createRobotPacer();
    for (let i = 0; i < 20; i++) pacer.posted(robot('wecom', 'shared'), 0);
    expect(pacer.waitMs({ ...robot('wecom', 'shared'), secret: 'other channel' }, 1)).toBe(59_999);
    expect(pacer.waitMs(robot('wecom', 'other'), 1)).toBe(0);
  });
});
