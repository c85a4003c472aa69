import { PLATFORM_WEBHOOK_HOSTS } from '../notify/webhook-hosts.ts';
import { z } from 'zod';
import { EvidenceEnv, checkEvidenceEnv, evidenceConfigFrom, type EvidenceConfig } from '../evidence/evidence-config.ts';
import { KafkaEnv, kafkaConfigFrom, type KafkaConfig } from '../kafka/kafka-config.ts';
import {
  EventLimitsEnv,
  blankAsUnset,
  envInt as int,
  envProblems,
  eventLimitsFrom,
  allowedHostsFrom,
  isLoopback,
  serviceEnv,
  type AllowedHost,
  type EventLimits,
} from '../shared/env.ts';
import type { ClickHouseTarget } from '../storage/clickhouse-client.ts';
import { CLUSTER_NAME } from '../storage/on-cluster.ts';

/** Every variable npm start and npm run scoring read; test/unit/infra-stack.test.ts checks docker compose against it. */
export const Env = KafkaEnv.extend(serviceEnv(3000).shape)
  .extend(EventLimitsEnv.shape)
  .extend(EvidenceEnv.shape)
  .extend({
    DATA_DIR: z.string().min(1).default('./data'),
    CLICKHOUSE_URL: z.url().optional(),
    CLICKHOUSE_USER: z.string().default('default'),
    CLICKHOUSE_PASSWORD: z.string().default(''),
    CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .default('default'),
    CLICKHOUSE_CLUSTER: z.preprocess(
      blankAsUnset,
      z.string().regex(CLUSTER_NAME, 'a cluster name of remote_servers (letters, digits, _ . -)').optional(),
    ),
    DEMO: z.enum(['auto', 'off']).default('auto'),
    MAX_REGISTRY_BYTES: int(64 * 1024 * 1024, 1024),
    STANDINGS_DEBOUNCE_MS: int(300),
    STANDINGS_HISTORY_DEBOUNCE_MS: int(10_000),
    STANDINGS_PERSIST_MS: int(5_000),
    CATALOG_RELOAD_MS: int(10_000, 100),
    FAULT_KILL_AFTER_INSERTS: int(0),
    SCREEN_HEARTBEAT_MS: int(10_000, 1_000),
    SCREEN_POLL_MS: int(1_000, 100),
    SCREEN_MAX_STREAMS: int(500, 1),
    AUTH_MODE: z.preprocess(blankAsUnset, z.enum(['open', 'tokens']).optional()),
    STANDINGS_ACCESS: z.enum(['public', 'viewer']).default('public'),
    BOOTSTRAP_ADMIN_TOKEN: z.preprocess(
      blankAsUnset,
      z.string().min(32, 'at least 32 characters (e.g. lbt_ and 43 random base64url characters)').optional(),
    ),
    RATE_LIMIT_PER_MINUTE: int(3000, 1),
    MAX_JSON_BYTES: int(1024 * 1024, 1024),
    HEAP_GROWTH_PERCENT: int(0, 0, 1_000),
    // Messages to the work groups: on in exactly one instance per ClickHouse server (docs/operations.md).
    NOTIFY: z.enum(['on', 'off']).default('on'),
    PUBLIC_URL: z.preprocess(blankAsUnset, z.url({ protocol: /^https?$/u }).optional()),
    NOTIFY_MAX_ATTEMPTS: int(8, 1, 100),
    NOTIFY_RETRY_BASE_MS: int(5_000, 100),
    // Hosts robot webhooks may point at besides the platforms' own (services/notify/webhook-hosts.ts).
    NOTIFY_WEBHOOK_HOSTS: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9.:[\]-]+(,[A-Za-z0-9.:[\]-]+)*$/u, 'comma-separated host or host:port names')
        .optional(),
    ),
  })
  .superRefine((e, ctx) => {
    checkEvidenceEnv(e, ctx);
    // Open mode is for a first try on one's own machine: nobody else can reach a loopback port,
    // and the embedded engine means no other service shares the data.
    if (e.AUTH_MODE === 'open' && !(e.CLICKHOUSE_URL === undefined && isLoopback(e.HOST))) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: `open needs the embedded engine (no CLICKHOUSE_URL) and a loopback HOST (127.0.0.1, ::1 or localhost), not ${e.HOST}${e.CLICKHOUSE_URL ? ' with CLICKHOUSE_URL' : ''}`,
      });
    }
    // The embedded engine is one process without Keeper: a cluster switch there would be ignored.
    if (e.CLICKHOUSE_CLUSTER !== undefined && e.CLICKHOUSE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_CLUSTER'],
        message: 'needs CLICKHOUSE_URL (the embedded engine has no cluster)',
      });
    }
  });

export interface ApiConfig extends EventLimits {
  host: string;
  port: number;
  /** Host names the API answers to besides IP addresses and localhost (ALLOWED_HOSTS, a named HOST). */
  allowedHosts: AllowedHost[];
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** CLOCK_START: the instant the product's clock starts at (undefined: the machine's clock). */
  clockStart: Date | undefined;
  clickhouse: ClickHouseTarget;
  demo: 'auto' | 'off';
  maxRegistryBytes: number;
  standingsDebounceMs: number;
  standingsHistoryDebounceMs: number;
  standingsPersistMs: number;
  /** With KAFKA_BROKERS: events go through Kafka to the scoring consumer; without, straight to ClickHouse. */
  kafka: KafkaConfig | undefined;
  /** With a ClickHouse server, other processes may change registry and competitions: re-read this often. */
  catalogReloadMs: number;
  /**
   * Crash tests only: after this many consumed batches are inserted, the process kills itself
   * (SIGKILL) before marking the batch stored or committing its offsets. 0: never.
   */
  faultKillAfterInserts: number;
  screens: {
    /** Open screen streams get a ping this often, so a page can tell a quiet day from a dead link. */
    heartbeatMs: number;
    /** On a ClickHouse server: how often open screens look for standings other processes wrote. */
    pollMs: number;
    maxStreams: number;
  };
  access: {
    /** No token needed for anything: the default on the embedded engine on loopback. */
    open: boolean;
    /** Reads of standings, competitions and the registry: public, or any valid token. */
    standings: 'public' | 'viewer';
    /** Registered as an admin token at start when its hash is not known yet. */
    bootstrapAdminToken: string | undefined;
    ratePerMinute: number;
  };
  /** Body limit of JSON requests other than events and the registry, which have their own. */
  maxJsonBytes: number;
  /** How far the Node heap may grow past its live objects before a full collection, in %; 0: V8's own (heap-growth.ts). */
  heapGrowthPercent: number;
  /** Where photos and files of reports are kept, and their limits. */
  evidence: EvidenceConfig;
  /** The address crews and organisers open (links in messages to the work groups), without a trailing slash. */
  publicUrl: string;
  /** Messages to the work groups (企业微信, 钉钉, 飞书 group robots). */
  notify: {
    /** This instance runs the delivery worker and the fact sources (NOTIFY=on). */
    enabled: boolean;
    /** Attempts before a message is given up as failed. */
    maxAttempts: number;
    /** The wait after a first failed attempt, doubled after each further one. */
    retryBaseMs: number;
    /** Hosts (or host:port) a robot webhook may point at: the platforms' and NOTIFY_WEBHOOK_HOSTS. */
    webhookHosts: string[];
  };
}

export class ConfigError extends Error {}

/** Parses the environment once at start-up; a bad variable stops the process with its name. */
export function parseConfig(env: Record<string, string | undefined>): ApiConfig {
  const result = Env.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid environment: ${envProblems(result.error).join('; ')}`);
  }
  const e = result.data;
  return {
    host: e.HOST,
    port: e.PORT,
    allowedHosts: allowedHostsFrom(e),
    logLevel: e.LOG_LEVEL,
    clockStart: e.CLOCK_START,
    clickhouse: e.CLICKHOUSE_URL
      ? {
          mode: 'server',
          url: e.CLICKHOUSE_URL,
          username: e.CLICKHOUSE_USER,
          password: e.CLICKHOUSE_PASSWORD,
          database: e.CLICKHOUSE_DATABASE,
          cluster: e.CLICKHOUSE_CLUSTER,
        }
      : { mode: 'embedded', dataDir: e.DATA_DIR },
    demo: e.DEMO,
    ...eventLimitsFrom(e),
    maxRegistryBytes: e.MAX_REGISTRY_BYTES,
    standingsDebounceMs: e.STANDINGS_DEBOUNCE_MS,
    standingsHistoryDebounceMs: e.STANDINGS_HISTORY_DEBOUNCE_MS,
    standingsPersistMs: e.STANDINGS_PERSIST_MS,
    kafka: kafkaConfigFrom(e),
    catalogReloadMs: e.CATALOG_RELOAD_MS,
    faultKillAfterInserts: e.FAULT_KILL_AFTER_INSERTS,
    screens: { heartbeatMs: e.SCREEN_HEARTBEAT_MS, pollMs: e.SCREEN_POLL_MS, maxStreams: e.SCREEN_MAX_STREAMS },
    access: {
      open: (e.AUTH_MODE ?? (e.CLICKHOUSE_URL === undefined && isLoopback(e.HOST) ? 'open' : 'tokens')) === 'open',
      standings: e.STANDINGS_ACCESS,
      bootstrapAdminToken: e.BOOTSTRAP_ADMIN_TOKEN,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    maxJsonBytes: e.MAX_JSON_BYTES,
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    evidence: evidenceConfigFrom(e, e.DATA_DIR),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/u, ''),
    notify: {
      enabled: e.NOTIFY === 'on',
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      webhookHosts: [
        ...PLATFORM_WEBHOOK_HOSTS,
        ...(e.NOTIFY_WEBHOOK_HOSTS ?? '')
          .split(',')
          .filter((h) => h !== '')
          .map((h) => h.toLowerCase()),
      ],
    },
  };
}
