import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthRouteDeps {
  client: ClickHouseClient;
  metrics: Registry;
}

export function healthRoute(deps: HealthRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const ping = await deps.client.ping();
      if (!ping.success) {
        return reply.code(503).send({ status: 'not ready', clickhouse: 'unreachable' });
      }
      return { status: 'ready', clickhouse: 'ok' };
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    });
  };
}
