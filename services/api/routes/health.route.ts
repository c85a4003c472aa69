import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** One word per dependency, e.g. { clickhouse: 'ok', kafka: 'ok' }. */
  checks: Record<string, string>;
}

export interface HealthRouteDeps {
  readiness: () => Promise<Readiness>;
  metrics: Registry;
  /** Who may scrape /metrics: any valid token where access control is on (an onRequest hook). */
  metricsAccess: (request: FastifyRequest) => Promise<void>;
}

export function healthRoute(deps: HealthRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const { ready, checks } = await deps.readiness();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...checks });
    });
    // Probes stay open: an orchestrator asks without a token.
    app.get('/metrics', { schema: { hide: true }, onRequest: deps.metricsAccess }, async (_request, reply) => {
      return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    });
  };
}
