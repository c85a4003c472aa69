import { z } from 'zod';

/** Unset and empty are the same thing in shells and compose files (an empty PORT is not port 0). */
export const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

/** Hosts only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An integer variable with a default and bounds. */
export const envInt = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(min).max(max).default(def));

/** Where a service listens and how it logs; each service sets its own default port. */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    HOST: z.preprocess(blankAsUnset, z.string().default('127.0.0.1')),
    PORT: envInt(defaultPort, 0, 65_535),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Run as if the clock had started at this instant (demos, training, tests); see shared/clock.ts. */
    CLOCK_START: z.preprocess(
      blankAsUnset,
      z.iso
        .datetime({ offset: true, error: 'an ISO date-time with its offset, e.g. 2026-11-24T10:00:00+08:00' })
        .transform((value) => new Date(value))
        .optional(),
    ),
  });

/** What POST /v1/events accepts: the same limits wherever it is served (npm start, npm run ingest). */
export const EventLimitsEnv = z.object({
  MAX_EVENTS_PER_REQUEST: envInt(10_000, 1),
  MAX_BODY_BYTES: envInt(16 * 1024 * 1024, 1024),
  EVENT_MAX_FUTURE_MINUTES: envInt(10),
  EVENT_MAX_AGE_DAYS: envInt(400, 1),
});

export interface EventLimits {
  maxEventsPerRequest: number;
  maxBodyBytes: number;
  eventMaxFutureMs: number;
  eventMaxAgeMs: number;
}

export function eventLimitsFrom(e: z.infer<typeof EventLimitsEnv>): EventLimits {
  return {
    maxEventsPerRequest: e.MAX_EVENTS_PER_REQUEST,
    maxBodyBytes: e.MAX_BODY_BYTES,
    eventMaxFutureMs: e.EVENT_MAX_FUTURE_MINUTES * 60_000,
    eventMaxAgeMs: e.EVENT_MAX_AGE_DAYS * 86_400_000,
  };
}

/** "NAME: problem; NAME: problem" from a failed parse of the environment. */
export function envProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
