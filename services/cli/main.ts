import { runCli } from './run-cli.ts';

// Only wiring: the process's arguments, environment, streams and fetch. The work is in run-cli.ts.

// `leaderboard standings x | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: (url, init) => fetch(url, init),
  onInterrupt: (handler) => {
    const onSignal = () => {
      handler();
      // 130: killed by Ctrl-C, as shells report it. The checkpoint on disk is always whole (renamed into place).
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    return () => process.off('SIGINT', onSignal);
  },
});
