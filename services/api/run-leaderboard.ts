import { pino } from 'pino';
import { seedDemoIfEmpty } from '../demo/seed-demo.ts';
import { clockFrom } from '../shared/clock.ts';
import { limitHeapGrowth } from '../shared/heap-growth.ts';
import { exitOnSignals } from '../shared/shutdown.ts';
import { describeTarget } from '../storage/clickhouse-client.ts';
import { parseConfig, type ApiConfig } from './config.ts';
import { createLeaderboard, type Leaderboard } from './leaderboard.ts';

export interface RunOptions {
  /** npm start serves POST /v1/events; npm run scoring does not. */
  ingest: boolean;
  /** The scoring service exists to consume Kafka: without KAFKA_BROKERS it refuses to start. */
  requireKafka: boolean;
  title: string;
}

/** Open mode and a first admin token must not scroll past unseen: both are boxed. */
function accessBanner(config: ApiConfig, firstAdminToken: string | undefined): string[] {
  const box = (lines: string[]) => ['!'.repeat(78), ...lines.map((l) => `!  ${l}`), '!'.repeat(78), ''];
  if (config.access.open) {
    return box([
      '开放模式：任何人无需令牌即可写入（仅限本机试用）',
      'OPEN MODE: every request is allowed without an API token (a first try on this machine).',
      '上线前请设置 AUTH_MODE=tokens / Set AUTH_MODE=tokens before anyone else can reach it,',
      'and always behind a reverse proxy (it makes every request look local).',
    ]);
  }
  const lines = [
    `  访问控制 / Access control:   API tokens required for writes; standings reads ${config.access.standings === 'public' ? 'public' : 'need a viewer token'}`,
    '',
  ];
  if (firstAdminToken === undefined) return lines;
  return [
    ...lines,
    ...box([
      '首个管理员令牌（只显示这一次，请立即保存）/ First admin token (shown once: store it now):',
      '',
      `    ${firstAdminToken}`,
      '',
      '用它创建其他令牌 / Create the other tokens with it:',
      `    LEADERBOARD_TOKEN=<token> npx ghlb tokens create --name 杭州工会 --role organiser --branch B1`,
    ]),
  ];
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Process wiring shared by npm start and npm run scoring: config, start, signals, banner. */
export async function runLeaderboard(options: RunOptions): Promise<void> {
  let config: ApiConfig;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (options.requireKafka && !config.kafka) {
    fail('invalid environment: KAFKA_BROKERS: required by the scoring service, e.g. KAFKA_BROKERS=127.0.0.1:9092');
  }
  limitHeapGrowth(config.heapGrowthPercent);
  const logger = pino({ level: config.logLevel });
  const transport = config.kafka
    ? `Kafka ${config.kafka.brokers.join(',')} topic ${config.kafka.events.name}`
    : 'no Kafka';
  logger.info(`starting on ${describeTarget(config.clickhouse)}, ${transport}`);
  const now = clockFrom(config.clockStart);
  if (config.clockStart)
    logger.warn(`CLOCK_START: running as if it were ${now().toISOString()} (the clock runs from there)`);
  let leaderboard: Leaderboard | undefined;
  try {
    leaderboard = await createLeaderboard(config, logger, now, {
      ingest: options.ingest,
      // The consumer refused its group after joining (another instance was there first).
      onConsumerFatal: (err) => {
        process.stderr.write(`${err.message}\n`);
        void (leaderboard?.close() ?? Promise.resolve()).finally(() => process.exit(1));
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, `cannot start: ${message}`);
    process.stderr.write(`cannot start: ${message}\n`);
    process.exit(1);
  }

  exitOnSignals(logger, 'draining in-flight batches and standings', () => leaderboard.close());

  if (config.demo === 'auto' && options.ingest && (await seedDemoIfEmpty(leaderboard, logger, now()))) {
    logger.info('empty database: loaded the demo (set DEMO=off to start empty)');
  }
  await leaderboard.app.listen({ host: config.host, port: config.port });
  // Bundled now rather than on the first visit, so the console opens at once.
  leaderboard.consoleAssets().catch((err: unknown) => logger.error({ err }, 'cannot bundle the console'));
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const lines = [
    '',
    options.title,
    `  工会工作台 / Console:         ${base}/console`,
    `  大屏与竞赛 / Screens:         ${base}/`,
    `  API 文档 / API docs:          ${base}/docs`,
    `  竞赛列表 / Competitions:      ${base}/v1/competitions`,
    ...leaderboard.catalog
      .competitions()
      .map(
        (c) => `  ${c.definition.name.zh} / ${c.definition.name.en}:\n      ${base}/v1/competitions/${c.id}/standings`,
      ),
    `  健康检查 / Health:            ${base}/readyz   指标 / Metrics: ${base}/metrics`,
    ...(config.kafka
      ? [`  事件流 / Event stream:        Kafka ${config.kafka.brokers.join(',')} → ${config.kafka.events.name}`]
      : []),
    ...(options.ingest ? ['  模拟实时数据 / Live events:   npm run simulate'] : []),
    `  命令行工具 / CLI:             npx ghlb help   (LEADERBOARD_URL=${base})`,
    '',
    ...accessBanner(config, leaderboard.firstAdminToken),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (config.access.open) {
    logger.warn(
      'OPEN MODE: no API token is needed for anything; set AUTH_MODE=tokens before anyone else can reach this server',
    );
  }
}
