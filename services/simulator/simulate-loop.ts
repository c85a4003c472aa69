import { retryAfterMs } from '../shared/retry-after.ts';
import { ErrorResponse, IngestResponse } from '../../schemas/api.schema.ts';
import type { MetricEventInput } from '../../schemas/event.schema.ts';
import type { Org } from '../../schemas/org.schema.ts';
import { generateLiveEvents } from '../demo/generate-events.ts';
import type { Rng } from '../demo/prng.ts';
import type { SimulatorConfig } from './config.ts';

/** The slice of the Fetch API the loop uses, so tests can pass a fake. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** pino's Logger fits this; tests can pass a recorder. */
export interface LoopLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SimulateLoopDeps {
  config: SimulatorConfig;
  org: Org;
  fetch: FetchLike;
  clock: Clock;
  /** When the events happen: the API's clock (CLOCK_START) rather than this machine's, if they differ. */
  eventTime?: () => Date;
  logger: LoopLogger;
  rng: Rng;
}

export interface SimulateStats {
  batches: number;
  events: number;
  accepted: number;
  duplicates: number;
  retries: number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** A hung API must not hang the simulator; a timed-out request is retried like a network error. */
const REQUEST_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 30_000;

/** Gateway errors, overload and rate limiting pass; other 4xx (invalid events) will not. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}

type Attempt =
  | { kind: 'ok'; accepted: number; duplicates: number }
  | { kind: 'retry'; reason: string; retryAfter: string | null }
  | { kind: 'aborted' };

type SendOutcome =
  { kind: 'ok'; accepted: number; duplicates: number; attempts: number; ms: number } | { kind: 'aborted' };

/**
 * Posts live demo events to POST /v1/events at the configured rate until `signal` aborts.
 * A batch that fails on the network or with a retryable status is re-sent unchanged, so the
 * API's (crewId, eventId) de-duplication keeps retries from double counting.
 */
export function createSimulateLoop(deps: SimulateLoopDeps): { run(signal: AbortSignal): Promise<SimulateStats> } {
  const { config, org, fetch, clock, logger, rng } = deps;
  const url = `${config.apiUrl}/v1/events`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };

  function backoffMs(attempt: number, retryAfter: string | null): number {
    const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    // Jitter spreads out several simulators hammering an API that just came back.
    const jittered = exponential * rng.float(0.5, 1);
    const hinted = retryAfterMs(retryAfter, clock.now()) ?? 0;
    return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(jittered, hinted)));
  }

  /** One POST; throws when the API rejects the batch in a way retrying cannot fix. */
  async function attemptOnce(batch: number, body: string, signal: AbortSignal): Promise<Attempt> {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted' };
      return { kind: 'retry', reason: describeError(error), retryAfter: null };
    }

    if (status >= 200 && status < 300) {
      const parsed = IngestResponse.safeParse(parseJson(text));
      if (!parsed.success) {
        logger.warn({ batch, body: text.slice(0, 500) }, 'unexpected ingest response body');
        return { kind: 'ok', accepted: 0, duplicates: 0 };
      }
      return { kind: 'ok', accepted: parsed.data.accepted, duplicates: parsed.data.duplicates.length };
    }

    const apiError = ErrorResponse.safeParse(parseJson(text));
    const detail = apiError.success
      ? `${apiError.data.error.code}: ${apiError.data.error.message}`
      : text.slice(0, 500) || '(empty body)';
    if (isRetryableStatus(status)) return { kind: 'retry', reason: `HTTP ${status} ${detail}`, retryAfter };

    // Retrying cannot fix a rejected batch; stop so the operator sees it at once.
    logger.error(
      { batch, status, details: apiError.success ? apiError.data.error.details : undefined },
      `POST /v1/events rejected: ${detail}`,
    );
    throw new Error(`POST ${url} returned HTTP ${status}: ${detail}`);
  }

  async function send(batch: number, events: readonly MetricEventInput[], signal: AbortSignal): Promise<SendOutcome> {
    const body = JSON.stringify(events);
    const started = clock.now();
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      const result = await attemptOnce(batch, body, signal);
      if (result.kind === 'aborted') return result;
      if (result.kind === 'ok') return { ...result, attempts: attempt, ms: clock.now() - started };
      const delayMs = backoffMs(attempt, result.retryAfter);
      logger.warn({ batch, attempt, delayMs, reason: result.reason }, 'POST /v1/events failed; retrying');
      await clock.sleep(delayMs, signal);
    }
    return { kind: 'aborted' };
  }

  async function run(signal: AbortSignal): Promise<SimulateStats> {
    const stats: SimulateStats = { batches: 0, events: 0, accepted: 0, duplicates: 0, retries: 0 };
    const intervalMs = (config.batchSize / config.eventsPerSecond) * 1000;
    // Shared across batches so hazards reported now can be rectified in a later batch.
    const openHazards: { crewId: string; hazardId: string }[] = [];
    let nextAt = clock.now();
    logger.info(
      { url, eventsPerSecond: config.eventsPerSecond, batchSize: config.batchSize, crews: org.crews.length },
      'simulator started',
    );

    while (!signal.aborted) {
      const batch = stats.batches + 1;
      const events = generateLiveEvents({
        org,
        at: deps.eventTime?.() ?? new Date(clock.now()),
        count: config.batchSize,
        rng,
        openHazards,
      });
      // Keep the open list bounded when the API never sees rectifications (e.g. long outages).
      if (openHazards.length > 1000) openHazards.splice(0, openHazards.length - 1000);
      const outcome = await send(batch, events, signal);
      if (outcome.kind === 'aborted') break;

      stats.batches = batch;
      stats.events += events.length;
      stats.accepted += outcome.accepted;
      stats.duplicates += outcome.duplicates;
      stats.retries += outcome.attempts - 1;
      logger.info(
        {
          batch,
          events: events.length,
          accepted: outcome.accepted,
          duplicates: outcome.duplicates,
          attempts: outcome.attempts,
          ms: outcome.ms,
        },
        'batch posted',
      );

      nextAt += intervalMs;
      const now = clock.now();
      // After an outage, resume the normal rate instead of bursting to catch up on missed batches.
      if (nextAt < now - intervalMs) nextAt = now + intervalMs;
      if (nextAt > now) await clock.sleep(nextAt - now, signal);
    }

    logger.info({ ...stats }, 'simulator stopped');
    return stats;
  }

  return { run };
}
