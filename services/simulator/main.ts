import { pino } from 'pino';
import { Org } from '../../schemas/org.schema.ts';
import { createRng, hashSeed } from '../demo/prng.ts';
import { clockFrom } from '../shared/clock.ts';
import { loadSimulatorConfig, type SimulatorConfig } from './config.ts';
import { createSimulateLoop, systemClock } from './simulate-loop.ts';

const logger = pino({ name: 'simulator' });

async function main(): Promise<number> {
  let config: SimulatorConfig;
  try {
    config = loadSimulatorConfig(process.env);
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    return 1;
  }

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C means the user does not want to wait for the in-flight request.
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(130);
    }
    logger.info({ signal }, 'stopping');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // With access control on, every request carries the token.
  const authorized: typeof fetch = (url, init = {}) => {
    const headers = new Headers(init.headers);
    if (config.apiToken !== undefined) headers.set('authorization', `Bearer ${config.apiToken}`);
    return fetch(url, { ...init, headers });
  };

  // The crews of the running API's registry, whatever loaded it (the demo or PUT /v1/org).
  let org: Org;
  try {
    const response = await authorized(`${config.apiUrl}/v1/org`);
    if (!response.ok) throw new Error(`GET /v1/org answered HTTP ${response.status}`);
    org = Org.parse(await response.json());
  } catch (error) {
    logger.fatal(
      { err: error },
      `cannot read the registry from ${config.apiUrl}: is "npm start" running there, with crews registered?`,
    );
    return 1;
  }
  if (org.crews.length === 0) {
    logger.fatal('the registry has no crews: register some with PUT /v1/org first');
    return 1;
  }

  const loop = createSimulateLoop({
    config,
    org,
    fetch: (url, init) => authorized(url, init),
    clock: systemClock,
    eventTime: clockFrom(config.clockStart),
    logger,
    // A fresh seed per run: live event ids must not repeat those of an earlier run.
    rng: createRng(hashSeed(Date.now(), process.pid)),
  });
  try {
    await loop.run(controller.signal);
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'simulator stopped on an error');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
