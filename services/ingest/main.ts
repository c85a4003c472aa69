import { pino } from 'pino';
import { clockFrom } from '../shared/clock.ts';
import { exitOnSignals } from '../shared/shutdown.ts';
import { parseIngestConfig, type IngestConfig } from './config.ts';
import { createIngestService, type IngestService } from './ingest-service.ts';
import { createRegistryFollower } from './registry-follower.ts';

let config: IngestConfig;
try {
  config = parseIngestConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = pino({ level: config.logLevel });
const registry = createRegistryFollower({
  url: config.registryUrl,
  token: config.registryToken,
  refreshMs: config.registryRefreshMs,
  logger,
});
let service: IngestService;
try {
  await registry.refresh();
  service = await createIngestService(config, logger, registry, clockFrom(config.clockStart));
} catch (err) {
  logger.fatal({ err }, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

exitOnSignals(logger, 'answering the requests in flight', () => service.close());

await service.app.listen({ host: config.host, port: config.port });
const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
process.stdout.write(
  [
    '',
    '事件接入服务已启动 / Ingest service is running',
    `  上报事件 / Send events:       POST ${base}/v1/events  →  Kafka ${config.kafka.events.name}`,
    `  API 文档 / API docs:          ${base}/docs`,
    `  组织架构来源 / Registry from: ${config.registryUrl}`,
    `  健康检查 / Health:            ${base}/readyz   指标 / Metrics: ${base}/metrics`,
    '',
  ].join('\n') + '\n',
);
