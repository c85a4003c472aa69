import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port, from the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface Service {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends a signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * The environment of a service process. In a run with the system date moved by libfaketime
 * (scripts/faketime-test.sh) the service gets the moved date as its CLOCK_START instead (unless the
 * test fixes one): the product reads the date only through its clock (services/shared/clock.ts),
 * which then runs from the same instant at the same speed, while libfaketime inside the process
 * slows its embedded ClickHouse 30 to 100 times (its threads queue for every clock read), so
 * that it would not even come up within the tests' waits.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (merged['LD_PRELOAD']?.includes('libfaketime')) {
    delete merged['LD_PRELOAD'];
    merged['CLOCK_START'] ??= new Date().toISOString();
  }
  return merged;
}

/** Starts one of the project's entry points as a user would, with tsx. */
export function spawnService(entry: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** GET base + path as JSON; a non-2xx answer throws with its body (for waitFor and assertions). */
export async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Calls a started service's API as JSON (with a token when given); a non-2xx answer throws with its body. */
export function apiCaller(base: string, token?: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/**
 * `npm start`'s process as the documentation runs it: the embedded engine in `dataDir`, access
 * control on with `adminToken` as the first admin, straight to ClickHouse whatever the run's
 * environment says about Kafka; `env` adds or overrides variables (CLOCK_START, DEMO, …).
 */
export function spawnApiWithAdmin(options: {
  dataDir: string;
  port: number;
  adminToken: string;
  env?: Record<string, string>;
}): Service {
  return spawnService('services/api/main.ts', {
    DATA_DIR: options.dataDir,
    PORT: String(options.port),
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: options.adminToken,
    KAFKA_BROKERS: '',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
}
