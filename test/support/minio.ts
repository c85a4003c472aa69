import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './spawn-service.ts';

const REPO = join(import.meta.dirname, '..', '..');
const LOCAL_BIN = join(REPO, '.minio-local', 'bin', 'minio');

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/** The MinIO server binary: MINIO_BIN, else the one infra/minio/local.sh install built. */
export function minioBinary(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['MINIO_BIN'];
  if (configured !== undefined && configured !== '') {
    if (!existsSync(configured)) throw new Error(`MINIO_BIN=${configured}: no such file`);
    return configured;
  }
  if (existsSync(LOCAL_BIN)) return LOCAL_BIN;
  // Failing, not skipping: a store nobody tested against a real server is not known to work.
  throw new Error(
    `no MinIO server binary for the S3 evidence store tests: run infra/minio/local.sh install ` +
      `(builds it with Go from the Go module proxy into ${LOCAL_BIN}), or set MINIO_BIN to a MinIO server binary`,
  );
}

/**
 * Whether this machine has a MinIO server binary. Building one from source takes 10–20 minutes on
 * two cores, which CI's 20-minute budget cannot hold (.ci/run does not build it), so the S3 tests
 * run where one is installed and say in their names why they did not run elsewhere.
 */
export function minioMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    minioBinary(env);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A real MinIO server on a free loopback port with a data folder of its own; ready when this resolves. */
export async function startMinio(): Promise<MinioServer> {
  const bin = minioBinary();
  const port = await freePort();
  const consolePort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'minio-test-'));
  const accessKey = 'evidence-test';
  const secretKey = 'evidence-test-secret-0123456789';
  const child = spawn(
    bin,
    ['server', dir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'],
    {
      env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_BROWSER: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MinIO (${bin}) exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${endpoint}/minio/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`MinIO did not answer on ${endpoint} within 60 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint, accessKey, secretKey, stop };
}
