import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { StoredChannel } from '../storage/notify-channels.store.ts';
import {
  loadOpenDeliverySteps,
  writeDeliverySteps,
  type StoredDeliveryStep,
} from '../storage/notify-deliveries.store.ts';
import { foldDeliveries, type DeliveryState } from './delivery-fold.ts';
import type { NotifyMetrics } from './notify-metrics.ts';
import type { WebhookAnswer, WebhookMessage, WebhookTarget } from './webhook-request.ts';

/** setTimeout/clearTimeout, injected so tests can drive the worker. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DeliveryWorker {
  /** Marks deliveries left "sending" by a previous process uncertain, then starts sending (after a pass still running). */
  start(): Promise<void>;
  /** Something was enqueued or retried: look now rather than at the next poll. */
  wake(): void;
  /** One pass over the outbox now (tests; the timer runs the same). Resolves when it is done. */
  pass(): Promise<void>;
  /** Stops after the message being sent, if any. */
  stop(): Promise<void>;
}

export interface DeliveryWorkerDeps {
  client: ClickHouseClient;
  now: () => Date;
  timers?: Timers;
  logger: Logger;
  metrics: NotifyMetrics;
  channels: () => Promise<Map<string, StoredChannel>>;
  /** Builds, signs and POSTs one message; never throws. */
  send: (target: WebhookTarget, message: WebhookMessage, nowMs: number) => Promise<WebhookAnswer>;
  /** Attempts before a delivery is given up ("failed"); an organiser's retry starts a new count. */
  maxAttempts: number;
  /** The wait after the first failed attempt; doubled after each further one, up to maxRetryMs. */
  retryBaseMs: number;
  maxRetryMs?: number;
  /** How long until this robot may take another message (robot-pacing.ts); none: never held back. */
  paceMs?: (target: WebhookTarget, nowMs: number) => number;
  /** How often the outbox is read even without a wake (deliveries enqueued or retried by another instance). */
  pollMs?: number;
}

const DEFAULT_MAX_RETRY_MS = 3_600_000;
const DEFAULT_POLL_MS = 15_000;

export const UNCERTAIN =
  '发送时进程中断，无法确定是否已送达群里；为免重复不再自动重发，确认群里没有收到后可手动重发 / the process stopped while this message was being sent: it may or may not have reached the group; it is not sent again automatically (that could post it twice); retry it once you know the group did not get it';

/** The wait after the n-th failed attempt in a row (1-based): base × 2^(n-1), capped. */
export function backoffMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { client, now, logger, metrics } = deps;
  const timers = deps.timers ?? realTimers;
  const maxRetryMs = deps.maxRetryMs ?? DEFAULT_MAX_RETRY_MS;
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;
  let stopped = false;
  // Outcomes not stored yet (ClickHouse was away): written before anything else is sent.
  let unwritten: StoredDeliveryStep[] = [];
  // Deliveries of this process whose outcome is not stored: never sent twice while that lasts.
  const inDoubt = new Set<string>();

  function schedule(ms: number): void {
    if (!started || stopped) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        void pass();
      },
      Math.max(0, ms),
    );
  }

  const step = (
    state: DeliveryState,
    seq: number,
    kind: StoredDeliveryStep['step'],
    detail: Record<string, unknown>,
  ): StoredDeliveryStep => ({
    deliveryId: state.deliveryId,
    seq,
    step: kind,
    at: now().toISOString(),
    competitionId: state.competitionId,
    channelId: state.channelId,
    detail,
  });

  async function flushUnwritten(): Promise<void> {
    if (unwritten.length === 0) return;
    await writeDeliverySteps(client, unwritten);
    for (const s of unwritten) inDoubt.delete(s.deliveryId);
    unwritten = [];
  }

  /**
   * Sends one due delivery: "sending" stored first, then the POST, then its outcome. Returns
   * when it is tried again (ms), or undefined when it is done (delivered or failed).
   */
  async function deliver(state: DeliveryState, channel: StoredChannel | undefined): Promise<number | undefined> {
    if (!channel) {
      await writeDeliverySteps(client, [
        step(state, state.lastSeq + 1, 'failed', {
          error: `工作群机器人 "${state.channelId}" 已删除 / channel "${state.channelId}" was deleted`,
        }),
      ]);
      metrics.outcome(state.platform, 'failed');
      return undefined;
    }
    const attempt = state.attemptsSinceRetry + 1;
    // Stored before the POST: if the process dies during it, the next start finds it and
    // marks it uncertain instead of posting it a second time.
    await writeDeliverySteps(client, [step(state, state.lastSeq + 1, 'sending', { attempt })]);
    inDoubt.add(state.deliveryId);
    const answer = await deps.send(
      channel,
      { title: state.fact.title, markdown: state.fact.markdown },
      now().getTime(),
    );
    const seq = state.lastSeq + 2;
    let outcome: StoredDeliveryStep;
    if (answer.ok) {
      outcome = step(state, seq, 'delivered', { answer: answer.answer });
      metrics.outcome(channel.platform, 'delivered');
      logger.info(
        { deliveryId: state.deliveryId, platform: channel.platform, attempt },
        'work group message delivered',
      );
    } else if (attempt >= deps.maxAttempts) {
      outcome = step(state, seq, 'failed', { error: answer.answer });
      metrics.outcome(channel.platform, 'attempt_failed');
      metrics.outcome(channel.platform, 'failed');
      logger.warn(
        { deliveryId: state.deliveryId, platform: channel.platform, attempt, answer: answer.answer },
        'work group message failed; given up (an organiser may retry it)',
      );
    } else {
      const nextAttemptAt = new Date(now().getTime() + backoffMs(attempt, deps.retryBaseMs, maxRetryMs)).toISOString();
      outcome = step(state, seq, 'attempt_failed', { error: answer.answer, nextAttemptAt });
      metrics.outcome(channel.platform, 'attempt_failed');
      logger.warn(
        { deliveryId: state.deliveryId, platform: channel.platform, attempt, answer: answer.answer, nextAttemptAt },
        'work group message attempt failed; will retry',
      );
    }
    unwritten.push(outcome);
    await flushUnwritten();
    const retryAt = outcome.detail['nextAttemptAt'];
    return typeof retryAt === 'string' ? Date.parse(retryAt) : undefined;
  }

  async function runPass(): Promise<void> {
    await flushUnwritten();
    const [states, channels] = await Promise.all([loadOpenDeliverySteps(client).then(foldDeliveries), deps.channels()]);
    const waiting = states.filter((s) => !s.sending && (s.status === 'pending' || s.status === 'retrying'));
    metrics.pending(waiting.length);
    waiting.sort((a, b) => (a.nextAttemptAt ?? '').localeCompare(b.nextAttemptAt ?? ''));
    let nextDue = Number.POSITIVE_INFINITY;
    let left = waiting.length;
    for (const state of waiting) {
      if (stopped) return;
      if (inDoubt.has(state.deliveryId)) continue;
      const due = Date.parse(state.nextAttemptAt ?? state.createdAt);
      if (due > now().getTime()) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      const channel = channels.get(state.channelId);
      // Held back, not tried: a robot over its platform's limit refuses (钉钉 then for 10 minutes).
      const paced = channel && deps.paceMs ? deps.paceMs(channel, now().getTime()) : 0;
      if (paced > 0) {
        nextDue = Math.min(nextDue, now().getTime() + paced);
        continue;
      }
      const retryAt = await deliver(state, channel);
      if (retryAt === undefined) left -= 1;
      else nextDue = Math.min(nextDue, retryAt);
    }
    metrics.pending(left);
    schedule(Math.min(pollMs, nextDue - now().getTime()));
  }

  function pass(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await runPass();
        } while (again && !stopped);
      } catch (err) {
        logger.error({ err }, 'work group messages: outbox pass failed; trying again later');
        schedule(pollMs);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    async start() {
      // A pass of this process still sending (a stop not awaited) writes its own outcome: its
      // "sending" is not a stopped process's, and an "uncertain" beside that outcome (the same
      // seq) could lead an organiser to send again what the group already has.
      await running;
      started = true;
      stopped = false;
      // Left "sending" by a process that stopped mid-POST: the group may have the message.
      const states = foldDeliveries(await loadOpenDeliverySteps(client));
      const leftSending = states.filter((s) => s.sending);
      await writeDeliverySteps(
        client,
        leftSending.map((s) => step(s, s.lastSeq + 1, 'uncertain', { error: UNCERTAIN })),
      );
      for (const s of leftSending) {
        logger.warn({ deliveryId: s.deliveryId }, 'work group message left sending by the previous run: uncertain');
      }
      void pass();
    },
    wake() {
      if (started && !stopped) void pass();
    },
    pass,
    async stop() {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
