import { z } from 'zod';
import { KafkaEnv, kafkaConfigFrom, type KafkaConfig } from '../kafka/kafka-config.ts';
import { blankAsUnset } from '../shared/env.ts';

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(min).max(max).default(def));

const IngestEnv = KafkaEnv.extend({
  HOST: z.preprocess(blankAsUnset, z.string().default('127.0.0.1')),
  PORT: int(3100, 0, 65_535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REGISTRY_URL: z.preprocess(
    blankAsUnset,
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://127.0.0.1:3000/v1/org'),
  ),
  REGISTRY_REFRESH_MS: int(10_000, 100),
  MAX_EVENTS_PER_REQUEST: int(10_000, 1),
  MAX_BODY_BYTES: int(16 * 1024 * 1024, 1024),
  EVENT_MAX_FUTURE_MINUTES: int(10),
  EVENT_MAX_AGE_DAYS: int(400, 1),
});

export interface IngestConfig {
  host: string;
  port: number;
  logLevel: z.infer<typeof IngestEnv>['LOG_LEVEL'];
  kafka: KafkaConfig;
  /** GET /v1/org of the API (npm start or npm run scoring): which crews exist. */
  registryUrl: string;
  registryRefreshMs: number;
  maxEventsPerRequest: number;
  maxBodyBytes: number;
  eventMaxFutureMs: number;
  eventMaxAgeMs: number;
}

/** Parses the environment once at start-up and throws an error naming every bad variable. */
export function parseIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const result = IngestEnv.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const kafka = result.success ? kafkaConfigFrom(result.data) : undefined;
  if (result.success && !kafka) problems.push('KAFKA_BROKERS: required by the ingest service, e.g. 127.0.0.1:9092');
  if (!result.success || !kafka) throw new Error(`invalid ingest environment: ${problems.join('; ')}`);
  const e = result.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    kafka,
    registryUrl: e.REGISTRY_URL,
    registryRefreshMs: e.REGISTRY_REFRESH_MS,
    maxEventsPerRequest: e.MAX_EVENTS_PER_REQUEST,
    maxBodyBytes: e.MAX_BODY_BYTES,
    eventMaxFutureMs: e.EVENT_MAX_FUTURE_MINUTES * 60_000,
    eventMaxAgeMs: e.EVENT_MAX_AGE_DAYS * 86_400_000,
  };
}
