import { pino } from 'pino';
import { buildDemoOrg } from '../demo/demo-org.ts';
import { createRng, hashSeed } from '../demo/prng.ts';
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

  const loop = createSimulateLoop({
    config,
    org: buildDemoOrg(),
    fetch: (url, init) => fetch(url, init),
    clock: systemClock,
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
