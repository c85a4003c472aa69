import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';
import { clockFrom, systemClock } from '../../services/shared/clock.ts';

describe('API configuration from the environment', () => {
  it.each([
    { name: 'defaults', env: {}, port: 3000, persistMs: 5000 },
    {
      name: 'an empty variable is unset, not zero',
      env: { PORT: '', STANDINGS_PERSIST_MS: '' },
      port: 3000,
      persistMs: 5000,
    },
    { name: 'given values', env: { PORT: '8080', STANDINGS_PERSIST_MS: '0' }, port: 8080, persistMs: 0 },
  ])('$name', ({ env, port, persistMs }) => {
    const config = parseConfig(env);
    expect([config.port, config.standingsPersistMs]).toEqual([port, persistMs]);
  });

  it.each([
    { env: { PORT: '70000' }, names: 'PORT' },
    { env: { PORT: 'http' }, names: 'PORT' },
    { env: { MAX_EVENTS_PER_REQUEST: '0', DEMO: 'yes' }, names: 'MAX_EVENTS_PER_REQUEST' },
    { env: { KAFKA_BROKERS: 'localhost' }, names: 'KAFKA_BROKERS' },
    { env: { KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_EVENTS_TOPIC: 'events with spaces' }, names: 'KAFKA_EVENTS_TOPIC' },
    { env: { KAFKA_SESSION_TIMEOUT_MS: '100' }, names: 'KAFKA_SESSION_TIMEOUT_MS' },
  ])('stops on $env, naming the variable', ({ env, names }) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`invalid environment: .*${names}`));
  });
});

describe('HEAP_GROWTH_PERCENT', () => {
  it.each([
    { env: {}, percent: 0 },
    { env: { HEAP_GROWTH_PERCENT: '' }, percent: 0 },
    { env: { HEAP_GROWTH_PERCENT: '50' }, percent: 50 },
    { env: { HEAP_GROWTH_PERCENT: '0' }, percent: 0 },
    { env: { HEAP_GROWTH_PERCENT: '25' }, percent: 25 },
  ])('$env → $percent', ({ env, percent }) => {
    expect(parseConfig(env).heapGrowthPercent).toBe(percent);
  });

  it.each(['-1', '1001', '2.5', 'lots'])('stops on %s, naming the variable', (value) => {
    expect(() => parseConfig({ HEAP_GROWTH_PERCENT: value })).toThrow(/invalid environment: .*HEAP_GROWTH_PERCENT/);
  });
});

describe('Kafka configuration', () => {
  it.each([
    { name: 'no KAFKA_BROKERS: no Kafka', env: {}, kafka: undefined },
    { name: 'an empty KAFKA_BROKERS: no Kafka', env: { KAFKA_BROKERS: '' }, kafka: undefined },
    {
      name: 'brokers, topics and partitions',
      env: { KAFKA_BROKERS: 'a:9092,b:9093', KAFKA_EVENTS_TOPIC: 'ev', KAFKA_EVENTS_PARTITIONS: '12' },
      kafka: { brokers: ['a:9092', 'b:9093'], events: { name: 'ev', partitions: 12, retentionMs: 168 * 3_600_000 } },
    },
  ])('$name', ({ env, kafka }) => {
    const config = parseConfig(env).kafka;
    if (kafka === undefined) expect(config).toBeUndefined();
    else expect(config).toMatchObject(kafka);
  });
});

describe('ClickHouse cluster configuration', () => {
  const server = { CLICKHOUSE_URL: 'http://ch-1:8123' };
  it.each([
    { name: 'no CLICKHOUSE_CLUSTER: a single node', env: server, cluster: undefined },
    {
      name: 'an empty CLICKHOUSE_CLUSTER: a single node',
      env: { ...server, CLICKHOUSE_CLUSTER: '' },
      cluster: undefined,
    },
    {
      name: 'a cluster name',
      env: { ...server, CLICKHOUSE_CLUSTER: 'leaderboard-prod.1' },
      cluster: 'leaderboard-prod.1',
    },
  ])('$name', ({ env, cluster }) => {
    expect(parseConfig(env).clickhouse).toEqual({
      mode: 'server',
      url: 'http://ch-1:8123',
      username: 'default',
      password: '',
      database: 'default',
      cluster,
    });
  });

  it.each([
    { env: { CLICKHOUSE_CLUSTER: 'prod' }, problem: 'CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL' },
    { env: { ...server, CLICKHOUSE_CLUSTER: '{cluster}' }, problem: 'CLICKHOUSE_CLUSTER: a cluster name' },
    { env: { ...server, CLICKHOUSE_CLUSTER: "prod' SETTINGS x" }, problem: 'CLICKHOUSE_CLUSTER: a cluster name' },
  ])('stops on $env, naming CLICKHOUSE_CLUSTER', ({ env, problem }) => {
    expect(() => parseConfig(env)).toThrow(problem);
  });
});

describe('access control configuration', () => {
  const server = { CLICKHOUSE_URL: 'http://127.0.0.1:8123' };
  it.each([
    { name: 'embedded on loopback: open for a first try', env: {}, open: true },
    { name: 'localhost is loopback too', env: { HOST: 'localhost' }, open: true },
    { name: 'listening on every address: tokens', env: { HOST: '0.0.0.0' }, open: false },
    { name: 'a ClickHouse server: tokens', env: server, open: false },
    { name: 'tokens asked for on loopback', env: { AUTH_MODE: 'tokens' }, open: false },
    { name: 'open asked for on loopback', env: { AUTH_MODE: 'open', HOST: '127.0.0.2' }, open: true },
  ])('$name', ({ env, open }) => {
    expect(parseConfig(env).access.open).toBe(open);
  });

  it.each([
    { env: { AUTH_MODE: 'open', HOST: '0.0.0.0' }, names: 'AUTH_MODE: open needs .*loopback HOST' },
    { env: { AUTH_MODE: 'open', ...server }, names: 'AUTH_MODE: open needs the embedded engine' },
    { env: { AUTH_MODE: 'none' }, names: 'AUTH_MODE' },
    { env: { STANDINGS_ACCESS: 'private' }, names: 'STANDINGS_ACCESS' },
    { env: { BOOTSTRAP_ADMIN_TOKEN: 'short' }, names: 'BOOTSTRAP_ADMIN_TOKEN: at least 32 characters' },
    { env: { RATE_LIMIT_PER_MINUTE: '0' }, names: 'RATE_LIMIT_PER_MINUTE' },
  ])('stops on $env, naming the variable', ({ env, names }) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`invalid environment: .*${names}`));
  });
});

describe('CLOCK_START: the product runs as of a chosen instant', () => {
  it('starts the clock at that instant and lets it run', async () => {
    const { clockStart } = parseConfig({ CLOCK_START: '2026-11-24T10:00:00+08:00' });
    const now = clockFrom(clockStart);
    const first = now().getTime();
    expect(Math.abs(first - Date.parse('2026-11-24T02:00:00Z'))).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(now().getTime() - first).toBeGreaterThanOrEqual(25);
  });

  it('is the machine clock when unset', () => {
    expect(parseConfig({}).clockStart).toBeUndefined();
    expect(clockFrom(undefined)).toBe(systemClock);
  });

  it('needs the offset, and says so', () => {
    expect(() => parseConfig({ CLOCK_START: '2026-11-24T10:00:00' })).toThrow(
      /CLOCK_START: an ISO date-time with its offset/,
    );
  });
});

describe('ALLOWED_HOSTS', () => {
  it.each([
    { env: {}, hosts: [] },
    { env: { ALLOWED_HOSTS: '' }, hosts: [] },
    {
      env: { ALLOWED_HOSTS: ' Leaderboard.Example.com , api:3000,[fd00::1]:8080,, my_api ' },
      hosts: [
        { name: 'leaderboard.example.com', port: undefined },
        { name: 'api', port: 3000 },
        { name: 'fd00::1', port: 8080 },
        { name: 'my_api', port: undefined },
      ],
    },
    // A named listen address is a name of the server too; an address or a wildcard needs no entry.
    { env: { HOST: 'board.lan', AUTH_MODE: 'tokens' }, hosts: [{ name: 'board.lan', port: undefined }] },
    { env: { HOST: '0.0.0.0', AUTH_MODE: 'tokens' }, hosts: [] },
  ])('$env', ({ env, hosts }) => {
    expect(parseConfig(env).allowedHosts).toEqual(hosts);
  });

  it.each(['http://leaderboard.example.com', 'a b', 'host:99999', 'host:', '*.example.com'])(
    'stops on %s, naming the variable and the entry',
    (value) => {
      expect(() => parseConfig({ ALLOWED_HOSTS: value })).toThrow(
        `ALLOWED_HOSTS: "${value}" is not a host name or host:port`,
      );
    },
  );
});
