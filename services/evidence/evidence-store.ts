import { createHash } from 'node:crypto';
import type { EvidenceId } from '../../schemas/evidence.schema.ts';

/**
 * Where evidence files live: only their bytes, addressed by their SHA-256. Who uploaded a file
 * for which crew, its type and size are metadata in ClickHouse (evidence.store.ts); the bytes
 * never go into ClickHouse rows or Kafka messages.
 */
export interface EvidenceStore {
  /** Where it stores, for the log and /readyz (a folder, or an S3 bucket's address). */
  readonly where: string;
  /** Stores the bytes under their id; the same bytes again change nothing. */
  put(id: EvidenceId, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes stored under an id; undefined when there are none. */
  get(id: EvidenceId): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

export function evidenceIdOf(bytes: Uint8Array): EvidenceId {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The 64 hex digits of an id (the file or object name). */
export function evidenceHex(id: EvidenceId): string {
  return id.slice('sha256:'.length);
}
