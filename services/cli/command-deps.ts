import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './cli-errors.ts';
import type { Output } from './cli-output.ts';
import type { HttpClient } from './http-client.ts';

export interface Files {
  /** The text of a file. */
  readText: (path: string) => Promise<string>;
  /** Its size in bytes, to refuse a file before reading it (optional: the text is checked anyway). */
  size?: (path: string) => Promise<number>;
}

/** What most commands need; each command takes only this and its Invocation. */
export interface CommandDeps {
  http: HttpClient;
  out: Output;
  files: Files;
}

export function missingFile(path: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return new UsageError(`找不到文件 / file not found: ${path}`);
  if (code === 'EISDIR') return new UsageError(`这是目录，不是文件 / ${path} is a directory, not a file`);
  if (code === 'EACCES') return new UsageError(`无权读取 / cannot read ${path}: permission denied`);
  return error instanceof Error ? error : new Error(String(error));
}

export const nodeFiles: Files = {
  readText: (path) => readFile(path, 'utf8'),
  size: async (path) => (await stat(path)).size,
};

/** Reads a file the user named; a missing one is a usage error (exit 2), whatever Files reads from. */
export async function readUserFile(files: Files, path: string): Promise<string> {
  try {
    return await files.readText(path);
  } catch (error) {
    throw missingFile(path, error);
  }
}
