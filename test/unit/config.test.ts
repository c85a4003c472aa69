import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/api/config.ts';

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
  ])('stops on $env, naming the variable', ({ env, names }) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`invalid environment: .*${names}`));
  });
});
