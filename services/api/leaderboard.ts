import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createCatalog, type Catalog } from '../catalog/catalog.ts';
import { createDedupeStep } from '../pipeline/dedupe-step.ts';
import { createKeyFilter, type KeyFilter } from '../pipeline/key-filter.ts';
import { createIngestPipeline, type IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { createValidateStep } from '../pipeline/validate-step.ts';
import { createStandingsRefresher, type StandingsRefresher } from '../scoring/standings-refresher.ts';
import { createStandingsService, type StandingsService } from '../scoring/standings.service.ts';
import { latestComputedAt } from '../scoring/standings.store.ts';
import { createClickHouse } from '../storage/clickhouse-client.ts';
import {
  countStoredEvents,
  findStoredEventKeys,
  forEachStoredEventKey,
  insertEventRows,
  toEventValues,
} from '../storage/events.store.ts';
import { migrate } from '../storage/migrate.ts';
import { buildApp } from './app.ts';
import type { ApiConfig } from './config.ts';
import { createIngestMetrics } from './ingest-metrics.ts';
import { competitionsRoute } from './routes/competitions.route.ts';
import { eventsRoute } from './routes/events.route.ts';
import { healthRoute } from './routes/health.route.ts';
import { orgRoute } from './routes/org.route.ts';
import { standingsRoute } from './routes/standings.route.ts';

/**
 * The embedded engine serves one process (a second one cannot open the data directory), so this
 * process sees every event stored and can keep a filter of their keys: every stored key goes in
 * before the first request, so "not in the filter" means "not stored". A ClickHouse server may
 * have other writers, so there every batch is looked up in storage.
 */
async function loadKeyFilter(client: ClickHouseClient, logger: Logger): Promise<KeyFilter> {
  const started = performance.now();
  const total = await countStoredEvents(client);
  // Room for half as many again before the filter grows.
  const filter = createKeyFilter(Math.max(1 << 20, Math.ceil(total * 1.5)));
  await forEachStoredEventKey(client, total, (bytes, start, end) => filter.addLine(bytes, start, end));
  logger.info({ keys: filter.size, ms: Math.round(performance.now() - started) }, 'dedupe filter loaded');
  return filter;
}

export interface Leaderboard {
  app: FastifyInstance;
  client: ClickHouseClient;
  catalog: Catalog;
  standings: StandingsService;
  refresher: StandingsRefresher;
  ingest: IngestPipeline['ingest'];
  /** Stops taking requests, drains in-flight batches and recomputations, closes storage. */
  close(): Promise<void>;
}

/** Wires the embedded product: storage, catalog, pipeline, standings and the HTTP app. */
export async function createLeaderboard(
  config: ApiConfig,
  logger: Logger,
  now: () => Date = () => new Date(),
): Promise<Leaderboard> {
  const client = createClickHouse(config.clickhouse);
  const { applied } = await migrate(client);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const catalog = await createCatalog(client);
  const keyFilter = config.clickhouse.mode === 'embedded' ? await loadKeyFilter(client, logger) : undefined;
  const standings = createStandingsService({
    client,
    catalog,
    now,
    logger,
    persistMs: config.standingsPersistMs,
    lastComputedAt: await latestComputedAt(client),
  });
  const refresher = createStandingsRefresher({
    catalog,
    standings,
    logger,
    now,
    debounceMs: config.standingsDebounceMs,
    historyDebounceMs: config.standingsHistoryDebounceMs,
  });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const pipeline = createIngestPipeline({
    validate: createValidateStep({
      crewExists: (crewId) => catalog.crew(crewId) !== undefined,
      now,
      maxFutureMs: config.eventMaxFutureMs,
      maxAgeMs: config.eventMaxAgeMs,
    }),
    dedupe: createDedupeStep((batch) => findStoredEventKeys(client, batch), keyFilter),
    store: async (events) => {
      const receivedAt = now().toISOString();
      await insertEventRows(
        client,
        events.map((e) => toEventValues(e, receivedAt)),
      );
    },
    onStored: (events) =>
      refresher.eventsStored(events.map((e) => ({ crewId: e.crewId, occurredAtMs: Date.parse(e.occurredAt) }))),
    metrics: createIngestMetrics(metrics),
  });
  const app = await buildApp({
    logger,
    routes: [
      eventsRoute({
        ingest: pipeline.ingest,
        maxEventsPerRequest: config.maxEventsPerRequest,
        maxBodyBytes: config.maxBodyBytes,
      }),
      orgRoute({
        catalog,
        now,
        maxBodyBytes: config.maxRegistryBytes,
        onChanged: () => {
          for (const c of catalog.competitions()) refresher.competitionChanged(c.id);
        },
      }),
      competitionsRoute({ catalog, now, onChanged: (id) => refresher.competitionChanged(id) }),
      standingsRoute({ catalog, standings }),
      healthRoute({ client, metrics }),
    ],
  });
  return {
    app,
    client,
    catalog,
    standings,
    refresher,
    ingest: pipeline.ingest,
    async close() {
      await app.close();
      await pipeline.drain();
      await refresher.close();
      await standings.flush();
      await client.close();
    },
  };
}
