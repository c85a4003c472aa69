import { runApply } from './apply.command.ts';
import { parseCommandLine, type Invocation } from './cli-args.ts';
import { loadCliConfig } from './cli-config.ts';
import { CommandFailed, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UsageError } from './cli-errors.ts';
import { CLI_NAME } from './cli-name.ts';
import { createOutput, type Output } from './cli-output.ts';
import { runClose } from './close.command.ts';
import { nodeFiles, type CommandDeps, type Files } from './command-deps.ts';
import { usage } from './help.ts';
import { runHistory } from './history.command.ts';
import { ConnectionError, createHttpClient, HttpError, UnexpectedAnswerError, type FetchLike } from './http-client.ts';
import { runImport } from './import.command.ts';
import { runLate, runPeriods } from './periods.command.ts';
import { runPreview } from './preview.command.ts';
import { runPublish } from './publish.command.ts';
import { runShow } from './show.command.ts';
import { runStandings } from './standings.command.ts';
import { runTokensCreate, runTokensList, runTokensRevoke, runWhoAmI } from './tokens.command.ts';

interface WritableLike {
  write: (text: string) => unknown;
  isTTY?: boolean;
}

export interface CliEnvironment {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdout: WritableLike;
  stderr: WritableLike;
  fetch: FetchLike;
  files?: Files;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onInterrupt?: (handler: () => void) => () => void;
}

const TOKEN_HINT =
  '提示：用 --token 或环境变量 LEADERBOARD_TOKEN 提供有权限的令牌 / hint: give a token with the right role via --token or LEADERBOARD_TOKEN';

/** Prints an error the way every command does and returns the exit code. */
export function reportError(out: Output, error: unknown): number {
  if (error instanceof UsageError) {
    out.err(`用法错误 / usage error: ${error.message}`);
    out.err(`运行 ${CLI_NAME} help 查看用法 / run "${CLI_NAME} help" for usage`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailed) return EXIT_REFUSED;
  if (error instanceof HttpError) {
    out.err(`服务器拒绝 / the server said no: HTTP ${error.status} ${error.code}: ${error.serverMessage}`);
    if (Array.isArray(error.details)) {
      for (const detail of error.details.slice(0, 50)) {
        const d = detail as { path?: unknown; message?: unknown };
        if (typeof d.message === 'string') out.err(`  ${typeof d.path === 'string' ? `${d.path}: ` : ''}${d.message}`);
      }
    }
    if (error.status === 401 || error.status === 403) out.err(TOKEN_HINT);
    return EXIT_REFUSED;
  }
  if (error instanceof ConnectionError) {
    out.err(
      `无法连接服务器 ${error.serverUrl}（${error.reason}）：npm start 是否在运行？/ cannot reach the server at ${error.serverUrl} (${error.reason}): is \`npm start\` running?`,
    );
    out.err('服务器地址用 --server 或 LEADERBOARD_URL 指定 / set the address with --server or LEADERBOARD_URL');
    return EXIT_REFUSED;
  }
  if (error instanceof UnexpectedAnswerError) {
    out.err(error.message);
    return EXIT_REFUSED;
  }
  out.err(`意外错误 / unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_REFUSED;
}

async function dispatch(
  invocation: Exclude<Invocation, { command: 'help' }>,
  deps: CommandDeps & Required<Pick<CliEnvironment, 'now' | 'sleep'>> & Pick<CliEnvironment, 'onInterrupt'>,
): Promise<void> {
  switch (invocation.command) {
    case 'apply':
      return runApply(deps, invocation);
    case 'preview':
      return runPreview(deps, invocation);
    case 'publish':
      return runPublish(deps, invocation);
    case 'close':
      return runClose(deps, invocation);
    case 'periods':
      return runPeriods(deps, invocation);
    case 'late':
      return runLate(deps, invocation);
    case 'history':
      return runHistory(deps, invocation);
    case 'show':
      return runShow(deps, invocation);
    case 'standings':
      return runStandings(deps, invocation);
    case 'import':
      return runImport(deps, invocation);
    case 'tokens create':
      return runTokensCreate(deps, invocation);
    case 'tokens list':
      return runTokensList(deps);
    case 'tokens revoke':
      return runTokensRevoke(deps, invocation);
    case 'whoami':
      return runWhoAmI(deps);
  }
}

/** The whole CLI as a function of its environment: main.ts passes the process's, tests their own. */
export async function runCli(environment: CliEnvironment): Promise<number> {
  let out = createOutput({ stdout: environment.stdout, stderr: environment.stderr, noColor: true });
  try {
    const commandLine = parseCommandLine(environment.argv);
    const config = loadCliConfig(environment.env, { server: commandLine.server, token: commandLine.token });
    out = createOutput({ stdout: environment.stdout, stderr: environment.stderr, noColor: config.noColor });
    const { invocation } = commandLine;
    if (invocation.command === 'help') {
      out.out(usage(invocation.topic));
      return EXIT_OK;
    }
    const http = createHttpClient({ serverUrl: config.serverUrl, token: config.token, fetch: environment.fetch });
    await dispatch(invocation, {
      http,
      out,
      files: environment.files ?? nodeFiles,
      now: environment.now ?? Date.now,
      sleep: environment.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      onInterrupt: environment.onInterrupt,
    });
    return EXIT_OK;
  } catch (error) {
    return reportError(out, error);
  }
}
