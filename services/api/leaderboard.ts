import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createCatalog, type Catalog } from '../catalog/catalog.ts';
import { personLookup } from '../catalog/person-lookup.ts';
import type { Producer } from 'kafkajs';
import { connectKafkaIngest } from '../ingest/kafka-ingest.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { createClickHouseIngest } from '../pipeline/clickhouse-ingest.ts';
import { createKeyFilter, type KeyFilter } from '../pipeline/key-filter.ts';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { createValidateStep } from '../pipeline/validate-step.ts';
import { toCorrectionMessage } from '../kafka/event-message.ts';
import { createKafkaPublisher } from '../ingest/kafka-publisher.ts';
import {
  createCorrectionMetrics,
  createPublishedCorrectionPipeline,
  createStoredCorrectionPipeline,
} from '../corrections/correction-pipeline.ts';
import { createCorrectionValidateStep, scoreChanges } from '../corrections/correction-steps.ts';
import { createCorrections } from '../corrections/corrections.ts';
import { createConsumerMetrics } from '../scoring/consumer/consumer-metrics.ts';
import { createEventConsumer, type EventConsumer } from '../scoring/consumer/event-consumer.ts';
import { memberInfoFor } from '../scoring/consumer/group-membership.ts';
import { createRecomputeMarks } from '../scoring/recompute-marks.ts';
import { findStaleStandings } from '../scoring/stale-standings.ts';
import { createStandingsMetrics } from '../scoring/standings-metrics.ts';
import { createStandingsRefresher, type StandingsRefresher } from '../scoring/standings-refresher.ts';
import { createStandingsService, type StandingsService } from '../scoring/standings.service.ts';
import { standingsOwnership } from '../scoring/standings-ownership.ts';
import { latestComputedAt } from '../scoring/standings.store.ts';
import { createClickHouse } from '../storage/clickhouse-client.ts';
import { countStoredEvents, forEachStoredEventKey } from '../storage/events.store.ts';
import { migrate } from '../storage/migrate.ts';
import { createInsertHealth } from '../storage/insert-health.ts';
import { createStoreTracker } from '../storage/store-tracker.ts';
import { buildApp } from './app.ts';
import type { ApiConfig } from './config.ts';
import { createIngestMetrics, createInsertFailureCounter } from './ingest-metrics.ts';
import { competitionsRoute } from './routes/competitions.route.ts';
import { eventCorrectionsRoute } from './routes/event-corrections.route.ts';
import { eventsRoute } from './routes/events.route.ts';
import { handbookRoute } from './routes/handbook.route.ts';
import { healthRoute } from './routes/health.route.ts';
import { orgRoute } from './routes/org.route.ts';
import { screenPagesRoute } from './routes/screen-pages.route.ts';
import { screensRoute } from './routes/screens.route.ts';
import { standingsRoute } from './routes/standings.route.ts';
import { createExplainPoints } from '../scoring/explain-points.ts';
import { createStandingsFeed } from '../scoring/standings-feed.ts';
import { createDisplayLinks, type DisplayLinks } from '../screen/display-links.ts';
import { loadInnovationMonth } from '../screen/innovations.query.ts';
import { buildScreenAssets } from '../screen/screen-assets.ts';
import { createScreenCatalog, type ScreenCatalog } from '../screen/screen-catalog.ts';
import { createFinalStandings } from '../screen/final-standings.ts';
import { anyEvent } from '../storage/event-reads.store.ts';
import { createScreenDataBuilder } from '../screen/screen-data.ts';
import { createScreenHub, type ScreenHub } from '../screen/screen-hub.ts';
import { startStandingsPoller } from '../screen/standings-poller.ts';
import { createAccess, type Access } from '../access/access.ts';
import { createApiTokens, type ApiTokens } from '../access/api-tokens.ts';
import { createAccessPublisher, publishAccess, publishedRegistry, publishedToken } from '../access/access-publisher.ts';
import { bootstrapAdmin } from '../access/bootstrap-admin.ts';
import { refuseCrewsOutOfScope } from '../access/scope.ts';
import { createReports } from '../review/reports.ts';
import { reportsRoute } from './routes/reports.route.ts';
import { createCompetitionAdmin } from '../competition/competition-admin.ts';
import { createPeriods, type Periods } from '../competition/periods.ts';
import { lazyConsoleAssets, type ConsoleAssets } from '../console/console-assets.ts';
import { competitionVersionsRoute } from './routes/competition-versions.route.ts';
import { consolePagesRoute } from './routes/console-pages.route.ts';
import { reporterPagesRoute } from './routes/reporter-pages.route.ts';
import { lazyReporterAssets } from '../reporter/reporter-assets.ts';
import { periodsRoute } from './routes/periods.route.ts';
import { noticesRoute } from './routes/notices.route.ts';
import { createNotices } from '../notice/notices.ts';
import { createWorkingDayCalendar } from '../notice/working-days.ts';
import { orgImportRoute } from './routes/org-import.route.ts';
import { evidenceRoute } from './routes/evidence.route.ts';
import { EVIDENCE_ROLES, createEvidence } from '../evidence/evidence-service.ts';
import { openEvidenceStore } from '../evidence/open-evidence-store.ts';
import { sheetImportRoute } from './routes/sheet-import.route.ts';
import { tokensRoute } from './routes/tokens.route.ts';
import { printPagesRoute } from './routes/print-pages.route.ts';
import { shortLinksRoute } from './routes/short-links.route.ts';
import { createMissLimiter } from '../shared/miss-limiter.ts';
import { xlsxDownloadsRoute } from './routes/xlsx-downloads.route.ts';
import { createResultsSource } from '../results/results-source.ts';
import { createNotify, type Notify } from '../notify/notify.ts';
import { createNotifySources, type NotifySources } from '../notify/facts/notify-sources.ts';
import { unrectifiedHazards } from '../notify/facts/overdue-facts.ts';
import { notifyRoute } from './routes/notify.route.ts';

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

/** How long a correction request waits for the scoring consumer to store it before answering 202. */
const CORRECTION_STORED_WITHIN_MS = 10_000;

/**
 * How long /readyz reports failing inserts after the latest failure when no insert has run since
 * (an instance taken out of a load balancer gets none): then it is tried again.
 */
const INSERT_FAILURE_WINDOW_MS = 60_000;

export interface Leaderboard {
  app: FastifyInstance;
  client: ClickHouseClient;
  catalog: Catalog;
  standings: StandingsService;
  refresher: StandingsRefresher;
  ingest: IngestPipeline['ingest'];
  /** With Kafka: the scoring consumer of this process. */
  consumer: EventConsumer | undefined;
  screens: ScreenCatalog;
  displayLinks: DisplayLinks;
  screenHub: ScreenHub;
  tokens: ApiTokens;
  access: Access;
  periods: Periods;
  /** An admin token made at this start (access control on, no admin yet): shown once in the banner. */
  firstAdminToken: string | undefined;
  /** The organisers' console, bundled on first use (npm start warms it after listening). */
  consoleAssets: () => Promise<ConsoleAssets>;
  /**
   * Messages to the work groups: notify.notifier is what fact sources post to; its delivery worker
   * runs only where notifyEnabled (NOTIFY=on, npm start).
   */
  notify: Notify;
  notifyEnabled: boolean;
  /** Where notifyEnabled: the fact sources posting to notify.notifier (tests sweep them after moving the clock). */
  notifySources: NotifySources | undefined;
  /** PUBLIC_URL: the address links in messages point to. */
  publicUrl: string;
  /** Stops taking requests, drains in-flight batches and recomputations, closes storage. */
  close(): Promise<void>;
}

export interface LeaderboardOptions {
  /** Serve POST /v1/events (npm start); the scoring service alone (npm run scoring) does not. */
  ingest: boolean;
  /** The scoring consumer gave up for good (it refused its consumer group): the process should stop. */
  onConsumerFatal?: (err: Error) => void;
}

/**
 * Wires the product: storage, catalog, standings and the HTTP app. Without Kafka, POST /v1/events
 * stores straight into ClickHouse; with KAFKA_BROKERS it publishes to Kafka and this process's
 * scoring consumer stores what it reads. Validation, dedupe and storage code are the same.
 */
export async function createLeaderboard(
  config: ApiConfig,
  logger: Logger,
  now: () => Date = () => new Date(),
  options: LeaderboardOptions = { ingest: true },
): Promise<Leaderboard> {
  const client = createClickHouse(config.clickhouse);
  const { applied } = await migrate(client, undefined, {
    cluster: config.clickhouse.mode === 'server' ? config.clickhouse.cluster : undefined,
  });
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const catalog = await createCatalog(client);
  // On the embedded engine this process is the only writer (directly or through its consumer).
  const keyFilter = config.clickhouse.mode === 'embedded' ? await loadKeyFilter(client, logger) : undefined;
  const feed = createStandingsFeed();
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const insertHealth = createInsertHealth({
    now,
    windowMs: INSERT_FAILURE_WINDOW_MS,
    onFailure: createInsertFailureCounter(metrics),
  });
  const stores = createStoreTracker(now, insertHealth);
  const marks = createRecomputeMarks();
  const standings = createStandingsService({
    client,
    catalog,
    now,
    logger,
    marks,
    eventsStoredBefore: () => stores.storedBefore(),
    persistMs: config.standingsPersistMs,
    lastComputedAt: await latestComputedAt(client),
    soleWriter: standingsOwnership(config) === 'sole',
    insertsVisibleWhenEnded: config.clickhouse.mode === 'embedded',
    onTodayComputed: (competitionId, asOf) => feed.publish(competitionId, asOf),
  });
  // Today's standings read again only the crews whose inserts ended since their last read.
  stores.onEnded((crewIds, lifecycleCrewIds) => standings.crewsStored(crewIds, lifecycleCrewIds));
  const refresher = createStandingsRefresher({
    catalog,
    standings,
    marks,
    logger,
    now,
    debounceMs: config.standingsDebounceMs,
    historyDebounceMs: config.standingsHistoryDebounceMs,
    busyShare: config.kafka ? 1 / 2 : 1 / 3,
    // Behind Kafka, today's refreshes may follow each other almost at once: the consumer's inserts
    // run in the engine's own threads meanwhile, and waiting a whole refresh's length between two
    // (a half) kept live events from the screens for 1.3–1.5 s at p99 (docs/performance.md).
    todayShare: config.kafka ? 0.9 : 1 / 3,
    metrics: createStandingsMetrics(metrics),
  });
  // Every change of the registry or of a competition's current version, whoever made it (an
  // organiser here, or another instance seen on reload), recomputes every stored day.
  catalog.onChange((change) =>
    refresher.scoresChanged(
      change.kind === 'registry' ? catalog.competitions().map((c) => c.id) : change.competitionIds,
      change.kind,
    ),
  );
  // A process that was killed leaves standings behind what it stored: they are marked (answers
  // say recomputing) before anything is served, and recomputed right away.
  const checking = performance.now();
  const stale = await findStaleStandings(client, catalog);
  for (const { competitionId, fromDay } of stale) {
    logger.info({ competitionId, fromDay }, 'stored standings are behind the stored events; recomputing');
    refresher.scoresChanged([competitionId], 'restart', fromDay);
  }
  logger.info(
    { competitions: catalog.competitions().length, behind: stale.length, ms: Math.round(performance.now() - checking) },
    'stored standings checked against the stored events',
  );
  const validate = createValidateStep({
    crewExists: (crewId) => catalog.crew(crewId) !== undefined,
    personExists: personLookup(catalog),
    now,
    maxFutureMs: config.eventMaxFutureMs,
    maxAgeMs: config.eventMaxAgeMs,
  });
  const validateCorrection = createCorrectionValidateStep(validate);
  // A correction changes the scores of its event's crew and day, and of its replacement's: the
  // same path as stored events, which recomputes every stored day from the earliest one on.
  const refreshFor = (records: Parameters<typeof scoreChanges>[0]) =>
    refresher.eventsStored(
      scoreChanges(records).map((e) => ({ crewId: e.crewId, occurredAtMs: Date.parse(e.occurredAt) })),
    );
  const correctionMetrics = createCorrectionMetrics(metrics);

  let producer: Producer | undefined;
  let deadLetterProducer: Producer | undefined;
  let consumer: EventConsumer | undefined;
  let pipeline: IngestPipeline;
  let correctionPipeline: IngestPipeline;
  if (config.kafka) {
    const kafka = createKafka(config.kafka, logger, 'api', metrics);
    ({ producer, pipeline } = await connectKafkaIngest({
      kafka,
      config: config.kafka,
      logger,
      metrics,
      validate,
      now,
    }));
    const correctionPublisher = createKafkaPublisher({
      producer,
      toMessage: toCorrectionMessage,
      topic: config.kafka.events.name,
      timeoutMs: config.kafka.produceTimeoutMs,
      maxInFlightEvents: config.kafka.maxInFlightEvents,
      now: () => now().getTime(),
    });
    correctionPipeline = createPublishedCorrectionPipeline({
      validate: validateCorrection,
      publish: correctionPublisher.publish,
      metrics: correctionMetrics,
    });
    // Dead letters have a producer of their own with bounded retries: a broker outage must fail
    // the batch (and pause the partition), not hold it past the session timeout.
    deadLetterProducer = kafka.producer();
    await deadLetterProducer.connect();
    let inserts = 0;
    consumer = createEventConsumer({
      afterInsert:
        config.faultKillAfterInserts > 0
          ? () => {
              if (++inserts >= config.faultKillAfterInserts) process.kill(process.pid, 'SIGKILL');
            }
          : undefined,
      client,
      stores,
      kafka,
      producer: deadLetterProducer,
      keyFilter,
      // On a server, another instance may have registered the crew a moment ago.
      reloadRegistry: config.clickhouse.mode === 'server' ? () => catalog.reload() : undefined,
      registryLoaded: () => catalog.orgVersion() > 0,
      // Orders instances that start together; the real clock, as it compares processes.
      member: memberInfoFor(config.clickhouse, Date.now()),
      onFatal: options.onConsumerFatal,
      config: config.kafka,
      validate,
      validateCorrection,
      onStored: refreshFor,
      metrics: createConsumerMetrics(metrics),
      logger,
      now,
    });
  } else {
    pipeline = createClickHouseIngest({
      client,
      stores,
      keyFilter,
      validate,
      onStored: refreshFor,
      metrics: createIngestMetrics(metrics),
    });
    correctionPipeline = createStoredCorrectionPipeline({
      client,
      validate: validateCorrection,
      stores,
      keyFilter,
      onStored: refreshFor,
      metrics: correctionMetrics,
    });
  }
  const corrections = createCorrections({
    client,
    catalog,
    now,
    validate: validateCorrection,
    submit: correctionPipeline.ingest,
    // Through Kafka the scoring consumer stores it, usually within a fraction of a second.
    storedWithinMs: config.kafka ? CORRECTION_STORED_WITHIN_MS : 0,
  });
  const [screens, displayLinks, assets] = await Promise.all([
    createScreenCatalog(client, catalog),
    createDisplayLinks({ client, now }),
    buildScreenAssets(),
  ]);
  const closablePeriods = createPeriods({
    client,
    catalog,
    standings,
    now,
    settle: (instant) => stores.settled(instant),
  });
  const buildScreen = createScreenDataBuilder({
    catalog,
    standings,
    // Notices are created with the screen hub below; a screen is built only once serving.
    finals: createFinalStandings(client, closablePeriods, { view: (id, periodId) => notices.view(id, periodId) }),
    loadInnovations: (window) => loadInnovationMonth(client, window),
    anyReport: (window) => anyEvent(client, window),
    now,
    heartbeatSeconds: Math.ceil(config.screens.heartbeatMs / 1000),
  });
  const screenHub = createScreenHub({
    screens,
    build: buildScreen,
    logger,
    heartbeatMs: config.screens.heartbeatMs,
    now,
  });
  feed.subscribe((competitionId) => screenHub.competitionChanged(competitionId));
  // A closed period freezes what the screens show (已结算): they are rebuilt at once.
  const periods: Periods = {
    ...closablePeriods,
    async close(competitionId, ...rest) {
      const closure = await closablePeriods.close(competitionId, ...rest);
      screenHub.competitionChanged(competitionId);
      return closure;
    },
    async recheck(competitionId, ...rest) {
      const rechecked = await closablePeriods.recheck(competitionId, ...rest);
      screenHub.competitionChanged(competitionId);
      return rechecked;
    },
  };
  const notices = createNotices({
    client,
    catalog,
    periods,
    corrections,
    calendar: createWorkingDayCalendar(),
    now,
    // A 公示 opened, an objection decided or the results confirmed: the screens say so at once.
    changed: (competitionId) => {
      screenHub.competitionChanged(competitionId);
      // A 公示 opened or confirmed: the work groups hear it now, not at the next tick.
      notifySources?.poke();
    },
  });
  // Messages to the work groups. Only one process per ClickHouse server sends them (NOTIFY=on):
  // npm start, not the scoring service, which shares the configuration.
  const notifyEnabled = config.notify.enabled && options.ingest;
  const notify = createNotify({
    client,
    now,
    logger,
    metrics,
    publicUrl: config.publicUrl,
    maxAttempts: config.notify.maxAttempts,
    retryBaseMs: config.notify.retryBaseMs,
    webhookHosts: config.notify.webhookHosts,
  });
  // What the groups hear about (services/notify/facts/): started with the worker below, stopped before it.
  const notifySources = notifyEnabled
    ? createNotifySources({
        notifier: notify.notifier,
        now,
        catalog,
        standings,
        feed,
        notices,
        hazards: unrectifiedHazards(client),
        // The leader changes already announced: a restart goes on from the last one.
        postedKeys: async (competitionId, kind) =>
          (await notify.outbox.list({ competitionId, limit: Number.MAX_SAFE_INTEGER }))
            .filter((d) => d.kind === kind)
            .map((d) => d.factKey),
        publicUrl: config.publicUrl,
        logger,
      })
    : undefined;
  // Revoked by another instance (seen on reload): its screens here stop too.
  displayLinks.onRevoked((link) => screenHub.linkRevoked(link.id));
  // On a server the scoring service may be another process: look for the standings it writes.
  const poller =
    config.clickhouse.mode === 'server'
      ? startStandingsPoller({
          client,
          logger,
          intervalMs: config.screens.pollMs,
          watching: () => screenHub.streams() > 0,
          onChanged: (competitionId) => screenHub.competitionChanged(competitionId),
        })
      : undefined;
  const accessPublisher =
    producer && config.kafka
      ? createAccessPublisher({ producer, config: config.kafka, now: () => now().getTime() })
      : undefined;
  const tokens = await createApiTokens({
    client,
    now,
    onSaved: accessPublisher && ((token) => publishAccess(accessPublisher, [publishedToken(token)])),
  });
  const firstAdmin = await bootstrapAdmin(tokens, config.access);
  if (firstAdmin.adopted) logger.info('BOOTSTRAP_ADMIN_TOKEN registered as an admin token');
  if (accessPublisher) {
    // Every token, those made before the topic existed too, and the mode: republishing what the
    // topic has is harmless (same keys; compaction keeps one of each).
    const all = tokens.stored();
    const registry = catalog.orgVersion() > 0 ? [publishedRegistry(catalog.org(), catalog.orgVersion())] : [];
    await publishAccess(accessPublisher, [
      { kind: 'mode', open: config.access.open },
      ...registry,
      ...all.map(publishedToken),
    ]);
    // The ingest services read the registry from the API too (REGISTRY_URL): a failure here only
    // leaves an ingest service restarted while the API is away with the previous one.
    catalog.onChange((change) => {
      if (change.kind !== 'registry') return;
      publishAccess(accessPublisher, [publishedRegistry(catalog.org(), change.version)]).catch((err: unknown) =>
        logger.warn({ err }, 'registry not published for the ingest services'),
      );
    });
    logger.info(
      { tokens: all.length, topic: config.kafka?.access.name },
      'API tokens published for the ingest services',
    );
  }
  const access = createAccess({ tokens, open: config.access.open, standingsAccess: config.access.standings });
  const competitionAdmin = createCompetitionAdmin({ catalog, standings, now });
  const results = createResultsSource({
    catalog,
    standings,
    periods,
    now,
    noticeOf: async (competitionId, periodId) => {
      const notice = await notices.view(competitionId, periodId);
      return notice && notice.status !== 'closed' && notice.status !== 'open'
        ? { status: notice.status, endsOn: notice.endsOn }
        : null;
    },
  });
  const consoleAssets = lazyConsoleAssets();
  // Guessing short codes: 20 unknown codes (at /s/ or as a screen's token) a minute per address.
  const displayLinkMisses = createMissLimiter({ max: 20, windowMs: 60_000, now: () => now().getTime() });
  const routes = [
    screenPagesRoute({ assets, screenExists: (id) => screens.screen(id) !== undefined }),
    shortLinksRoute({ links: displayLinks, misses: displayLinkMisses }),
    consolePagesRoute({ assets: consoleAssets }),
    reporterPagesRoute({ assets: lazyReporterAssets() }),
    handbookRoute({
      docs: new URL('../../docs/', import.meta.url),
      screenshots: new URL('../../test/browser/screenshots/', import.meta.url),
    }),
    tokensRoute({ tokens, access, catalog }),
    competitionVersionsRoute({ catalog, admin: competitionAdmin, access }),
    periodsRoute({ catalog, periods, notices, access }),
    noticesRoute({ catalog, notices, access }),
    screensRoute({
      catalog,
      screens,
      links: displayLinks,
      hub: screenHub,
      build: buildScreen,
      now,
      maxStreams: config.screens.maxStreams,
      access,
      misses: displayLinkMisses,
    }),
    orgRoute({
      catalog,
      now,
      maxBodyBytes: config.maxRegistryBytes,
      access,
    }),
    orgImportRoute({
      catalog,
      access,
      now,
      maxBodyBytes: config.maxRegistryBytes,
    }),
    sheetImportRoute({ access, maxBodyBytes: config.maxRegistryBytes }),
    competitionsRoute({
      catalog,
      admin: competitionAdmin,
      access,
      now,
      closedPeriodIds: (id) => periods.closedPeriodIds(id),
    }),
    eventCorrectionsRoute({ corrections, access }),
    notifyRoute({ catalog, notify, access }),
    reportsRoute({ reports: createReports({ client, catalog, ingest: pipeline.ingest, now }), access }),
    standingsRoute({ catalog, standings, access, corrections, explain: createExplainPoints({ client, catalog, now }) }),
    // The registry has no time zone of its own: its export is dated in the product's default one.
    xlsxDownloadsRoute({ catalog, results, access, now, timeZone: 'Asia/Shanghai' }),
    printPagesRoute({ catalog, results, access }),
    healthRoute({
      metrics,
      metricsAccess: access.require('viewer', 'ingest', 'organiser'),
      readiness: async () => {
        const clickhouse = (await client.ping()).success;
        const status = consumer?.status();
        // Joining, stalled or stopped: what is served may not be current. Waiting for a first
        // registry is expected on a fresh install (and the registry is put through this service).
        const consuming = !status || status.state === 'consuming' || status.state === 'waiting for registry';
        const failing = insertHealth.failing();
        return {
          ready: clickhouse && consuming && !failing,
          checks: {
            clickhouse: clickhouse ? 'ok' : 'unreachable',
            // Only while failing, as stalledPartitions: the answer probes and tests know stays.
            ...(failing
              ? { inserts: `failing since ${failing.since} (${failing.failures} inserts failed): ${failing.reason}` }
              : {}),
            ...(status ? { kafkaConsumer: status.state === 'consuming' ? 'ok' : status.state } : {}),
            ...(status && status.stalled.length > 0
              ? { stalledPartitions: status.stalled.map((p) => p.partition).join(',') }
              : {}),
          },
        };
      },
    }),
  ];
  // Uploads are writes beside the events': served where events are taken (npm start).
  const evidenceStore = options.ingest ? await openEvidenceStore(config.evidence) : undefined;
  if (evidenceStore) {
    logger.info({ store: config.evidence.store, where: evidenceStore.where }, 'evidence store');
    routes.push(
      evidenceRoute({
        evidence: createEvidence({ store: evidenceStore, client, catalog, now, maxPixels: config.evidence.maxPixels }),
        access,
        maxBytes: config.evidence.maxBytes,
        roles: EVIDENCE_ROLES,
      }),
    );
  }
  if (options.ingest) {
    routes.unshift(
      eventsRoute({
        ingest: pipeline.ingest,
        maxEventsPerRequest: config.maxEventsPerRequest,
        maxBodyBytes: config.maxBodyBytes,
        authenticate: access.require('ingest', 'organiser'),
        authorizeCrews: (request, items) =>
          refuseCrewsOutOfScope(access.principal(request), items, (crewId) => catalog.crew(crewId)),
      }),
    );
  }
  const app = await buildApp({
    logger,
    routes,
    ratePerMinute: config.access.ratePerMinute,
    bodyLimit: config.maxJsonBytes,
    allowedHosts: config.allowedHosts,
    secrets: [config.access.bootstrapAdminToken],
    rateKey: (request) => {
      try {
        const token = access.principal(request).token;
        if (token) return `token:${token.id}`;
      } catch {
        // A bad token is answered 401 by the route; it is counted by address like no token.
      }
      return `ip:${request.ip}`;
    },
  });
  // Open screen streams never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => screenHub.close());
  // Returns before the group join completes: the service answers (and /readyz says 'joining')
  // while a restarted instance waits for its predecessor's session to time out.
  await consumer?.start();
  if (notifyEnabled) {
    await notify.worker.start();
    notifySources?.start();
    logger.info({ publicUrl: config.publicUrl }, 'messages to the work groups: delivery worker started');
  }
  // Another instance on the same ClickHouse server may change the registry or a competition: the
  // catalog announces what a reload finds changed, like its own changes.
  const screenVersions = () => new Map(screens.list().map((s) => [s.id, s.version]));
  const reloadTimer =
    config.clickhouse.mode === 'server'
      ? setInterval(() => {
          const screensBefore = screenVersions();
          Promise.all([catalog.reload(), screens.reload(), displayLinks.reload(), tokens.reload()])
            .then(() => {
              for (const [id, version] of screenVersions()) {
                if (screensBefore.get(id) !== version) screenHub.screenChanged(id);
              }
            })
            .catch((err: unknown) => logger.warn({ err }, 'registry reload failed; keeping the loaded one'));
        }, config.catalogReloadMs)
      : undefined;
  return {
    app,
    client,
    catalog,
    standings,
    refresher,
    ingest: pipeline.ingest,
    consumer,
    screens,
    displayLinks,
    screenHub,
    tokens,
    access,
    periods,
    firstAdminToken: firstAdmin.generated,
    consoleAssets,
    notify,
    notifyEnabled,
    notifySources,
    publicUrl: config.publicUrl,
    async close() {
      clearInterval(reloadTimer);
      poller?.stop();
      await app.close();
      await notifySources?.stop();
      await notify.worker.stop();
      await pipeline.drain();
      await correctionPipeline.drain();
      await consumer?.stop();
      await deadLetterProducer?.disconnect();
      await producer?.disconnect();
      await refresher.close();
      await standings.flush();
      await evidenceStore?.close();
      await client.close();
    },
  };
}
