import { describeInsertError, insertFailureCause, type InsertFailureCause } from './insert-errors.ts';

export interface InsertsFailing {
  /** When the first of the failures in a row happened (ISO 8601). */
  since: string;
  /** Failed inserts since the last one that worked. */
  failures: number;
  /** What ClickHouse said the last time. */
  reason: string;
}

export interface InsertHealth {
  succeeded(): void;
  failed(err: unknown): void;
  /** Undefined while inserts work; what fails and since when when they do not. */
  failing(): InsertsFailing | undefined;
}

/**
 * Whether inserts work, from how the latest ones ended, for /readyz: a ping answers while every
 * insert fails (a full disk, too many parts, memory), so readiness must look at the inserts.
 * Failing from an insert that failed for an outage until one succeeds. Failures for the rows'
 * values (refused for their events, see insert-errors.ts) say nothing about storage.
 *
 * A not-ready instance gets no traffic behind a load balancer, and with no inserts it could never
 * see one succeed: so after `windowMs` without a further failure it is ready again and tried
 * (the senders' retries, or the consumer's, then tell at once whether storage is back).
 */
export function createInsertHealth(deps: {
  now: () => Date;
  windowMs: number;
  onFailure?: (kind: InsertFailureCause) => void;
}): InsertHealth {
  let state: (InsertsFailing & { lastAt: number }) | undefined;
  return {
    succeeded: () => {
      state = undefined;
    },
    failed: (err) => {
      const kind = insertFailureCause(err);
      deps.onFailure?.(kind);
      if (kind === 'rows') return;
      const at = deps.now();
      state = {
        since: state?.since ?? at.toISOString(),
        failures: (state?.failures ?? 0) + 1,
        reason: describeInsertError(err),
        lastAt: at.getTime(),
      };
    },
    failing: () => {
      if (!state || deps.now().getTime() - state.lastAt >= deps.windowMs) return undefined;
      const { since, failures, reason } = state;
      return { since, failures, reason };
    },
  };
}
