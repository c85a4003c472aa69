import type { Logger } from 'pino';

/** On SIGINT or SIGTERM (once): log, run close (drain what is in flight), exit 0. */
export function exitOnSignals(logger: Logger, what: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, `shutting down: ${what}`);
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
