import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';

export const ImportCounts = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

/**
 * Where an events import stands after its last acknowledged batch. The file is identified by
 * size and modification time: if either changed, the offsets mean nothing any more.
 */
export const Checkpoint = z.object({
  version: z.literal(1),
  format: z.enum(['ndjson', 'csv']),
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  /** The byte just after the last line the server acknowledged (or that was rejected locally). */
  offset: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
  /** Length of the rejected file at that point: a resumed run cuts what a crashed one wrote after it. */
  rejectedBytes: z.number().int().nonnegative(),
  counts: ImportCounts,
  savedAt: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const checkpointPath = (file: string): string => `${file}.import-state.json`;
export const rejectedPath = (file: string): string => `${file}.rejected.ndjson`;

export type FoundCheckpoint =
  { kind: 'none' } | { kind: 'found'; checkpoint: Checkpoint } | { kind: 'unreadable'; reason: string };

export async function readCheckpoint(path: string): Promise<FoundCheckpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { kind: 'none' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  const parsed = Checkpoint.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'unreadable',
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { kind: 'found', checkpoint: parsed.data };
}

export type StartDecision =
  | { kind: 'fresh'; discarded: boolean }
  | { kind: 'resume'; checkpoint: Checkpoint }
  | { kind: 'refuse'; message: string };

/** Fresh, resume, or refuse: a changed file is never resumed at an old offset, only restarted on request. */
export function decideStart(
  found: FoundCheckpoint,
  file: { size: number; mtimeMs: number },
  format: Checkpoint['format'],
  restart: boolean,
): StartDecision {
  if (restart) return { kind: 'fresh', discarded: found.kind !== 'none' };
  if (found.kind === 'none') return { kind: 'fresh', discarded: false };
  const again =
    '用 --restart 从头导入（已入库的事件会被识别为重复，不会重复计数）/ run with --restart to import it from the start (events already stored come back as duplicates, never counted twice)';
  if (found.kind === 'unreadable') {
    return { kind: 'refuse', message: `断点文件无法读取 / the checkpoint cannot be read (${found.reason}); ${again}` };
  }
  const { checkpoint } = found;
  if (checkpoint.size !== file.size || checkpoint.mtimeMs !== file.mtimeMs || checkpoint.format !== format) {
    return {
      kind: 'refuse',
      message: `文件在上次中断的导入之后改变了（${checkpoint.size} → ${file.size} 字节）/ the file changed since the interrupted import (size ${checkpoint.size} → ${file.size} bytes, modified ${new Date(checkpoint.mtimeMs).toISOString()} → ${new Date(file.mtimeMs).toISOString()}); ${again}`,
    };
  }
  return { kind: 'resume', checkpoint };
}

/**
 * Written to a temporary file and renamed over the old one: rename is atomic, so a crash (or
 * Ctrl-C) at any moment leaves either the previous checkpoint or the new one, never half of one.
 * No fsync: the process dying is what this guards against, not the machine losing power.
 */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(temporary, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
