import type { NotifyPlatform } from '../../schemas/notify.schema.ts';
import type { WebhookTarget } from './webhook-request.ts';

/** At most `count` messages to one robot in any `windowMs`. */
export interface RateWindow {
  count: number;
  windowMs: number;
}

/**
 * The platforms' documented limits per group robot: 企业微信 and 钉钉 20 messages a minute (钉钉
 * then refuses the robot for 10 minutes), 飞书 100 a minute and 5 a second. A burst (公示 of many
 * competitions, a day's standings to one group) is spread out instead of being refused.
 */
export const ROBOT_LIMITS: Readonly<Record<NotifyPlatform, readonly RateWindow[]>> = {
  wecom: [{ count: 20, windowMs: 60_000 }],
  dingtalk: [{ count: 20, windowMs: 60_000 }],
  feishu: [
    { count: 100, windowMs: 60_000 },
    { count: 5, windowMs: 1_000 },
  ],
};

export interface RobotPacer {
  /** How long until this robot may take another message (0: now). */
  waitMs(target: WebhookTarget, nowMs: number): number;
  /** A message was posted to this robot (whatever the answer: the platform counted it). */
  posted(target: WebhookTarget, nowMs: number): void;
}

/** Keyed by the webhook address: two channels pointing at one robot share its limit. */
export function createRobotPacer(
  limits: Readonly<Record<NotifyPlatform, readonly RateWindow[]>> = ROBOT_LIMITS,
): RobotPacer {
  const postedAt = new Map<string, number[]>();
  const longest = (platform: NotifyPlatform) => Math.max(0, ...limits[platform].map((w) => w.windowMs));

  /** The robot's posts still inside its longest window, oldest first (older ones dropped). */
  function recent(target: WebhookTarget, nowMs: number): number[] {
    const times = postedAt.get(target.webhookUrl) ?? [];
    const from = nowMs - longest(target.platform);
    let drop = 0;
    while (drop < times.length && (times[drop] as number) <= from) drop += 1;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) postedAt.delete(target.webhookUrl);
    return times;
  }

  return {
    waitMs(target, nowMs) {
      const times = recent(target, nowMs);
      let wait = 0;
      for (const { count, windowMs } of limits[target.platform]) {
        const inWindow = times.filter((t) => t > nowMs - windowMs);
        // Free once the post `count` back from the newest has left the window.
        if (inWindow.length >= count) {
          wait = Math.max(wait, (inWindow[inWindow.length - count] as number) + windowMs - nowMs);
        }
      }
      return wait;
    },
    posted(target, nowMs) {
      const times = recent(target, nowMs);
      times.push(nowMs);
      postedAt.set(target.webhookUrl, times);
    },
  };
}
