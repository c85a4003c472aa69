import { z } from 'zod';
import { KafkaEnv, kafkaConfigFrom, type KafkaConfig } from '../kafka/kafka-config.ts';
import {
  EventLimitsEnv,
  blankAsUnset,
  envInt as int,
  envProblems,
  allowedHostsFrom,
  eventLimitsFrom,
  serviceEnv,
  type AllowedHost,
  type EventLimits,
} from '../shared/env.ts';

/** Every variable npm run ingest reads; test/unit/infra-stack.test.ts checks docker compose against it. */
export const IngestEnv = KafkaEnv.extend(serviceEnv(3100).shape)
  .extend(EventLimitsEnv.shape)
  .extend({
    REGISTRY_URL: z.preprocess(
      blankAsUnset,
      z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .default('http://127.0.0.1:3000/v1/org'),
    ),
    REGISTRY_REFRESH_MS: int(10_000, 100),
    REGISTRY_TOKEN: z.preprocess(blankAsUnset, z.string().min(1).optional()),
    RATE_LIMIT_PER_MINUTE: int(3000, 1),
  });

export interface IngestConfig extends EventLimits {
  host: string;
  port: number;
  /** Host names the service answers to besides IP addresses and localhost. */
  allowedHosts: AllowedHost[];
  logLevel: z.infer<typeof IngestEnv>['LOG_LEVEL'];
  /** CLOCK_START: the instant the product's clock starts at (undefined: the machine's clock). */
  clockStart: Date | undefined;
  kafka: KafkaConfig;
  /** GET /v1/org of the API (npm start or npm run scoring): which crews exist. */
  registryUrl: string;
  registryRefreshMs: number;
  /** A viewer token for GET /v1/org when the API's reads need one. */
  registryToken: string | undefined;
  ratePerMinute: number;
}

/** Parses the environment once at start-up and throws an error naming every bad variable. */
export function parseIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const result = IngestEnv.safeParse(env);
  const problems = result.success ? [] : envProblems(result.error);
  const kafka = result.success ? kafkaConfigFrom(result.data) : undefined;
  if (result.success && !kafka) problems.push('KAFKA_BROKERS: required by the ingest service, e.g. 127.0.0.1:9092');
  if (!result.success || !kafka) throw new Error(`invalid ingest environment: ${problems.join('; ')}`);
  const e = result.data;
  return {
    host: e.HOST,
    port: e.PORT,
    allowedHosts: allowedHostsFrom(e),
    logLevel: e.LOG_LEVEL,
    clockStart: e.CLOCK_START,
    kafka,
    registryUrl: e.REGISTRY_URL,
    registryRefreshMs: e.REGISTRY_REFRESH_MS,
    registryToken: e.REGISTRY_TOKEN,
    ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    ...eventLimitsFrom(e),
  };
}
