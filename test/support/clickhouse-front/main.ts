import { createClickHouseFront } from './http-front.ts';

// The test front as a process of its own (test/support/clickhouse-front.ts starts it), so the
// product's processes reach it over TCP as they would reach a ClickHouse server. Test support
// reads its environment here; the product never does.
const env = process.env;
const dataDir = env['FRONT_DATA_DIR'];
if (!dataDir) throw new Error('FRONT_DATA_DIR: the engine data directory the front serves');
const users = new Map(Object.entries(JSON.parse(env['FRONT_USERS'] ?? '{"default":""}') as Record<string, string>));
const front = await createClickHouseFront({
  dataDir,
  users,
  connections: Number(env['FRONT_CONNECTIONS'] ?? 4),
  configFile: env['FRONT_CONFIG_FILE'] || undefined,
  onQuery:
    env['FRONT_LOG'] === '1'
      ? (q) => process.stderr.write(`${JSON.stringify({ ...q, sql: q.sql.slice(0, 300) })}\n`)
      : undefined,
});
const port = await front.listen(Number(env['FRONT_PORT'] ?? 0));
// The line the starter waits for.
process.stdout.write(`clickhouse front listening on ${port}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void front.close().finally(() => process.exit(0));
  });
}
