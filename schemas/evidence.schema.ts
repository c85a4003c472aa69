import { z } from 'zod';

/**
 * What `evidence: string[]` arrays carry: the SHA-256 of the stored bytes (after an image's
 * re-encoding), so the same file is stored once and an id cannot be guessed from a crew or a date.
 */
export const EvidenceId = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'an evidence id: sha256: and 64 lowercase hex digits, as POST /v1/evidence answers');
export type EvidenceId = z.infer<typeof EvidenceId>;

/** The kinds of file evidence may be: photos, and PDF for documents (an innovation's write-up). */
export const EvidenceContentType = z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
export type EvidenceContentType = z.infer<typeof EvidenceContentType>;

export const EvidenceStored = z.object({
  id: EvidenceId,
  contentType: EvidenceContentType,
  bytes: z.number().int().nonnegative().describe('the size of the stored file (after re-encoding)'),
  width: z.number().int().positive().optional().describe('images: pixels across, after turning upright'),
  height: z.number().int().positive().optional(),
});
export type EvidenceStored = z.infer<typeof EvidenceStored>;
