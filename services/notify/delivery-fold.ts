import type { Delivery, NotifyFactKind, NotifyPlatform } from '../../schemas/notify.schema.ts';
import type { StoredDeliveryStep } from '../storage/notify-deliveries.store.ts';

/** The fact as the outbox keeps it (the enqueued step's detail): what the worker sends. */
export interface OutboxFact {
  key: string;
  kind: NotifyFactKind;
  title: string;
  markdown: string;
  occurredAt: string;
  unitId?: string;
}

/** A delivery as its steps leave it. */
export interface DeliveryState {
  deliveryId: string;
  channelId: string;
  competitionId: string;
  fact: OutboxFact;
  /** The channel's name and platform when the fact was enqueued (the channel may change or go). */
  channelName: string;
  platform: NotifyPlatform;
  status: Delivery['status'];
  /** The last step is "sending": an attempt began and its outcome was never written. */
  sending: boolean;
  /** Attempts in all; since the last retry an organiser asked for. */
  attempts: number;
  attemptsSinceRetry: number;
  lastError: string | undefined;
  createdAt: string;
  deliveredAt: string | undefined;
  /** When the worker may try (pending or retrying). */
  nextAttemptAt: string | undefined;
  lastSeq: number;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function start(step: StoredDeliveryStep): DeliveryState | undefined {
  const fact = step.detail['fact'] as OutboxFact | undefined;
  if (step.seq !== 0 || step.step !== 'enqueued' || !fact) return undefined;
  return {
    deliveryId: step.deliveryId,
    channelId: step.channelId,
    competitionId: step.competitionId,
    fact,
    channelName: text(step.detail['channelName']) ?? step.channelId,
    platform: (text(step.detail['platform']) ?? 'wecom') as NotifyPlatform,
    status: 'pending',
    sending: false,
    attempts: 0,
    attemptsSinceRetry: 0,
    lastError: undefined,
    createdAt: step.at,
    deliveredAt: undefined,
    nextAttemptAt: step.at,
    lastSeq: 0,
  };
}

function apply(state: DeliveryState, step: StoredDeliveryStep): void {
  state.lastSeq = step.seq;
  state.sending = step.step === 'sending';
  switch (step.step) {
    case 'enqueued':
      return;
    case 'sending':
      state.attempts += 1;
      state.attemptsSinceRetry += 1;
      return;
    case 'delivered':
      state.status = 'delivered';
      state.deliveredAt = step.at;
      state.nextAttemptAt = undefined;
      return;
    case 'attempt_failed':
      state.status = 'retrying';
      state.lastError = text(step.detail['error']);
      state.nextAttemptAt = text(step.detail['nextAttemptAt']) ?? step.at;
      return;
    case 'failed':
      state.status = 'failed';
      state.lastError = text(step.detail['error']) ?? state.lastError;
      state.nextAttemptAt = undefined;
      return;
    case 'uncertain':
      state.status = 'uncertain';
      state.lastError = text(step.detail['error']) ?? state.lastError;
      state.nextAttemptAt = undefined;
      return;
    case 'retry':
      state.status = 'pending';
      state.attemptsSinceRetry = 0;
      state.nextAttemptAt = step.at;
      return;
  }
}

/** Steps ordered by delivery id and seq (as the store reads them) → one state per delivery. */
export function foldDeliveries(steps: readonly StoredDeliveryStep[]): DeliveryState[] {
  const states: DeliveryState[] = [];
  let current: DeliveryState | undefined;
  for (const step of steps) {
    if (current?.deliveryId !== step.deliveryId) {
      current = start(step);
      if (current) states.push(current);
      continue;
    }
    apply(current, step);
  }
  return states;
}

/** A delivery as the API shows it. */
export function deliveryView(state: DeliveryState, channelName?: string): Delivery {
  return {
    deliveryId: state.deliveryId,
    channelId: state.channelId,
    channelName: channelName ?? state.channelName,
    platform: state.platform,
    competitionId: state.competitionId,
    factKey: state.fact.key,
    kind: state.fact.kind,
    title: state.fact.title,
    status: state.status,
    attempts: state.attempts,
    ...(state.lastError === undefined ? {} : { lastError: state.lastError }),
    createdAt: state.createdAt,
    ...(state.deliveredAt === undefined ? {} : { deliveredAt: state.deliveredAt }),
    ...(state.nextAttemptAt === undefined ? {} : { nextAttemptAt: state.nextAttemptAt }),
  };
}
