import { z } from 'zod';
import { UsageError } from './cli-errors.ts';

const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

/** The only environment the CLI reads; everything else comes from flags. */
export const CliEnv = z.object({
  LEADERBOARD_URL: z.preprocess(blankAsUnset, z.url().default('http://127.0.0.1:3000')),
  LEADERBOARD_TOKEN: z.preprocess(blankAsUnset, z.string().optional()),
  // https://no-color.org: any non-empty value turns colour off.
  NO_COLOR: z.preprocess(blankAsUnset, z.string().optional()),
});

export interface CliConfig {
  /** Without a trailing slash, so paths can be appended. */
  serverUrl: string;
  token: string | undefined;
  noColor: boolean;
}

/** Environment first, then --server and --token over it. A bad value is a usage error (exit 2). */
export function loadCliConfig(
  env: Record<string, string | undefined>,
  flags: { server?: string | undefined; token?: string | undefined },
): CliConfig {
  const parsed = CliEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UsageError(`环境变量无效 / invalid environment: ${problems}`);
  }
  let serverUrl = parsed.data.LEADERBOARD_URL;
  if (flags.server !== undefined) {
    if (!z.url({ protocol: /^https?$/ }).safeParse(flags.server).success) {
      throw new UsageError(`--server 需要 http(s) 地址 / --server needs an http(s) URL, got "${flags.server}"`);
    }
    serverUrl = flags.server;
  }
  const token = flags.token ?? parsed.data.LEADERBOARD_TOKEN;
  return {
    serverUrl: serverUrl.replace(/\/+$/, ''),
    token: token === '' ? undefined : token,
    noColor: parsed.data.NO_COLOR !== undefined,
  };
}
