import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** One word per dependency, e.g. { clickhouse: 'ok', kafka: 'ok' }. */
  checks: Record<string, string>;
}

export interface HealthRouteDeps {
  readiness: () => Promise<Readiness>;
  metrics: Registry;
}

export function healthRoute(deps: HealthRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const { ready, checks } = await deps.readiness();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...checks });
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    });
  };
}
