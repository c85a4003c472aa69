import { isIP } from 'node:net';
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

/** A name people and services reach a server by (the Host header); without a port, any port. */
export interface AllowedHost {
  name: string;
  port: number | undefined;
}

const HOST_ENTRY = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_]([a-z0-9._-]*[a-z0-9_])?))(?::(\d{1,5}))?$/;

/** "leaderboard.example.com, api:3000" → entries; every bad one is an issue naming it. */
const AllowedHostsList = z.preprocess(
  blankAsUnset,
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      const hosts: AllowedHost[] = [];
      for (const raw of value.split(',')) {
        const entry = raw.trim().toLowerCase().replace(/\.$/, '');
        if (entry === '') continue;
        const match = HOST_ENTRY.exec(entry);
        const port = match?.[4] === undefined ? undefined : Number(match[4]);
        if (!match || (port !== undefined && port > 65_535)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${raw.trim()}" is not a host name or host:port (e.g. leaderboard.example.com or api:3000)`,
          });
          continue;
        }
        hosts.push({ name: match[1] ?? match[2] ?? entry, port });
      }
      return hosts;
    }),
);

/** Where a service listens, the names it answers to, and how it logs; each service sets its own default port. */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    HOST: z.preprocess(blankAsUnset, z.string().default('127.0.0.1')),
    PORT: envInt(defaultPort, 0, 65_535),
    ALLOWED_HOSTS: AllowedHostsList,
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

/**
 * The host names a server answers to besides addresses and localhost: ALLOWED_HOSTS, and the
 * listen address when it is a name (HOST=leaderboard.lan).
 */
export function allowedHostsFrom(e: { HOST: string; ALLOWED_HOSTS: AllowedHost[] }): AllowedHost[] {
  const listen = e.HOST.toLowerCase();
  const named = HOST_ENTRY.test(listen) && isIP(listen) === 0 && listen !== 'localhost';
  return named ? [...e.ALLOWED_HOSTS, { name: listen, port: undefined }] : e.ALLOWED_HOSTS;
}

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
