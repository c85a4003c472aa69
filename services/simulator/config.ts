import { z } from 'zod';
import { blankAsUnset, serviceEnv } from '../shared/env.ts';

const SimulatorEnv = z.object({
  API_URL: z.preprocess(
    blankAsUnset,
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://127.0.0.1:3000'),
  ),
  SIMULATE_EVENTS_PER_SECOND: z.preprocess(blankAsUnset, z.coerce.number().positive().max(1_000_000).default(20)),
  SIMULATE_BATCH_SIZE: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(10_000).default(50)),
  API_TOKEN: z.preprocess(blankAsUnset, z.string().min(1).optional()),
  CLOCK_START: serviceEnv(0).shape.CLOCK_START,
});

export interface SimulatorConfig {
  /** Base URL of the API without a trailing slash. */
  apiUrl: string;
  eventsPerSecond: number;
  batchSize: number;
  /** An ingest (or organiser) token when the API needs one. */
  apiToken: string | undefined;
  /** The API's CLOCK_START, when it runs on a shifted clock: events are stamped on the same clock. */
  clockStart: Date | undefined;
}

/** Parses the environment once at start-up and throws an error naming every bad variable. */
export function loadSimulatorConfig(env: Readonly<Record<string, string | undefined>>): SimulatorConfig {
  const result = SimulatorEnv.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid simulator environment: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  return {
    apiUrl: parsed.API_URL.replace(/\/+$/, ''),
    eventsPerSecond: parsed.SIMULATE_EVENTS_PER_SECOND,
    batchSize: parsed.SIMULATE_BATCH_SIZE,
    apiToken: parsed.API_TOKEN,
    clockStart: parsed.CLOCK_START,
  };
}
