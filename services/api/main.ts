import { pino } from 'pino';
import { seedDemoIfEmpty } from '../demo/seed-demo.ts';
import { describeTarget } from '../storage/clickhouse-client.ts';
import { parseConfig, type ApiConfig } from './config.ts';
import { createLeaderboard, type Leaderboard } from './leaderboard.ts';

let config: ApiConfig;
try {
  config = parseConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = pino({ level: config.logLevel });
logger.info(`starting on ${describeTarget(config.clickhouse)}`);
let leaderboard: Leaderboard;
try {
  leaderboard = await createLeaderboard(config, logger);
} catch (err) {
  logger.fatal({ err }, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down: draining in-flight batches and standings');
  await leaderboard.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

if (config.demo === 'auto' && (await seedDemoIfEmpty(leaderboard, logger, new Date()))) {
  logger.info('empty database: loaded the demo (set DEMO=off to start empty)');
}
await leaderboard.app.listen({ host: config.host, port: config.port });
const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
const lines = [
  '',
  '劳动竞赛排行榜已启动 / Labour-competition leaderboard is running',
  `  API 文档 / API docs:          ${base}/docs`,
  `  竞赛列表 / Competitions:      ${base}/v1/competitions`,
  ...leaderboard.catalog
    .competitions()
    .map(
      (c) => `  ${c.definition.name.zh} / ${c.definition.name.en}:\n      ${base}/v1/competitions/${c.id}/standings`,
    ),
  `  健康检查 / Health:            ${base}/readyz   指标 / Metrics: ${base}/metrics`,
  '  模拟实时数据 / Live events:   npm run simulate',
  '',
];
process.stdout.write(lines.join('\n') + '\n');
