/** The command line itself is wrong (unknown command or flag, a missing file): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The input or the server said no, and the command has already printed why (every YAML problem,
 * every bad CSV row): exit code 1 without another message.
 */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
