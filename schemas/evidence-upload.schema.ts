import { z } from 'zod';
import { EvidenceId } from './evidence.schema.ts';

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
