import { z } from 'zod';

/** A stored photo or file: the SHA-256 of its stored bytes (the same bytes are stored once). */
export const EvidenceId = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'an evidence id is "sha256:" and 64 lowercase hex digits')
  .describe('证据编号: sha256:<64 hex of the stored bytes>, as POST /v1/evidence answers');
export type EvidenceId = z.infer<typeof EvidenceId>;
