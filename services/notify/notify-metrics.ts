import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotifyPlatform } from '../../schemas/notify.schema.ts';

export type DeliveryOutcome = 'delivered' | 'attempt_failed' | 'failed';

export interface NotifyMetrics {
  outcome(platform: NotifyPlatform, outcome: DeliveryOutcome): void;
  pending(count: number): void;
}

export function createNotifyMetrics(registry: Registry): NotifyMetrics {
  const deliveries = new Counter({
    name: 'notify_deliveries_total',
    help: 'Messages to the work groups by platform and outcome: delivered; attempt_failed (every attempt the platform refused or that got no answer); failed (given up after NOTIFY_MAX_ATTEMPTS: an organiser can retry it)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'notify_outbox_pending',
    help: 'Messages to the work groups waiting to be sent or retried, as of the delivery worker’s last pass',
    registers: [registry],
  });
  return {
    outcome: (platform, outcome) => deliveries.inc({ platform, outcome }),
    pending: (count) => pending.set(count),
  };
}
