import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceId } from '../../schemas/evidence.schema.ts';
import { evidenceHex, evidenceIdOf, type EvidenceStore } from './evidence-store.ts';

/**
 * The embedded default: a folder beside the data (DATA_DIR/evidence), one file per content hash
 * under a two-digit fan-out folder (ab/abcdef…), so no folder grows past a few thousand entries.
 */
export function createLocalEvidenceStore(
  dir: string,
  fs: { writeFile: typeof writeFile } = { writeFile },
): EvidenceStore {
  const pathOf = (id: EvidenceId) => {
    const hex = evidenceHex(id);
    return join(dir, hex.slice(0, 2), hex);
  };
  return {
    where: dir,
    async put(id, bytes) {
      // The id is the caller's claim: a file stored under a wrong hash would be served for another.
      if (evidenceIdOf(bytes) !== id) throw new Error(`evidence bytes do not hash to ${id}`);
      const path = pathOf(id);
      if (await exists(path)) return;
      await mkdir(join(path, '..'), { recursive: true });
      // Written whole under a temporary name, then renamed (atomic on one file system): a crash
      // or a full disk mid-write leaves a stray .tmp, never a half file under the id.
      const temp = `${path}.${randomUUID()}.tmp`;
      try {
        await fs.writeFile(temp, bytes, { flag: 'wx' });
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async get(id) {
      try {
        return new Uint8Array(await readFile(pathOf(id)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async close() {},
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
