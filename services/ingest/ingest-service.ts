import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { buildApp } from '../api/app.ts';
import { eventsRoute } from '../api/routes/events.route.ts';
import { healthRoute } from '../api/routes/health.route.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { createValidateStep } from '../pipeline/validate-step.ts';
import { UnavailableError } from '../shared/errors.ts';
import type { IngestConfig } from './config.ts';
import { connectKafkaIngest } from './kafka-ingest.ts';
import type { RegistryFollower } from './registry-follower.ts';
import { checkRole, type Principal } from '../access/access.ts';
import { isLoopback } from '../shared/env.ts';
import { refuseCrewsOutOfScope } from '../access/scope.ts';
import { ForbiddenError } from '../shared/errors.ts';
import { createTokenCheck } from './token-check.ts';
import { followAccess } from './access-follower.ts';

export interface IngestService {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The stateless ingest service: POST /v1/events validated as the API does, published to Kafka,
 * answered after the brokers acknowledged. Several run side by side behind a load balancer.
 */
export async function createIngestService(
  config: IngestConfig,
  logger: Logger,
  registry: RegistryFollower,
  now: () => Date = () => new Date(),
): Promise<IngestService> {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const kafka = createKafka(config.kafka, logger, 'ingest', metrics);
  const access = await followAccess({ kafka, config: config.kafka, logger });
  // The registry read from the API; until the API has answered once (a restart while it is away),
  // the one it published to the access topic.
  const crewIds = () => registry.crewIds() ?? access.registry()?.crewIds;
  const crewOf = (crewId: string) => (registry.crewIds() ? registry.crew(crewId) : access.registry()?.crew(crewId));
  const validate = createValidateStep({
    crewExists: (crewId) => crewIds()?.has(crewId) ?? false,
    now,
    maxFutureMs: config.eventMaxFutureMs,
    maxAgeMs: config.eventMaxAgeMs,
  });
  const { producer, pipeline } = await connectKafkaIngest({
    kafka,
    config: config.kafka,
    logger,
    metrics,
    validate,
    now,
  });
  /** The principal of each authenticated request, for the crew check after the body is read. */
  const principals = new WeakMap<object, Principal>();
  const tokens = createTokenCheck({ access, topic: config.kafka.access.name, allowOpen: isLoopback(config.host) });
  const app = await buildApp({
    logger,
    ratePerMinute: config.ratePerMinute,
    bodyLimit: config.maxBodyBytes,
    allowedHosts: config.allowedHosts,
    secrets: [config.registryToken],
    // A valid token counts on its own; anything else by address, so made-up tokens cannot each
    // get a fresh allowance.
    rateKey: (request) => {
      try {
        const tokenId = tokens.principal(request).tokenId;
        if (tokenId) return `token:${tokenId}`;
      } catch {
        // Answered 401 / 403 / 503 by the route; counted by address like no token.
      }
      return `ip:${request.ip}`;
    },
    routes: [
      eventsRoute({
        ingest: async (items) => {
          // Without the registry every event would be refused as of an unknown crew.
          if (!crewIds()) {
            throw new UnavailableError(`the crew registry has not been read yet from ${config.registryUrl}`, 2);
          }
          return pipeline.ingest(items);
        },
        maxEventsPerRequest: config.maxEventsPerRequest,
        maxBodyBytes: config.maxBodyBytes,
        authenticate: async (request) => {
          const principal = tokens.principal(request);
          checkRole(principal, ['ingest', 'organiser']);
          principals.set(request, principal);
        },
        authorizeCrews: (request, items) => {
          const principal = principals.get(request);
          if (!principal) throw new ForbiddenError('token_required', 'the request was not authenticated');
          refuseCrewsOutOfScope(principal, items, crewOf);
        },
      }),
      healthRoute({
        metrics,
        metricsAccess: async (request) => checkRole(tokens.principal(request), ['viewer', 'ingest', 'organiser']),
        readiness: () => {
          const loaded = crewIds() !== undefined;
          // Ready while the API is away: tokens and the registry are this service's own copies.
          return Promise.resolve({
            ready: loaded && access.loaded(),
            checks: {
              registry: registry.crewIds()
                ? 'ok'
                : loaded
                  ? `from ${config.kafka.access.name} (the API has not answered yet)`
                  : 'not loaded',
              tokens: access.loaded() ? 'ok' : `reading ${config.kafka.access.name}`,
            },
          });
        },
      }),
    ],
  });
  return {
    app,
    async close() {
      registry.stop();
      await app.close();
      await access.stop();
      await pipeline.drain();
      await producer.disconnect();
    },
  };
}
